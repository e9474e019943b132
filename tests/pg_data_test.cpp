// The pg model on the reference machine: the declarations and encoding the tests rely
// on, data movement, and arithmetic and logic wrapping at 36 bits.
//
// Instructions and expected values are worked out by hand (see pg_helpers.hpp).
#include "pg_helpers.hpp"
#include "test_util.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace popek {
namespace {

using machine::Machine;
using machine::Outcome;
using namespace test; // pg encodings and the PgTest fixture

// ---- the model's declarations the tests rely on ------------------------------

TEST_P(PgTest, DeclaresThePapersMachine) {
  EXPECT_EQ(m().word, 36u);
  ASSERT_EQ(m().mems.size(), 1u);
  EXPECT_EQ(m().mems[0].size, kQ);
  EXPECT_EQ(m().mems[0].unit, 36u);
  EXPECT_EQ(m().fetch_step, 1u);
  EXPECT_EQ(code_of("memory"), 1u);
  EXPECT_EQ(code_of("privileged"), 2u);
  EXPECT_EQ(code_of("svc"), 3u);
  EXPECT_EQ(code_of("undefined"), 4u);
  EXPECT_EQ(m().traps.at(static_cast<size_t>(m().undefined_trap)).name, "undefined");
  EXPECT_EQ(m().insns.size(), 23u);
  // Reset: supervisor, P = 2 (past the PSW words), R = (0, 1023).
  EXPECT_EQ(mode(), 0u);
  EXPECT_EQ(p(), 2u);
  EXPECT_EQ(r(), (0u << 10) | 1023u);
}

// The assembler and the hand encoding used by these tests agree on every mnemonic.
TEST_P(PgTest, EncodingMatchesTheDocumentedLayout) {
  auto img = test::assemble(m(), "li 5, -1\nli 6, 0x7ffff\nmov 1, 2\nld 3, @4\nst @5, 6\nadd 7, 8, 9\n"
                                 "sub 10, 11, 12\nand 13, 14, 15\nor 16, 17, 18\nxor 19, 20, 21\n"
                                 "addi 22, 23, -512\nshl 24, 25, 36\nshr 26, 27, 1023\nbeq 28, 29, 30\n"
                                 "bne 31, 32, 33\nblt 34, 35, 36\nbltu 37, 38, 39\njmp 40\njal 41, 42\n"
                                 "jr 43\nsvc\nlpsw 44\nsetr 45\nhalt\n");
  const std::vector<uint64_t> want = {Li(5, -1),
                                      Li(6, 0x7ffff),
                                      I(MOV, 1, 2),
                                      I(LD, 3, 4),
                                      I(ST, 5, 6),
                                      I(ADD, 7, 8, 9),
                                      I(SUB, 10, 11, 12),
                                      I(AND, 13, 14, 15),
                                      I(OR, 16, 17, 18),
                                      I(XOR, 19, 20, 21),
                                      I(ADDI, 22, 23, 512),
                                      I(SHL, 24, 25, 36),
                                      I(SHR, 26, 27, 1023),
                                      I(BEQ, 28, 29, 30),
                                      I(BNE, 31, 32, 33),
                                      I(BLT, 34, 35, 36),
                                      I(BLTU, 37, 38, 39),
                                      I(JMP, 0, 0, 40),
                                      I(JAL, 41, 0, 42),
                                      I(JR, 43),
                                      I(SVC),
                                      I(LPSW, 44),
                                      I(SETR, 45),
                                      I(HALT)};
  ASSERT_EQ(img.units.size(), want.size());
  for (size_t i = 0; i < want.size(); ++i) EXPECT_EQ(img.units.at(i), want[i]) << "line " << i + 1;
}

// ---- data movement -------------------------------------------------------------

TEST_P(PgTest, LiSignExtendsItsTwentyBitImmediate) {
  struct Case {
    int64_t imm;
    uint64_t want;
  } cases[] = {{0, 0}, {5, 5}, {0x7ffff, 0x7ffff}, {-1, kMask36}, {-0x80000, 0xffff80000}, {-2, 0xffffffffe}};
  for (const Case& c : cases) {
    SCOPED_TRACE(c.imm);
    mc().reset();
    put(100, 0x123456789);
    code_at(10, Li(100, c.imm));
    Outcome o = done();
    EXPECT_EQ(o.insn, insn("li"));
    EXPECT_EQ(o.units, 1u);
    EXPECT_EQ(at(100), c.want);
    EXPECT_EQ(p(), 11u);
  }
}

TEST_P(PgTest, MovCopiesAWord) {
  put(200, 0xfedcba987);
  put(201, 1);
  code_at(7, I(MOV, 201, 200));
  done();
  EXPECT_EQ(at(201), 0xfedcba987u);
  EXPECT_EQ(at(200), 0xfedcba987u);
  EXPECT_EQ(p(), 8u);
}

TEST_P(PgTest, LdLoadsThroughTheLowTenBitsOfAPointer) {
  put(300, (uint64_t{0x3ffffff} << 10) | 310); // high bits are not part of the address
  put(310, 0xabcdef012);
  put(301, 0);
  code_at(20, I(LD, 301, 300));
  done();
  EXPECT_EQ(at(301), 0xabcdef012u);
  EXPECT_EQ(at(300), (uint64_t{0x3ffffff} << 10) | 310);
  EXPECT_EQ(p(), 21u);
}

TEST_P(PgTest, StStoresThroughTheLowTenBitsOfAPointer) {
  put(400, (uint64_t{0x1234} << 10) | 410);
  put(401, 0x987654321);
  put(410, 5);
  code_at(30, I(ST, 400, 401));
  done();
  EXPECT_EQ(at(410), 0x987654321u);
  EXPECT_EQ(at(400), (uint64_t{0x1234} << 10) | 410);
  EXPECT_EQ(at(401), 0x987654321u);
  EXPECT_EQ(p(), 31u);
}

// ---- arithmetic and logic ------------------------------------------------------

struct AluCase {
  uint64_t op;
  uint64_t x, y, want;
};

TEST_P(PgTest, ThreeOperandArithmeticAndLogicWrapAtThirtySixBits) {
  const AluCase cases[] = {
      {ADD, 2, 3, 5},
      {ADD, kMask36, 2, 1},               // wraps
      {ADD, 0x800000000, 0x800000000, 0}, // carry out of bit 35 is lost
      {SUB, 10, 3, 7},
      {SUB, 0, 1, kMask36}, // borrows around
      {SUB, 3, 10, W(-7)},
      {AND, 0xf0f0f0f0f, 0x0ff00ff00, 0x00f000f00},
      {OR, 0xf0000000f, 0x0000ff000, 0xf000ff00f},
      {XOR, 0xfff000fff, 0x0ff0ff0f0, 0xf000fff0f},
      {XOR, 0x123456789, 0x123456789, 0},
  };
  for (const AluCase& c : cases) {
    SCOPED_TRACE(testing::Message() << "op " << c.op << " " << std::hex << c.x << ", " << c.y);
    mc().reset();
    put(50, c.x);
    put(51, c.y);
    put(52, 0x5a5a5a5a5);
    code_at(3, I(c.op, 52, 50, 51));
    done();
    EXPECT_EQ(at(52), c.want);
    EXPECT_EQ(at(50), c.x);
    EXPECT_EQ(at(51), c.y);
    EXPECT_EQ(p(), 4u);
  }
}

TEST_P(PgTest, ThreeOperandFormMayNameOneWordTwice) {
  put(60, 21);
  code_at(2, I(ADD, 60, 60, 60));
  done();
  EXPECT_EQ(at(60), 42u);
}

TEST_P(PgTest, AddiSignExtendsItsTenBitImmediate) {
  struct Case {
    uint64_t x;
    uint64_t imm; // the raw 10-bit field
    uint64_t want;
  } cases[] = {
      {100, 5, 105},
      {100, 511, 611},          // largest positive immediate
      {100, 512, W(100 - 512)}, // 0x200 is -512
      {100, 1023, 99},          // 0x3ff is -1
      {0, 1023, kMask36},       // 0 - 1 wraps
      {kMask36, 1, 0},          // wraps upwards
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(testing::Message() << c.x << " + imm field " << c.imm);
    mc().reset();
    put(70, c.x);
    code_at(9, I(ADDI, 71, 70, c.imm));
    done();
    EXPECT_EQ(at(71), c.want);
    EXPECT_EQ(p(), 10u);
  }
}

TEST_P(PgTest, ShiftsByAnyAmountUpToAThousandAndTwentyThree) {
  struct Case {
    uint64_t op, x, n, want;
  } cases[] = {
      {SHL, 0x123, 4, 0x1230},        {SHL, 0x800000001, 1, 2}, // bit 35 shifts out
      {SHL, 1, 35, 0x800000000},      {SHL, 1, 36, 0},          // shifting by the width or more gives 0
      {SHL, kMask36, 1023, 0},        {SHL, 0x5, 0, 0x5},       {SHR, 0x1230, 4, 0x123}, {SHR, 0x800000000, 35, 1},
      {SHR, kMask36, 4, 0x0ffffffff}, // logical: zero fill
      {SHR, kMask36, 36, 0},          {SHR, kMask36, 1023, 0},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(testing::Message() << (c.op == SHL ? "shl " : "shr ") << std::hex << c.x << " by " << std::dec << c.n);
    mc().reset();
    put(80, c.x);
    put(81, 0x5a5);
    code_at(12, I(c.op, 81, 80, c.n));
    done();
    EXPECT_EQ(at(81), c.want);
    EXPECT_EQ(at(80), c.x);
    EXPECT_EQ(p(), 13u);
  }
}

// The one instantiation of PgTest, on every engine: it covers the TEST_Ps of all the
// pg_*_test.cpp files.
INSTANTIATE_TEST_SUITE_P(Pg, PgTest, ::testing::Values(machine::Engine::Auto, machine::Engine::Interpreter),
                         [](const ::testing::TestParamInfo<machine::Engine>& i) {
                           return i.param == machine::Engine::Auto ? "Auto" : "Interpreter";
                         });

} // namespace
} // namespace popek
