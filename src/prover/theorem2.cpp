#include "prover/theorem2.hpp"

#include "vmm/allocator.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <chrono>

namespace popek::prover {

namespace {

// Theorem 2 asks whether the machine is recursively virtualizable, which takes
// a VMM that presents the whole machine. When the model's VMM accepts no guest
// in some mode, or refuses as its guest what it installs itself (hosting), the
// answer is about that VMM, not the machine: not decided, and why. What breaks
// the VMM alone still breaks it.
void undecided(const model::Model& m, Nesting& n) {
  ModelVerdict& v = n.verdict;
  std::vector<std::string> modes, why;
  for (size_t k = 0; k < n.presents.size(); ++k)
    if (n.presents[k].answer.verdict == smt::Verdict::Proved) modes.push_back(m.modes[k].name);
  if (!modes.empty()) why.push_back("no guest in " + fmt::format("{}", fmt::join(modes, " or ")) + " mode");
  if (of(n.hosting) == Tri::Yes) why.push_back("not what it installs itself: " + n.hosting.words);
  const bool alone_broken =
      std::any_of(v.against.begin(), v.against.end(), [](const std::string& a) { return a != "(hosting)"; });
  if (why.empty() || alone_broken) return;
  v.against.clear();
  v.holds = Tri::Unknown;
  v.undecided = "the VMM presents less than the machine: it accepts " + fmt::format("{}", fmt::join(why, "; and "));
}

} // namespace

Nesting theorem2(std::shared_ptr<const model::Model> mp, const Classification& single, const Options& o) {
  auto start = std::chrono::steady_clock::now();
  const model::Model& m = *mp;
  Nesting n;
  n.allocation = vmm::nested_allocation(single.allocation ? *single.allocation : vmm::default_allocation(m),
                                        m.mems[m.code_mem].size);
  Options no = o;
  no.allocation = n.allocation;
  no.base = nullptr;
  no.only.clear();
  try {
    Prover p(mp, o.limits, n.allocation);
    n.hosting = p.run_hosting(&n.hosts_none);
    Prover alone(mp, o.limits, single.allocation ? *single.allocation : vmm::default_allocation(m));
    for (size_t k = 0; k < m.modes.size(); ++k) n.presents.push_back(alone.run_presents(k));
    n.fetch = p.run_fetch();
  } catch (const std::exception& e) {
    for (Finding* f : {&n.hosting, &n.hosts_none, &n.fetch}) f->answer = {f->name, smt::Verdict::Error, e.what()};
  }
  // Only the trap-and-emulate VMM step: the obligation the nested system adds.
  std::vector<Query> qs;
  for (const Query& q : queries_for(m, single.units, single.relocated))
    if (q.property == Property::VmmStep && q.strategy == vmm::Strategy::TrapAndEmulate) qs.push_back(q);
  n.rows = run_queries(mp, qs, no, n.internal_errors);
  n.queries = static_cast<unsigned>(m.insns.size() * qs.size() + 3);

  ModelVerdict& v = n.verdict;
  v.name = "Theorem 2";
  v.statement = "the trap-and-emulate VMM runs under itself and stays equivalent: a VMM may run on its own VM";
  v.holds = Tri::Yes;
  auto weigh = [&](Tri t, const std::string& against) {
    if (t == Tri::Yes && std::find(v.against.begin(), v.against.end(), against) == v.against.end())
      v.against.push_back(against);
    if (t == Tri::Unknown) v.unanswered.push_back(against.empty() ? "(the VMM alone)" : against);
    if (t == Tri::Unknown && v.holds == Tri::Yes) v.holds = Tri::Unknown;
  };
  // The VMM alone: what breaks its equivalence breaks the nested system's.
  const ModelVerdict& alone = single.verdicts.trap_emulate;
  for (const std::string& a : alone.against) weigh(Tri::Yes, a);
  weigh(alone.holds == Tri::Unknown ? Tri::Unknown : Tri::No, "");
  weigh(of(n.hosting), "(hosting)");
  weigh(of(n.fetch), "(fetch)");
  for (const Row& r : n.rows) {
    const std::string& name = m.insns[static_cast<size_t>(r.insn)].name;
    if (r.flagged(vmm::Strategy::TrapAndEmulate) == Tri::Yes) n.flagged.push_back(name);
    weigh(r.flagged(vmm::Strategy::TrapAndEmulate), name);
  }
  if (!v.against.empty()) v.holds = Tri::No;
  undecided(m, n);
  n.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return n;
}

} // namespace popek::prover
