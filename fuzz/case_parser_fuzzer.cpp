// libFuzzer target: the regression-case reader never crashes on any input; a
// rejection names its place (fuzz.case:LINE:COL); a case it accepts is
// written back by write_case to text that reads as the same case, and
// writing that again gives the same text (the format round-trips).
#include "corpus/case.hpp"

#include <cstddef>
#include <cstdint>
#include <string>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string text(reinterpret_cast<const char*>(data), size);
  popek::corpus::Case c;
  try {
    c = popek::corpus::parse_case("fuzz.case", text);
  } catch (const popek::InputError& e) {
    if (std::string(e.what()).rfind("fuzz.case:", 0) != 0) __builtin_trap();
    return 0;
  }
  std::string once = popek::corpus::write_case(c);
  popek::corpus::Case back;
  try {
    back = popek::corpus::parse_case("fuzz.case", once);
  } catch (const popek::InputError&) {
    __builtin_trap(); // write_case wrote something parse_case rejects
  }
  if (popek::corpus::write_case(back) != once) __builtin_trap();
  if (back.model != c.model || back.strategy != c.strategy || back.allocation != c.allocation ||
      back.max_steps != c.max_steps || back.state.size() != c.state.size() ||
      popek::corpus::describe(back.expect) != popek::corpus::describe(c.expect))
    __builtin_trap();
  return 0;
}
