// popek prove MODEL: the VMM's obligations for every instruction (the fetch,
// then equivalence, resource control and the whole VMM step), each a numbered,
// named check with its result and, when it fails, a readable counterexample.
#include "cli/commands.hpp"
#include "cli/common.hpp"
#include "cli/prover_print.hpp"
#include "util/files.hpp"

#include <CLI/CLI.hpp>
#include <filesystem>
#include <fmt/format.h>
#include <iostream>

namespace popek::cli {

namespace {
namespace fs = std::filesystem;
using prover::Property;
using prover::Query;
using prover::Where;

struct ProveOptions {
  std::string model, strategy = "trap-emulate", emit_smt2;
  bool json = false;
  ProverArgs prover;
};

// The obligations of a VMM strategy: the hybrid VMM runs only user mode directly.
std::vector<Query> obligations(vmm::Strategy s) {
  std::vector<Where> ws =
      s == vmm::Strategy::Hybrid ? std::vector<Where>{Where::User} : std::vector<Where>{Where::User, Where::Supervisor};
  std::vector<Query> qs;
  for (Property p : {Property::Equivalence, Property::ResourceControl})
    for (Where w : ws) qs.push_back({p, w});
  qs.push_back({Property::VmmStep, Where::Any, -1, s});
  return qs;
}

bool emit(const std::string& dir, std::shared_ptr<const model::Model> m, const std::vector<Query>& qs,
          const prover::Options& po) {
  std::error_code ec;
  fs::create_directories(dir, ec);
  prover::Prover p(m, {}, po.allocation);
  std::string err;
  auto put = [&](unsigned n, const std::string& name, const std::string& text) {
    std::string file = fmt::format("{:03}-{}.smt2", n, slug(name));
    if (write_file_atomic((fs::path(dir) / file).string(), text, err)) return true;
    std::cerr << "popek: " << err << "\n";
    return false;
  };
  unsigned n = 1;
  if (!put(n++, "fetch", p.smt2(-1, {}))) return false;
  for (size_t i = 0; i < m->insns.size(); ++i)
    for (const Query& q : qs)
      if (!put(n++, m->insns[i].name + "-" + q.name(*m), p.smt2(static_cast<int>(i), q))) return false;
  return true;
}

int run_prove(const ProveOptions& o) {
  auto m = load_provable(o.model);
  if (!m) return kBadInput;
  vmm::Strategy s = o.strategy == "hybrid" ? vmm::Strategy::Hybrid : vmm::Strategy::TrapAndEmulate;
  std::vector<Query> qs = obligations(s);
  prover::Options po;
  if (!prover_options(*m, o.prover, po)) return kBadInput;
  if (!o.emit_smt2.empty() && !emit(o.emit_smt2, m, qs, po)) return kBadInput;
  std::vector<std::string> internal;
  prover::Finding fetch = prover::Prover(m, po.limits, po.allocation).run_fetch();
  std::vector<prover::Row> rows = prover::run_queries(m, qs, po, internal);
  std::vector<const prover::Finding*> all{&fetch};
  for (const prover::Row& r : rows)
    for (const prover::Finding& f : r.findings) all.push_back(&f);
  unsigned proved = 0, flagged = 0, unknown = 0;
  nlohmann::json checks = nlohmann::json::array();
  for (size_t n = 0; n < all.size(); ++n) {
    const prover::Finding& f = *all[n];
    smt::Verdict v = f.answer.verdict;
    proved += v == smt::Verdict::Proved;
    flagged += v == smt::Verdict::Witness;
    unknown += v != smt::Verdict::Proved && v != smt::Verdict::Witness;
    if (o.json) {
      nlohmann::json j = finding_json(f);
      j["number"] = n + 1;
      checks.push_back(j);
      continue;
    }
    fmt::print("{:4} {:<8} {}{}{}\n", n + 1, smt::verdict_name(v), f.name,
               f.answer.reason.empty() ? "" : " (" + f.answer.reason + ")",
               f.follows_from.empty() ? "" : " (follows from " + f.follows_from + ")");
    if (v != smt::Verdict::Witness) continue;
    fmt::print("     {}\n", f.words);
    if (f.witness_case) {
      std::string state;
      for (const auto& l : f.witness_case->state) state += (state.empty() ? "" : ", ") + l.name + "=" + l.value;
      fmt::print("     virtual state: {}; allocation {}\n", state.empty() ? "(a new VM's)" : state,
                 vmm::allocation_text(*f.witness_case->allocation));
    }
  }
  if (o.json)
    std::cout << nlohmann::json{{"model", m->name},
                                {"vmm", vmm::strategy_name(s)},
                                {"allocation", allocation_json(po.allocation)},
                                {"checks", checks},
                                {"internal_errors", internal}}
                     .dump(2)
              << "\n";
  else
    fmt::print("{}: {} checks for the {} VMM and {}: {} proved, {} flagged, {} unknown\n", m->name, all.size(),
               vmm::strategy_name(s), allocation_text(po.allocation), proved, flagged, unknown);
  if (!o.prover.save_witnesses.empty() && !save_witnesses(*m, all, o.prover.save_witnesses)) return kBadInput;
  for (const std::string& e : internal) std::cerr << "popek: INTERNAL ERROR: " << e << "\n";
  if (!internal.empty()) return kInternal;
  return unknown ? kInconclusive : flagged ? kFailed : kOk;
}
} // namespace

void setup_prove(CLI::App& app, int& rc) {
  auto o = std::make_shared<ProveOptions>();
  auto* sub =
      app.add_subcommand("prove", "Prove the VMM equivalent for every instruction of a model, or give witnesses");
  sub->add_option("MODEL", o->model, "A bundled model's name, or the path of a .isa file")->required();
  sub->add_option("--vmm", o->strategy, "The VMM strategy")->check(CLI::IsMember({"trap-emulate", "hybrid"}));
  sub->add_option("--emit-smt2", o->emit_smt2, "Also write each check as a standalone SMT-LIB2 script in DIR");
  sub->add_flag("--json", o->json, "Print the checks as JSON");
  add_prover_options(sub, o->prover);
  sub->callback([o, &rc] { rc = run_prove(*o); });
}

} // namespace popek::cli
