#include "machine/machine.hpp"

#include "machine/compiler.hpp"

#include <algorithm>

namespace popek::machine {

using model::Bits;
using model::width_mask;

Machine::Machine(std::shared_ptr<const model::Model> m, Engine engine) : m_(std::move(m)), decoder_(*m_) {
  const model::Model& md = *m_;
  cells_.assign(md.nslots, 0);
  shadows_.resize(md.regs.size());
  layout_.shadows.resize(md.regs.size());
  for (size_t r = 0; r < md.regs.size(); ++r) {
    const model::Register& reg = md.regs[r];
    if (reg.file) continue; // fields of file entries are extracted when read
    for (const model::RegField& f : reg.fields) {
      cells_.push_back(0);
      uint32_t cell = static_cast<uint32_t>(cells_.size() - 1);
      layout_.shadows[r].push_back(cell);
      shadows_[r].push_back({cell, f.lo, width_mask(f.hi - f.lo + 1)});
    }
  }
  layout_.state_end = static_cast<uint32_t>(cells_.size());
  uint64_t total = 0;
  for (const model::Memory& mem : md.mems) {
    layout_.mem_base.push_back(total);
    total += mem.size;
  }
  mem_.assign(total, 0);
  Compiler c(md, cells_, layout_);
  code_ = compile_counted(c);
  if (md.vmm.present) {
    vmm_map_ = c.compile(md.vmm.map);
    vmm_reset_ = c.compile(md.vmm.reset);
    vmm_wellformed_ = c.compile(md.vmm.wellformed);
  }
  system_mask_.assign(md.nslots, 0);
  reg_of_cell_.assign(md.nslots, 0);
  for (size_t r = 0; r < md.regs.size(); ++r) {
    const model::Register& reg = md.regs[r];
    for (unsigned i = 0; i < reg.count; ++i) {
      system_mask_[reg.slot + i] = reg.vmm_bits();
      reg_of_cell_[reg.slot + i] = static_cast<uint32_t>(r);
    }
  }
  unsigned most = 0;
  for (size_t i = 0; i < md.insns.size(); ++i) {
    max_fields_ = std::max(max_fields_, static_cast<unsigned>(md.insns[i].enc.fields.size()));
    most = std::max(most, code_.insns[i].max_writes);
  }
  single_unit_ = decoder_.max_units() == 1 && md.fetch_unit <= 64;
  if (single_unit_) {
    cache_owner_ = std::make_shared<std::vector<CacheEntry>>(kCacheSize);
    cache_ = cache_owner_->data();
  }
  field_buf_.assign(max_fields_ + 1, 0);
  // Fetch never writes; one instruction, the pc advance, then (after a
  // rollback) the trap entry: the log never holds more than this.
  // A step: one instruction and the pc advance, or (after a rollback) the trap
  // entry; the vmm routines may append theirs without ending the step's log.
  log_.resize(std::max<size_t>(most + 1, code_.trap_entry.max_writes) + vmm_map_.max_writes + vmm_reset_.max_writes +
              1);
  if (engine == Engine::Auto) {
    native_ = find_native(md.source_hash);
    if (native_ && native_->ninsns != md.insns.size()) native_ = nullptr;
  }
  pc_slot_ = md.regs[md.pc_reg].slot;
  pc_mask_ = width_mask(md.regs[md.pc_reg].width);
  pc_has_fields_ = !native_ && !shadows_[md.pc_reg].empty();
  for (unsigned r = 0; r < md.regs.size(); ++r)
    if (!shadows_[r].empty()) shadowed_.push_back(r);
  for (const Compiled* c : {&vmm_map_, &vmm_wellformed_})
    for (const Operation& op : c->ops) vmm_reads_memory_ |= op.code == Code::MemRead || op.code == Code::MemReadN;
  ctx_.regs = cells_.data(); // registers are the first cells
  ctx_.mem = mem_.data();
  ctx_.log = log_.data();
  reset();
}

Machine::Counted Machine::compile_counted(Compiler& c) {
  const model::Model& md = *m_;
  Counted k;
  k.fetch = c.compile(md.fetch);
  k.fetch0 = c.compile(md.fetch, 0, {uint64_t{0}});
  k.trap_entry = c.compile(md.trap_entry);
  for (const model::Instruction& i : md.insns)
    k.insns.push_back(c.compile(i.sem, static_cast<unsigned>(i.enc.fields.size())));
  return k;
}

void Machine::set_coverage(uint8_t* counters) {
  ctx_.cov = counters; // native code tests it at every arm
  const bool want = counters != nullptr;
  if (native_ || want == counting_) return;
  // The interpreter's normal code has no counting at all: switch to a variant
  // compiled with it, made once. Both variants read and write the same register
  // cells; each has its own field cells, which use_fields fills on every
  // instruction, so the decoded-instruction cache (field values) stays valid.
  if (!other_) {
    const model::Branches b = model::number_branches(*m_);
    Compiler c(*m_, cells_, layout_, &b);
    other_ = std::make_unique<Counted>(compile_counted(c));
    ctx_.regs = cells_.data(); // compiling appended cells: the array may have moved
  }
  std::swap(code_, *other_);
  counting_ = want;
}

void Machine::share_decode_cache(const Machine& other) {
  if (m_ != other.m_ || !single_unit_ || !other.cache_owner_) return;
  cache_owner_ = other.cache_owner_;
  cache_ = cache_owner_->data();
}

void Machine::refresh(unsigned reg) {
  uint64_t v = cells_[m_->regs[reg].slot];
  for (const Shadow& s : shadows_[reg]) cells_[s.cell] = (v >> s.lo) & s.mask;
}

void Machine::refresh_all() {
  for (unsigned r : shadowed_) refresh(r);
}

void Machine::reset() {
  reset_registers();
  std::fill(mem_.begin(), mem_.end(), 0);
}

void Machine::reset_registers() {
  for (unsigned r = 0; r < m_->regs.size(); ++r) {
    const model::Register& reg = m_->regs[r];
    for (unsigned i = 0; i < reg.count; ++i) cells_[reg.slot + i] = reg.reset_of(i);
  }
  sync_shadows();
  ctx_.log_n = 0;
}

void Machine::set_reg(unsigned r, uint64_t v, unsigned i) {
  cells_[m_->regs[r].slot + i] = v & width_mask(m_->regs[r].width);
  if (!native_) refresh(r);
}

std::pair<unsigned, unsigned> Machine::reg_of_cell(uint64_t cell) const {
  unsigned r = reg_of_cell_[cell];
  return {r, static_cast<unsigned>(cell - m_->regs[r].slot)};
}

void Machine::set_cell(uint32_t cell, uint64_t v) {
  unsigned r = reg_of_cell_[cell];
  cells_[cell] = v & width_mask(m_->regs[r].width);
  if (!native_ && !shadows_[r].empty()) refresh(r);
}

void Machine::rollback() {
  for (size_t i = ctx_.log_n; i-- > 0;) {
    const Change& c = log_[i];
    if (c.memory)
      mem_[c.loc] = c.before;
    else
      cells_[c.loc] = c.before;
  }
  ctx_.log_n = 0;
  sync_shadows();
}

// Makes an instruction's fields visible to the engine that will run it.
void Machine::use_fields(int insn, const uint64_t* fields, size_t n) {
  ctx_.fields = fields;
  if (!native_) {
    uint32_t base = code_.insns[static_cast<size_t>(insn)].fields;
    for (size_t f = 0; f < n; ++f) cells_[base + f] = fields[f];
  }
}

void Machine::load_fields(int insn, Bits raw) {
  const model::Encoding& enc = m_->insns[static_cast<size_t>(insn)].enc;
  for (unsigned f = 0; f < enc.fields.size(); ++f) field_buf_[f] = enc.extract(f, raw);
  use_fields(insn, field_buf_.data(), enc.fields.size());
}

int Machine::decode_cached(uint64_t raw) {
  CacheEntry& e = cache_[(raw * 0x9E3779B97F4A7C15ull) >> 52]; // 4096 entries
  if (e.insn == -2 || e.raw != raw) {
    auto r = decoder_.lookup(raw, 1);
    int insn = r.kind == model::Decoder::Result::Match ? r.insn : -1;
    if (insn >= 0 && m_->insns[static_cast<size_t>(insn)].enc.fields.size() > kCacheFields) {
      load_fields(insn, raw); // too many fields to cache
      return insn;
    }
    e.raw = raw;
    e.insn = insn;
    e.nfields = 0;
    if (insn >= 0) {
      const model::Encoding& enc = m_->insns[static_cast<size_t>(insn)].enc;
      e.nfields = static_cast<uint32_t>(enc.fields.size());
      for (unsigned f = 0; f < e.nfields; ++f) e.fields[f] = enc.extract(f, raw);
    }
  }
  if (e.insn >= 0) use_fields(e.insn, e.fields, e.nfields);
  return e.insn;
}

Status Machine::run_fetch(unsigned offset) {
  const model::Model& md = *m_;
  if (native_) {
    ctx_.params[0] = offset & width_mask(md.fetch.locals[0].width);
    return static_cast<Status>(native_->fetch(ctx_));
  }
  const Compiled& f = offset == 0 ? code_.fetch0 : code_.fetch;
  if (offset != 0) cells_[f.params[0]] = offset & width_mask(md.fetch.locals[0].width);
  Status s = exec(f);
  ctx_.result = cells_[f.result];
  return s;
}

Status Machine::run_insn(int insn) {
  if (native_) return static_cast<Status>(native_->insns[insn](ctx_));
  return exec(code_.insns[static_cast<size_t>(insn)]);
}

Outcome::Kind Machine::trapped_in(Outcome::Stage stage) {
  rollback();
  Outcome& o = last_;
  o.stage = stage;
  o.kind = Outcome::Trapped;
  o.cause = static_cast<unsigned>(ctx_.trap_cause);
  o.arg = ctx_.trap_arg;
  o.memory = ctx_.trap_memory;
  return Outcome::Trapped;
}

void Machine::advance_pc(unsigned units) {
  log_[ctx_.log_n++] = {false, pc_slot_, cells_[pc_slot_]};
  cells_[pc_slot_] = (cells_[pc_slot_] + units * m_->fetch_step) & pc_mask_;
  if (pc_has_fields_) refresh(m_->pc_reg);
}

Outcome::Kind Machine::execute_kind() {
  if (native_ && single_unit_) return execute_native_one_unit();
  ctx_.log_n = 0;
  ctx_.pc_written = false;
  const model::Model& md = *m_;
  Outcome& o = last_;
  o.insn = -1;
  o.units = 0;
  o.raw = 0;
  int insn = -1;
  unsigned units = 0;
  if (single_unit_) {
    if (run_fetch(0) != kDone) return trapped_in(Outcome::Fetch);
    o.raw = ctx_.result;
    units = 1;
    insn = decode_cached(ctx_.result);
  } else {
    Bits raw = 0;
    for (;;) {
      if (run_fetch(units * md.fetch_step) != kDone) return trapped_in(Outcome::Fetch);
      raw = (raw << md.fetch_unit) | ctx_.result;
      o.raw = raw;
      ++units;
      auto r = decoder_.lookup(raw, units);
      if (r.kind == model::Decoder::Result::Match) {
        insn = r.insn;
        load_fields(insn, raw);
        break;
      }
      if (r.kind == model::Decoder::Result::None || units >= decoder_.max_units()) break;
    }
  }
  return finish(insn, units);
}

// The same steps as execute_kind() and finish() for the common case, without
// the general machinery: the bundled models run here.
Outcome::Kind Machine::execute_native_one_unit() {
  Outcome& o = last_;
  ctx_.log_n = 0;
  ctx_.pc_written = false;
  ctx_.params[0] = 0; // the offset of the unit to fetch
  if (native_->fetch(ctx_) != kDone) {
    o.insn = -1;
    o.units = 0;
    o.raw = 0;
    return trapped_in(Outcome::Fetch);
  }
  const uint64_t raw = ctx_.result;
  o.raw = raw;
  CacheEntry& e = cache_[(raw * 0x9E3779B97F4A7C15ull) >> 52];
  int insn;
  if (e.insn != -2 && e.raw == raw) {
    insn = e.insn;
    ctx_.fields = e.fields;
  } else {
    insn = decode_cached(raw);
  }
  if (insn < 0) {
    o.insn = -1;
    o.units = 0;
    return finish(insn, 1);
  }
  o.insn = insn;
  o.units = 1;
  o.stage = Outcome::Execute;
  int s = native_->insns[insn](ctx_);
  if (s == kTrap) return trapped_in(Outcome::Execute);
  if (!ctx_.pc_written) advance_pc(1);
  return o.kind = s == kHalt ? Outcome::Halted : Outcome::Completed;
}

Outcome::Kind Machine::finish(int insn, unsigned units) {
  const model::Model& md = *m_;
  Outcome& o = last_;
  o.stage = insn < 0 ? Outcome::Decode : Outcome::Execute;
  if (insn < 0) {
    o.kind = Outcome::Trapped;
    o.cause = static_cast<unsigned>(md.undefined_trap);
    o.arg = 0;
    o.memory = false;
    return Outcome::Trapped;
  }
  o.insn = insn;
  o.units = units;
  Status s = run_insn(insn);
  if (s == kTrap) return trapped_in(Outcome::Execute);
  if (!ctx_.pc_written) advance_pc(units);
  o.kind = s == kHalt ? Outcome::Halted : Outcome::Completed;
  return o.kind;
}

Outcome Machine::execute() {
  execute_kind();
  return last_;
}

Outcome Machine::execute_insn(int insn, Bits raw) {
  ctx_.log_n = 0;
  ctx_.pc_written = false;
  last_ = Outcome{};
  last_.raw = raw;
  load_fields(insn, raw);
  finish(insn, m_->insns[static_cast<size_t>(insn)].enc.units);
  return last_;
}

void Machine::run_vmm(const Compiled& c, uint64_t base, uint64_t size) {
  const auto& ps = m_->vmm.params;
  cells_[c.params[0]] = base & width_mask(ps[0].width);
  cells_[c.params[1]] = size & width_mask(ps[1].width);
  // The interpreter reads register fields from shadows, which native code does not keep.
  if (native_) refresh_all();
  size_t keep = ctx_.log_n;
  exec(c);           // the checker guarantees these neither trap nor halt
  ctx_.log_n = keep; // their writes are not part of the last step's changes
}

void Machine::apply_vmm_map(uint64_t base, uint64_t size) { run_vmm(vmm_map_, base, size); }
void Machine::apply_vmm_reset(uint64_t base, uint64_t size) { run_vmm(vmm_reset_, base, size); }

bool Machine::vmm_wellformed(uint64_t base, uint64_t size) {
  run_vmm(vmm_wellformed_, base, size);
  return cells_[vmm_wellformed_.result] != 0;
}

void Machine::copy_registers(const Machine& from) {
  std::copy(from.cells_.begin(), from.cells_.begin() + m_->nslots, cells_.begin());
  sync_shadows();
}

void Machine::set_register_cells(std::span<const uint64_t> cells) {
  std::copy(cells.begin(), cells.end(), cells_.begin());
  sync_shadows();
}

void Machine::enter_trap(const Outcome& o) {
  // The checker guarantees the trap entry neither traps nor halts.
  if (native_) {
    ctx_.params[0] = m_->traps[o.cause].code;
    ctx_.params[1] = o.arg;
    native_->trap_entry(ctx_);
  } else {
    cells_[code_.trap_entry.params[0]] = m_->traps[o.cause].code;
    cells_[code_.trap_entry.params[1]] = o.arg;
    exec(code_.trap_entry);
  }
}

Outcome Machine::step() {
  Outcome o = execute();
  if (o.kind == Outcome::Trapped) enter_trap(o);
  return o;
}

Machine::RunResult Machine::run(uint64_t max_steps) {
  RunResult r;
  const bool fast = native_ && single_unit_;
  while (r.steps < max_steps) {
    Outcome::Kind k = fast ? execute_native_one_unit() : execute_kind();
    ++r.steps;
    if (k == Outcome::Trapped) enter_trap(last_);
    if (k == Outcome::Halted) {
      r.halted = true;
      break;
    }
  }
  r.last = last_;
  return r;
}

} // namespace popek::machine
