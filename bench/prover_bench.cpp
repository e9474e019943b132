// Classification time: every query of every instruction of a pg-family model
// (docs/theory.md §6), the VMM's obligations for the VMM's own allocation, two
// jobs as on this machine's two cores, witnesses replayed. Target (issue 4):
// under 2 seconds per model. Arg: the model; the second arg: 1 to ask every
// query (--every-query), 0 to take what a proved VMM step contains as proved.
#include "diff/lockstep.hpp"
#include "lang/load.hpp"
#include "prover/classify.hpp"

#include <benchmark/benchmark.h>
#include <cstdio>
#include <cstdlib>
#include <string>

namespace {

const char* const kModels[] = {"pg", "pg_jrst", "pg_getmode", "pg_lra"};

void BM_Classify(benchmark::State& state) {
  const std::string dir = std::string(POPEK_SOURCE_DIR) + "/models";
  const char* name = kModels[state.range(0)];
  auto r = popek::lang::load_model_file(dir + "/" + name + ".isa");
  if (!r.model) {
    std::fprintf(stderr, "%s\n", r.error.c_str());
    std::exit(2);
  }
  popek::prover::Options o;
  o.jobs = 2;
  o.models_dir = dir;
  o.allocation = popek::vmm::default_allocation(*r.model);
  o.derive = state.range(1) == 0;
  state.SetLabel(std::string(name) + (o.derive ? "" : ", every query"));
  unsigned queries = 0;
  for (auto _ : state) {
    popek::prover::Classification c = popek::prover::classify(r.model, o);
    // A benchmark must not time a wrong or unfinished answer.
    if (c.any_unknown() || !c.internal_errors.empty()) {
      state.SkipWithError("the classification has unknowns or internal errors");
      return;
    }
    queries = c.queries;
  }
  state.counters["queries"] = queries;
}
BENCHMARK(BM_Classify)
    ->ArgsProduct({{0, 1, 2, 3}, {0, 1}})
    ->Unit(benchmark::kMillisecond)
    ->Iterations(3)
    ->UseRealTime();

} // namespace

BENCHMARK_MAIN();
