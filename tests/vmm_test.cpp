// The VMM's three modules on the pg machine: the allocator composes the
// guest's relocation with the allocation and refuses what reaches outside it,
// the dispatcher interprets or reflects, the interpreter runs the model's own
// semantics on the virtual state; and the two strategies.
#include "pg_helpers.hpp"
#include "vmm/vmm.hpp"
#include "vmm_helpers.hpp"

namespace popek {

using test::guest;
using vmm::Strategy;
using vmm::VmmStep;

namespace {

class VmmPg : public ::testing::Test {
protected:
  static void SetUpTestSuite() { model_ = test::load("models/pg.isa"); }
  static void TearDownTestSuite() { model_.reset(); }

  // A VMM started on `program` (guest storage [0, size) at real [base, base+size)).
  std::unique_ptr<vmm::Vmm> start(const std::string& program, Strategy s = Strategy::TrapAndEmulate,
                                  const test::Settings& settings = {}) {
    auto v = std::make_unique<vmm::Vmm>(model_, s, alloc_);
    std::string err;
    EXPECT_TRUE(v->start(guest(model_, program, alloc_, settings), err)) << err;
    return v;
  }
  uint64_t reg(const machine::Machine& mc, const char* name) const {
    return mc.reg(static_cast<unsigned>(model_->find_reg(name)));
  }

  static inline std::shared_ptr<const model::Model> model_;
  vmm::Allocation alloc_{256, 512};
};

// A guest kernel that enters its user program, placed at absolute word l, in
// user mode under R = (l, b); the user's relative 0 is absolute l.
std::string enter_user(unsigned l, unsigned b, const std::string& user) {
  return "        .org 0\noldpsw: .word 0\nnewpsw: .word (handler << 20) | 511\n"
         "start:  lpsw upsw\nhandler: halt\n"
         "upsw:   .word (1 << 30) | (" +
         std::to_string(l) + " << 10) | " + std::to_string(b) + "\n        .org " + std::to_string(l) + "\n" + user;
}

} // namespace

TEST_F(VmmPg, GuestStorageSitsInTheWindowAndTheVmmRegionHoldsTheFill) {
  auto v = start(".org 2\n"
                 "li 100, 7\nhalt\n");
  const machine::Machine& real = v->real();
  EXPECT_EQ(real.mem(0, 256 + 100), 0u); // the guest's word 100, still zero
  EXPECT_EQ(real.mem(0, 256), v->virtual_state().mem(0, 0));
  EXPECT_EQ(real.mem(0, 255), vmm::Vmm::kVmmFill & test::kMask36);
  EXPECT_EQ(real.mem(0, 256 + 512), vmm::Vmm::kVmmFill & test::kMask36);
  // The VM's reset: R = (0, size - 1), supervisor; the real machine runs it deprivileged.
  EXPECT_EQ(reg(v->virtual_state(), "R"), 511u);
  EXPECT_EQ(v->virtual_state().mode(), 0u);
  EXPECT_EQ(real.mode(), 1u);
  EXPECT_EQ(reg(real, "R"), (256u << 10) | 511u);
}

TEST_F(VmmPg, AllocatorMovesTheGuestRelocationByTheBaseAndKeepsTheBound) {
  vmm::Allocator a(alloc_);
  machine::Machine virt(model_), real(model_);
  virt.set_reg(static_cast<unsigned>(model_->find_reg("R")), (100u << 10) | 63u);
  virt.set_reg(model_->mode_reg, 0);
  ASSERT_TRUE(a.install(virt, real));
  EXPECT_EQ(reg(real, "R"), ((100u + 256u) << 10) | 63u);
  EXPECT_EQ(real.mode(), 1u); // whatever the virtual mode, the guest runs in user mode
  unsigned rcell = model_->regs[static_cast<size_t>(model_->find_reg("R"))].slot;
  EXPECT_EQ(a.installed(rcell), reg(real, "R"));
  EXPECT_TRUE(a.in_window(256));
  EXPECT_TRUE(a.in_window(767));
  EXPECT_FALSE(a.in_window(255));
  EXPECT_FALSE(a.in_window(768));
}

TEST_F(VmmPg, AllocatorRefusesARelocationThatReachesPastTheAllocation) {
  vmm::Allocator a(alloc_);
  machine::Machine virt(model_), real(model_);
  unsigned R = static_cast<unsigned>(model_->find_reg("R"));
  real.set_reg(R, 12345);
  virt.set_reg(R, (500u << 10) | 12u); // 500 + 12 = 512: one word too far
  EXPECT_FALSE(a.install(virt, real));
  EXPECT_EQ(real.reg(R), 12345u); // nothing installed
  virt.set_reg(R, (500u << 10) | 11u);
  EXPECT_TRUE(a.install(virt, real));
}

TEST_F(VmmPg, StartRefusesAnInitialStateOutsideTheAllocation) {
  vmm::Vmm v(model_, Strategy::TrapAndEmulate, alloc_);
  std::string err;
  EXPECT_FALSE(v.start(guest(model_, "halt\n", alloc_, {{"R.b", "1023"}}), err));
  EXPECT_NE(err.find("not well formed"), std::string::npos) << err;
}

TEST_F(VmmPg, TrapAndEmulateRunsInnocuousSupervisorCodeDirectly) {
  auto v = start(".org 2\n"
                 "li 100, 7\nadd 101, 100, 100\nhalt\n");
  VmmStep s = v->step();
  EXPECT_EQ(s.how, VmmStep::Direct);
  EXPECT_TRUE(s.tried_direct);
  EXPECT_EQ(v->virtual_state().mem(0, 100), 7u);
  EXPECT_EQ(v->real().mem(0, 256 + 100), 7u);
  ASSERT_EQ(s.written.size(), 1u);
  EXPECT_EQ(s.written[0], (std::pair<unsigned, uint64_t>{0, 100}));
  EXPECT_EQ(v->step().how, VmmStep::Direct);
  EXPECT_EQ(v->virtual_state().mem(0, 101), 14u);
  EXPECT_EQ(v->counts().direct, 2u);
}

TEST_F(VmmPg, APrivilegedInstructionOfVirtualSupervisorModeIsInterpreted) {
  auto v = start(enter_user(40, 63, "li 5, 9\nsvc\n"));
  VmmStep s = v->step(); // lpsw: traps in real user mode, so the dispatcher interprets it
  EXPECT_TRUE(s.tried_direct);
  EXPECT_EQ(s.real.kind, machine::Outcome::Trapped);
  EXPECT_EQ(s.how, VmmStep::Interpreted);
  EXPECT_EQ(s.virt.kind, machine::Outcome::Completed);
  EXPECT_EQ(v->virtual_state().mode(), 1u);
  EXPECT_EQ(reg(v->virtual_state(), "R"), (40u << 10) | 63u);
  EXPECT_EQ(reg(v->real(), "R"), ((40u + 256u) << 10) | 63u); // recomputed by the allocator
  EXPECT_EQ(v->interpreter().runs()[static_cast<size_t>(model_->find_insn("lpsw"))], 1u);
  // The user program's store lands at guest word 40 + 5, real 256 + 45.
  EXPECT_EQ(v->step().how, VmmStep::Direct);
  EXPECT_EQ(v->virtual_state().mem(0, 45), 9u);
  EXPECT_EQ(v->real().mem(0, 256 + 45), 9u);
}

TEST_F(VmmPg, AUserTrapIsReflectedThroughTheGuestsTrapEntry) {
  auto v = start(enter_user(40, 63, "svc\n"));
  v->step();
  VmmStep s = v->step(); // svc: traps natively too, so the guest's kernel must see it
  EXPECT_EQ(s.how, VmmStep::Reflected);
  EXPECT_EQ(s.virt.kind, machine::Outcome::Trapped);
  const machine::Machine& virt = v->virtual_state();
  EXPECT_EQ(virt.mode(), 0u);
  EXPECT_EQ(virt.pc(), 3u); // the handler, from the guest's new PSW
  // The old PSW, in the guest's word 0: svc's code 3, user mode, P at the svc (relative 0), R.
  EXPECT_EQ(virt.mem(0, 0), test::Psw(3, 1, 0, 40, 63));
  EXPECT_EQ(v->real().mem(0, 256), virt.mem(0, 0));
  EXPECT_EQ(reg(v->real(), "R"), (256u << 10) | 511u);
  EXPECT_EQ(v->counts().reflected, 1u);
}

TEST_F(VmmPg, ATrapRaisedByTheInterpreterIsDeliveredToTheGuest) {
  // Hybrid: supervisor code is interpreted; `ld` through a word naming a
  // relative address past the bound traps on the virtual state.
  auto v = start(".org 2\n"
                 "li 100, 600\nld 101, @100\nhalt\n",
                 Strategy::Hybrid);
  EXPECT_EQ(v->step().how, VmmStep::Interpreted);
  VmmStep s = v->step();
  EXPECT_FALSE(s.tried_direct);
  EXPECT_EQ(s.how, VmmStep::Reflected);
  EXPECT_EQ(model_->traps.at(s.virt.cause).name, "memory");
  EXPECT_EQ(v->virtual_state().mem(0, 0) >> 31, 1u); // the memory trap's code in the old PSW
}

TEST_F(VmmPg, DispatcherInterpretsInSupervisorModeAndReflectsInUserMode) {
  vmm::Dispatcher d;
  vmm::Interpreter interp(*model_);
  machine::Machine virt = guest(model_,
                                ".org 2\n"
                                "lpsw 10\n",
                                alloc_);
  EXPECT_EQ(d.dispatch(virt, interp).action, vmm::Dispatcher::Action::Interpreted);
  machine::Machine user = guest(model_,
                                ".org 2\n"
                                "lpsw 10\n",
                                alloc_, {{"mode", "user"}});
  auto dec = d.dispatch(user, interp);
  EXPECT_EQ(dec.action, vmm::Dispatcher::Action::Reflected);
  EXPECT_EQ(model_->traps.at(dec.outcome.cause).name, "privileged");
  EXPECT_EQ(user.mode(), 0u); // delivered: the guest is in its kernel
}

TEST_F(VmmPg, AfterAnInterpretedInstructionDirectExecutionResumesAtTheNextOne) {
  // A privileged read of R writes storage and P only, so the VMM copies just
  // what it wrote to the real machine instead of installing real(V) again.
  auto m = test::pg_plus("pg_rdr", R"(insn rdr 011011 a:10 0000000000 0000000000 "rdr {a}" {
    require mode == supervisor
    wr(a, zext(R, 36))
  })");
  ASSERT_TRUE(m);
  vmm::Vmm v(m, Strategy::TrapAndEmulate, alloc_);
  std::string err;
  ASSERT_TRUE(v.start(guest(m, ".org 2\nrdr 100\nli 101, 5\nhalt\n", alloc_), err)) << err;
  EXPECT_EQ(v.step().how, VmmStep::Interpreted);
  EXPECT_EQ(v.virtual_state().mem(0, 100), 511u); // the virtual R, not the real one
  EXPECT_EQ(v.real().pc(), 3u);
  EXPECT_EQ(v.step().how, VmmStep::Direct);
  EXPECT_EQ(v.virtual_state().mem(0, 101), 5u);
  EXPECT_TRUE(v.step().halted);
}

TEST_F(VmmPg, HybridInterpretsEverySupervisorInstructionAndRunsUserCodeDirectly) {
  auto v = start(enter_user(40, 63, "li 5, 9\nli 6, 10\nsvc\n"), Strategy::Hybrid);
  EXPECT_EQ(v->step().how, VmmStep::Interpreted); // lpsw
  EXPECT_EQ(v->step().how, VmmStep::Direct);      // li, in user mode
  EXPECT_EQ(v->step().how, VmmStep::Direct);
  EXPECT_EQ(v->step().how, VmmStep::Reflected); // svc
  VmmStep h = v->step();                        // halt, in supervisor mode again
  EXPECT_EQ(h.how, VmmStep::Interpreted);
  EXPECT_TRUE(h.halted);
  EXPECT_EQ(v->counts().direct, 2u);
  EXPECT_EQ(v->counts().interpreted, 2u);
  EXPECT_EQ(v->counts().reflected, 1u);
}

TEST_F(VmmPg, TrapAndEmulateRunsTheSameInnocuousSupervisorCodeDirectly) {
  auto v = start(".org 2\n"
                 "li 5, 9\nli 6, 10\nhalt\n",
                 Strategy::TrapAndEmulate);
  EXPECT_EQ(v->step().how, VmmStep::Direct);
  auto h = start(".org 2\n"
                 "li 5, 9\nli 6, 10\nhalt\n",
                 Strategy::Hybrid);
  EXPECT_EQ(h->step().how, VmmStep::Interpreted);
  EXPECT_EQ(h->virtual_state().mem(0, 5), 9u);
  EXPECT_EQ(h->real().mem(0, 256 + 5), 9u); // the interpreter's store reaches the real window
}

// The VMM rewrites its own region of real memory at a start only when a run
// wrote there; a run that did (an isolation divergence) must not leak its
// write into the next run.
TEST(VmmRestart, AnIsolationWriteIsUndoneAtTheNextStart) {
  auto m = test::pg_plus("pg_wabs", "insn wabs 011011 a:10 0000000000 0000000000 \"wabs {a}\" { E[a] = 7 }");
  ASSERT_TRUE(m);
  diff::Options o;
  o.allocation = vmm::default_allocation(*m);
  diff::Lockstep ls(m, o);
  std::string err;
  ASSERT_TRUE(ls.start(test::guest(m, "        .org 2\n        wabs 5\n        halt\n", o.allocation), err)) << err;
  diff::Result r = ls.run();
  ASSERT_TRUE(r.divergence);
  EXPECT_EQ(r.divergence->kind, diff::Divergence::Isolation);
  EXPECT_EQ(ls.vmm().real().mem(0, 5), 7u); // direct execution wrote the VMM's region
  ASSERT_TRUE(ls.start(test::guest(m, "        .org 2\n        halt\n", o.allocation), err)) << err;
  EXPECT_EQ(ls.vmm().real().mem(0, 5), vmm::Vmm::kVmmFill & model::width_mask(36));
  EXPECT_TRUE(ls.run().halted);
}

} // namespace popek
