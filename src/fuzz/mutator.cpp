#include "fuzz/mutator.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cstring>

namespace popek::fuzz {

namespace {

size_t pick(Rng& rng, size_t n) { return n ? static_cast<size_t>(rng() % n) : 0; }
bool chance(Rng& rng, unsigned one_in) { return rng() % one_in == 0; }

// An instruction's bits split into fetch units, unit 0 most significant.
void to_fetch_units(const model::Model& m, model::Bits raw, unsigned units, std::vector<uint64_t>& out) {
  out.clear();
  for (unsigned j = 0; j < units; ++j)
    out.push_back(static_cast<uint64_t>(raw >> ((units - 1 - j) * m.fetch_unit)) & model::width_mask(m.fetch_unit));
}

std::vector<uint64_t> to_fetch_units(const model::Model& m, model::Bits raw, unsigned units) {
  std::vector<uint64_t> out;
  to_fetch_units(m, raw, units, out);
  return out;
}

} // namespace

Mutator::Mutator(std::shared_ptr<const model::Model> m, const vmm::Allocation& a, unsigned max_insns,
                 unsigned exact_insns)
    : m_(std::move(m)), decoder_(*m_), alloc_(a), max_insns_(std::max(1u, max_insns)), exact_(exact_insns) {}

uint64_t Mutator::boundary(Rng& rng, unsigned width, uint64_t current) const {
  const uint64_t mask = model::width_mask(width);
  switch (pick(rng, 10)) {
  case 0: return 0;
  case 1: return 1;
  case 2: return mask;
  case 3: return mask - 1;
  case 4: return (alloc_.size - 1) & mask; // the VM's last unit, and just past it
  case 5: return alloc_.size & mask;
  case 6: return (current + 1) & mask;
  case 7: return (current - 1) & mask;
  case 8: return pick(rng, 16) & mask; // small values: addresses near the program, shift counts
  default: return rng() & mask;
  }
}

const std::vector<uint64_t>& Mutator::new_insn(Rng& rng, size_t insn) const {
  const model::Encoding& e = m_->insns[insn].enc;
  model::Bits raw = e.match;
  for (unsigned f = 0; f < e.fields.size(); ++f) raw = e.insert(f, boundary(rng, e.fields[f].width, 0), raw);
  to_fetch_units(*m_, raw, e.units, scratch_.units);
  return scratch_.units;
}

std::vector<uint64_t> Mutator::random_insn(Rng& rng, size_t insn) const { return new_insn(rng, insn); }

void Mutator::split(const std::vector<uint64_t>& p, std::vector<std::pair<size_t, size_t>>& out) const {
  if (decoder_.max_units() == 1) { // every instruction is one unit: nothing to decode
    out.resize(p.size());
    for (size_t i = 0; i < p.size(); ++i) out[i] = {i, i + 1};
    return;
  }
  out.clear();
  for (size_t i = 0; i < p.size();) {
    size_t len = decoder_.decode({p.data() + i, p.size() - i}).units;
    out.push_back({i, i + len});
    i += len;
  }
}

std::vector<std::pair<size_t, size_t>> Mutator::split(const std::vector<uint64_t>& p) const {
  std::vector<std::pair<size_t, size_t>> out;
  split(p, out);
  return out;
}

void Mutator::change_field(Input& in, Rng& rng) const {
  auto& insns = scratch_.more; // mutate_once's list is scratch_.insns
  split(in.program, insns);
  if (insns.empty()) return;
  size_t s = insns[pick(rng, insns.size())].first;
  model::Decoder::Decoded d = decoder_.decode({in.program.data() + s, in.program.size() - s});
  if (d.insn < 0) { // undefined: flip a bit of the unit
    in.program[s] ^= uint64_t{1} << pick(rng, m_->fetch_unit);
    return;
  }
  const model::Encoding& enc = m_->insns[static_cast<size_t>(d.insn)].enc;
  if (enc.fields.empty()) return;
  unsigned f = static_cast<unsigned>(pick(rng, enc.fields.size()));
  model::Bits raw = enc.insert(f, boundary(rng, enc.fields[f].width, enc.extract(f, d.raw)), d.raw);
  to_fetch_units(*m_, raw, enc.units, scratch_.units);
  std::copy(scratch_.units.begin(), scratch_.units.end(), in.program.begin() + static_cast<long>(s));
}

void Mutator::change_cell(Input& in, Rng& rng) const {
  if (!in.cells.empty() && chance(rng, 6)) {
    in.cells.erase(in.cells.begin() + static_cast<long>(pick(rng, in.cells.size())));
    return;
  }
  if (in.cells.empty() || (in.cells.size() < kMaxCells && chance(rng, 3)))
    in.cells.push_back({static_cast<uint32_t>(pick(rng, m_->nslots)), 0});
  Input::Cell& c = in.cells[pick(rng, in.cells.size())];
  const model::Register& r = m_->reg_of_cell(c.cell);
  // A declared field (R.l, R.b) or the whole register.
  unsigned hi = r.width - 1, lo = 0;
  if (!r.fields.empty() && !chance(rng, 3)) {
    const model::RegField& f = r.fields[pick(rng, r.fields.size())];
    hi = f.hi;
    lo = f.lo;
  }
  uint64_t fmask = model::width_mask(hi - lo + 1);
  uint64_t v = boundary(rng, hi - lo + 1, (c.value >> lo) & fmask);
  c.value = (c.value & ~(fmask << lo)) | (v << lo);
  c.value &= model::width_mask(r.width);
}

void Mutator::change_unit(Input& in, Rng& rng) const {
  if (!in.units.empty() && chance(rng, 6)) {
    in.units.erase(in.units.begin() + static_cast<long>(pick(rng, in.units.size())));
    return;
  }
  if (in.units.empty() || (in.units.size() < kMaxUnits && chance(rng, 3))) {
    unsigned mem = m_->code_mem;
    if (m_->mems.size() > 1 && chance(rng, 4)) mem = static_cast<unsigned>(pick(rng, m_->mems.size()));
    uint64_t range = mem == m_->code_mem ? alloc_.size : m_->mems[mem].size;
    in.units.push_back({mem, boundary(rng, 64, 0) % range, 0});
  }
  Input::Unit& u = in.units[pick(rng, in.units.size())];
  uint64_t range = u.mem == m_->code_mem ? alloc_.size : m_->mems[u.mem].size;
  const unsigned width = m_->mems[u.mem].unit;
  switch (pick(rng, 3)) {
  case 0: u.addr = boundary(rng, 64, u.addr) % range; break;
  case 1: u.value = boundary(rng, width, u.value); break;
  default: // an instruction as data: a word a PSW load or a jump may reach
    if (!m_->insns.empty() && u.mem == m_->code_mem)
      u.value = new_insn(rng, pick(rng, m_->insns.size())).front() & model::width_mask(width);
  }
}

void Mutator::mutate_once(Input& in, Rng& rng) const {
  auto& insns = scratch_.insns;
  split(in.program, insns);
  auto insert_at = [&](size_t at, const std::vector<uint64_t>& units) {
    in.program.insert(in.program.begin() + static_cast<long>(at), units.begin(), units.end());
  };
  auto start_of = [&](size_t k) { return k < insns.size() ? insns[k].first : in.program.size(); };
  const bool grow = exact_ ? false : insns.size() < max_insns_;
  const bool shrink = exact_ ? false : !insns.empty();
  switch (pick(rng, 10)) {
  case 0: // insert a new instruction
  case 1:
    if (grow && !m_->insns.empty()) {
      // (Which pick comes first is the compiler's choice, as it always was: seeded campaigns repeat per compiler.)
      insert_at(start_of(pick(rng, insns.size() + 1)), new_insn(rng, pick(rng, m_->insns.size())));
      return;
    }
    [[fallthrough]];
  case 2: // replace one
    if (!insns.empty() && !m_->insns.empty()) {
      auto [s, e] = insns[pick(rng, insns.size())];
      in.program.erase(in.program.begin() + static_cast<long>(s), in.program.begin() + static_cast<long>(e));
      insert_at(s, new_insn(rng, pick(rng, m_->insns.size())));
      return;
    }
    return;
  case 3: // delete one
    if (shrink) {
      auto [s, e] = insns[pick(rng, insns.size())];
      in.program.erase(in.program.begin() + static_cast<long>(s), in.program.begin() + static_cast<long>(e));
    }
    return;
  case 4: // duplicate one elsewhere
    if (grow && !insns.empty()) {
      auto [s, e] = insns[pick(rng, insns.size())];
      std::vector<uint64_t>& copy = scratch_.program;
      copy.assign(in.program.begin() + static_cast<long>(s), in.program.begin() + static_cast<long>(e));
      insert_at(start_of(pick(rng, insns.size() + 1)), copy);
    }
    return;
  case 5: // swap two
    if (insns.size() >= 2) {
      size_t i = pick(rng, insns.size()), j = pick(rng, insns.size());
      if (i > j) std::swap(i, j);
      if (i == j) return;
      std::vector<uint64_t>& p = scratch_.program;
      p.assign(in.program.begin(), in.program.begin() + static_cast<long>(insns[i].first));
      auto append = [&](std::pair<size_t, size_t> r) {
        p.insert(p.end(), in.program.begin() + static_cast<long>(r.first),
                 in.program.begin() + static_cast<long>(r.second));
      };
      append(insns[j]);
      append({insns[i].second, insns[j].first});
      append(insns[i]);
      append({insns[j].second, in.program.size()});
      in.program.swap(p);
    }
    return;
  case 6:
  case 7: change_field(in, rng); return;
  case 8:
    if (chance(rng, 3)) {
      in.mode = static_cast<unsigned>(pick(rng, m_->modes.size()));
      return;
    }
    change_cell(in, rng);
    return;
  default: change_unit(in, rng); return;
  }
}

size_t Mutator::fit(const Input& in, uint8_t* data, size_t max_size) const {
  std::vector<uint8_t>& bytes = scratch_.bytes;
  write_input(in, bytes);
  if (bytes.size() > max_size) { // drop instructions, then units and cells, until it fits
    Input t = in;
    while (bytes.size() > max_size && (!t.program.empty() || !t.units.empty() || !t.cells.empty())) {
      if (!t.program.empty())
        t.program.pop_back();
      else if (!t.units.empty())
        t.units.pop_back();
      else
        t.cells.pop_back();
      write_input(t, bytes);
    }
  }
  size_t n = std::min(bytes.size(), max_size);
  std::memcpy(data, bytes.data(), n);
  return n;
}

size_t Mutator::mutate(uint8_t* data, size_t size, size_t max_size, unsigned seed, ByteMutate bytes) const {
  Rng rng(seed);
  if (bytes && chance(rng, 8)) return bytes(data, size, max_size);
  Input& in = scratch_.in;
  parse_input(*m_, alloc_, {data, size}, in);
  if (exact_) { // benchmarks: keep exactly `exact_` instructions
    auto& insns = scratch_.insns;
    split(in.program, insns);
    if (insns.size() > exact_) in.program.resize(insns[exact_].first);
    for (size_t k = insns.size(); k < exact_ && !m_->insns.empty(); ++k) {
      const auto& u = new_insn(rng, pick(rng, m_->insns.size()));
      in.program.insert(in.program.end(), u.begin(), u.end());
    }
  }
  size_t rounds = 1 + pick(rng, 3);
  for (size_t i = 0; i < rounds; ++i) mutate_once(in, rng);
  return fit(in, data, max_size);
}

size_t Mutator::cross_over(std::span<const uint8_t> a, std::span<const uint8_t> b, uint8_t* out, size_t max_size,
                           unsigned seed) const {
  Rng rng(seed);
  Input &x = scratch_.in, &y = scratch_.other;
  parse_input(*m_, alloc_, a, x);
  parse_input(*m_, alloc_, b, y);
  auto &xs = scratch_.insns, &ys = scratch_.more;
  split(x.program, xs);
  split(y.program, ys);
  size_t cut_x = xs.empty() ? 0 : xs[pick(rng, xs.size())].first;
  size_t cut_y = ys.empty() ? 0 : ys[pick(rng, ys.size())].first;
  x.program.resize(cut_x);
  x.program.insert(x.program.end(), y.program.begin() + static_cast<long>(cut_y), y.program.end());
  auto& all = scratch_.insns;
  split(x.program, all);
  size_t limit = exact_ ? exact_ : max_insns_;
  if (all.size() > limit) x.program.resize(all[limit].first);
  return fit(x, out, max_size);
}

std::string dictionary(const model::Model& m) {
  std::string s = fmt::format("# Instruction encodings of model {} (popek fuzz --dict): each instruction's\n"
                              "# fixed bits, one fetch unit as the 8 little-endian bytes of a program slot.\n",
                              m.name);
  for (const model::Instruction& i : m.insns) {
    auto units = to_fetch_units(m, i.enc.match, i.enc.units);
    for (size_t j = 0; j < units.size(); ++j) {
      s += fmt::format("{}{}=\"", i.name, units.size() > 1 ? fmt::format("_{}", j) : "");
      for (int b = 0; b < 8; ++b) s += fmt::format("\\x{:02x}", (units[j] >> (8 * b)) & 0xff);
      s += "\"\n";
    }
  }
  return s;
}

} // namespace popek::fuzz
