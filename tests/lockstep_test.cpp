// The lockstep runner: equivalence of the example kernel under both
// strategies, the pg variants' divergences and their kinds, and the VMM's
// own properties (resource control, isolation, allocation) on variants made
// for the purpose.
#include "vmm_helpers.hpp"

namespace popek {

using test::diff_run;
using test::names;
using vmm::Strategy;
using Names = std::vector<std::string>;

TEST(Lockstep, TheExampleKernelIsEquivalentUnderBothStrategies) {
  auto m = test::load("models/pg.isa");
  std::string kernel = test::read("examples/pg/kernel.s");
  auto te = diff_run(m, kernel, Strategy::TrapAndEmulate);
  ASSERT_FALSE(te.r.divergence) << names(*m, *te.r.divergence)[0];
  EXPECT_TRUE(te.r.halted);
  auto hy = diff_run(m, kernel, Strategy::Hybrid);
  ASSERT_FALSE(hy.r.divergence);
  EXPECT_TRUE(hy.r.halted);
  EXPECT_EQ(te.r.steps, hy.r.steps);
  // Both run the same guest instructions; the hybrid VMM interprets all the kernel's.
  EXPECT_EQ(te.r.counts.direct + te.r.counts.interpreted + te.r.counts.reflected, te.r.steps);
  EXPECT_GT(te.r.efficiency(), hy.r.efficiency());
  EXPECT_GT(hy.r.efficiency(), 0.0);
  EXPECT_EQ(te.r.counts.reflected, hy.r.counts.reflected); // the user's traps, whoever runs the kernel
  // At the end the whole guest storage agrees, not only the words the steps wrote.
  for (uint64_t a = 0; a < 512; ++a)
    ASSERT_EQ(te.ls->native().mem(0, a), te.ls->vmm().virtual_state().mem(0, a)) << "E[" << a << "]";
}

TEST(Lockstep, TheTutorialMachineOfTheDocsIsEquivalentUnderBothStrategies) {
  // docs/model-language.md builds docs/examples/acc.isa step by step; it must keep loading and running.
  auto m = test::load("docs/examples/acc.isa");
  ASSERT_TRUE(m);
  std::string prog = test::read("docs/examples/acc.s");
  for (Strategy s : {Strategy::TrapAndEmulate, Strategy::Hybrid}) {
    auto run = diff_run(m, prog, s);
    EXPECT_FALSE(run.r.divergence) << vmm::strategy_name(s);
    EXPECT_TRUE(run.r.halted) << vmm::strategy_name(s);
    EXPECT_GT(run.r.counts.reflected, 0u);
  }
}

TEST(Lockstep, ReturnToUserDivergesInModeUnderTrapAndEmulateOnly) {
  auto m = test::load("models/pg_jrst.isa");
  std::string prog = test::read("examples/pg_jrst/enter_user.s");
  auto te = diff_run(m, prog, Strategy::TrapAndEmulate);
  ASSERT_TRUE(te.r.divergence);
  const diff::Divergence& d = *te.r.divergence;
  EXPECT_EQ(d.kind, diff::Divergence::Equivalence);
  EXPECT_EQ(diff::insn_name(*m, d.native), "rtu");
  EXPECT_EQ(names(*m, d), Names{"mode"});
  EXPECT_EQ(d.components[0].native, 1u); // native: user
  EXPECT_EQ(d.components[0].vmm, 0u);    // the VMM still believes supervisor
  EXPECT_EQ(d.vmm.how, vmm::VmmStep::Direct);
  EXPECT_EQ(d.step, 2u);
  EXPECT_EQ(d.pc, 3u);
  // The state before: supervisor at rtu's address.
  EXPECT_EQ(d.before[m->regs[m->pc_reg].slot], 3u);
  EXPECT_EQ(d.before[m->regs[m->mode_reg].slot], 0u);
  auto hy = diff_run(m, prog, Strategy::Hybrid);
  EXPECT_FALSE(hy.r.divergence);
  EXPECT_TRUE(hy.r.halted);
}

TEST(Lockstep, ReadingTheModeDivergesInTheStorageItWrites) {
  auto m = test::load("models/pg_getmode.isa");
  std::string prog = test::read("examples/pg_getmode/read_mode.s");
  auto te = diff_run(m, prog, Strategy::TrapAndEmulate);
  ASSERT_TRUE(te.r.divergence);
  EXPECT_EQ(diff::insn_name(*m, te.r.divergence->native), "getm");
  EXPECT_EQ(names(*m, *te.r.divergence), Names{"E[4]"});
  EXPECT_EQ(te.r.divergence->components[0].native, 0u);
  EXPECT_EQ(te.r.divergence->components[0].vmm, 1u);
  EXPECT_FALSE(diff_run(m, prog, Strategy::Hybrid).r.divergence);
  // In user mode the instruction reads the truth either way.
  auto user = diff_run(m, ".org 2\ngetm 4\nsvc\n", Strategy::TrapAndEmulate, {{"mode", "user"}}, 2);
  EXPECT_FALSE(user.r.divergence);
}

TEST(Lockstep, LoadRealAddressDivergesUnderBothStrategies) {
  auto m = test::load("models/pg_lra.isa");
  std::string prog = test::read("examples/pg_lra/real_address.s");
  for (Strategy s : {Strategy::TrapAndEmulate, Strategy::Hybrid}) {
    auto run = diff_run(m, prog, s);
    ASSERT_TRUE(run.r.divergence) << vmm::strategy_name(s);
    const diff::Divergence& d = *run.r.divergence;
    EXPECT_EQ(diff::insn_name(*m, d.native), "lra");
    EXPECT_EQ(d.kind, diff::Divergence::Equivalence);
    ASSERT_EQ(d.components.size(), 1u);
    // The VMM's answer is the native one moved by the allocation's base.
    EXPECT_EQ(d.components[0].vmm - d.components[0].native, vmm::default_allocation(*m).base);
  }
}

TEST(Lockstep, AnUnprivilegedWriteOfTheRelocationBreaksResourceControl) {
  auto m = test::pg_plus("pg_setb", R"(insn setb 011011 a:10 0000000000 0000000000 "setb {a}" { R.b = rd(a)[9:0] })");
  ASSERT_TRUE(m);
  auto run = diff_run(m, ".org 2\nli 100, 7\nsetb 100\nhalt\n", Strategy::TrapAndEmulate);
  ASSERT_TRUE(run.r.divergence);
  const diff::Divergence& d = *run.r.divergence;
  EXPECT_EQ(d.kind, diff::Divergence::ResourceControl);
  EXPECT_EQ(diff::insn_name(*m, d.native), "setb");
  EXPECT_EQ(names(*m, d), Names{"R"});
  EXPECT_EQ(d.components[0].native, (256u << 10) | 511u); // as the allocator installed it
  EXPECT_EQ(d.components[0].vmm, (256u << 10) | 7u);      // as direct execution left it
  // The hybrid VMM interprets supervisor code, so the write lands in the virtual state.
  EXPECT_FALSE(diff_run(m, ".org 2\nli 100, 7\nsetb 100\nhalt\n", Strategy::Hybrid).r.divergence);
}

TEST(Lockstep, AnUnrelocatedStoreOutsideTheAllocationBreaksIsolation) {
  auto m = test::pg_plus("pg_sta", R"(insn sta 011011 a:10 b:10 0000000000 "sta {a}, {b}" { E[a] = rd(b) })");
  ASSERT_TRUE(m);
  auto run = diff_run(m, ".org 2\nli 100, 7\nsta 5, 100\nhalt\n", Strategy::TrapAndEmulate);
  ASSERT_TRUE(run.r.divergence);
  const diff::Divergence& d = *run.r.divergence;
  EXPECT_EQ(d.kind, diff::Divergence::Isolation);
  EXPECT_EQ(diff::insn_name(*m, d.native), "sta");
  ASSERT_EQ(d.components.size(), 1u);
  EXPECT_EQ(d.components[0].kind, diff::Component::Memory);
  EXPECT_EQ(d.components[0].addr, 5u); // a real address, in the VMM's region
  EXPECT_EQ(d.components[0].native, vmm::Vmm::kVmmFill & ((uint64_t{1} << 36) - 1));
  EXPECT_EQ(d.components[0].vmm, 7u);
  // A store that stays inside the window is only an equivalence question.
  auto inside = diff_run(m, ".org 2\nli 100, 7\nsta 300, 100\nhalt\n", Strategy::TrapAndEmulate);
  ASSERT_TRUE(inside.r.divergence);
  EXPECT_EQ(inside.r.divergence->kind, diff::Divergence::Equivalence);
}

TEST(Lockstep, ARelocationTheAllocationCannotHoldIsAnAllocationDivergence) {
  auto m = test::load("models/pg.isa");
  // The guest widens its bound to all of E: natively fine, but the VM has 512 words.
  auto run = diff_run(m, ".org 2\nsetr wide\nhalt\nwide: .word 1023\n", Strategy::TrapAndEmulate);
  ASSERT_TRUE(run.r.divergence);
  EXPECT_EQ(run.r.divergence->kind, diff::Divergence::Allocation);
  EXPECT_EQ(names(*m, *run.r.divergence), Names{"R"});
  EXPECT_EQ(diff::insn_name(*m, run.r.divergence->native), "setr");
  // A bound inside the allocation is installed and the guest runs on.
  auto fits = diff_run(m, ".org 2\nsetr narrow\nhalt\nnarrow: .word 300\n", Strategy::TrapAndEmulate);
  EXPECT_FALSE(fits.r.divergence);
  EXPECT_TRUE(fits.r.halted);
}

TEST(Lockstep, AGuestThatNeverHaltsStopsAtTheStepBudget) {
  auto m = test::load("models/pg.isa");
  auto run = diff_run(m, ".org 2\nloop: jmp loop\n", Strategy::TrapAndEmulate, {}, 500);
  EXPECT_FALSE(run.r.divergence);
  EXPECT_FALSE(run.r.halted);
  EXPECT_EQ(run.r.steps, 500u);
}

TEST(Lockstep, TheAllocationBaseShowsInLocationSensitiveResultsOnly) {
  auto m = test::load("models/pg_lra.isa");
  // lra in user mode at two allocations: the difference is exactly the base.
  for (uint64_t base : {100u, 300u}) {
    auto run = diff_run(m, ".org 2\nlra 10, 20\nhalt\n", Strategy::TrapAndEmulate, {{"mode", "user"}}, 10,
                        vmm::Allocation{base, 512});
    ASSERT_TRUE(run.r.divergence);
    EXPECT_EQ(run.r.divergence->components[0].native, 20u);
    EXPECT_EQ(run.r.divergence->components[0].vmm, 20u + base);
  }
}

} // namespace popek
