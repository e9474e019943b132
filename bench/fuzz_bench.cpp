// The differential fuzz target without libFuzzer: runs per second of
// Target::run on 16-instruction pg programs made by the campaign's mutator
// (a fixed set of 4096 inputs, seed 1), one core. `popek bench fuzz` measures
// the same target through libFuzzer (target: 200,000 execs/s); this figure is
// the part of the time the target itself takes.
#include "fuzz/mutator.hpp"
#include "fuzz/target.hpp"
#include "lang/load.hpp"

#include <benchmark/benchmark.h>

#include <cstdio>
#include <cstdlib>

namespace {

void BM_FuzzTargetPg16(benchmark::State& state) {
  auto r = popek::lang::load_model_file(std::string(POPEK_SOURCE_DIR) + "/models/pg.isa");
  if (!r.model) {
    state.SkipWithError(r.error.c_str());
    return;
  }
  popek::fuzz::TargetOptions o;
  o.max_steps = static_cast<uint64_t>(state.range(1));
  o.strategy = state.range(0) == 0 ? popek::vmm::Strategy::TrapAndEmulate : popek::vmm::Strategy::Hybrid;
  popek::fuzz::Target t(r.model, o);
  popek::fuzz::Mutator mut(r.model, t.allocation(), 16, 16);
  std::vector<std::vector<uint8_t>> inputs;
  std::vector<uint8_t> cur;
  for (unsigned seed = 1; inputs.size() < 4096; ++seed) {
    cur.resize(1024);
    cur.resize(mut.mutate(cur.data(), inputs.empty() ? 0 : inputs.back().size(), 1024, seed));
    inputs.push_back(cur);
  }
  size_t i = 0, steps = 0;
  for (auto _ : state) {
    benchmark::DoNotOptimize(t.run(inputs[i++ % inputs.size()]));
  }
  (void)steps;
  state.counters["runs_per_s"] =
      benchmark::Counter(static_cast<double>(state.iterations()), benchmark::Counter::kIsRate);
  state.SetLabel(popek::vmm::strategy_name(o.strategy));
}
BENCHMARK(BM_FuzzTargetPg16)->Args({0, 0})->Args({0, 1})->Args({0, 8})->Args({0, 16})->Args({0, 20})->Args({1, 0});

// The structure-aware mutator alone, on 16-instruction pg programs: its cost
// is paid once per execution too.
void BM_MutatePg16(benchmark::State& state) {
  auto r = popek::lang::load_model_file(std::string(POPEK_SOURCE_DIR) + "/models/pg.isa");
  if (!r.model) {
    state.SkipWithError(r.error.c_str());
    return;
  }
  popek::fuzz::Mutator mut(r.model, popek::vmm::default_allocation(*r.model), 16, 16);
  std::vector<uint8_t> buf(1024);
  size_t n = 0;
  unsigned seed = 1;
  for (auto _ : state) n = mut.mutate(buf.data(), n, buf.size(), seed++);
  state.counters["mutations_per_s"] =
      benchmark::Counter(static_cast<double>(state.iterations()), benchmark::Counter::kIsRate);
}
BENCHMARK(BM_MutatePg16);

} // namespace

BENCHMARK_MAIN();
