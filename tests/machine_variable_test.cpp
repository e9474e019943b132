// The reference machine on variable-length instructions of one to three bytes: decoding,
// wrap-around, undefined bytes and fetching only the bytes an instruction needs.
//
// Instructions are encoded by hand from the encodings below; expected values are
// worked out in the test, never by running the model another way.
#include "test_util.hpp"

#include <gtest/gtest.h>

#include <initializer_list>
#include <string>
#include <vector>

namespace popek {
namespace {

using machine::Machine;
using machine::Outcome;

// ---- variable-length instructions -----------------------------------------------------

const char* kVar = R"(
machine var "machine test: instructions of one, two and three bytes"
word 8
memory M[256] : 8
modes k = 0
register pc : 8 pc reset 0
register A : 8
register TC : 2
register TP : 8
trap undef = 1
undefined trap undef
trap entry (cause : 2, arg : 8) {
  TC = cause
  TP = pc
  pc = 0xf0
}
fetch (i : 8) -> 8 { return M[pc + i] }
insn inc  0x01          "inc"        { A = A + 1 }
insn li   0x02 imm:8    "li {imm}"   { A = imm }
insn addi 0x03 imm:8    "addi {imm}" { A = A + imm }
insn inv  0x04 0x01     "inv"        { A = ~A }
insn jmp  0x05 t:8      "jmp {t}"    { pc = t }
insn mix  0x06 x:16     "mix {x}"    { A = x[15:8] ^ x[7:0] }
insn halt 0xff          "halt"       { halt }
)";

// The same instructions behind a fetch limit: reading a byte past LIM is a memory trap.
const char* kVarLimited = R"(
machine varlim "machine test: variable length with a fetch limit"
word 8
memory M[256] : 8
modes k = 0
register pc : 8 pc reset 0
register A : 8
register LIM : 8 reset 0x10
register TC : 2
register TP : 8
trap undef = 1
trap fault = 2
undefined trap undef
trap entry (cause : 2, arg : 8) {
  TC = cause
  TP = pc
  pc = 0xf0
}
function translate(a : 8) -> 8 {
  if a > LIM { trap fault }
  return a
}
fetch (i : 8) -> 8 { return M[translate(pc + i)] }
insn inc  0x01          "inc"        { A = A + 1 }
insn li   0x02 imm:8    "li {imm}"   { A = imm }
insn mix  0x06 x:16     "mix {x}"    { A = x[15:8] ^ x[7:0] }
)";

class MachineVariable : public ::testing::Test {
protected:
  void SetUp() override {
    model_ = test::load_text(kVar, "var.isa");
    ASSERT_TRUE(model_);
    mc_ = std::make_unique<Machine>(model_);
  }
  void bytes(uint64_t at, std::initializer_list<uint64_t> v) {
    for (uint64_t b : v) mc_->set_mem(0, (at++) & 0xff, b);
  }
  uint64_t a() const { return mc_->reg(static_cast<unsigned>(model_->find_reg("A"))); }
  uint64_t r(const char* n) const { return mc_->reg(static_cast<unsigned>(model_->find_reg(n))); }
  std::shared_ptr<const model::Model> model_;
  std::unique_ptr<Machine> mc_;
};

TEST_F(MachineVariable, DecodesInstructionsOfEveryLength) {
  EXPECT_EQ(model_->max_insn_units(), 3u);
  // Operand bytes that look like opcodes (0x01 is inc, 0x05 is jmp) are operands.
  bytes(0x00, {0x02, 0x05,       // li 5
               0x01,             // inc
               0x03, 0x01,       // addi 1
               0x04, 0x01,       // inv
               0x06, 0x12, 0x34, // mix 0x1234
               0x05, 0x20,       // jmp 0x20
               0x01});           // inc (skipped)
  bytes(0x20, {0xff});
  struct Step {
    const char* insn;
    unsigned units;
    uint64_t pc, a;
  } steps[] = {{"li", 2, 2, 5},     {"inc", 1, 3, 6},     {"addi", 2, 5, 7},
               {"inv", 2, 7, 0xf8}, {"mix", 3, 10, 0x26}, {"jmp", 2, 0x20, 0x26}};
  for (const Step& s : steps) {
    SCOPED_TRACE(s.insn);
    Outcome o = mc_->step();
    ASSERT_EQ(o.kind, Outcome::Completed);
    EXPECT_EQ(o.insn, model_->find_insn(s.insn));
    EXPECT_EQ(o.units, s.units);
    EXPECT_EQ(mc_->pc(), s.pc);
    EXPECT_EQ(a(), s.a);
  }
  Outcome o = mc_->step();
  EXPECT_EQ(o.kind, Outcome::Halted);
  EXPECT_EQ(o.units, 1u);
}

TEST_F(MachineVariable, AnInstructionMayWrapAroundTheEndOfMemory) {
  bytes(0xfe, {0x06, 0xf0, 0x0f}); // mix 0xf00f at 0xfe, 0xff, 0x00
  bytes(0x01, {0x01});
  mc_->set_reg(model_->pc_reg, 0xfe);
  Outcome o = mc_->step();
  ASSERT_EQ(o.kind, Outcome::Completed);
  EXPECT_EQ(o.units, 3u);
  EXPECT_EQ(a(), 0xffu);
  EXPECT_EQ(mc_->pc(), 0x01u);
  ASSERT_EQ(mc_->step().kind, Outcome::Completed);
  EXPECT_EQ(a(), 0x00u);
}

TEST_F(MachineVariable, UnknownBytesTrapWithTheUndefinedCause) {
  const struct {
    std::vector<uint64_t> code;
    const char* why;
  } cases[] = {
      {{0x00}, "opcode 0"},
      {{0x07}, "opcode 7"},
      {{0xfe}, "opcode 0xfe"},
      {{0x04, 0x02}, "inv's second byte must be 0x01"},
      {{0x04, 0x00}, "inv's second byte must be 0x01 (0)"},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.why);
    mc_->reset();
    bytes(0x00, {0x02, 0x33}); // li 0x33
    uint64_t at = 0x02;
    for (uint64_t b : c.code) bytes(at++, {b});
    ASSERT_EQ(mc_->step().kind, Outcome::Completed);
    Outcome o = mc_->execute();
    ASSERT_EQ(o.kind, Outcome::Trapped);
    EXPECT_EQ(model_->traps[o.cause].name, "undef");
    EXPECT_EQ(static_cast<int>(o.cause), model_->undefined_trap);
    EXPECT_EQ(o.insn, -1);
    EXPECT_FALSE(o.memory);
    EXPECT_EQ(mc_->pc(), 0x02u);
    EXPECT_EQ(a(), 0x33u);
    mc_->enter_trap(o);
    EXPECT_EQ(r("TC"), 1u);
    EXPECT_EQ(r("TP"), 0x02u);
    EXPECT_EQ(mc_->pc(), 0xf0u);
  }
}

// Decoding reads only as many bytes as the instruction needs: a byte no encoding
// starts with is undefined at once, even at the last fetchable address, while an
// instruction running past the limit takes the fetch's memory trap.
TEST(MachineVariableLimited, FetchesOnlyTheBytesAnInstructionNeeds) {
  auto m = test::load_text(kVarLimited, "varlim.isa");
  ASSERT_TRUE(m);
  const unsigned A = static_cast<unsigned>(m->find_reg("A")), TC = static_cast<unsigned>(m->find_reg("TC"));
  struct Case {
    std::vector<uint64_t> code; // placed so that its first byte is at LIM = 0x10
    const char* trap;           // null: completes
    uint64_t a;
  } cases[] = {
      {{0x01}, nullptr, 1},       // inc at the limit
      {{0x09}, "undef", 0},       // unknown byte at the limit: undefined, no fetch past it
      {{0x02, 0x07}, "fault", 0}, // li needs a byte past the limit
      {{0x06, 0x01, 0x02}, "fault", 0},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(testing::Message() << "first byte " << c.code[0]);
    Machine mc(m);
    uint64_t at = 0x10;
    for (uint64_t b : c.code) mc.set_mem(0, at++, b);
    mc.set_reg(m->pc_reg, 0x10);
    Outcome o = mc.execute();
    if (!c.trap) {
      ASSERT_EQ(o.kind, Outcome::Completed);
      EXPECT_EQ(mc.reg(A), c.a);
      EXPECT_EQ(mc.pc(), 0x11u);
      continue;
    }
    ASSERT_EQ(o.kind, Outcome::Trapped);
    EXPECT_EQ(m->traps[o.cause].name, c.trap);
    EXPECT_EQ(o.memory, std::string(c.trap) == "fault");
    EXPECT_EQ(mc.pc(), 0x10u);
    mc.enter_trap(o);
    EXPECT_EQ(mc.reg(TC), std::string(c.trap) == "fault" ? 2u : 1u);
  }
  // Below the limit, the two- and three-byte instructions complete.
  Machine mc(m);
  mc.set_mem(0, 0x0d, 0x06);
  mc.set_mem(0, 0x0e, 0x0f);
  mc.set_mem(0, 0x0f, 0xf1);
  mc.set_reg(m->pc_reg, 0x0d);
  ASSERT_EQ(mc.execute().kind, Outcome::Completed);
  EXPECT_EQ(mc.reg(A), 0xfeu);
  EXPECT_EQ(mc.pc(), 0x10u);
}

} // namespace
} // namespace popek
