#include "check/check.hpp"

#include "asm/assembler.hpp"
#include "diff/lockstep.hpp"
#include "diff/setup.hpp"
#include "model/whatif.hpp"
#include "prover/witness.hpp"
#include "util/files.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <chrono>
#include <filesystem>

namespace popek::check {

namespace fs = std::filesystem;
using vmm::Strategy;

namespace {

double since(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

// The findings of `rows` with a witness case (classify replayed each).
size_t witness_cases(const std::vector<prover::Row>& rows) {
  size_t n = 0;
  for (const prover::Row& row : rows)
    for (const prover::Finding& f : row.findings) n += f.witness_case.has_value();
  return n;
}

// The model's example guests: examples/MODEL/*.s, sorted.
std::vector<std::string> example_guests(const std::string& dir, const std::string& model) {
  std::vector<std::string> out;
  std::error_code ec;
  for (const fs::directory_entry& e : fs::directory_iterator(fs::path(dir) / model, ec))
    if (e.path().extension() == ".s") out.push_back(e.path().string());
  std::sort(out.begin(), out.end());
  return out;
}

// Runs each example guest natively and under the VMM, counting how the VMM ran each instruction.
Efficiency measure(const std::shared_ptr<const model::Model>& mp, Strategy s, const vmm::Allocation& at,
                   const std::vector<std::string>& guests, std::vector<std::string>& errors) {
  const model::Model& m = *mp;
  Efficiency e;
  e.strategy = s;
  e.allocation = at;
  for (const std::string& path : guests) {
    std::string err;
    std::optional<std::string> text = read_file(path, err);
    if (!text) {
      errors.push_back(err);
      continue;
    }
    assembler::AsmResult a = assembler::assemble(m, path, *text);
    if (!a.error.empty()) {
      errors.push_back(a.error);
      continue;
    }
    diff::Options opts;
    opts.strategy = s;
    opts.allocation = at;
    opts.max_steps = 2000000; // pg's loop.s counts down from 500,000, two instructions a turn
    machine::Machine initial(mp);
    diff::Lockstep ls(mp, opts);
    if (!diff::initial_state(initial, opts.allocation, {}, a.image, err) || !ls.start(initial, err)) {
      errors.push_back(path + ": " + err);
      continue;
    }
    diff::Result r = ls.run();
    e.guests.push_back(path);
    e.steps += r.steps;
    e.counts += r.counts;
    if (r.divergence)
      e.notes.push_back(fmt::format("{} diverges at step {}", fs::path(path).filename().string(), r.steps));
    else if (!r.halted)
      e.notes.push_back(fmt::format("{} did not halt in {} steps", fs::path(path).filename().string(), r.steps));
  }
  return e;
}

// A short seeded campaign of one strategy; its findings stay in `folder`.
Campaign campaign(const std::string& arg, Strategy s, const std::string& folder, const Options& o) {
  Campaign c;
  c.strategy = s;
  c.findings = folder;
  fuzz::CampaignOptions co;
  co.session.model = arg;
  co.session.models_dir = o.models_dir;
  co.session.strategy = s;
  co.session.findings = folder;
  co.exe = o.exe;
  co.runs = o.fuzz_runs;
  co.seed = o.seed;
  co.jobs = 1;
  const std::string part = fmt::format("fuzz ({})", vmm::strategy_name(s));
  auto progress = [&](const fuzz::Progress& p) {
    if (o.progress) o.progress(part, p.total.runs, o.fuzz_runs);
  };
  if (!fuzz::run_campaign(co, progress, c.result, c.error)) return c;
  if (c.result.end == fuzz::CampaignResult::WorkerFailed)
    c.error = fmt::format("the fuzzing worker failed (exit status {}): {}", c.result.worker_status, c.result.log_tail);
  for (const fuzz::Found& f : c.result.findings)
    if (f.c.expect.divergent) c.divergent.emplace(f.c.expect.insn, f);
  return c;
}

// Classifies the model as if `insns` trapped below its first mode: only their
// rows are asked again (the others' semantics did not change).
WhatIf what_if(const std::shared_ptr<const model::Model>& mp, const prover::Classification& base,
               std::vector<int> insns, const Options& o) {
  std::sort(insns.begin(), insns.end());
  insns.erase(std::unique(insns.begin(), insns.end()), insns.end());
  WhatIf w;
  for (int i : insns) w.insns.push_back(mp->insns[static_cast<size_t>(i)].name);
  prover::Options po = o.prover;
  po.base = &base;
  po.only = insns;
  po.replay_witnesses = false; // a case names a model file, and this model is not one
  const std::string part = "what-if (" + std::to_string(insns.size()) + " trapping)";
  if (o.progress)
    po.progress = [&](const prover::Finding&, size_t done, size_t total) { o.progress(part, done, total); };
  w.classification = prover::classify(model::with_traps(*mp, insns), po);
  return w;
}

} // namespace

bool WhatIf::virtualizable() const {
  const prover::Verdicts& v = classification.verdicts;
  return v.theorem1.holds == prover::Tri::Yes && v.trap_emulate.holds == prover::Tri::Yes;
}

std::vector<const Efficiency*> Efficiencies::in_order() const {
  std::vector<const Efficiency*> out = {&trap_emulate, &hybrid};
  if (nested) out.push_back(&*nested);
  return out;
}

ModelCheck check_model(std::shared_ptr<const model::Model> mp, const std::string& arg, const Options& o) {
  const model::Model& m = *mp;
  ModelCheck r;
  r.model = mp;

  auto start = std::chrono::steady_clock::now();
  prover::Options po = o.prover;
  po.replay_witnesses = true; // the first half of the cross-check
  po.models_dir = o.models_dir;
  if (o.progress)
    po.progress = [&](const prover::Finding&, size_t done, size_t total) { o.progress("prover", done, total); };
  r.classification = prover::classify(mp, po);
  r.witnesses += witness_cases(r.classification.rows);
  r.timings.push_back({"prover", since(start)});

  if (m.vmm.present) {
    start = std::chrono::steady_clock::now();
    if (o.progress)
      po.progress = [&](const prover::Finding&, size_t done, size_t total) { o.progress("theorem 2", done, total); };
    r.nesting = prover::theorem2(mp, r.classification, po);
    r.classification.verdicts.theorem2 = r.nesting->verdict;
    r.witnesses += witness_cases(r.nesting->rows);
    r.timings.push_back({"theorem 2", since(start)});
  }

  if (!o.trap.empty()) {
    start = std::chrono::steady_clock::now();
    std::vector<int> named, smallest;
    for (const std::string& n : o.trap)
      if (int i = m.find_insn(n); i >= 0) named.push_back(i);
    r.whatif.push_back(what_if(mp, r.classification, named, o));
    // Each instruction of this set breaks a verdict on its own, and making one
    // instruction trap changes no other's answers: no smaller set can do.
    const prover::Verdicts& v = r.classification.verdicts;
    for (const prover::ModelVerdict* breaks : {&v.theorem1, &v.trap_emulate})
      for (const std::string& n : breaks->against)
        if (int i = m.find_insn(n); i >= 0) smallest.push_back(i); // not "(fetch)"
    WhatIf w = what_if(mp, r.classification, smallest, o);
    if (w.insns != r.whatif.front().insns) r.whatif.push_back(std::move(w));
    r.timings.push_back({"what-if", since(start)});
  }

  start = std::chrono::steady_clock::now();
  for (Strategy s : {Strategy::TrapAndEmulate, Strategy::Hybrid}) {
    std::string folder = (fs::path(o.findings) / m.name / vmm::strategy_name(s)).string();
    Campaign& c = s == Strategy::TrapAndEmulate ? r.campaigns.trap_emulate : r.campaigns.hybrid;
    c = campaign(arg, s, folder, o);
    if (!c.error.empty()) r.errors.push_back(fmt::format("fuzz ({}): {}", vmm::strategy_name(s), c.error));
    for (const std::string& bad : c.result.bad_findings) r.errors.push_back("unreadable finding: " + bad);
  }
  r.timings.push_back({"fuzz", since(start)});

  start = std::chrono::steady_clock::now();
  if (o.progress) o.progress("efficiency", 0, 0);
  std::vector<std::string> guests = example_guests(o.examples_dir, m.name);
  if (!guests.empty()) {
    const vmm::Allocation at = vmm::default_allocation(m);
    Efficiency te = measure(mp, Strategy::TrapAndEmulate, at, guests, r.errors);
    r.efficiency = Efficiencies{std::move(te), measure(mp, Strategy::Hybrid, at, guests, r.errors), std::nullopt};
  }
  if (r.nesting && r.efficiency) {
    // A guest the VMM under itself cannot start is a Theorem 2 finding, not a part that could not run.
    std::vector<std::string> refused;
    Efficiency& nested =
        r.efficiency->nested.emplace(measure(mp, Strategy::TrapAndEmulate, r.nesting->allocation, guests, refused));
    for (std::string& e : refused) nested.notes.push_back("cannot start: " + e);
  }
  r.timings.push_back({"efficiency", since(start)});

  // The cross-check: the prover's witnesses replayed (classify reports those
  // that do not as internal errors), and the fuzzer's findings flagged.
  for (const std::string& e : r.classification.internal_errors) r.disagreements.push_back(e);
  if (r.nesting) {
    for (const std::string& e : r.nesting->internal_errors) r.disagreements.push_back("theorem 2: " + e);
    // The prover's Theorem 2 against the example guests run under the VMM
    // under itself: proved, none may diverge; hosting proved, all must start.
    const bool holds = r.nesting->verdict.holds == prover::Tri::Yes;
    const bool hosts = prover::of(r.nesting->hosting) == prover::Tri::No;
    if (r.efficiency && r.efficiency->nested)
      for (const std::string& n : r.efficiency->nested->notes)
        if (holds || (hosts && n.starts_with("cannot start")))
          r.disagreements.push_back(fmt::format("the prover says {}, but under the VMM under itself {}",
                                                holds ? "Theorem 2 holds" : "the VMM hosts every guest nested", n));
  }
  for (const Campaign* k : r.campaigns.in_order())
    for (const auto& [insn, found] : k->divergent) {
      int i = m.find_insn(insn);
      prover::Tri flagged =
          i < 0 ? prover::Tri::No : r.classification.rows[static_cast<size_t>(i)].flagged(k->strategy);
      if (flagged != prover::Tri::No) continue;
      // Replayed, the case says whether the runner still sees the divergence
      // (a prover bug or a runner bug) or no longer does (a stale finding).
      std::string why;
      bool replays = prover::replay_witness(found.c, o.models_dir, why);
      r.disagreements.push_back(
          fmt::format("fuzzing found {} divergent under the {} VMM ({}), but the prover proved "
                      "its VMM step; {}",
                      insn, vmm::strategy_name(k->strategy), found.path,
                      replays ? "the case replays as divergent" : "the case no longer replays: " + why));
    }
  return r;
}

} // namespace popek::check
