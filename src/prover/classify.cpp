#include "prover/classify.hpp"

#include "prover/witness.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <mutex>
#include <thread>

namespace popek::prover {

using vmm::Strategy;

const char* tri_name(Tri t) { return t == Tri::Yes ? "yes" : t == Tri::No ? "no" : "unknown"; }

namespace {

Tri any_of(std::initializer_list<Tri> ts) {
  bool unknown = false;
  for (Tri t : ts) {
    if (t == Tri::Yes) return Tri::Yes;
    unknown |= t == Tri::Unknown;
  }
  return unknown ? Tri::Unknown : Tri::No;
}

} // namespace

Tri of(const Finding& f) {
  if (f.answer.verdict != smt::Verdict::Proved && f.answer.verdict != smt::Verdict::Witness) return Tri::Unknown;
  return f.yes ? Tri::Yes : Tri::No;
}

const Finding* Row::witness(Property p, bool user_only) const {
  for (const Finding& f : findings)
    if (f.query.property == p && f.yes && !f.words.empty() && (!user_only || f.query.where != Where::Supervisor))
      return &f;
  return nullptr;
}

Tri Row::answer(Property p, Where w, int unit, Strategy s) const {
  bool asked = false, unknown = false;
  for (const Finding& f : findings) {
    const Query& q = f.query;
    if (q.property != p || (w != Where::Any && q.where != w) || (unit >= 0 && q.unit != unit) ||
        (p == Property::VmmStep && q.strategy != s))
      continue;
    asked = true;
    Tri t = of(f);
    if (t == Tri::Yes) return Tri::Yes;
    unknown |= t == Tri::Unknown;
  }
  if (!asked) return p == Property::Register ? Tri::No : Tri::Unknown; // a model with no register units
  return unknown ? Tri::Unknown : Tri::No;
}

Tri Row::sensitive() const { return any_of({control(), mode(), location(), register_sensitive()}); }
Tri Row::user_sensitive() const {
  return any_of({control(Where::User), location(Where::User), register_sensitive(Where::User)});
}

bool Classification::any_unknown() const {
  if (of(fetch) == Tri::Unknown) return true;
  for (const Row& r : rows)
    for (const Finding& f : r.findings)
      if (of(f) == Tri::Unknown) return true;
  for (Tri t : relocated)
    if (t == Tri::Unknown) return true;
  return false;
}

std::vector<const ModelVerdict*> Verdicts::in_order() const {
  std::vector<const ModelVerdict*> out = {&theorem1, &theorem3, &trap_emulate, &hybrid};
  out.push_back(&theorem1_letter);
  out.push_back(&theorem3_letter);
  if (theorem2) out.push_back(&*theorem2);
  return out;
}

std::vector<Query> queries_for(const model::Model&, const std::vector<Unit>& units, const std::vector<Tri>& relocated) {
  std::vector<Query> qs;
  auto both = [&](Property p, int unit = -1) {
    for (Where w : {Where::User, Where::Supervisor}) qs.push_back({p, w, unit});
  };
  qs.push_back({Property::Privileged});
  qs.push_back({Property::TrapsLeast});
  both(Property::Control);
  qs.push_back({Property::Mode});
  both(Property::Location);
  for (size_t u = 0; u < units.size(); ++u)
    if (relocated[u] != Tri::Yes) both(Property::Register, static_cast<int>(u));
  both(Property::Equivalence);
  both(Property::ResourceControl);
  for (Strategy s : {Strategy::TrapAndEmulate, Strategy::Hybrid}) qs.push_back({Property::VmmStep, Where::Any, -1, s});
  return qs;
}

namespace {

// Where a theorem and the equivalence of the VMM it speaks about disagree,
// one line per instruction: against the theorem but flagged by no VMM (its
// word and why it is against), or flagged though no word of it is against
// (the VMM's own witness, native against the VMM).
void explain_disagreement(Classification& c, const ModelVerdict& theorem, Theorem t, Strategy s) {
  const model::Model& m = *c.model;
  const std::string vmm = s == Strategy::TrapAndEmulate ? "trap-and-emulate VMM" : "hybrid VMM";
  for (const WordAnswer& w : c.words) {
    if (w.theorem != t || w.reading != Reading::Proof) continue;
    const Row& r = c.rows[static_cast<size_t>(w.insn)];
    const std::string& name = m.insns[static_cast<size_t>(w.insn)].name;
    if (w.against == Tri::Yes && r.flagged(s) == Tri::No)
      c.explanations.push_back(fmt::format(
          "{}: against {}, yet the {} is proved equivalent for it: {}: {}, and {}. The theorem's condition is "
          "sufficient, not necessary: the VMM's map runs this word only where it traps or behaves as on V.",
          name, theorem.name, vmm, describe_words(m, w), w.sensitive.words, w.unprivileged.words));
    const Finding* f = r.witness(Property::VmmStep, s == Strategy::Hybrid);
    if (w.against == Tri::No && r.flagged(s) == Tri::Yes && f)
      c.explanations.push_back(fmt::format("{}: flagged by the {}, though no word of it is against {}: {}. The map "
                                           "does not give real(V) what this word depends on.",
                                           name, vmm, theorem.name, f->words));
  }
}

// A proved VMM step answers the queries it contains: wherever its strategy
// runs the guest directly, the step's claim is equivalence and resource
// control (the step's result is then the projected one, prover.cpp); and the
// trap-and-emulate step contains the hybrid one, which runs directly only in
// user mode and interprets the rest. Null when `q` must be asked.
const Finding* follows_from(const std::vector<Finding>& done, const Query& q) {
  for (const Finding& f : done) {
    if (f.name.empty() || f.query.property != Property::VmmStep || f.answer.verdict != smt::Verdict::Proved) continue;
    bool te = f.query.strategy == Strategy::TrapAndEmulate;
    if (q.property == Property::VmmStep && q.strategy == Strategy::Hybrid && te) return &f;
    if ((q.property == Property::Equivalence || q.property == Property::ResourceControl) &&
        (te || q.where == Where::User))
      return &f;
  }
  return nullptr;
}

// How much an instruction's semantics says: its statements, nested ones
// included. The queries of the longest take the longest.
size_t statements(const model::Arena& a, const std::vector<model::StmtId>& body) {
  size_t n = body.size();
  for (model::StmtId id : body) n += statements(a, a.stmt(id).then_) + statements(a, a.stmt(id).else_);
  return n;
}

} // namespace

std::vector<Row> run_queries(std::shared_ptr<const model::Model> mp, const std::vector<Query>& qs, const Options& o,
                             std::vector<std::string>& internal_errors) {
  const model::Model& m = *mp;
  // The instructions to ask about; a what-if keeps its base's other rows.
  std::vector<Row> rows = o.base ? o.base->rows : std::vector<Row>(m.insns.size());
  std::vector<size_t> insns;
  if (o.base)
    for (int i : o.only) insns.push_back(static_cast<size_t>(i));
  else
    for (size_t i = 0; i < m.insns.size(); ++i) insns.push_back(i);
  for (size_t i : insns) {
    rows[i].insn = static_cast<int>(i);
    rows[i].findings.assign(qs.size(), Finding{});
  }
  const size_t total = insns.size() * qs.size();
  // The threads take the instructions longest first, so that no long one is
  // left to run alone at the end (x86's IRET: a quarter of a minute).
  std::vector<size_t> size(m.insns.size());
  for (size_t i = 0; i < m.insns.size(); ++i) size[i] = statements(m.arena, m.insns[i].sem.body);
  std::stable_sort(insns.begin(), insns.end(), [&](size_t a, size_t b) { return size[a] > size[b]; });
  std::atomic<size_t> next{0};
  std::vector<std::string> replay_errors(m.insns.size() * qs.size());
  std::mutex progress_lock;
  size_t done = 0;
  // Stores instruction i's answer to query q, and reports it.
  auto record = [&](size_t i, size_t q, Finding f) {
    if (o.progress) {
      std::lock_guard<std::mutex> g(progress_lock);
      o.progress(f, ++done, total);
    }
    rows[i].findings[q] = std::move(f);
  };
  // One prover (one Z3 context) per thread; each takes the next instruction
  // and asks all its queries, which then share what its prover proved once
  // (Prover::lemma).
  // The VMM steps are asked first, trap-and-emulate before hybrid: what they
  // prove, other queries need not ask again (follows_from).
  std::vector<size_t> order(qs.size());
  for (size_t q = 0; q < qs.size(); ++q) order[q] = q;
  auto rank = [&](size_t q) {
    return qs[q].property != Property::VmmStep ? 2 : qs[q].strategy == Strategy::TrapAndEmulate ? 0 : 1;
  };
  std::stable_sort(order.begin(), order.end(), [&](size_t a, size_t b) { return rank(a) < rank(b); });
  // A finding for query q of instruction i that no solver answered.
  auto unasked = [&](size_t i, size_t q, smt::Verdict v, std::string reason) {
    Finding f;
    f.query = qs[q];
    f.insn = static_cast<int>(i);
    f.name = m.insns[i].name + ": " + qs[q].name(m);
    f.answer = {f.name, v, std::move(reason)};
    return f;
  };
  // Register sensitivity asked of a group of units at once (Prover::
  // any_register): proved for the group answers each unit's query; a
  // witness names one sensitive unit, whose own query then gives its finding,
  // and the rest are tested again. Most instructions depend on few of a
  // model's many system units, so this asks a few queries instead of one per
  // unit. Unknown leaves the units to their own queries.
  auto group_test = [&](Prover& p, size_t i, size_t first, std::vector<bool>& answered) {
    std::vector<size_t> rest;
    for (size_t q = 0; q < qs.size(); ++q)
      if (!answered[q] && qs[q].property == Property::Register && qs[q].unit >= 0 && qs[q].where == qs[first].where)
        rest.push_back(q);
    while (rest.size() > 1) {
      Query any{Property::Register, qs[first].where};
      for (size_t q : rest) any.any_of.push_back(qs[q].unit);
      size_t which = 0;
      Finding g;
      try {
        g = p.any_register(static_cast<int>(i), any, which);
      } catch (const std::exception&) {
        return; // the units' own queries will say what Z3 refused
      }
      if (g.answer.verdict == smt::Verdict::Proved) {
        for (size_t q : rest) {
          Finding f = unasked(i, q, smt::Verdict::Proved, "");
          f.yes = false;
          f.follows_from = g.name;
          f.seconds = q == rest.front() ? g.seconds : 0;
          record(i, q, std::move(f));
          answered[q] = true;
        }
        return;
      }
      if (g.answer.verdict != smt::Verdict::Witness || which >= rest.size()) return;
      const size_t q = rest[which];
      record(i, q, std::move(g));
      answered[q] = true;
      rest.erase(rest.begin() + static_cast<std::ptrdiff_t>(which));
    }
  };
  auto work = [&] {
    std::unique_ptr<Prover> p;
    for (size_t n; (n = next.fetch_add(1)) < insns.size();) {
      const size_t i = insns[n];
      // A fresh context per instruction: one context's bit-blasting caches
      // grow with every query posed in it, and later queries pay for all of
      // them (x86: 0.05 s alone, 1.5 s after 30 instructions). What a prover
      // shares (its lemmas) is per instruction anyway.
      p = std::make_unique<Prover>(mp, o.limits, o.allocation);
      std::vector<bool> answered(qs.size(), false);
      for (size_t q : order) {
        const size_t k = i * qs.size() + q;
        if (answered[q]) continue;
        if (o.derive && qs[q].property == Property::Register && qs[q].unit >= 0) group_test(*p, i, q, answered);
        if (answered[q]) continue;
        Finding f;
        if (const Finding* from = o.derive ? follows_from(rows[i].findings, qs[q]) : nullptr) {
          f = unasked(i, q, smt::Verdict::Proved, "");
          f.yes = !f.query.witness_means_yes();
          f.follows_from = from->name;
          record(i, q, std::move(f));
          continue;
        }
        try {
          f = p->run(static_cast<int>(i), qs[q]);
        } catch (const std::exception& e) {
          // Z3 refused to build or solve the query: an error answer (never a
          // guess), and a fresh context for the queries that follow.
          f = unasked(i, q, smt::Verdict::Error, e.what());
          p = std::make_unique<Prover>(mp, o.limits, o.allocation);
        }
        std::string why;
        if (f.witness_case && o.replay_witnesses && !replay_witness(*f.witness_case, o.models_dir, why))
          replay_errors[k] =
              "internal error: the witness of " + f.name + " does not replay in the concrete lockstep runner: " + why;
        record(i, q, std::move(f));
      }
    }
  };
  unsigned jobs = std::max(1u, o.jobs);
  std::vector<std::thread> threads;
  for (unsigned t = 1; t < jobs; ++t) threads.emplace_back(work);
  work();
  for (std::thread& t : threads) t.join();
  for (std::string& e : replay_errors)
    if (!e.empty()) internal_errors.push_back(std::move(e));
  return rows;
}

// The word answers of every instruction; a what-if asks only its changed
// instructions and keeps its base's answers for the others.
std::vector<WordAnswer> theorem_words(std::shared_ptr<const model::Model> mp, const std::vector<Row>& rows,
                                      const Options& o) {
  if (!o.base) return decide_words(mp, rows, o);
  std::vector<Row> changed;
  for (int i : o.only) changed.push_back(rows[static_cast<size_t>(i)]);
  std::vector<WordAnswer> asked = decide_words(mp, changed, o), out;
  for (const WordAnswer& w : o.base->words)
    if (std::find(o.only.begin(), o.only.end(), w.insn) == o.only.end()) out.push_back(w);
  out.insert(out.end(), asked.begin(), asked.end());
  std::stable_sort(out.begin(), out.end(), [](const WordAnswer& a, const WordAnswer& b) { return a.insn < b.insn; });
  return out;
}

Classification classify(std::shared_ptr<const model::Model> mp, const Options& o) {
  auto start = std::chrono::steady_clock::now();
  const model::Model& m = *mp;
  Classification c;
  c.model = mp;
  c.allocation = o.allocation;
  c.units = system_units(m);
  if (o.base) {
    c.relocated = o.base->relocated;
    c.fetch = o.base->fetch;
  } else {
    try {
      Prover p(mp, o.limits, o.allocation);
      for (const Unit& u : c.units) {
        bool yes = false;
        smt::Answer a = p.relocates(u, yes);
        c.relocated.push_back(a.verdict == smt::Verdict::Proved ? Tri::No : yes ? Tri::Yes : Tri::Unknown);
      }
      c.fetch = p.run_fetch();
    } catch (const std::exception& e) {
      c.relocated.assign(c.units.size(), Tri::Unknown);
      c.fetch.name = kFetchQuery;
      c.fetch.answer = {c.fetch.name, smt::Verdict::Error, e.what()};
    }
  }
  std::vector<Query> qs = queries_for(m, c.units, c.relocated);
  c.rows = run_queries(mp, qs, o, c.internal_errors);
  c.queries = static_cast<unsigned>(m.insns.size() * qs.size() + c.units.size() + 1);
  c.words = theorem_words(mp, c.rows, o);
  for (const WordAnswer& w : c.words) c.queries += w.queries;

  // The VMM step must be flagged exactly when equivalence or resource control is (in the modes it runs directly).
  for (const Row& r : c.rows) {
    Tri te = any_of({r.answer(Property::Equivalence), r.answer(Property::ResourceControl)});
    Tri hy = any_of({r.answer(Property::Equivalence, Where::User), r.answer(Property::ResourceControl, Where::User)});
    const std::string& n = m.insns[static_cast<size_t>(r.insn)].name;
    if (te != Tri::Unknown && r.flagged(Strategy::TrapAndEmulate) != Tri::Unknown &&
        te != r.flagged(Strategy::TrapAndEmulate))
      c.internal_errors.push_back("internal error: " + n +
                                  ": the trap-and-emulate vmm step query disagrees with the "
                                  "equivalence and resource control queries");
    if (hy != Tri::Unknown && r.flagged(Strategy::Hybrid) != Tri::Unknown && hy != r.flagged(Strategy::Hybrid))
      c.internal_errors.push_back("internal error: " + n +
                                  ": the hybrid vmm step query disagrees with the user-mode "
                                  "equivalence and resource control queries");
  }

  // Theorem 1 or 3 under one reading of privileged, from the word answers.
  auto by_words = [&](Theorem t, Reading rd, const std::string& statement) {
    ModelVerdict v{theorem_name(t), Tri::Yes, {}, statement, {}, {}};
    if (rd == Reading::Letter) v.name += " (literal)";
    for (const WordAnswer& w : c.words) {
      if (w.theorem != t || w.reading != rd) continue;
      const std::string& insn = m.insns[static_cast<size_t>(w.insn)].name;
      if (w.against == Tri::Yes) v.against.push_back(insn);
      if (w.against == Tri::Unknown) v.unanswered.push_back(insn);
    }
    v.holds = !v.against.empty() ? Tri::No : !v.unanswered.empty() ? Tri::Unknown : Tri::Yes;
    return v;
  };
  auto equivalent = [&](const std::string& name, const std::string& statement, Strategy s) {
    ModelVerdict v{name, of(c.fetch) == Tri::Unknown ? Tri::Unknown : Tri::Yes, {}, statement, {}, {}};
    if (of(c.fetch) == Tri::Yes) v.against.push_back("(fetch)");
    if (of(c.fetch) == Tri::Unknown) v.unanswered.push_back("(fetch)");
    for (const Row& r : c.rows) {
      Tri f = r.flagged(s);
      const std::string& insn = m.insns[static_cast<size_t>(r.insn)].name;
      if (f == Tri::Yes) v.against.push_back(insn);
      if (f == Tri::Unknown) v.unanswered.push_back(insn);
      if (f == Tri::Unknown && v.holds == Tri::Yes) v.holds = Tri::Unknown;
    }
    if (!v.against.empty()) v.holds = Tri::No;
    return v;
  };
  Verdicts& v = c.verdicts;
  v.theorem1 = by_words(Theorem::One, Reading::Proof,
                        "no instruction word is sensitive and runs without a trap in the least privileged mode: a "
                        "trap-and-emulate VMM may be constructed");
  v.theorem1_letter = by_words(Theorem::One, Reading::Letter,
                               "every sensitive instruction word is privileged: it traps in every less privileged "
                               "mode and never in the most privileged one");
  v.theorem3 = by_words(Theorem::Three, Reading::Proof,
                        "no user sensitive instruction word runs without a trap in the least privileged mode: a "
                        "hybrid VMM may be constructed");
  v.theorem3_letter = by_words(Theorem::Three, Reading::Letter, "every user sensitive instruction word is privileged");
  v.trap_emulate = equivalent("trap-and-emulate equivalence",
                              "no instruction is flagged: the trap-and-emulate VMM is equivalent, step by step",
                              Strategy::TrapAndEmulate);
  v.hybrid =
      equivalent("hybrid equivalence", "no instruction is flagged in virtual user mode: the hybrid VMM is equivalent",
                 Strategy::Hybrid);
  explain_disagreement(c, v.theorem1, Theorem::One, Strategy::TrapAndEmulate);
  explain_disagreement(c, v.theorem3, Theorem::Three, Strategy::Hybrid);
  c.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return c;
}

} // namespace popek::prover
