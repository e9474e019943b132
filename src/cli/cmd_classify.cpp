// popek classify MODEL: every query of every instruction (theory.md §6), the
// instruction × property table, the model's verdicts, and a one-line witness
// for each flagged instruction.
#include "cli/commands.hpp"
#include "cli/common.hpp"
#include "cli/prover_expect.hpp"
#include "cli/prover_print.hpp"

#include <CLI/CLI.hpp>
#include <iostream>

namespace popek::cli {

namespace {
struct ClassifyOptions {
  std::string model, save_witnesses, expect;
  bool json = false, summary = false;
  unsigned jobs = 1, timeout_ms = 0;
  AllocationArgs allocation;
  bool every_query = false;
};

int run_classify(const ClassifyOptions& o) {
  auto m = load_provable(o.model);
  if (!m) return kBadInput;
  prover::Options po;
  if (!prover_options(*m, o.jobs, o.timeout_ms, o.allocation, po)) return kBadInput;
  std::optional<Expectation> expected;
  if (!o.expect.empty()) {
    std::string err;
    if (!(expected = read_expectation(o.expect, err))) {
      std::cerr << "popek: " << err << "\n";
      return kBadInput;
    }
  }
  po.derive = !o.every_query;
  prover::Classification c = prover::classify(m, po);
  if (o.json)
    std::cout << classification_json(c).dump(2) << "\n";
  else if (o.summary)
    std::cout << classification_summary(c);
  else
    std::cout << classification_text(c, o.jobs);
  if (!o.save_witnesses.empty()) {
    std::vector<const prover::Finding*> fs;
    for (const prover::Row& r : c.rows)
      for (const prover::Finding& f : r.findings) fs.push_back(&f);
    if (!save_witnesses(*m, fs, o.save_witnesses)) return kBadInput;
  }
  for (const std::string& e : c.internal_errors) std::cerr << "popek: INTERNAL ERROR: " << e << "\n";
  if (!c.internal_errors.empty()) return kInternal;
  if (c.any_unknown()) return kInconclusive;
  if (o.expect.empty()) return kOk;
  std::vector<std::string> diffs = compare_expectation(classification_summary(c), *expected);
  for (const std::string& d : diffs) std::cerr << d << "\n";
  if (diffs.empty()) std::cerr << "popek: " << m->name << " classified as " << o.expect << " expects\n";
  return diffs.empty() ? kOk : kFailed;
}
} // namespace

void setup_classify(CLI::App& app, int& rc) {
  auto o = std::make_shared<ClassifyOptions>();
  auto* sub = app.add_subcommand("classify", "Classify every instruction of a model with the prover, and give the "
                                             "model's verdicts (Theorems 1 and 3, VMM equivalence)");
  sub->add_option("MODEL", o->model, "A bundled model's name, or the path of a .isa file")->required();
  sub->add_flag("--json", o->json, "Print the classification as JSON");
  sub->add_flag("--summary", o->summary, "Print the verdicts and each property's instructions, a line each");
  sub->add_option("--expect", o->expect,
                  "Compare with the summary lines in FILE (proofs/MODEL.expect); exit 1 if they differ");
  sub->add_option("--jobs", o->jobs, "Queries to run in parallel (one Z3 context each)")->check(CLI::Range(1u, 256u));
  sub->add_option("--timeout", o->timeout_ms,
                  "Wall-clock limit per query in ms (0: none; the deterministic "
                  "resource limit always applies); a query over it answers unknown");
  sub->add_option("--save-witnesses", o->save_witnesses, "Write each witness of a VMM obligation as a case in DIR");
  add_allocation_options(sub, o->allocation);
  sub->add_flag("--every-query", o->every_query,
                "Ask every query, also those a proved VMM step already answers (a check of the prover)");
  sub->callback([o, &rc] { rc = run_classify(*o); });
}

} // namespace popek::cli
