// The pg model on the reference machine: undefined encodings, and traps exchanging the
// PSW through E[0] and E[1].
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

// ---- undefined encodings ------------------------------------------------------------

TEST_P(PgTest, UndefinedEncodingsTrapWithCodeFour) {
  const struct {
    uint64_t word;
    const char* why;
  } cases[] = {
      {0, "opcode 0"},
      {I(0, 1, 2, 3), "opcode 0 with operands"},
      {uint64_t{24} << 30, "opcode 24, one past halt"},
      {uint64_t{63} << 30 | 0x3fffffff, "opcode 63"},
      {I(MOV, 1, 2, 1), "mov with c != 0"},
      {I(LD, 1, 2, 512), "ld with c != 0"},
      {I(ST, 1, 2, 3), "st with c != 0"},
      {I(JMP, 1, 0, 5), "jmp with a != 0"},
      {I(JMP, 0, 1, 5), "jmp with b != 0"},
      {I(JAL, 1, 1, 5), "jal with b != 0"},
      {I(JR, 1, 1, 0), "jr with b != 0"},
      {I(JR, 1, 0, 1), "jr with c != 0"},
      {I(SVC) | 1, "svc with bit 0 set"},
      {I(SVC) | (uint64_t{1} << 29), "svc with bit 29 set"},
      {I(LPSW, 1, 0, 1), "lpsw with c != 0"},
      {I(SETR, 1, 1, 0), "setr with b != 0"},
      {I(HALT) | (uint64_t{1} << 20), "halt with a != 0"},
  };
  for (const auto& c : cases) {
    for (uint64_t md : {0u, 1u}) {
      SCOPED_TRACE(testing::Message() << c.why << (md ? " (user)" : " (supervisor)"));
      mc().reset();
      put(1, Psw(0, 0, 950, 0, 1023));
      set_r(10, 1000);
      set_mode(md);
      code_at(17, c.word);
      auto before = storage();
      Outcome o = mc().execute();
      ASSERT_EQ(o.kind, Outcome::Trapped);
      EXPECT_EQ(cause(o), "undefined");
      EXPECT_EQ(static_cast<int>(o.cause), m().undefined_trap);
      EXPECT_EQ(o.insn, -1);
      EXPECT_FALSE(o.memory);
      EXPECT_EQ(static_cast<uint64_t>(o.raw), c.word);
      EXPECT_EQ(storage(), before);
      EXPECT_EQ(p(), 17u);

      mc().enter_trap(o);
      EXPECT_EQ(at(0), Psw(4, md, 17, 10, 1000));
      EXPECT_EQ(p(), 950u);
    }
  }
}

// ---- traps: the PSW exchange -----------------------------------------------------------

TEST_P(PgTest, TrapStoresTheOldPswInE0AndLoadsTheNewOneFromE1) {
  // A new PSW with every field set, and garbage in the code bits (ignored).
  put(1, Psw(0x1f, 1, 123, 45, 678));
  set_r(300, 40);
  set_mode(1);
  code_at(7, I(SVC));
  auto before = storage();
  Outcome o = mc().step();
  ASSERT_EQ(o.kind, Outcome::Trapped);
  EXPECT_EQ(at(0), Psw(3, 1, 7, 300, 40)); // absolute E[0], not E[l + 0]
  EXPECT_EQ(at(300), before[300]);
  EXPECT_EQ(mode(), 1u);
  EXPECT_EQ(p(), 123u);
  EXPECT_EQ(r(), (uint64_t{45} << 10) | 678);
  // Nothing but E[0] changed in storage.
  before[0] = at(0);
  EXPECT_EQ(storage(), before);
}

TEST_P(PgTest, LpswOfTheSavedPswResumesTheTrappedStateExactly) {
  // The handler at absolute 600 returns at once with `lpsw 0`.
  put(1, Psw(0, 0, 600, 0, 1023));
  put(600, I(LPSW, 0));
  // A user program at relative 12 under R = (200, 99), about to take a memory trap.
  set_r(200, 99);
  set_mode(1);
  code_at(12, I(MOV, 5, 100)); // 100 > b
  put(205, 0x111);
  auto before = storage();

  Outcome o = mc().step();
  ASSERT_EQ(o.kind, Outcome::Trapped);
  EXPECT_EQ(cause(o), "memory");
  EXPECT_EQ(at(0), Psw(1, 1, 12, 200, 99));
  EXPECT_EQ(mode(), 0u);
  EXPECT_EQ(p(), 600u);

  Outcome back = mc().step();
  ASSERT_EQ(back.kind, Outcome::Completed);
  EXPECT_EQ(back.insn, insn("lpsw"));
  EXPECT_EQ(mode(), 1u);
  EXPECT_EQ(p(), 12u); // the trapping instruction again, not the next one
  EXPECT_EQ(r(), (uint64_t{200} << 10) | 99);
  before[0] = at(0);
  EXPECT_EQ(storage(), before);
}

TEST_P(PgTest, SvcHandlerCanResumeAfterTheCall) {
  // As in examples/pg/kernel.s: add 1 to the P field of the saved PSW, then lpsw it.
  put(1, Psw(0, 0, 600, 0, 1023));
  put(600, I(ADD, 0, 0, 610));
  put(601, I(LPSW, 0));
  put(610, uint64_t{1} << 20);
  set_r(500, 63);
  set_mode(1);
  code_at(4, I(SVC));
  put(505, Li(9, -3));
  ASSERT_EQ(mc().step().kind, Outcome::Trapped);
  ASSERT_EQ(mc().step().kind, Outcome::Completed);
  ASSERT_EQ(mc().step().kind, Outcome::Completed);
  EXPECT_EQ(mode(), 1u);
  EXPECT_EQ(p(), 5u);
  EXPECT_EQ(r(), (uint64_t{500} << 10) | 63);
  ASSERT_EQ(mc().step().kind, Outcome::Completed);
  EXPECT_EQ(at(509), W(-3));
}

} // namespace
} // namespace popek
