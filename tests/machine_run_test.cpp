// The reference machine on pg, on every engine: the step budget of run() and the change
// log of a step, including the trap entry.
//
// Instructions are encoded by hand from pg's format (op:6 | a:10 | b:10 | c:10); expected
// values are worked out in the test, never by running the model another way.
#include "test_util.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace popek {
namespace {

using machine::Machine;
using machine::Outcome;

// ---- the step budget and the change log, on pg ----------------------------------

// pg: op:6 | a:10 | b:10 | c:10.
uint64_t Pg(uint64_t op, uint64_t a = 0, uint64_t b = 0, uint64_t c = 0) {
  return (op << 30) | (a << 20) | (b << 10) | c;
}
constexpr uint64_t kPgAdd = 5, kPgSvc = 20, kPgJmp = 17, kPgHalt = 23, kPgAddi = 10;

// The pg tests run on every engine (native code for the bundled model, the interpreter).
class MachineRun : public ::testing::TestWithParam<machine::Engine> {};
class MachineChanges : public ::testing::TestWithParam<machine::Engine> {};
std::string engine_name(const ::testing::TestParamInfo<machine::Engine>& i) {
  return i.param == machine::Engine::Auto ? "Auto" : "Interpreter";
}
INSTANTIATE_TEST_SUITE_P(Machine, MachineRun, ::testing::Values(machine::Engine::Auto, machine::Engine::Interpreter),
                         engine_name);
INSTANTIATE_TEST_SUITE_P(Machine, MachineChanges,
                         ::testing::Values(machine::Engine::Auto, machine::Engine::Interpreter), engine_name);

TEST_P(MachineRun, StopsAtTheStepBudgetOnAnInfiniteLoop) {
  auto m = test::load("models/pg.isa");
  ASSERT_TRUE(m);
  Machine mc(m, GetParam());
  mc.set_mem(0, 2, Pg(kPgAddi, 100, 100, 1)); // count the turns
  mc.set_mem(0, 3, Pg(kPgJmp, 0, 0, 2));
  auto r = mc.run(1001);
  EXPECT_FALSE(r.halted);
  EXPECT_EQ(r.steps, 1001u);
  EXPECT_EQ(r.last.kind, Outcome::Completed);
  EXPECT_EQ(mc.mem(0, 100), 501u); // steps 1, 3, ..., 1001 are the addi
  EXPECT_EQ(mc.pc(), 3u);
  // The machine carries on where it stopped.
  r = mc.run(1);
  EXPECT_EQ(r.steps, 1u);
  EXPECT_FALSE(r.halted);
  EXPECT_EQ(mc.pc(), 2u);
}

TEST_P(MachineRun, ZeroBudgetDoesNothing) {
  auto m = test::load("models/pg.isa");
  ASSERT_TRUE(m);
  Machine mc(m, GetParam());
  mc.set_mem(0, 2, Pg(kPgAddi, 100, 100, 1));
  auto r = mc.run(0);
  EXPECT_EQ(r.steps, 0u);
  EXPECT_FALSE(r.halted);
  EXPECT_EQ(mc.pc(), 2u);
  EXPECT_EQ(mc.mem(0, 100), 0u);
}

TEST_P(MachineRun, CountsStepsUpToAndIncludingHalt) {
  auto m = test::load("models/pg.isa");
  ASSERT_TRUE(m);
  Machine mc(m, GetParam());
  mc.set_mem(0, 2, Pg(kPgAddi, 100, 100, 3));
  mc.set_mem(0, 3, Pg(kPgAddi, 100, 100, 4));
  mc.set_mem(0, 4, Pg(kPgHalt));
  mc.set_mem(0, 5, Pg(kPgAddi, 100, 100, 5)); // not reached
  auto r = mc.run(50);
  EXPECT_TRUE(r.halted);
  EXPECT_EQ(r.steps, 3u);
  EXPECT_EQ(r.last.kind, Outcome::Halted);
  EXPECT_EQ(r.last.insn, m->find_insn("halt"));
  EXPECT_EQ(mc.mem(0, 100), 7u);
}

TEST_P(MachineRun, AppliesTheTrapEntryForTrapsOnTheWay) {
  auto m = test::load("models/pg.isa");
  ASSERT_TRUE(m);
  Machine mc(m, GetParam());
  mc.set_mem(0, 1, uint64_t{700} << 20 | 1023); // new PSW: supervisor, P = 700
  mc.set_mem(0, 2, Pg(kPgSvc));
  mc.set_mem(0, 700, Pg(kPgHalt));
  auto r = mc.run(10);
  EXPECT_TRUE(r.halted);
  EXPECT_EQ(r.steps, 2u);
  EXPECT_EQ(mc.mem(0, 0), (uint64_t{3} << 31) | (uint64_t{2} << 20) | 1023);
}

TEST_P(MachineChanges, ListExactlyTheChangedLocationsWithTheirOldValues) {
  auto m = test::load("models/pg.isa");
  ASSERT_TRUE(m);
  Machine mc(m, GetParam());
  mc.set_mem(0, 10, 0x111);
  mc.set_mem(0, 11, 0x222);
  mc.set_mem(0, 12, 0x99);
  mc.set_mem(0, 2, Pg(kPgAdd, 12, 10, 11));
  ASSERT_EQ(mc.step().kind, Outcome::Completed);
  auto ch = mc.changes();
  ASSERT_EQ(ch.size(), 2u);
  EXPECT_TRUE(ch[0].memory);
  EXPECT_EQ(mc.locate(ch[0].loc), (std::pair<unsigned, uint64_t>{0, 12}));
  EXPECT_EQ(ch[0].before, 0x99u);
  EXPECT_FALSE(ch[1].memory);
  EXPECT_EQ(mc.reg_of_cell(ch[1].loc), (std::pair<unsigned, unsigned>{m->pc_reg, 0}));
  EXPECT_EQ(ch[1].before, 2u);
  EXPECT_EQ(mc.mem(0, 12), 0x333u);
}

TEST_P(MachineChanges, ATrappedExecuteChangesNothingAndTheTrapEntryIsLogged) {
  auto m = test::load("models/pg.isa");
  ASSERT_TRUE(m);
  Machine mc(m, GetParam());
  const unsigned R = static_cast<unsigned>(m->find_reg("R"));
  mc.set_mem(0, 0, 0x5);
  mc.set_mem(0, 1, (uint64_t{1} << 30) | (uint64_t{40} << 20) | (uint64_t{8} << 10) | 9);
  mc.set_mem(0, 2, Pg(kPgSvc));
  Outcome o = mc.execute();
  ASSERT_EQ(o.kind, Outcome::Trapped);
  EXPECT_TRUE(mc.changes().empty());
  mc.enter_trap(o);
  // E[0], then mode, P and R from the new PSW: each logged with its old value.
  bool saw_e0 = false, saw_mode = false, saw_p = false, saw_r = false;
  for (const auto& c : mc.changes()) {
    if (c.memory) {
      EXPECT_EQ(mc.locate(c.loc), (std::pair<unsigned, uint64_t>{0, 0}));
      EXPECT_EQ(c.before, 0x5u);
      saw_e0 = true;
      continue;
    }
    auto [reg, entry] = mc.reg_of_cell(c.loc);
    EXPECT_EQ(entry, 0u);
    if (reg == m->mode_reg) {
      EXPECT_EQ(c.before, 0u);
      saw_mode = true;
    } else if (reg == m->pc_reg) {
      EXPECT_EQ(c.before, 2u);
      saw_p = true;
    } else {
      EXPECT_EQ(reg, R);
      EXPECT_EQ(c.before, 1023u);
      saw_r = true;
    }
  }
  EXPECT_TRUE(saw_e0 && saw_mode && saw_p && saw_r);
  EXPECT_EQ(mc.changes().size(), 4u);
}

} // namespace
} // namespace popek
