// The reference machine on the calc model (machine_calc.hpp): register files selected by
// operand fields and the bit-vector operations, with SMT-LIB semantics at the edges.
//
// Instructions are encoded by hand from the encodings in machine_calc.hpp; expected values
// are worked out in the test, never by running the model another way.
#include "machine_calc.hpp"
#include "test_util.hpp"

#include <gtest/gtest.h>

#include <utility>

namespace popek {
namespace {

using machine::Machine;
using machine::Outcome;
using namespace test; // the calc model, its encoding and the MachineCalc fixture

// ---- a machine with register files, fields and every operation: the operations ----

TEST_F(MachineCalc, RegisterFileEntriesAreSelectedByTheOperandFields) {
  for (unsigned i = 0; i < 8; ++i) set_x(i, 0x100 * (i + 1));
  run1(C(kAdd, 6, 2, 5)); // X6 = X2 + X5
  for (unsigned i = 0; i < 8; ++i) EXPECT_EQ(x(i), i == 6 ? 0x300u + 0x600u : 0x100u * (i + 1)) << i;
  run1(C(kSub, 0, 7, 1)); // X0 = X7 - X1
  EXPECT_EQ(x(0), 0x800u - 0x200u);
  EXPECT_EQ(x(6), 0x900u);
}

// Seven operand fields: more than the machine's decode cache keeps per instruction.
TEST_F(MachineCalc, InstructionsWithManyOperandFields) {
  auto many = [](uint64_t a, uint64_t b, uint64_t c, uint64_t e, uint64_t f, uint64_t g, uint64_t h) {
    return (kMany << 24) | (a << 21) | (b << 18) | (c << 15) | (e << 12) | (f << 9) | (g << 6) | (h << 3);
  };
  const uint64_t one = many(2, 1, 2, 3, 4, 5, 6), two = many(5, 7, 6, 5, 4, 3, 1);
  for (int round = 0; round < 3; ++round) {
    SCOPED_TRACE(round);
    set_x(2, 0);
    set_x(5, 0);
    run1(one);
    EXPECT_EQ(x(2), ((1u << 12) | (2u << 9) | (3u << 6) | (4u << 3) | 5u) + 6u);
    EXPECT_EQ(x(5), 0u);
    run1(two);
    EXPECT_EQ(x(5), ((7u << 12) | (6u << 9) | (5u << 6) | (4u << 3) | 3u) + 1u);
  }
}

TEST_F(MachineCalc, RegisterFileIndexedByARegisterValue) {
  for (unsigned i = 0; i < 8; ++i) set_x(i, 0x1000 + i);
  set_x(1, 0xfff5); // low three bits: 5
  run1(C(kInd, 2, 1, 0));
  EXPECT_EQ(x(2), 0x1005u);
}

TEST_F(MachineCalc, ArithmeticWrapsAtTheRegisterWidth) {
  EXPECT_EQ(bin(kAdd, 0xffff, 2), 1u);
  EXPECT_EQ(bin(kAdd, 0x8000, 0x8000), 0u);
  EXPECT_EQ(bin(kSub, 0, 1), 0xffffu);
  EXPECT_EQ(bin(kSub, 5, 7), 0xfffeu);
  EXPECT_EQ(bin(kMul, 0x1234, 0x100), 0x3400u);
  EXPECT_EQ(bin(kMul, 0xffff, 0xffff), 1u); // (-1) * (-1)
  EXPECT_EQ(bin(kMul, 300, 300), 90000u & 0xffff);
  set_x(1, 1);
  run1(C(kNeg, 3, 1));
  EXPECT_EQ(x(3), 0xffffu);
  set_x(1, 0x8000);
  run1(C(kNeg, 3, 1));
  EXPECT_EQ(x(3), 0x8000u);
  set_x(1, 0x0f0f);
  run1(C(kNot, 3, 1));
  EXPECT_EQ(x(3), 0xf0f0u);
}

TEST_F(MachineCalc, SixtyFourBitAdditionWraps) {
  EXPECT_EQ(wbin(kWadd, ~uint64_t{0}, 3), 2u);
  EXPECT_EQ(wbin(kWadd, uint64_t{1} << 63, uint64_t{1} << 63), 0u);
}

TEST_F(MachineCalc, UnsignedDivisionAndRemainderFollowSmtLib) {
  EXPECT_EQ(bin(kUdiv, 100, 7), 14u);
  EXPECT_EQ(bin(kUrem, 100, 7), 2u);
  EXPECT_EQ(bin(kUdiv, 0xfffe, 0xffff), 0u); // unsigned: no sign
  EXPECT_EQ(bin(kUrem, 0xfffe, 0xffff), 0xfffeu);
  EXPECT_EQ(bin(kUdiv, 0x8000, 2), 0x4000u);
  EXPECT_EQ(bin(kUdiv, 1234, 0), 0xffffu); // x / 0 = all ones
  EXPECT_EQ(bin(kUdiv, 0, 0), 0xffffu);
  EXPECT_EQ(bin(kUrem, 1234, 0), 1234u); // x % 0 = x
  EXPECT_EQ(bin(kUrem, 0, 0), 0u);
}

TEST_F(MachineCalc, SignedDivisionAndRemainderFollowSmtLib) {
  auto s = [](int v) { return static_cast<uint64_t>(static_cast<uint16_t>(static_cast<int16_t>(v))); };
  // Truncating division; the remainder takes the sign of the dividend (bvsdiv, bvsrem).
  EXPECT_EQ(bin(kSdiv, s(7), s(2)), s(3));
  EXPECT_EQ(bin(kSdiv, s(-7), s(2)), s(-3));
  EXPECT_EQ(bin(kSdiv, s(7), s(-2)), s(-3));
  EXPECT_EQ(bin(kSdiv, s(-7), s(-2)), s(3));
  EXPECT_EQ(bin(kSrem, s(7), s(2)), s(1));
  EXPECT_EQ(bin(kSrem, s(-7), s(2)), s(-1));
  EXPECT_EQ(bin(kSrem, s(7), s(-2)), s(1));
  EXPECT_EQ(bin(kSrem, s(-7), s(-2)), s(-1));
  // The most negative value divided by -1 overflows back to itself.
  EXPECT_EQ(bin(kSdiv, 0x8000, s(-1)), 0x8000u);
  EXPECT_EQ(bin(kSrem, 0x8000, s(-1)), 0u);
  // Division by zero: -1 for a non-negative dividend, 1 for a negative one; x %_s 0 = x.
  EXPECT_EQ(bin(kSdiv, s(5), 0), 0xffffu);
  EXPECT_EQ(bin(kSdiv, 0, 0), 0xffffu);
  EXPECT_EQ(bin(kSdiv, s(-5), 0), 1u);
  EXPECT_EQ(bin(kSdiv, 0x8000, 0), 1u);
  EXPECT_EQ(bin(kSrem, s(5), 0), s(5));
  EXPECT_EQ(bin(kSrem, s(-5), 0), s(-5));
}

TEST_F(MachineCalc, SixtyFourBitDivisionFollowsSmtLib) {
  const uint64_t ones = ~uint64_t{0}, min = uint64_t{1} << 63;
  EXPECT_EQ(wbin(kWudiv, ones, 2), ones >> 1);
  EXPECT_EQ(wbin(kWurem, ones, 10), 5u); // 18446744073709551615 = 10 * ... + 5
  EXPECT_EQ(wbin(kWudiv, 12345, 0), ones);
  EXPECT_EQ(wbin(kWurem, 12345, 0), 12345u);
  EXPECT_EQ(wbin(kWsdiv, min, ones), min); // INT64_MIN / -1
  EXPECT_EQ(wbin(kWsrem, min, ones), 0u);
  EXPECT_EQ(wbin(kWsdiv, static_cast<uint64_t>(-7), 2), static_cast<uint64_t>(-3));
  EXPECT_EQ(wbin(kWsrem, static_cast<uint64_t>(-7), 2), static_cast<uint64_t>(-1));
  EXPECT_EQ(wbin(kWsdiv, 7, 0), ones);
  EXPECT_EQ(wbin(kWsdiv, static_cast<uint64_t>(-7), 0), 1u);
  EXPECT_EQ(wbin(kWsrem, static_cast<uint64_t>(-7), 0), static_cast<uint64_t>(-7));
  EXPECT_EQ(wbin(kWsdiv, min, 0), 1u);
}

TEST_F(MachineCalc, ShiftsByTheWidthOrMoreFollowSmtLib) {
  EXPECT_EQ(bin(kShl, 0x8001, 1), 0x0002u);
  EXPECT_EQ(bin(kShl, 0x0001, 15), 0x8000u);
  EXPECT_EQ(bin(kShl, 0x0001, 16), 0u);
  EXPECT_EQ(bin(kShl, 0xffff, 17), 0u);
  EXPECT_EQ(bin(kShl, 0xffff, 0xffff), 0u);
  EXPECT_EQ(bin(kShl, 0x1234, 0), 0x1234u);
  EXPECT_EQ(bin(kShr, 0x8000, 15), 1u);
  EXPECT_EQ(bin(kShr, 0xffff, 4), 0x0fffu); // logical: zero fill
  EXPECT_EQ(bin(kShr, 0xffff, 16), 0u);
  EXPECT_EQ(bin(kShr, 0xffff, 0x8000), 0u);
  EXPECT_EQ(bin(kSar, 0x8000, 4), 0xf800u); // arithmetic: sign fill
  EXPECT_EQ(bin(kSar, 0x8000, 15), 0xffffu);
  EXPECT_EQ(bin(kSar, 0x8000, 16), 0xffffu);
  EXPECT_EQ(bin(kSar, 0x8000, 0xffff), 0xffffu);
  EXPECT_EQ(bin(kSar, 0x7fff, 14), 1u);
  EXPECT_EQ(bin(kSar, 0x7fff, 16), 0u);
  EXPECT_EQ(bin(kSar, 0x7fff, 0xffff), 0u);
  // A literal shift amount wider than the value.
  set_x(1, 0xffff);
  run1(C(kShl20, 3, 1));
  EXPECT_EQ(x(3), 0u);
  run1(C(kSar20, 3, 1));
  EXPECT_EQ(x(3), 0xffffu);
  set_x(1, 0x7fff);
  run1(C(kSar20, 3, 1));
  EXPECT_EQ(x(3), 0u);
}

TEST_F(MachineCalc, SixtyFourBitShiftsByTheWidthOrMore) {
  const uint64_t ones = ~uint64_t{0}, min = uint64_t{1} << 63;
  EXPECT_EQ(wbin(kWshl, 1, 63), min);
  EXPECT_EQ(wbin(kWshl, ones, 1), ones - 1);
  EXPECT_EQ(wbin(kWshl, ones, 64), 0u);
  EXPECT_EQ(wbin(kWshl, ones, 65), 0u);
  EXPECT_EQ(wbin(kWshl, ones, uint64_t{1} << 32), 0u);
  EXPECT_EQ(wbin(kWshl, ones, ones), 0u);
  EXPECT_EQ(wbin(kWshr, min, 63), 1u);
  EXPECT_EQ(wbin(kWshr, ones, 64), 0u);
  EXPECT_EQ(wbin(kWshr, ones, ones), 0u);
  EXPECT_EQ(wbin(kWsar, min, 4), 0xf800000000000000u);
  EXPECT_EQ(wbin(kWsar, min, 63), ones);
  EXPECT_EQ(wbin(kWsar, min, 64), ones);
  EXPECT_EQ(wbin(kWsar, min, ones), ones);
  EXPECT_EQ(wbin(kWsar, ones >> 1, 64), 0u);
  EXPECT_EQ(wbin(kWsar, ones >> 1, 62), 1u);
}

TEST_F(MachineCalc, ConstantFoldingAgreesWithSmtLib) {
  // (0x8000 >>_s 17) ^ (0x8000 /_s 0) ^ (0x8000 % 0) = 0xffff ^ 1 ^ 0x8000
  run1(C(kFold, 4));
  EXPECT_EQ(x(4), 0xffffu ^ 1u ^ 0x8000u);
}

TEST_F(MachineCalc, ComparisonsSignedAndUnsigned) {
  // Bits, most significant first: <, <=, >, >=, <_s, <=_s, >_s, >=_s, ==, !=.
  auto bits = [](bool lt, bool le, bool gt, bool ge, bool slt, bool sle, bool sgt, bool sge, bool eq, bool ne) {
    return uint64_t{lt} << 9 | uint64_t{le} << 8 | uint64_t{gt} << 7 | uint64_t{ge} << 6 | uint64_t{slt} << 5 |
           uint64_t{sle} << 4 | uint64_t{sgt} << 3 | uint64_t{sge} << 2 | uint64_t{eq} << 1 | uint64_t{ne};
  };
  EXPECT_EQ(bin(kCmp, 1, 2), bits(1, 1, 0, 0, 1, 1, 0, 0, 0, 1));
  EXPECT_EQ(bin(kCmp, 2, 1), bits(0, 0, 1, 1, 0, 0, 1, 1, 0, 1));
  EXPECT_EQ(bin(kCmp, 5, 5), bits(0, 1, 0, 1, 0, 1, 0, 1, 1, 0));
  EXPECT_EQ(bin(kCmp, 0xffff, 1), bits(0, 0, 1, 1, 1, 1, 0, 0, 0, 1));      // -1 vs 1
  EXPECT_EQ(bin(kCmp, 0x7fff, 0x8000), bits(1, 1, 0, 0, 0, 0, 1, 1, 0, 1)); // max vs min
}

TEST_F(MachineCalc, IfThenElseExpressions) {
  EXPECT_EQ(bin(kSmin, 3, 9), 3u);
  EXPECT_EQ(bin(kSmin, 9, 3), 3u);
  EXPECT_EQ(bin(kSmin, 0xfff0, 3), 0xfff0u); // -16 < 3
  EXPECT_EQ(bin(kSmin, 3, 0xfff0), 0xfff0u);
  for (auto [in, out] : {std::pair<uint64_t, uint64_t>{0, 0x1111}, {1, 0x2222}, {2, 0x3333}, {0xffff, 0x3333}}) {
    set_x(1, in);
    run1(C(kSel, 3, 1));
    EXPECT_EQ(x(3), out) << in;
  }
}

TEST_F(MachineCalc, SignAndZeroExtension) {
  set_x(1, 0x1280);
  run1(C(kSx8, 3, 1));
  EXPECT_EQ(x(3), 0xff80u);
  run1(C(kZx8, 4, 1));
  EXPECT_EQ(x(4), 0x0080u);
  set_x(1, 0xff7f);
  run1(C(kSx8, 3, 1));
  EXPECT_EQ(x(3), 0x007fu);
  run1(C(kZx8, 4, 1));
  EXPECT_EQ(x(4), 0x007fu);
  set_x(1, 0x8000);
  run1(C(kWsx, 2, 1));
  EXPECT_EQ(w(2), 0xffffffffffff8000u);
  set_x(1, 0x7fff);
  run1(C(kWsx, 2, 1));
  EXPECT_EQ(w(2), 0x7fffu);
}

TEST_F(MachineCalc, Concatenation) {
  EXPECT_EQ(bin(kCat, 0x1234, 0xabcd), 0x34abu);
  set_x(1, 0x1234);
  set_x(2, 0xabcd);
  run1(C(kWcat, 1, 1, 2));
  EXPECT_EQ(w(1), 0x1234abcd1234abcdu);
}

} // namespace
} // namespace popek
