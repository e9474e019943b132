// The prover tests' small machines, whose answers are known by hand, and a
// fixture that loads and classifies them.
#pragma once

#include "lang/load.hpp"
#include "prover/classify.hpp"
#include "temp_dir.hpp"
#include "test_util.hpp"

#include <gtest/gtest.h>
#include <optional>

namespace popek::test {

// pg in miniature: 16 bytes of storage, relocation-bounds R = (l, b), and
// instructions that each show one property.
inline constexpr const char* kTiny = R"(machine tiny "a small machine with answers known by hand"
word 8
memory E[16] : 8
modes s = 0, u = 1
register P : 4 pc reset 2
register A : 8
register R : 8 system reset 0x0f {
  l [7:4]
  b [3:0]
}
trap memory = 1
trap privileged = 2
trap undefined = 3
default trap privileged
undefined trap undefined
function translate(a : 4) -> 4 {
  if a > R.b { trap memory }
  let abs : 5 = zext(a, 5) + zext(R.l, 5)
  if abs >= 16 { trap memory }
  return abs[3:0]
}
fetch (i : 4) -> 8 { return E[translate(P + i)] }
trap entry (cause : 2, arg : 8) {
  E[0] = zext(cause, 8)
  mode = s
  P = 1
}
vmm (base : 4, size : 5) {
  mode = u
  R.l = R.l + base
  R.b = R.b
  reset R.b = (size - 1)[3:0]
  wellformed zext(R.l, 5) + zext(R.b, 5) < size
}
insn lda  0000 a:4   "lda {a}"  { A = E[translate(a)] }
insn sta  0001 a:4   "sta {a}"  { E[translate(a)] = A }
insn setr 0011 0000  "setr"     {
  require mode == s
  R = A
}
)";
inline constexpr const char* kTinyMore = R"(
insn getm 0010 0000  "getm"     { A = zext(mode, 8) }
insn rtu  0100 t:4   "rtu {t}"  {
  mode = u
  P = t
}
insn lra  0101 a:4   "lra {a}"  { A = zext(translate(a), 8) }
)";

class ProverTest : public TempDirTest {
protected:
  std::shared_ptr<const model::Model> model(const std::string& text) {
    std::string path = put("tiny.isa", text);
    lang::LoadResult r = lang::load_model_file(path);
    EXPECT_TRUE(r.model) << r.error;
    return r.model;
  }
  prover::Classification classify(const std::string& text, smt::Limits limits = {},
                                  std::optional<vmm::Allocation> allocation = std::nullopt, bool derive = true) {
    auto m = model(text);
    prover::Options o;
    o.limits = limits;
    o.jobs = 2;
    o.models_dir = path("models");
    o.allocation = allocation;
    o.derive = derive;
    return prover::classify(m, o);
  }
  static const prover::Row& row(const prover::Classification& c, const std::string& insn) {
    return c.rows[static_cast<size_t>(c.model->find_insn(insn))];
  }
};

} // namespace popek::test
