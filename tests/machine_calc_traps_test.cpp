// The reference machine on the calc model (machine_calc.hpp): register fields, pc fields,
// traps with arguments, halt, undefined opcodes, rollback of a trapping instruction and
// the change log.
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

// ---- a machine with register files, fields and every operation: fields and traps ----

TEST_F(MachineCalc, RegisterFieldsAreWrittenAloneAndReadBack) {
  EXPECT_EQ(mc().reg(reg("F")), 0xabcdu); // reset value
  set_x(1, 0x5512);
  run1(C(kSetlo, 0, 1));
  EXPECT_EQ(mc().reg(reg("F")), 0xab12u);
  run1(C(kGetlo, 2));
  EXPECT_EQ(x(2), 0x12u);
  run1(C(kGethi, 3));
  EXPECT_EQ(x(3), 0xabu);
  set_x(1, 0x0034);
  run1(C(kSethi, 0, 1));
  EXPECT_EQ(mc().reg(reg("F")), 0x3412u);
  run1(C(kGethi, 3));
  EXPECT_EQ(x(3), 0x34u);
  run1(C(kGetlo, 2));
  EXPECT_EQ(x(2), 0x12u);
  run1(C(kGetf, 4));
  EXPECT_EQ(x(4), 0x3412u);
  // A field read after the whole register is set from outside.
  mc().set_reg(reg("F"), 0x9876);
  run1(C(kGethi, 3));
  EXPECT_EQ(x(3), 0x98u);
}

TEST_F(MachineCalc, FieldsOfRegisterFileEntries) {
  for (unsigned i = 0; i < 4; ++i) mc().set_reg(reg("S"), 0x0ff0, i);
  set_x(1, 0xfffa);
  run1(C(kStop, 2, 1)); // S[2].top = 0xa
  set_x(1, 0x0005);
  run1(C(kSbot, 2, 1)); // S[2].bot = 5
  EXPECT_EQ(mc().reg(reg("S"), 2), 0xaff5u);
  for (unsigned i : {0u, 1u, 3u}) EXPECT_EQ(mc().reg(reg("S"), i), 0x0ff0u) << i;
  run1(C(kGtop, 3, 2));
  EXPECT_EQ(x(3), 0xau);
  run1(C(kGs, 4, 2));
  EXPECT_EQ(x(4), 0xaff5u);
  run1(C(kGtop, 3, 1));
  EXPECT_EQ(x(3), 0u);
}

// The pc has declared fields; reading them must see the pc as advanced by earlier steps.
TEST_F(MachineCalc, PcFieldsFollowTheAdvancingPc) {
  mc().set_mem(0, 0x20, C(kAdd, 0, 0, 0));
  mc().set_mem(0, 0x21, C(kAdd, 0, 0, 0));
  mc().set_mem(0, 0x22, C(kRdpcw, 1));
  mc().set_mem(0, 0x23, C(kRdpc, 2));
  mc().set_reg(m().pc_reg, 0x20);
  for (int i = 0; i < 4; ++i) ASSERT_EQ(mc().step().kind, Outcome::Completed);
  EXPECT_EQ(x(1), 0x22u);
  EXPECT_EQ(x(2), 0x23u);
}

TEST_F(MachineCalc, RequireWithAnArgumentReachesTheTrapEntry) {
  set_x(1, 0x4321);
  set_x(2, 0x4321);
  mc().set_reg(m().pc_reg, 0x10);
  mc().set_mem(0, 0x10, C(kChk, 0, 1, 2));
  EXPECT_EQ(mc().step().kind, Outcome::Completed); // equal: passes
  EXPECT_EQ(mc().pc(), 0x11u);

  set_x(2, 0x4322);
  mc().set_mem(0, 0x11, C(kChk, 0, 1, 2));
  Outcome o = mc().execute();
  ASSERT_EQ(o.kind, Outcome::Trapped);
  EXPECT_EQ(m().traps[o.cause].name, "oops");
  EXPECT_EQ(o.arg, 0x4321u);
  EXPECT_FALSE(o.memory);
  EXPECT_EQ(o.insn, m().find_insn("chk"));
  mc().enter_trap(o);
  EXPECT_EQ(mc().reg(reg("TC")), 5u); // the cause's code, not its index
  EXPECT_EQ(mc().reg(reg("TA")), 0x4321u);
  EXPECT_EQ(mc().reg(reg("TP")), 0x11u);
  EXPECT_EQ(mc().pc(), 0xf0u);
}

TEST_F(MachineCalc, ANarrowTrapArgumentIsZeroExtended) {
  set_x(1, 0x01f0);
  mc().set_mem(0, 0x10, C(kChk8, 0, 1));
  mc().set_reg(m().pc_reg, 0x10);
  Outcome o = mc().step();
  ASSERT_EQ(o.kind, Outcome::Trapped);
  EXPECT_EQ(o.arg, 0xf0u);
  EXPECT_EQ(mc().reg(reg("TA")), 0xf0u);
  set_x(1, 0x00f0);
  run1(C(kChk8, 0, 1));
}

TEST_F(MachineCalc, RequireWithoutACauseRaisesTheDefaultTrap) {
  set_x(3, 1);
  run1(C(kSup, 3));
  EXPECT_EQ(x(3), 0x5555u);
  run1(C(kUser));
  EXPECT_EQ(mc().mode(), 1u);
  set_x(3, 1);
  mc().set_mem(0, 0x10, C(kSup, 3));
  mc().set_reg(m().pc_reg, 0x10);
  Outcome o = mc().step();
  ASSERT_EQ(o.kind, Outcome::Trapped);
  EXPECT_EQ(m().traps[o.cause].name, "priv");
  EXPECT_EQ(static_cast<int>(o.cause), m().default_trap);
  EXPECT_EQ(o.arg, 0u);
  EXPECT_EQ(x(3), 1u);
  EXPECT_EQ(mc().reg(reg("TC")), 2u);
  EXPECT_EQ(mc().reg(reg("TA")), 0u);
}

TEST_F(MachineCalc, HaltStopsTheMachine) {
  mc().set_mem(0, 0, C(kAdd, 1, 1, 1));
  mc().set_mem(0, 1, C(kHalt));
  mc().set_mem(0, 2, C(kAdd, 1, 1, 1));
  set_x(1, 3);
  auto r = mc().run(100);
  EXPECT_TRUE(r.halted);
  EXPECT_EQ(r.steps, 2u);
  EXPECT_EQ(r.last.kind, Outcome::Halted);
  EXPECT_EQ(r.last.insn, m().find_insn("halt"));
  EXPECT_EQ(x(1), 6u); // the add after halt did not run
}

TEST_F(MachineCalc, UndefinedOpcodeRaisesTheUndefinedTrap) {
  mc().set_mem(0, 0x10, uint64_t{0x7f} << 24);
  mc().set_reg(m().pc_reg, 0x10);
  Outcome o = mc().step();
  ASSERT_EQ(o.kind, Outcome::Trapped);
  EXPECT_EQ(m().traps[o.cause].name, "undef");
  EXPECT_EQ(o.insn, -1);
  EXPECT_EQ(mc().reg(reg("TC")), 3u);
  EXPECT_EQ(mc().reg(reg("TP")), 0x10u);
  // Nonzero bits where the encoding has zeros.
  mc().set_mem(0, 0x11, C(kAdd, 1, 2, 3) | 1);
  mc().set_reg(m().pc_reg, 0x11);
  o = mc().execute();
  ASSERT_EQ(o.kind, Outcome::Trapped);
  EXPECT_EQ(m().traps[o.cause].name, "undef");
}

// An instruction that writes a register, a register field's register, memory and
// the pc, then traps: everything is rolled back, including what the fields read.
TEST_F(MachineCalc, RollbackRestoresEverythingTheTrappingInstructionWrote) {
  set_x(1, 0x1234); // s: the new F, and the address 0x34
  set_x(2, 0x0999); // d
  set_x(3, 1);      // t != 0: trap
  mc().set_mem(0, 0x34, 0x77);
  mc().set_mem(0, 0x10, C(kBoom, 2, 1, 3));
  mc().set_reg(m().pc_reg, 0x10);
  Outcome o = mc().execute();
  ASSERT_EQ(o.kind, Outcome::Trapped);
  EXPECT_EQ(m().traps[o.cause].name, "oops");
  EXPECT_EQ(o.arg, 0x34u); // computed from F as the instruction had set it
  EXPECT_EQ(mc().reg(reg("F")), 0xabcdu);
  EXPECT_EQ(x(2), 0x999u);
  EXPECT_EQ(mc().mem(0, 0x34), 0x77u);
  EXPECT_EQ(mc().pc(), 0x10u);
  EXPECT_TRUE(mc().changes().empty());
  mc().enter_trap(o);
  EXPECT_EQ(mc().reg(reg("TP")), 0x10u); // the trap entry sees the restored pc
  EXPECT_EQ(mc().reg(reg("TA")), 0x34u);
  // Fields read through the restored register, not the rolled-back value.
  mc().set_mem(0, 0x20, C(kGethi, 4));
  mc().set_mem(0, 0x21, C(kGetlo, 5));
  mc().set_reg(m().pc_reg, 0x20);
  ASSERT_EQ(mc().step().kind, Outcome::Completed);
  ASSERT_EQ(mc().step().kind, Outcome::Completed);
  EXPECT_EQ(x(4), 0xabu);
  EXPECT_EQ(x(5), 0xcdu);

  // Without the trap every write lands, and the written pc is not advanced.
  set_x(3, 0);
  mc().set_reg(m().pc_reg, 0x10);
  o = mc().execute();
  ASSERT_EQ(o.kind, Outcome::Completed);
  EXPECT_EQ(mc().reg(reg("F")), 0x1234u);
  EXPECT_EQ(x(2), 7u);
  EXPECT_EQ(mc().mem(0, 0x34), 0x1234u);
  EXPECT_EQ(mc().pc(), 0x33u);
}

TEST_F(MachineCalc, ChangesListRegisterFileEntriesMemoryAndRepeats) {
  const unsigned X = reg("X");
  set_x(5, 0x40);
  set_x(6, 0x1234);
  mc().set_mem(0, 0x40, 0xdead);
  run1(C(kSt, 0, 6, 5), 0x10); // M[X5] = X6
  {
    auto ch = mc().changes();
    ASSERT_EQ(ch.size(), 2u);
    EXPECT_TRUE(ch[0].memory);
    EXPECT_EQ(mc().locate(ch[0].loc), (std::pair<unsigned, uint64_t>{0, 0x40}));
    EXPECT_EQ(ch[0].before, 0xdeadu);
    EXPECT_FALSE(ch[1].memory);
    EXPECT_EQ(mc().reg_of_cell(ch[1].loc), (std::pair<unsigned, unsigned>{m().pc_reg, 0}));
    EXPECT_EQ(ch[1].before, 0x10u);
  }
  set_x(4, 10);
  run1(C(kTwice, 4), 0x11);
  {
    auto ch = mc().changes();
    ASSERT_EQ(ch.size(), 3u);
    EXPECT_EQ(mc().reg_of_cell(ch[0].loc), (std::pair<unsigned, unsigned>{X, 4}));
    EXPECT_EQ(ch[0].before, 10u);
    EXPECT_EQ(mc().reg_of_cell(ch[1].loc), (std::pair<unsigned, unsigned>{X, 4}));
    EXPECT_EQ(ch[1].before, 11u);
    EXPECT_EQ(mc().reg_of_cell(ch[2].loc), (std::pair<unsigned, unsigned>{m().pc_reg, 0}));
    EXPECT_EQ(x(4), 12u);
  }
  set_x(1, 0x77);
  run1(C(kSetlo, 0, 1), 0x12);
  {
    auto ch = mc().changes();
    ASSERT_EQ(ch.size(), 2u);
    EXPECT_FALSE(ch[0].memory);
    EXPECT_EQ(mc().reg_of_cell(ch[0].loc), (std::pair<unsigned, unsigned>{reg("F"), 0}));
    EXPECT_EQ(ch[0].before, 0xabcdu); // the whole register as it was
  }
}

} // namespace
} // namespace popek
