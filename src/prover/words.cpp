#include "prover/words.hpp"

#include "prover/classify.hpp"
#include "prover/witness.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <map>
#include <thread>

namespace popek::prover {

const char* theorem_name(Theorem t) { return t == Theorem::One ? "Theorem 1" : "Theorem 3"; }
const char* reading_name(Reading r) {
  return r == Reading::Proof ? "traps in the least privileged mode" : "the literal reading";
}
Property privilege_property(Reading r) { return r == Reading::Proof ? Property::TrapsLeast : Property::Privileged; }

WordWitness Prover::word(int insn, const Query& sens, const Query& priv, const std::vector<Ban>& bans) {
  auto start = std::chrono::steady_clock::now();
  WordWitness w;
  Finding &fs = w.sensitive, &fp = w.unprivileged;
  fs.query = sens;
  fp.query = priv;
  fs.insn = fp.insn = insn;
  fs.name = query_name(insn, sens) + ", one word not " + property_name(priv.property);
  fp.name = query_name(insn, priv);
  // Two builds in one solver: each its own variables (the tags), their
  // unknown memories kept together, their fetched units one word.
  if (sens.property == Property::Location) relocation(); // its own query clears the unknowns
  sm_.unknowns().clear();
  Built p = build(insn, priv, Expect{}, Path::Whole, "p.");
  Built s = build(insn, sens, Expect{}, Path::Whole, "s.");
  smt::Solver::Scope scope(s_);
  for (const Built* b : {&p, &s})
    for (Term t : b->assume) s_.assume(t);
  s_.assume(sm_.unknowns().consistency(c_));
  for (size_t k = 0; k < p.fetch.units.size(); ++k) s_.assume(c_.eq(p.fetch.units[k], s.fetch.units[k]));
  // By the proof's reading, also the same ordinary registers: where the word
  // runs without a trap, a VMM runs it directly, and that matters only where
  // it is sensitive with those registers (an ARM word whose condition fails
  // does nothing in every mode). Memory is not tied: a conservative answer.
  if (priv.property == Property::TrapsLeast) {
    const std::vector<uint64_t> sys = system_masks(*m_);
    const unsigned mode = m_->mode_register().slot;
    const State &a = p.sides.front().before, &b = s.sides.front().before;
    for (size_t i = 0; i < sys.size(); ++i) {
      const uint64_t ordinary = model::width_mask(c_.width(a.cells[i])) & ~sys[i];
      if (i != mode && ordinary)
        s_.assume(c_.eq(symbolic::masked(c_, a.cells[i], ordinary), symbolic::masked(c_, b.cells[i], ordinary)));
    }
  }
  for (const Ban& b : bans)
    s_.assume(c_.lnot(c_.eq(p.fetch.fields[b.field], c_.bv(b.value, c_.width(p.fetch.fields[b.field])))));
  // A witness falsifies both claims: the word is sensitive and not privileged.
  fs.answer = s_.prove(fs.name, c_.lor({p.claim, s.claim}), limits_);
  fp.answer = fs.answer;
  if (fs.answer.verdict == smt::Verdict::Witness) {
    fs.yes = true;
    fp.yes = false;
    for (Term f : p.fetch.fields) w.fields.push_back(s_.value(f));
    if (s.which) { // a group test: the witness varied one unit, and reads as that unit's
      size_t which = static_cast<size_t>(s_.value(*s.which));
      fs.query = Query{Property::Register, sens.where, sens.any_of.at(which)};
      const Unit u = system_units(*m_)[static_cast<size_t>(fs.query.unit)];
      s.ignore[u.cell] = model::width_mask(u.hi - u.lo + 1) << u.lo;
    }
    sm_.unknowns().freeze();
    w.text = word_text(s_, *m_, insn, p.fetch);
    explain(s_, c_, m_, fp, p);
    explain(s_, c_, m_, fs, s);
  }
  fs.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return w;
}

namespace {

// The sensitivity queries whose witness could make a word of `r` count
// against theorem `t`: those its per-instruction answers do not rule out.
// Theorem 3's are the user-mode ones. Register sensitivity is one group test
// over the units it may be sensitive to.
std::vector<Query> sensitivities(const Row& r, Theorem t) {
  const Where w = t == Theorem::One ? Where::Any : Where::User;
  std::vector<Query> qs;
  if (r.control(w) != Tri::No) qs.push_back({Property::Control, w});
  if (t == Theorem::One && r.mode() != Tri::No) qs.push_back({Property::Mode});
  if (r.location(w) != Tri::No) qs.push_back({Property::Location, w});
  std::vector<int> units;
  for (const Finding& f : r.findings)
    if (f.query.property == Property::Register && f.query.unit >= 0 && (w == Where::Any || f.query.where == w) &&
        of(f) != Tri::No && std::find(units.begin(), units.end(), f.query.unit) == units.end())
      units.push_back(f.query.unit);
  if (units.size() == 1) qs.push_back({Property::Register, w, units.front()});
  if (units.size() > 1) qs.push_back({Property::Register, w, -1, vmm::Strategy::TrapAndEmulate, units});
  return qs;
}

// How many values of a narrow operand field popek names before it stops
// (fields of up to kNarrow bits; of a wider field it asks only whether it is
// fixed), and how many queries it spends naming one instruction's words: each
// field is first asked whether it is fixed, then the narrow ones, in order,
// are enumerated while the budget lasts.
constexpr size_t kMaxValues = 8;
constexpr unsigned kNarrow = 12;
constexpr unsigned kBudget = 10;

// One instruction's word queries, on one prover.
struct Asker {
  Prover& p;
  const model::Model& m;
  int insn;
  // Theorem 1's query of a property proved under a reading: no word is
  // sensitive that way and unprivileged, in any mode, so not in user mode either.
  std::map<std::pair<Reading, Property>, bool> none;

  WordAnswer decide(const Row& r, Theorem t, Reading rd);
  void name_fields(WordAnswer& w, const Query& sens, const Query& priv, const std::vector<uint64_t>& first);
};

WordAnswer Asker::decide(const Row& r, Theorem t, Reading rd) {
  auto start = std::chrono::steady_clock::now();
  WordAnswer w;
  w.insn = insn;
  w.theorem = t;
  w.reading = rd;
  const Query priv{privilege_property(rd)};
  bool unknown = false;
  if (r.answer(priv.property) == Tri::Yes) { // every word is privileged
    w.against = Tri::No;
    return w;
  }
  for (const Query& q : sensitivities(r, t)) {
    if (t == Theorem::Three && none.count({rd, q.property})) continue;
    WordWitness x = p.word(insn, q, priv, {});
    ++w.queries;
    const smt::Verdict v = x.sensitive.answer.verdict;
    if (v == smt::Verdict::Proved) {
      if (t == Theorem::One) none[{rd, q.property}] = true;
      continue;
    }
    if (v != smt::Verdict::Witness) {
      unknown = true;
      w.why_unknown = x.sensitive.name + ": " + x.sensitive.answer.reason;
      continue;
    }
    w.against = Tri::Yes;
    w.word = x.text;
    if (rd == Reading::Proof) name_fields(w, q, priv, x.fields);
    w.sensitive = std::move(x.sensitive);
    w.unprivileged = std::move(x.unprivileged);
    break;
  }
  if (w.against != Tri::Yes) w.against = unknown ? Tri::Unknown : Tri::No;
  w.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return w;
}

// For each operand field: the values that give a word against the theorem
// (by the witness's sensitivity), asked one at a time with those found ruled
// out, up to kMaxValues; of a wide field, only whether it can differ.
void Asker::name_fields(WordAnswer& w, const Query& sens, const Query& priv, const std::vector<uint64_t>& first) {
  const auto& fields = m.insns[static_cast<size_t>(insn)].enc.fields;
  unsigned spent = 0;
  // One more value of field k, the values found ruled out: false when there is none or no answer.
  auto more = [&](FieldValues& fv, size_t k) {
    std::vector<Ban> bans;
    for (uint64_t v : fv.values) bans.push_back({k, v});
    WordWitness x = p.word(insn, sens, priv, bans);
    ++w.queries;
    ++spent;
    if (x.sensitive.answer.verdict == smt::Verdict::Proved) fv.complete = true;
    if (x.sensitive.answer.verdict != smt::Verdict::Witness) return false;
    fv.values.push_back(x.fields.at(k));
    return true;
  };
  for (size_t k = 0; k < fields.size(); ++k) {
    w.fields.push_back({fields[k].name, fields[k].width, {first.at(k)}});
    if (spent < kBudget) more(w.fields.back(), k);
  }
  for (size_t k = 0; k < fields.size(); ++k) {
    FieldValues& fv = w.fields[k];
    const uint64_t range = fv.width >= 64 ? UINT64_MAX : uint64_t{1} << fv.width;
    if (fv.width > kNarrow) continue;
    while (!fv.complete && fv.values.size() < range && fv.values.size() <= kMaxValues && spent < kBudget)
      if (!more(fv, k)) break;
    if (fv.values.size() == range) fv.complete = true;
  }
}

} // namespace

std::vector<WordAnswer> decide_words(std::shared_ptr<const model::Model> mp, const std::vector<Row>& rows,
                                     const Options& o) {
  const model::Model& m = *mp;
  std::vector<std::vector<WordAnswer>> per(rows.size());
  std::atomic<size_t> next{0};
  auto work = [&] {
    for (size_t n; (n = next.fetch_add(1)) < rows.size();) {
      const Row& r = rows[n];
      if (r.insn < 0) continue;
      Prover p(mp, o.limits, o.allocation);
      Asker a{p, m, r.insn, {}};
      for (Theorem t : {Theorem::One, Theorem::Three})
        for (Reading rd : {Reading::Proof, Reading::Letter}) {
          try {
            per[n].push_back(a.decide(r, t, rd));
          } catch (const std::exception& e) { // Z3 refused the query: unknown, never a guess
            WordAnswer w;
            w.insn = r.insn;
            w.theorem = t;
            w.reading = rd;
            w.why_unknown = e.what();
            per[n].push_back(std::move(w));
          }
        }
    }
  };
  std::vector<std::thread> threads;
  for (unsigned t = 1; t < std::max(1u, o.jobs); ++t) threads.emplace_back(work);
  work();
  for (std::thread& t : threads) t.join();
  std::vector<WordAnswer> out;
  for (auto& ws : per)
    for (WordAnswer& w : ws) out.push_back(std::move(w));
  return out;
}

namespace {

std::string value_words(uint64_t v) { return v < 10 ? std::to_string(v) : fmt::format("{:#x}", v); }

// "csr ∈ {0x100, 0x105}", "rd = 3", "any rd", "rs1: at least 9 values".
std::string field_words(const FieldValues& f) {
  const uint64_t range = f.width >= 64 ? UINT64_MAX : uint64_t{1} << f.width;
  if (f.complete && f.values.size() == range) return "any " + f.field;
  std::vector<uint64_t> sorted = f.values;
  std::sort(sorted.begin(), sorted.end());
  std::vector<std::string> vs;
  for (uint64_t v : sorted) vs.push_back(value_words(v));
  if (f.complete && vs.size() == 1) return f.field + " = " + vs.front();
  if (f.complete) return fmt::format("{} ∈ {{{}}}", f.field, fmt::join(vs, ", "));
  if (vs.size() == 1) return f.field + " = " + vs.front() + " among others";
  return fmt::format("{} ∈ {{{}, …}}", f.field, fmt::join(vs, ", "));
}

} // namespace

std::string describe_words(const model::Model& m, const WordAnswer& w) {
  const std::string& name = m.insns[static_cast<size_t>(w.insn)].name;
  if (w.fields.empty()) return "`" + w.word + "`";
  std::vector<std::string> parts;
  for (const FieldValues& f : w.fields) parts.push_back(field_words(f));
  return fmt::format("`{}` with {} (e.g. `{}`)", name, fmt::join(parts, ", "), w.word);
}

std::string settled_words(const model::Model& m, const WordAnswer& w) {
  std::vector<std::string> parts;
  for (const FieldValues& f : w.fields) {
    const uint64_t range = f.width >= 64 ? UINT64_MAX : uint64_t{1} << f.width;
    if (!f.complete || f.values.size() == range) continue;
    std::vector<uint64_t> vs = f.values;
    std::sort(vs.begin(), vs.end());
    std::vector<std::string> words;
    for (uint64_t v : vs) words.push_back(value_words(v));
    parts.push_back(fmt::format("{}={}", f.field, fmt::join(words, ",")));
  }
  const std::string& name = m.insns[static_cast<size_t>(w.insn)].name;
  return parts.empty() ? name : fmt::format("{}[{}]", name, fmt::join(parts, ";"));
}

} // namespace popek::prover
