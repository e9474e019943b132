// The SMT layer over Z3: answers as verdicts, witnesses read back, scopes,
// limits that give "unknown", SMT-LIB2 export, and every bit-vector operation
// agreeing with the reference machine's (src/machine/semantics.hpp) on random
// values of every width.
#include "machine/semantics.hpp"
#include "smt/solver.hpp"

#include <gtest/gtest.h>
#include <random>

namespace popek {

using smt::BvOp;
using smt::CmpOp;
using smt::Verdict;

TEST(Smt, AnIdentityIsProvedAndAFalseClaimGetsAWitness) {
  smt::Context c;
  smt::Solver s(c, smt::Logic::BitVector);
  smt::Term x = c.bv_var("x", 8);
  auto ok = s.prove("x xor x is zero", c.eq(c.op(BvOp::Xor, x, x), c.bv(0, 8)));
  EXPECT_EQ(ok.verdict, Verdict::Proved);
  EXPECT_EQ(ok.query, "x xor x is zero");
  // x + 1 > x fails exactly at the largest x.
  auto no = s.prove("increment grows", c.cmp(CmpOp::Ult, x, c.op(BvOp::Add, x, c.bv(1, 8))));
  ASSERT_EQ(no.verdict, Verdict::Witness);
  EXPECT_EQ(s.value(x), 0xffu);
  EXPECT_FALSE(s.truth(c.cmp(CmpOp::Ult, x, c.op(BvOp::Add, x, c.bv(1, 8)))));
}

TEST(Smt, AssumptionsHoldOnlyInsideTheirScope) {
  smt::Context c;
  smt::Solver s(c, smt::Logic::BitVector);
  smt::Term x = c.bv_var("x", 16);
  smt::Term claim = c.cmp(CmpOp::Ult, x, c.bv(100, 16));
  {
    smt::Solver::Scope scope(s);
    s.assume(c.cmp(CmpOp::Ult, x, c.bv(50, 16)));
    EXPECT_EQ(s.prove("below 100 given below 50", claim).verdict, Verdict::Proved);
  }
  auto a = s.prove("below 100", claim);
  ASSERT_EQ(a.verdict, Verdict::Witness);
  EXPECT_GE(s.value(x), 100u);
}

TEST(Smt, ArraysNeedTheArrayLogic) {
  smt::Context c;
  smt::Solver s(c, smt::Logic::BitVectorArrays);
  smt::Term mem = c.array_var("E", 10, 36);
  smt::Term a = c.bv_var("a", 10), b = c.bv_var("b", 10), v = c.bv_var("v", 36);
  smt::Term stored = c.store(mem, a, v);
  EXPECT_EQ(s.prove("read after write", c.eq(c.select(stored, a), v)).verdict, Verdict::Proved);
  auto w = s.prove("a write changes nothing else", c.eq(c.select(stored, b), c.select(mem, b)));
  ASSERT_EQ(w.verdict, Verdict::Witness);
  EXPECT_EQ(s.value(a), s.value(b));
}

TEST(Smt, ASpentResourceLimitIsUnknownNeverAGuess) {
  smt::Context c;
  smt::Solver s(c, smt::Logic::BitVector);
  smt::Term x = c.bv_var("x", 64), y = c.bv_var("y", 64);
  // x = (x / y) * y + x % y for 64-bit words: true, and a bit-blasted
  // divider and multiplier far beyond a small budget.
  smt::Term q = c.op(BvOp::UDiv, x, y), r = c.op(BvOp::URem, x, y);
  smt::Term claim = c.eq(x, c.op(BvOp::Add, c.op(BvOp::Mul, q, y), r));
  auto a = s.prove("division identity", claim, {10'000, 0});
  EXPECT_EQ(a.verdict, Verdict::Unknown);
  EXPECT_FALSE(a.reason.empty());
  auto t = s.prove("division identity (timeout)", claim, {0, 50});
  EXPECT_EQ(t.verdict, Verdict::Unknown);
  EXPECT_NE(t.reason.find("timeout"), std::string::npos) << t.reason;
  // The solver stays usable after giving up.
  EXPECT_EQ(s.prove("x is x", c.eq(x, x)).verdict, Verdict::Proved);
}

TEST(Smt, ExportIsAStandaloneScript) {
  smt::Context c;
  smt::Solver s(c, smt::Logic::BitVector);
  smt::Term x = c.bv_var("x", 8);
  s.assume(c.cmp(CmpOp::Ult, x, c.bv(10, 8)));
  std::string text = s.smt2("small x", c.cmp(CmpOp::Ult, x, c.bv(20, 8)));
  EXPECT_EQ(text.rfind("; popek query: small x\n(set-logic QF_BV)\n", 0), 0u) << text;
  EXPECT_NE(text.find("(declare-fun x () (_ BitVec 8))"), std::string::npos) << text;
  EXPECT_NE(text.find("(check-sat)"), std::string::npos) << text;
  EXPECT_EQ(text.substr(text.size() - 12), "(get-model)\n");
}

TEST(Smt, MisuseIsReportedNotCrashed) {
  smt::Context c;
  smt::Solver s(c, smt::Logic::BitVector);
  EXPECT_THROW(s.value(c.bv_var("x", 4)), std::logic_error); // no witness yet
  EXPECT_THROW(c.op(BvOp::Add, c.bv(1, 4), c.bv(1, 8)), std::logic_error);
  EXPECT_THROW(c.op(BvOp::Add, smt::Term{}, c.bv(1, 8)), std::logic_error);
}

// Every operation, on random operands of random widths, against the reference machine.
TEST(Smt, OperationsAgreeWithTheReferenceMachine) {
  smt::Context c;
  smt::Solver s(c, smt::Logic::BitVector);
  std::mt19937_64 rng(7);
  using machine::Pure;
  using machine::pure_op;
  struct Case {
    BvOp op;
    uint64_t (*ref)(uint64_t, uint64_t, uint64_t, unsigned);
  };
  const Case ops[] = {
      {BvOp::Add, pure_op<Pure::Add>},   {BvOp::Sub, pure_op<Pure::Sub>},   {BvOp::Mul, pure_op<Pure::Mul>},
      {BvOp::UDiv, pure_op<Pure::UDiv>}, {BvOp::URem, pure_op<Pure::URem>}, {BvOp::SDiv, pure_op<Pure::SDiv>},
      {BvOp::SRem, pure_op<Pure::SRem>}, {BvOp::And, pure_op<Pure::And>},   {BvOp::Or, pure_op<Pure::Or>},
      {BvOp::Xor, pure_op<Pure::Xor>},   {BvOp::Shl, pure_op<Pure::Shl>},   {BvOp::LShr, pure_op<Pure::LShr>},
      {BvOp::AShr, pure_op<Pure::AShr>},
  };
  const std::pair<CmpOp, uint64_t (*)(uint64_t, uint64_t, uint64_t, unsigned)> cmps[] = {
      {CmpOp::Eq, pure_op<Pure::Eq>},   {CmpOp::Ne, pure_op<Pure::Ne>},   {CmpOp::Ult, pure_op<Pure::Ult>},
      {CmpOp::Ule, pure_op<Pure::Ule>}, {CmpOp::Slt, pure_op<Pure::Slt>}, {CmpOp::Sle, pure_op<Pure::Sle>},
  };
  for (int i = 0; i < 300; ++i) {
    unsigned w = 1 + static_cast<unsigned>(rng() % 64);
    uint64_t k = w == 64 ? ~uint64_t{0} : (uint64_t{1} << w) - 1;
    // Small values and zero divisors are where the edge cases live.
    auto pick = [&] { return rng() % 4 == 0 ? rng() % 3 : rng() & k; };
    uint64_t a = pick(), b = pick();
    smt::Term ta = c.bv(a, w), tb = c.bv(b, w);
    for (const Case& o : ops) {
      uint64_t want = o.ref(a, b, k, w);
      auto r = s.prove("op", c.eq(c.op(o.op, ta, tb), c.bv(want, w)));
      ASSERT_EQ(r.verdict, Verdict::Proved)
          << "op " << static_cast<int>(o.op) << " w=" << w << " a=" << a << " b=" << b << " ref=" << want;
    }
    for (const auto& [op, ref] : cmps) {
      bool want = ref(a, b, 1, w) != 0;
      smt::Term t = c.cmp(op, ta, tb);
      ASSERT_EQ(s.prove("cmp", want ? t : c.lnot(t)).verdict, Verdict::Proved)
          << "cmp " << static_cast<int>(op) << " w=" << w << " a=" << a << " b=" << b;
    }
  }
}

TEST(Smt, AShiftAmountOfAnyWidthShiftsEverythingOutPastTheWidth) {
  smt::Context c;
  smt::Solver s(c, smt::Logic::BitVector);
  smt::Term a = c.bv_var("a", 4), n = c.bv_var("n", 8);
  smt::Term big = c.cmp(CmpOp::Ule, c.bv(4, 8), n);
  EXPECT_EQ(s.prove("shl past width", c.implies(big, c.eq(c.op(BvOp::Shl, a, n), c.bv(0, 4)))).verdict,
            Verdict::Proved);
  smt::Term neg = c.cmp(CmpOp::Slt, a, c.bv(0, 4));
  EXPECT_EQ(
      s.prove("ashr past width", c.implies(c.land({big, neg}), c.eq(c.op(BvOp::AShr, a, n), c.bv(0xf, 4)))).verdict,
      Verdict::Proved);
  // A narrow amount is widened: a 1-bit amount of 1 shifts by one.
  EXPECT_EQ(s.prove("narrow amount", c.eq(c.op(BvOp::Shl, c.bv(3, 4), c.bv(1, 1)), c.bv(6, 4))).verdict,
            Verdict::Proved);
}

} // namespace popek
