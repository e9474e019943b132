// libFuzzer target: the differential runner (src/fuzz/target.hpp) on one
// model, with the structure-aware mutator and the model's coverage counters,
// as `popek fuzz` runs it but as a plain libFuzzer binary (OSS-Fuzz style).
//
//   POPEK_FUZZ_MODEL     a bundled model's name or a .isa path (default pg)
//   POPEK_FUZZ_VMM       trap-emulate (default) or hybrid
//   POPEK_FUZZ_FINDINGS  a folder: divergences become findings there, as in
//                        `popek fuzz`. Unset: a divergence is a crash, so on a
//                        virtualizable model (pg) any divergence is a VMM bug
//                        that libFuzzer reports and saves.
#include "fuzz/session.hpp"

#include <cstdio>
#include <cstdlib>
#include <cstring>

// Weak: the replay driver (replay_main.cpp) has no libFuzzer, and never mutates.
extern "C" __attribute__((weak)) size_t LLVMFuzzerMutate(uint8_t* data, size_t size, size_t max_size);

namespace {

// The model's coverage counters, in libFuzzer's extra-counters section. (popek
// fuzz registers a module of exactly the model's size instead, which is
// faster; here the binary's own instrumentation comes with PC tables, and
// libFuzzer refuses a module without one.)
constexpr size_t kCounters = 1 << 14;
__attribute__((section("__libfuzzer_extra_counters"), used)) uint8_t g_counters[kCounters];
bool g_crash_on_divergence = true;

const char* env_or(const char* name, const char* fallback) {
  const char* v = std::getenv(name);
  return v && *v ? v : fallback;
}

} // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  popek::fuzz::SessionConfig c;
  c.model = env_or("POPEK_FUZZ_MODEL", "pg");
  c.models_dir = env_or("POPEK_MODELS", POPEK_MODELS_DIR);
  c.strategy = std::strcmp(env_or("POPEK_FUZZ_VMM", "trap-emulate"), "hybrid") == 0
                   ? popek::vmm::Strategy::Hybrid
                   : popek::vmm::Strategy::TrapAndEmulate;
  c.findings = env_or("POPEK_FUZZ_FINDINGS", "");
  g_crash_on_divergence = c.findings.empty();
  std::string error;
  if (!popek::fuzz::Session::start(c, error)) {
    std::fprintf(stderr, "diff_fuzzer: %s\n", error.c_str());
    std::exit(2);
  }
  popek::fuzz::Session::get()->set_sink(g_counters, kCounters);
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  popek::fuzz::Session& s = *popek::fuzz::Session::get();
  int r = s.test_one_input(data, size);
  const popek::fuzz::Target::Result last = s.last_result();
  if (g_crash_on_divergence && (last == popek::fuzz::Target::New || last == popek::fuzz::Target::Known)) {
    std::fprintf(stderr, "diff_fuzzer: divergence %s\n", s.target().last_signature().text().c_str());
    __builtin_trap();
  }
  return r;
}

extern "C" size_t LLVMFuzzerCustomMutator(uint8_t* data, size_t size, size_t max_size, unsigned seed) {
  return popek::fuzz::Session::get()->mutate(data, size, max_size, seed, &LLVMFuzzerMutate);
}

extern "C" size_t LLVMFuzzerCustomCrossOver(const uint8_t* a, size_t na, const uint8_t* b, size_t nb, uint8_t* out,
                                            size_t max_size, unsigned seed) {
  return popek::fuzz::Session::get()->cross_over(a, na, b, nb, out, max_size, seed);
}
