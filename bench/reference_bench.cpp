// Guest instructions per second of the bare-metal reference machine on the pg
// counting loop (examples/pg/loop.s), one core. Target: at least 50 million.
#include "bench_fixture.hpp"
#include "machine/machine.hpp"

#include <benchmark/benchmark.h>

namespace {

using popek::bench::Fixture;
using popek::bench::load;

// state.range(0): 0 = the native code generated for bundled models, 1 = the
// interpreter (what a user's own model runs on).
void BM_ReferencePgLoop(benchmark::State& state) {
  static Fixture f = load("models/pg.isa", "examples/pg/loop.s");
  auto engine = state.range(0) == 0 ? popek::machine::Engine::Auto : popek::machine::Engine::Interpreter;
  popek::machine::Machine m(f.model, engine);
  if (state.range(0) == 0 && !m.native()) state.SkipWithError("no native code for pg");
  state.SetLabel(m.native() ? "native" : "interpreter");
  uint64_t steps = 0;
  for (auto _ : state) {
    m.reset();
    for (const auto& [addr, v] : f.image.units) m.set_mem(f.model->code_mem, addr, v);
    auto r = m.run(10'000'000);
    if (!r.halted) state.SkipWithError("the loop did not halt");
    steps += r.steps;
  }
  state.counters["guest_insns_per_s"] = benchmark::Counter(static_cast<double>(steps), benchmark::Counter::kIsRate);
}
BENCHMARK(BM_ReferencePgLoop)->Arg(0)->Arg(1)->Unit(benchmark::kMillisecond);

} // namespace

BENCHMARK_MAIN();
