// What-if hardware: a model with instructions made to trap below its most
// privileged mode (model/whatif.hpp), run concretely and classified, and
// `popek check --trap` reporting the named set and the smallest one.
#include "model/whatif.hpp"
#include "prover/classify.hpp"
#include "test_util.hpp"

#include <gtest/gtest.h>

namespace popek {
namespace {

using prover::Tri;

TEST(WhatIf, TheNamedInstructionTrapsBelowTheFirstModeAndRunsAsBeforeInIt) {
  auto m = test::load("models/pg_jrst.isa");
  ASSERT_TRUE(m);
  auto w = model::with_traps(*m, {m->find_insn("rtu")});
  EXPECT_NE(w->source_hash, m->source_hash); // not the bundled definition: no native code for it
  const std::string program = "        .org 2\n        rtu 7\n        halt\n"; // P starts at 2
  for (const char* mode : {"supervisor", "user"}) {
    machine::Machine before = test::machine_with(m, program), after = test::machine_with(w, program);
    for (machine::Machine* mc : {&before, &after})
      mc->set_reg(m->mode_reg, m->modes[static_cast<size_t>(m->find_mode(mode))].code);
    machine::Outcome a = before.step(), b = after.step();
    EXPECT_EQ(a.kind, machine::Outcome::Completed) << mode;
    EXPECT_EQ(before.pc(), 7u);
    if (std::string(mode) == "supervisor") {
      EXPECT_EQ(b.kind, machine::Outcome::Completed);
      EXPECT_EQ(after.pc(), 7u);
    } else {
      EXPECT_EQ(b.kind, machine::Outcome::Trapped);
      EXPECT_EQ(b.cause, static_cast<unsigned>(m->default_trap));
    }
  }
}

// Classified from the original's classification (only rtu asked again), the
// what-if model gets the answers a whole classification of it gives.
TEST(WhatIf, AskingOnlyTheTrappedInstructionsAgreesWithAskingThemAll) {
  auto m = test::load("models/pg_jrst.isa");
  ASSERT_TRUE(m);
  prover::Options o;
  o.jobs = 2;
  o.allocation = vmm::Allocation{256, 512};
  o.models_dir = test::path("models");
  prover::Classification base = prover::classify(m, o);
  auto w = model::with_traps(*m, {m->find_insn("rtu")});
  o.replay_witnesses = false;
  prover::Classification whole = prover::classify(w, o);
  o.base = &base;
  o.only = {m->find_insn("rtu")};
  prover::Classification part = prover::classify(w, o);
  ASSERT_EQ(whole.rows.size(), part.rows.size());
  for (size_t i = 0; i < whole.rows.size(); ++i)
    for (size_t q = 0; q < whole.rows[i].findings.size(); ++q)
      EXPECT_EQ(whole.rows[i].findings[q].yes, part.rows[i].findings[q].yes) << whole.rows[i].findings[q].name;
  EXPECT_EQ(base.verdicts.theorem1.holds, Tri::No);
  for (const prover::Classification* c : {&whole, &part})
    for (const prover::ModelVerdict* v : c->verdicts.in_order()) EXPECT_EQ(v->holds, Tri::Yes) << v->name;
}

TEST(WhatIf, CheckReportsTheNamedSetAndTheSmallestSetThatMakesTheModelVirtualizable) {
  test::CliResult r = test::run_popek("check pg_jrst --trap ld --fuzz-runs 1000 --findings /dev/null/none");
  // The campaigns cannot write their findings there: an error of the check
  // (exit 4), which still reports what the prover found.
  EXPECT_EQ(r.rc, 4) << r.out << r.err;
  EXPECT_NE(r.out.find("  error        fuzz (trap-emulate): cannot create the findings folder /dev/null/none/"),
            std::string::npos)
      << r.out;
  EXPECT_NE(r.out.find("  what-if      ld trapping below supervisor mode: not virtualizable: Theorem 1 fails "
                       "against 1: rtu;"),
            std::string::npos)
      << r.out << r.err;
  EXPECT_NE(r.out.find("  smallest set rtu trapping below supervisor mode: virtualizable: Theorem 1 holds; Theorem 3 "
                       "holds; trap-and-emulate equivalence holds; hybrid equivalence holds\n"),
            std::string::npos)
      << r.out;
  EXPECT_NE(r.out.find("no smaller set works"), std::string::npos) << r.out;
  EXPECT_EQ(test::run_popek("check pg_jrst --trap no_such_insn").rc, 2);
}

} // namespace
} // namespace popek
