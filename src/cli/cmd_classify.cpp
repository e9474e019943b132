// popek classify MODEL: every query of every instruction (docs/theory.md §6), the
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
  std::string model, expect;
  bool json = false, summary = false;
  ProverArgs prover;
};

int run_classify(const ClassifyOptions& o) {
  auto m = load_provable(o.model);
  if (!m) return kBadInput;
  prover::Options po;
  if (!prover_options(*m, o.prover, po)) return kBadInput;
  std::optional<Expectation> expected;
  if (!o.expect.empty()) {
    std::string err;
    if (!(expected = read_expectation(o.expect, err))) {
      std::cerr << "popek: " << err << "\n";
      return kBadInput;
    }
  }
  prover::Classification c = prover::classify(m, po);
  if (o.json)
    std::cout << classification_json(c).dump(2) << "\n";
  else if (o.summary)
    std::cout << classification_summary(c);
  else
    std::cout << classification_text(c, o.prover.jobs);
  if (!o.prover.save_witnesses.empty()) {
    std::vector<const prover::Finding*> fs;
    for (const prover::Row& r : c.rows)
      for (const prover::Finding& f : r.findings) fs.push_back(&f);
    if (!save_witnesses(*m, fs, o.prover.save_witnesses)) return kBadInput;
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
  add_prover_options(sub, o->prover);
  sub->callback([o, &rc] { rc = run_classify(*o); });
}

} // namespace popek::cli
