// The pg model on the reference machine: branches, jumps and links, the advancing P, and
// the system instructions (setr, lpsw, halt, svc) with their privilege checks.
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

// ---- control -------------------------------------------------------------------

TEST_P(PgTest, ConditionalBranchesTakenAndNotTaken) {
  const uint64_t minus1 = kMask36, minus5 = W(-5), big = 0x7ffffffff, most_negative = 0x800000000;
  struct Case {
    uint64_t op, x, y;
    bool taken;
  } cases[] = {
      {BEQ, 7, 7, true},
      {BEQ, 7, 8, false},
      {BEQ, 0, 0x400000000, false},
      {BNE, 7, 8, true},
      {BNE, 7, 7, false},
      {BNE, 1, 0x400000001, true},
      {BLT, minus1, 1, true},
      {BLT, 1, minus1, false},
      {BLT, 3, 3, false},
      {BLT, minus5, minus1, true},
      {BLT, most_negative, big, true},
      {BLT, big, most_negative, false},
      {BLT, 2, 3, true},
      {BLTU, minus1, 1, false},
      {BLTU, 1, minus1, true},
      {BLTU, 3, 3, false},
      {BLTU, most_negative, big, false},
      {BLTU, big, most_negative, true},
      {BLTU, 2, 3, true},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(testing::Message() << "op " << c.op << " " << std::hex << c.x << ", " << c.y);
    mc().reset();
    put(90, c.x);
    put(91, c.y);
    auto before = storage();
    code_at(40, I(c.op, 90, 91, 700));
    before[40] = at(40);
    done();
    EXPECT_EQ(p(), c.taken ? 700u : 41u);
    EXPECT_EQ(storage(), before); // branches write no storage
  }
}

TEST_P(PgTest, JmpSetsP) {
  code_at(5, I(JMP, 0, 0, 999));
  auto before = storage();
  done();
  EXPECT_EQ(p(), 999u);
  EXPECT_EQ(storage(), before);
}

TEST_P(PgTest, JalLinksTheNextRelativeAddress) {
  put(120, 0xfffffffff);
  code_at(33, I(JAL, 120, 0, 500));
  done();
  EXPECT_EQ(p(), 500u);
  EXPECT_EQ(at(120), 34u); // P + 1, zero-extended: the old high bits are gone
}

TEST_P(PgTest, JalLinkIsRelativeUnderRelocation) {
  set_r(200, 800);
  set_mode(1);
  code_at(33, I(JAL, 20, 0, 60)); // absolute 233
  EXPECT_EQ(at(233), I(JAL, 20, 0, 60));
  done();
  EXPECT_EQ(p(), 60u);
  EXPECT_EQ(at(220), 34u); // relative P + 1, stored at l + 20
  EXPECT_EQ(at(20), 0u);
}

TEST_P(PgTest, JalAtTheTopOfStorageLinksZero) {
  code_at(1023, I(JAL, 130, 0, 7));
  done();
  EXPECT_EQ(at(130), 0u); // P + 1 wraps in 10 bits
  EXPECT_EQ(p(), 7u);
}

TEST_P(PgTest, JrJumpsToTheLowTenBitsOfAWord) {
  put(140, (uint64_t{0xabc} << 10) | 321);
  code_at(44, I(JR, 140));
  done();
  EXPECT_EQ(p(), 321u);
  EXPECT_EQ(at(140), (uint64_t{0xabc} << 10) | 321);
}

TEST_P(PgTest, PAdvancesByOneAndWrapsAtTheTopOfStorage) {
  put(150, 1);
  code_at(1023, I(ADDI, 150, 150, 1));
  done();
  EXPECT_EQ(at(150), 2u);
  EXPECT_EQ(p(), 0u);
}

// ---- the system instructions -----------------------------------------------------

TEST_P(PgTest, SetrLoadsTheLowTwentyBitsIntoR) {
  put(160, (uint64_t{0xffff} << 20) | (uint64_t{37} << 10) | 600);
  code_at(6, I(SETR, 160));
  done();
  EXPECT_EQ(r(), (uint64_t{37} << 10) | 600);
  EXPECT_EQ(mode(), 0u);
  EXPECT_EQ(p(), 7u); // setr does not set P
}

TEST_P(PgTest, LpswLoadsModePAndRButNotTheCode) {
  put(170, Psw(31, 1, 77, 300, 200));
  code_at(8, I(LPSW, 170));
  done();
  EXPECT_EQ(mode(), 1u);
  EXPECT_EQ(p(), 77u); // P comes from the PSW, it does not advance
  EXPECT_EQ(r(), (uint64_t{300} << 10) | 200);
}

TEST_P(PgTest, HaltStopsInSupervisorMode) {
  code_at(9, I(HALT));
  auto before = storage();
  Outcome o = mc().execute();
  EXPECT_EQ(o.kind, Outcome::Halted);
  EXPECT_EQ(o.insn, insn("halt"));
  EXPECT_EQ(storage(), before);
  EXPECT_EQ(mode(), 0u);
  EXPECT_EQ(r(), 1023u);
}

struct PrivCase {
  uint64_t insn_word;
  const char* name;
};

TEST_P(PgTest, PrivilegedInstructionsTrapInUserMode) {
  const PrivCase cases[] = {{I(LPSW, 20), "lpsw"}, {I(SETR, 20), "setr"}, {I(HALT), "halt"}};
  for (const PrivCase& c : cases) {
    SCOPED_TRACE(c.name);
    mc().reset();
    put(1, Psw(0, 0, 900, 0, 1023));
    set_r(100, 500);
    set_mode(1);
    put(120, Psw(0, 0, 5, 0, 1023)); // what lpsw/setr would load
    code_at(11, c.insn_word);
    auto before = storage();
    Outcome o = mc().execute();
    ASSERT_EQ(o.kind, Outcome::Trapped);
    EXPECT_EQ(cause(o), "privileged");
    EXPECT_EQ(m().traps[o.cause].code, 2u);
    EXPECT_FALSE(o.memory);
    EXPECT_EQ(o.insn, insn(c.name));
    EXPECT_EQ(storage(), before);
    EXPECT_EQ(mode(), 1u);
    EXPECT_EQ(p(), 11u);
    EXPECT_EQ(r(), (uint64_t{100} << 10) | 500);
    EXPECT_TRUE(mc().changes().empty());

    mc().enter_trap(o);
    EXPECT_EQ(at(0), Psw(2, 1, 11, 100, 500));
    EXPECT_EQ(mode(), 0u);
    EXPECT_EQ(p(), 900u);
    EXPECT_EQ(r(), 1023u);
  }
}

// The privilege check comes first: a user-mode lpsw of an out-of-bounds word is a
// privileged trap, not a memory trap.
TEST_P(PgTest, PrivilegeIsCheckedBeforeTheOperand) {
  set_r(100, 50);
  set_mode(1);
  code_at(11, I(LPSW, 51));
  Outcome o = mc().execute();
  ASSERT_EQ(o.kind, Outcome::Trapped);
  EXPECT_EQ(cause(o), "privileged");
  EXPECT_FALSE(o.memory);
}

TEST_P(PgTest, SvcTrapsWithCodeThreeInBothModes) {
  for (uint64_t md : {0u, 1u}) {
    SCOPED_TRACE(md ? "user" : "supervisor");
    mc().reset();
    put(1, Psw(0, 0, 800, 0, 1023));
    set_r(64, 700);
    set_mode(md);
    code_at(25, I(SVC));
    auto before = storage();
    Outcome o = mc().execute();
    ASSERT_EQ(o.kind, Outcome::Trapped);
    EXPECT_EQ(cause(o), "svc");
    EXPECT_FALSE(o.memory);
    EXPECT_EQ(o.insn, insn("svc"));
    EXPECT_EQ(storage(), before);
    EXPECT_EQ(p(), 25u);

    mc().enter_trap(o);
    EXPECT_EQ(at(0), Psw(3, md, 25, 64, 700));
    EXPECT_EQ(p(), 800u);
    EXPECT_EQ(mode(), 0u);
    EXPECT_EQ(r(), 1023u);
  }
}

} // namespace
} // namespace popek
