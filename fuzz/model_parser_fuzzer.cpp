// libFuzzer target: the model front end (lexer, parser, checker) and the
// reference machine's compiler never crash, hang or leak on any input. A model
// that loads is also run for a few steps.
#include "lang/load.hpp"
#include "machine/machine.hpp"

#include <cstddef>
#include <cstdint>
#include <string>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string text(reinterpret_cast<const char*>(data), size);
  popek::lang::LoadResult r = popek::lang::load_model_text("fuzz.isa", text);
  if (!r.model) {
    // Every rejection carries a location and a message.
    if (r.error.rfind("fuzz.isa", 0) != 0) __builtin_trap();
    return 0;
  }
  uint64_t units = 0;
  for (const auto& mem : r.model->mems) units += mem.size;
  if (units > (uint64_t{1} << 16)) return 0; // keep each run small and fast
  popek::machine::Machine m(r.model);
  m.run(64);
  return 0;
}
