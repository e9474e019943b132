// Lockstep throughput: guest instructions per second with the bare-metal
// reference and the VMM running side by side, each step compared, on the pg
// counting loop (examples/pg/loop.s), one core. Target: at least 5 million.
// Arg 0: trap-and-emulate (the loop runs directly); 1: hybrid (the loop, in
// virtual supervisor mode, is interpreted on the virtual state).
#include "asm/assembler.hpp"
#include "diff/lockstep.hpp"
#include "diff/setup.hpp"
#include "lang/load.hpp"
#include "util/files.hpp"

#include <benchmark/benchmark.h>
#include <cstdio>
#include <cstdlib>

namespace {

struct Fixture {
  std::shared_ptr<const popek::model::Model> model;
  popek::assembler::Image image;
};

Fixture load(const char* model, const char* program) {
  std::string dir = POPEK_SOURCE_DIR;
  auto r = popek::lang::load_model_file(dir + "/" + model);
  std::string err;
  auto text = popek::read_file(dir + "/" + program, err);
  if (!r.model || !text) {
    std::fprintf(stderr, "%s%s\n", r.error.c_str(), err.c_str());
    std::exit(2);
  }
  auto a = popek::assembler::assemble(*r.model, program, *text);
  if (!a.error.empty()) {
    std::fprintf(stderr, "%s\n", a.error.c_str());
    std::exit(2);
  }
  return {r.model, a.image};
}

void BM_LockstepPgLoop(benchmark::State& state) {
  static Fixture f = load("models/pg.isa", "examples/pg/loop.s");
  popek::diff::Options o;
  o.strategy = state.range(0) == 0 ? popek::vmm::Strategy::TrapAndEmulate : popek::vmm::Strategy::Hybrid;
  o.allocation = popek::diff::default_allocation(*f.model);
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
