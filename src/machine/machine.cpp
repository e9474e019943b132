#include "machine/machine.hpp"

#include "machine/compiler.hpp"

namespace popek::machine {

using model::Bits;
using model::width_mask;

Machine::Machine(std::shared_ptr<const model::Model> m) : m_(std::move(m)), decoder_(*m_) {
  const model::Model& md = *m_;
  cells_.assign(md.nslots, 0);
  uint64_t total = 0;
  for (const model::Memory& mem : md.mems) {
    mem_base_.push_back(total);
    total += mem.size;
  }
  mem_.assign(total, 0);
  Compiler c(md, cells_, mem_base_);
  fetch_ = c.compile(md.fetch);
  trap_entry_ = c.compile(md.trap_entry);
  for (const model::Instruction& i : md.insns) {
    insns_.push_back(c.compile(i.sem, static_cast<unsigned>(i.enc.fields.size())));
    max_fields_ = std::max(max_fields_, static_cast<unsigned>(i.enc.fields.size()));
  }
  single_unit_ = decoder_.max_units() == 1 && md.fetch_unit <= 64;
  if (single_unit_) {
    cache_.assign(kCacheSize, CacheEntry{});
    cache_fields_.assign(size_t{kCacheSize} * max_fields_, 0);
  }
  log_.reserve(64);
  reset();
}

void Machine::reset() {
  for (const model::Register& r : m_->regs)
    for (unsigned i = 0; i < r.count; ++i) cells_[r.slot + i] = r.reset;
  std::fill(mem_.begin(), mem_.end(), 0);
  log_.clear();
}

void Machine::set_reg(unsigned r, uint64_t v, unsigned i) {
  cells_[m_->regs[r].slot + i] = v & width_mask(m_->regs[r].width);
}

void Machine::set_mem(unsigned memory, uint64_t addr, uint64_t v) {
  const model::Memory& mem = m_->mems[memory];
  mem_[mem_base_[memory] + (addr & (mem.size - 1))] = v & width_mask(mem.unit);
}

std::pair<unsigned, uint64_t> Machine::locate(uint64_t flat) const {
  unsigned i = 0;
  while (i + 1 < mem_base_.size() && flat >= mem_base_[i + 1]) ++i;
  return {i, flat - mem_base_[i]};
}

std::pair<unsigned, unsigned> Machine::reg_of_cell(uint64_t cell) const {
  for (size_t r = 0; r < m_->regs.size(); ++r) {
    const model::Register& reg = m_->regs[r];
    if (cell >= reg.slot && cell < reg.slot + reg.count)
      return {static_cast<unsigned>(r), static_cast<unsigned>(cell - reg.slot)};
  }
  return {0, 0};
}

void Machine::rollback() {
  for (auto it = log_.rbegin(); it != log_.rend(); ++it) {
    if (it->memory) mem_[it->loc] = it->before;
    else cells_[it->loc] = it->before;
  }
  log_.clear();
}

void Machine::set_logged(uint32_t cell, uint64_t v) {
  log_.push_back({false, cell, cells_[cell]});
  cells_[cell] = v;
}

void Machine::load_fields(int insn, Bits raw) {
  const model::Encoding& enc = m_->insns[static_cast<size_t>(insn)].enc;
  uint32_t base = insns_[static_cast<size_t>(insn)].fields;
  for (unsigned f = 0; f < enc.fields.size(); ++f) cells_[base + f] = enc.extract(f, raw);
}

uint32_t Machine::decode_cached(Bits raw) {
  const uint64_t key = static_cast<uint64_t>(raw);
  const size_t slot = (key * 0x9E3779B97F4A7C15ull) >> 52;  // 4096 entries
  CacheEntry& e = cache_[slot];
  uint64_t* fields = &cache_fields_[slot * max_fields_];
  if (e.insn == -2 || e.raw != key) {
    auto r = decoder_.lookup(raw, 1);
    e.raw = key;
    e.insn = r.kind == model::Decoder::Result::Match ? r.insn : -1;
    if (e.insn >= 0) {
      const model::Encoding& enc = m_->insns[static_cast<size_t>(e.insn)].enc;
      for (unsigned f = 0; f < enc.fields.size(); ++f) fields[f] = enc.extract(f, raw);
    }
  }
  if (e.insn >= 0) {
    uint32_t base = insns_[static_cast<size_t>(e.insn)].fields;
    size_t n = m_->insns[static_cast<size_t>(e.insn)].enc.fields.size();
    for (size_t f = 0; f < n; ++f) cells_[base + f] = fields[f];
  }
  return static_cast<uint32_t>(e.insn);
}

Outcome Machine::execute() {
  log_.clear();
  pc_written_ = false;
  Outcome o;
  const model::Model& md = *m_;
  const unsigned unit = md.fetch_unit;
  const uint64_t param_mask = width_mask(md.fetch.locals[0].width);
  Bits raw = 0;
  unsigned units = 0;
  int insn = -1;
  for (;;) {
    cells_[fetch_.params[0]] = (units * md.fetch_step) & param_mask;
    if (exec(fetch_) != Status::Done) {
      rollback();
      o.kind = Outcome::Trapped;
      o.cause = static_cast<unsigned>(trap_cause_);
      o.arg = trap_arg_;
      o.memory = trap_memory_;
      o.raw = raw;
      return o;
    }
    raw = (raw << unit) | cells_[fetch_.result];
    ++units;
    if (single_unit_) {
      insn = static_cast<int32_t>(decode_cached(raw));
      break;
    }
    auto r = decoder_.lookup(raw, units);
    if (r.kind == model::Decoder::Result::Match) {
      insn = r.insn;
      load_fields(insn, raw);
      break;
    }
    if (r.kind == model::Decoder::Result::None || units >= decoder_.max_units()) break;
  }
  o.raw = raw;
  if (insn < 0) {
    o.kind = Outcome::Trapped;
    o.cause = static_cast<unsigned>(md.undefined_trap);
    return o;
  }
  o.insn = insn;
  o.units = units;
  Status s = exec(insns_[static_cast<size_t>(insn)]);
  if (s == Status::Trap) {
    rollback();
    o.kind = Outcome::Trapped;
    o.cause = static_cast<unsigned>(trap_cause_);
    o.arg = trap_arg_;
    o.memory = trap_memory_;
    return o;
  }
  if (!pc_written_) {
    const model::Register& pc = md.regs[md.pc_reg];
    set_logged(pc.slot, (cells_[pc.slot] + units * md.fetch_step) & width_mask(pc.width));
  }
  o.kind = s == Status::Halt ? Outcome::Halted : Outcome::Completed;
  return o;
}

void Machine::enter_trap(const Outcome& o) {
  cells_[trap_entry_.params[0]] = m_->traps[o.cause].code;
  cells_[trap_entry_.params[1]] = o.arg;
  exec(trap_entry_);  // the checker guarantees the trap entry neither traps nor halts
}

Outcome Machine::step() {
  Outcome o = execute();
  if (o.kind == Outcome::Trapped) enter_trap(o);
  return o;
}

Machine::RunResult Machine::run(uint64_t max_steps) {
  RunResult r;
  while (r.steps < max_steps) {
    r.last = step();
    ++r.steps;
    if (r.last.kind == Outcome::Halted) {
      r.halted = true;
      break;
    }
  }
  return r;
}

} // namespace popek::machine
