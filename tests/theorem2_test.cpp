// Theorem 2, a VMM under a VMM: the nested allocation, the allocator applying
// the map twice, the concrete VMM under itself in lockstep, cases naming a
// nested allocation, and the prover's Theorem 2 verdict with its hosting query.
#include "corpus/case.hpp"
#include "prover/theorem2.hpp"
#include "prover/witness.hpp"
#include "vmm/vmm.hpp"
#include "vmm_helpers.hpp"

#include <gtest/gtest.h>

#include <algorithm>

namespace popek {
namespace {

using prover::Tri;
using vmm::Allocation;
using vmm::Strategy;

TEST(Theorem2, TheNestedAllocationKeepsTheGuestsStorageAndFitsInMemory) {
  // pg's VMM at 256 (512 words) of 1024: the outer VMM holds [0, 768) of the inner one's memory at 256.
  EXPECT_EQ(vmm::nested_allocation({256, 512}, 1024), (Allocation{256, 512, 256, 768}));
  // At most `base` further in, and no further than the memory allows.
  EXPECT_EQ(vmm::nested_allocation({256, 640}, 1024), (Allocation{256, 640, 128, 896}));
  // A VMM that keeps its guests at 0 keeps them there on both levels.
  EXPECT_EQ(vmm::nested_allocation({0, 2048}, 4096), (Allocation{0, 2048, 0, 2048}));
  auto m = test::load("models/pg.isa");
  std::string why;
  EXPECT_TRUE(vmm::usable(*m, {256, 512, 256, 768}, why)) << why;
  // The inner window must lie in the outer VMM's guest storage, and that in memory.
  EXPECT_FALSE(vmm::usable(*m, {256, 513, 256, 768}, why));
  EXPECT_EQ(why, "allocation base 256, size 513 inside base 256, size 768 does not fit in memory E (1024 units)");
  EXPECT_FALSE(vmm::usable(*m, {0, 512, 512, 768}, why));
}

TEST(Theorem2, TheAllocatorInstallsTheMapOfTheMap) {
  auto m = test::load("models/pg.isa");
  machine::Machine virt(m), real(m);
  const unsigned R = static_cast<unsigned>(m->find_reg("R"));
  virt.set_reg(R, (100u << 10) | 63u); // relocation 100, bound 63
  virt.set_reg(m->mode_reg, 0);        // supervisor
  vmm::Allocator a(Allocation{256, 512, 128, 768});
  ASSERT_TRUE(a.install(virt, real));
  // Relocated by both bases, the bound kept, user mode.
  EXPECT_EQ(real.reg(R), ((100u + 256u + 128u) << 10) | 63u);
  EXPECT_EQ(real.reg(m->mode_reg), 1u);
  // Alone this guest fits; nested its storage reaches past the outer VMM's 700 words: refused, nothing installed.
  virt.set_reg(R, (400u << 10) | 63u);
  real.set_reg(R, 12345);
  vmm::Allocator tight(Allocation{256, 512, 128, 700});
  EXPECT_FALSE(tight.install(virt, real));
  EXPECT_EQ(real.reg(R), 12345u);
}

TEST(Theorem2, TheExampleKernelRunsUnderTheVmmUnderItselfAsItRunsNatively) {
  auto m = test::load("models/pg.isa");
  const Allocation nested{256, 512, 256, 768};
  auto run = test::diff_run(m, test::read("examples/pg/kernel.s"), Strategy::TrapAndEmulate, {}, 10000, nested);
  ASSERT_FALSE(run.r.divergence) << test::names(*m, *run.r.divergence)[0];
  EXPECT_TRUE(run.r.halted);
  EXPECT_GT(run.r.counts.direct, 0u);
  EXPECT_GT(run.r.counts.reflected, 0u);
  // The guest's storage is in real memory at the outer base + the inner base, the VMMs' fill around it.
  const machine::Machine &v = run.ls->vmm().virtual_state(), &real = run.ls->vmm().real();
  for (uint64_t a = 0; a < 512; ++a) ASSERT_EQ(real.mem(0, 512 + a), v.mem(0, a)) << "E[" << a << "]";
  // Below it, the outer VMM's region [0, 256) and the inner VMM's [256, 512) of its guest storage.
  for (uint64_t a : {0, 255, 256, 511}) EXPECT_EQ(real.mem(0, a), vmm::Vmm::kVmmFill & model::width_mask(36)) << a;
}

TEST(Theorem2, PopekDiffNestedRunsAGuestUnderTheVmmUnderItself) {
  test::CliResult r = test::run_popek("diff pg examples/pg/kernel.s --nested --json");
  ASSERT_EQ(r.rc, 0) << r.out << r.err;
  EXPECT_NE(r.out.find("\"inside\": {\n      \"base\": 256,\n      \"size\": 768\n    }"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("\"equivalent\": true"), std::string::npos) << r.out;
  // x86's kernel starts in ring 0, which the VMM under itself cannot host: bad input, said why.
  r = test::run_popek("diff x86 examples/x86/kernel.s --nested");
  EXPECT_EQ(r.rc, 2);
  EXPECT_NE(r.err.find("not well formed for allocation base 1024, size 2048 inside base 1024, size 3072"),
            std::string::npos)
      << r.err;
}

TEST(Theorem2, ACaseNamesANestedAllocation) {
  const std::string text = "model pg\nvmm trap-emulate\nallocation 256 512 inside 128 768\nprogram\n  halt\n"
                           "expect equivalent\n";
  corpus::Case c = corpus::parse_case("n.case", text);
  ASSERT_TRUE(c.allocation);
  EXPECT_EQ(*c.allocation, (Allocation{256, 512, 128, 768}));
  EXPECT_NE(corpus::write_case(c).find("\nallocation 256 512 inside 128 768\n"), std::string::npos);
  EXPECT_EQ(corpus::parse_case("n.case", corpus::write_case(c)).allocation, c.allocation);
  try {
    corpus::parse_case("bad.case", "model pg\nallocation 256 512 inside 128\n");
    FAIL() << "a nested allocation without its outer size was accepted";
  } catch (const InputError& e) {
    EXPECT_EQ(std::string(e.what()),
              "bad.case:2:12: 'allocation' takes BASE SIZE, or BASE SIZE inside OUTER_BASE OUTER_SIZE");
  }
}

prover::Options options() {
  prover::Options o;
  o.jobs = 2;
  o.models_dir = test::path("models");
  return o;
}

TEST(Theorem2, HoldsForPgAndFailsForPgJrstAgainstWhatItsVmmFlagsWithWitnessesThatReplayNested) {
  for (const char* name : {"pg", "pg_jrst"}) {
    auto m = test::load(std::string("models/") + name + ".isa");
    prover::Options o = options();
    o.allocation = vmm::default_allocation(*m);
    prover::Classification single = prover::classify(m, o);
    prover::Nesting n = prover::theorem2(m, single, o);
    SCOPED_TRACE(name);
    EXPECT_EQ(n.allocation, (Allocation{256, 512, 256, 768}));
    EXPECT_EQ(n.hosting.answer.verdict, smt::Verdict::Proved);
    EXPECT_EQ(n.hosts_none.answer.verdict, smt::Verdict::Witness); // some guest runs nested
    EXPECT_EQ(n.fetch.answer.verdict, smt::Verdict::Proved);
    EXPECT_TRUE(n.internal_errors.empty()) << n.internal_errors.front();
    EXPECT_EQ(n.verdict.name, "Theorem 2");
    const prover::ModelVerdict& te = single.verdicts.trap_emulate;
    ASSERT_EQ(te.name, "trap-and-emulate equivalence");
    // pg's VMM is equivalent, alone and nested; pg_jrst's is not, for rtu, on both levels.
    EXPECT_EQ(n.verdict.holds, te.holds);
    EXPECT_EQ(n.verdict.against, te.against);
    EXPECT_EQ(n.flagged, te.against);
    for (const prover::Row& r : n.rows)
      for (const prover::Finding& f : r.findings) {
        if (!f.witness_case) continue;
        EXPECT_EQ(f.witness_case->allocation, n.allocation) << f.name;
        std::string why;
        EXPECT_TRUE(prover::replay_witness(*f.witness_case, o.models_dir, why)) << f.name << ": " << why;
      }
  }
}

TEST(Theorem2, X86sVmmCannotHostItsOwnRing1GuestKernel) {
  // The x86 VMM runs a guest's ring 0 in ring 1, and accepts only guests in rings 0 and 3.
  auto m = test::load("models/x86.isa");
  const Allocation nested = vmm::nested_allocation(vmm::default_allocation(*m), 4096);
  prover::Prover p(m, smt::Limits{}, nested);
  prover::Finding none;
  prover::Finding f = p.run_hosting(&none);
  ASSERT_EQ(f.answer.verdict, smt::Verdict::Witness) << f.answer.reason;
  // A guest in ring 3 it does host.
  ASSERT_EQ(none.answer.verdict, smt::Verdict::Witness) << none.answer.reason;
  EXPECT_NE(none.words.find("mode=ring3"), std::string::npos) << none.words;
  EXPECT_TRUE(f.yes);
  // Only the mode can be refused: a guest kernel in ring 0 runs in ring 1, which the VMM does not accept.
  EXPECT_NE(f.words.find("mode=ring0 gets real(V) with "), std::string::npos) << f.words;
  EXPECT_NE(f.words.find("mode=ring1 from the VMM at base 1024, size 2048"), std::string::npos) << f.words;
  EXPECT_NE(f.words.find("refuses that as its guest at base 1024, size 3072"), std::string::npos) << f.words;
  // Concretely: the example kernel starts in ring 0, and the VMM under itself cannot start it.
  diff::Options o;
  o.allocation = nested;
  diff::Lockstep ls(m, o);
  std::string err;
  EXPECT_FALSE(ls.start(test::guest(m, test::read("examples/x86/kernel.s"), nested), err));
  EXPECT_NE(err.find("inside base 1024, size 3072"), std::string::npos) << err;
}

TEST(Theorem2, RiscvsVmmPresentsTheWholeMachineAndHostsItself) {
  // The VMM runs every guest mode in U-mode with medeleg 0 and a shadow of the
  // guest's PMP entry, and accepts every guest at base 0: what it installs is
  // a guest it accepts, so it hosts every guest under itself.
  auto m = test::load("models/riscv.isa");
  const Allocation nested = vmm::nested_allocation(vmm::default_allocation(*m), 4096);
  EXPECT_EQ(nested, (Allocation{0, 2048, 0, 2048}));
  prover::Prover p(m, smt::Limits{}, nested);
  prover::Finding none;
  prover::Finding f = p.run_hosting(&none);
  EXPECT_EQ(f.answer.verdict, smt::Verdict::Proved) << f.words;
  EXPECT_EQ(none.answer.verdict, smt::Verdict::Witness) << none.words; // some guest runs nested
  // Concretely: M-mode firmware, an S-mode kernel and a user program run under the VMM under itself.
  auto run = test::diff_run(m, test::read("examples/riscv/firmware.s"), Strategy::TrapAndEmulate, {}, 10000, nested);
  ASSERT_FALSE(run.r.divergence) << test::names(*m, *run.r.divergence)[0];
  EXPECT_TRUE(run.r.halted);
  EXPECT_GT(run.r.counts.direct, 0u);
  EXPECT_GT(run.r.counts.reflected, 0u);
}

} // namespace
} // namespace popek
