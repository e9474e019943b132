// Lockstep throughput: guest instructions per second with the bare-metal
// reference and the VMM running side by side, each step compared, on the pg
// counting loop (examples/pg/loop.s), one core. Target: at least 5 million.
// Arg 0: trap-and-emulate (the loop runs directly); 1: hybrid (the loop, in
// virtual supervisor mode, is interpreted on the virtual state).
#include "bench_fixture.hpp"
#include "diff/lockstep.hpp"
#include "diff/setup.hpp"

#include <benchmark/benchmark.h>

namespace {

using popek::bench::Fixture;
using popek::bench::load;

void BM_LockstepPgLoop(benchmark::State& state) {
  static Fixture f = load("models/pg.isa", "examples/pg/loop.s");
  popek::diff::Options o;
  o.strategy = state.range(0) == 0 ? popek::vmm::Strategy::TrapAndEmulate : popek::vmm::Strategy::Hybrid;
  o.allocation = popek::vmm::default_allocation(*f.model);
  o.max_steps = 10'000'000;
  state.SetLabel(popek::vmm::strategy_name(o.strategy));
  popek::machine::Machine initial(f.model);
  std::string err;
  if (!popek::diff::initial_state(initial, o.allocation, {}, f.image, err)) {
    state.SkipWithError(err.c_str());
    return;
  }
  uint64_t steps = 0;
  for (auto _ : state) {
    popek::diff::Lockstep ls(f.model, o);
    if (!ls.start(initial, err)) {
      state.SkipWithError(err.c_str());
      return;
    }
    popek::diff::Result r = ls.run();
    if (!r.halted || r.divergence) {
      state.SkipWithError("the loop did not run to its halt without a divergence");
      return;
    }
    steps += r.steps;
  }
  state.counters["guest_insns_per_s"] = benchmark::Counter(static_cast<double>(steps), benchmark::Counter::kIsRate);
}
BENCHMARK(BM_LockstepPgLoop)->Arg(0)->Arg(1)->Unit(benchmark::kMillisecond);

} // namespace

BENCHMARK_MAIN();
