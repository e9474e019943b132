// The prover's queries on a small machine whose answers are known by hand:
// each property, each verdict, witnesses that replay in the concrete runner,
// unknown answers when the solver runs out, and SMT-LIB2 export.
#include "prover/witness.hpp"
#include "prover_models.hpp"

#include <cstdlib>
#include <gtest/gtest.h>

namespace popek {
namespace {

using prover::Property;
using prover::Tri;
using prover::Where;
using vmm::Strategy;

using test::kTiny;
using test::kTinyMore;
using test::ProverTest;

TEST_F(ProverTest, AVirtualizableMachineHasEveryVerdictHold) {
  prover::Classification c = classify(kTiny);
  EXPECT_TRUE(c.internal_errors.empty());
  EXPECT_FALSE(c.any_unknown());
  for (const auto* v : c.verdicts.in_order()) EXPECT_EQ(v->holds, Tri::Yes) << v->name;
  EXPECT_EQ(row(c, "setr").privileged(), Tri::Yes);
  EXPECT_EQ(row(c, "setr").control(Where::Supervisor), Tri::Yes);
  EXPECT_EQ(row(c, "setr").control(Where::User), Tri::No); // it traps there
  EXPECT_EQ(row(c, "lda").privileged(), Tri::No);
  EXPECT_EQ(row(c, "lda").sensitive(), Tri::No);
  EXPECT_EQ(row(c, "sta").sensitive(), Tri::No);
  // R.l is what the map relocates; R.b is varied on its own and matters to no result.
  ASSERT_EQ(c.units.size(), 2u);
  EXPECT_EQ(c.relocated[0], Tri::Yes);
  EXPECT_EQ(c.relocated[1], Tri::No);
  EXPECT_EQ(row(c, "lda").register_sensitive(), Tri::No);
  EXPECT_TRUE(c.explanations.empty());
}

TEST_F(ProverTest, EachPropertyIsFoundWhereTheHardwareShowsIt) {
  prover::Classification c = classify(std::string(kTiny) + kTinyMore);
  EXPECT_TRUE(c.internal_errors.empty()) << (c.internal_errors.empty() ? "" : c.internal_errors[0]);
  EXPECT_FALSE(c.any_unknown());
  // rtu: control sensitive in supervisor mode only, unprivileged, flagged for trap-and-emulate only.
  const prover::Row& rtu = row(c, "rtu");
  EXPECT_EQ(rtu.privileged(), Tri::No);
  EXPECT_EQ(rtu.control(Where::Supervisor), Tri::Yes);
  EXPECT_EQ(rtu.control(Where::User), Tri::No);
  EXPECT_EQ(rtu.user_sensitive(), Tri::No);
  EXPECT_EQ(rtu.flagged(Strategy::TrapAndEmulate), Tri::Yes);
  EXPECT_EQ(rtu.flagged(Strategy::Hybrid), Tri::No);
  // getm: mode sensitive.
  EXPECT_EQ(row(c, "getm").mode(), Tri::Yes);
  EXPECT_EQ(row(c, "getm").location(), Tri::No);
  EXPECT_EQ(row(c, "getm").flagged(Strategy::Hybrid), Tri::No);
  // lra: location sensitive in both modes, so user sensitive and flagged for both VMMs.
  const prover::Row& lra = row(c, "lra");
  EXPECT_EQ(lra.location(Where::User), Tri::Yes);
  EXPECT_EQ(lra.location(Where::Supervisor), Tri::Yes);
  EXPECT_EQ(lra.user_sensitive(), Tri::Yes);
  EXPECT_EQ(lra.flagged(Strategy::Hybrid), Tri::Yes);
  // The verdicts, and the instructions against them.
  EXPECT_EQ(c.verdicts.in_order().size(), 6u); // Theorem 2 is popek check's
  EXPECT_EQ(c.verdicts.theorem1.holds, Tri::No);
  EXPECT_EQ(c.verdicts.theorem1.against, (std::vector<std::string>{"getm", "rtu", "lra"}));
  EXPECT_EQ(c.verdicts.theorem3.against, (std::vector<std::string>{"lra"}));
  EXPECT_EQ(c.verdicts.trap_emulate.against, (std::vector<std::string>{"getm", "rtu", "lra"}));
  EXPECT_EQ(c.verdicts.hybrid.against, (std::vector<std::string>{"lra"}));
  // With two modes and no instruction that traps in both, the two readings of privileged agree.
  EXPECT_EQ(c.verdicts.theorem1_letter.against, c.verdicts.theorem1.against);
  EXPECT_EQ(c.verdicts.theorem3_letter.against, c.verdicts.theorem3.against);
}

TEST_F(ProverTest, WitnessesReadAsWordsAndReplayInTheLockstepRunner) {
  auto m = model(std::string(kTiny) + kTinyMore);
  prover::Prover p(m, {});
  prover::Finding f = p.run(m->find_insn("rtu"), {Property::Equivalence, Where::Supervisor});
  ASSERT_EQ(f.answer.verdict, smt::Verdict::Witness);
  EXPECT_NE(f.words.find("in virtual s mode"), std::string::npos) << f.words;
  EXPECT_NE(f.words.find("mode=u natively but"), std::string::npos) << f.words;
  ASSERT_TRUE(f.witness_case);
  EXPECT_EQ(f.witness_case->expect.insn, "rtu");
  EXPECT_EQ(f.witness_case->expect.kind, "equivalence");
  std::string why;
  EXPECT_TRUE(prover::replay_witness(*f.witness_case, test::path("models"), why)) << why;
  // A case that claims a divergence the runner does not see is reported, not accepted.
  corpus::Case wrong = *f.witness_case;
  wrong.expect.components = {"A"};
  EXPECT_FALSE(prover::replay_witness(wrong, test::path("models"), why));
  EXPECT_NE(why.find("expected divergent at rtu in A"), std::string::npos) << why;
}

TEST_F(ProverTest, ASpentResourceLimitAnswersUnknownNeverAGuess) {
  smt::Limits tiny;
  tiny.rlimit = 1;
  prover::Classification c = classify(std::string(kTiny) + kTinyMore, tiny);
  EXPECT_TRUE(c.any_unknown());
  for (const auto* v : c.verdicts.in_order()) EXPECT_NE(v->holds, Tri::Yes) << v->name;
  EXPECT_EQ(row(c, "lda").privileged(), Tri::Unknown);
}

TEST_F(ProverTest, QueriesExportAsStandaloneSmtLib2) {
  auto m = model(std::string(kTiny) + kTinyMore);
  prover::Prover p(m, {});
  std::string text = p.smt2(m->find_insn("rtu"), {Property::Control, Where::Supervisor});
  EXPECT_NE(text.find("(set-logic QF_BV)"), std::string::npos);
  EXPECT_NE(text.find("(check-sat)"), std::string::npos);
  EXPECT_NE(text.find("(get-model)"), std::string::npos);
}

// Each exported query, given to cvc5, gets the answer Z3 gave (sat: a witness).
TEST_F(ProverTest, Cvc5AgreesWithZ3OnExportedQueries) {
  if (std::system("cvc5 --version > /dev/null 2>&1") != 0) GTEST_SKIP() << "cvc5 is not installed (CI installs it)";
  auto m = model(std::string(kTiny) + kTinyMore);
  prover::Prover p(m, {});
  struct Q {
    const char* insn;
    prover::Query q;
  };
  for (const Q& x : {Q{"rtu", {Property::Control, Where::Supervisor}}, Q{"lda", {Property::Equivalence, Where::User}},
                     Q{"lra", {Property::Location, Where::User}}, Q{"setr", {Property::Privileged}}}) {
    int i = m->find_insn(x.insn);
    prover::Finding f = p.run(i, x.q);
    std::string file = put(std::string(x.insn) + ".smt2", p.smt2(i, x.q));
    std::string cmd = "cvc5 --produce-models " + file + " > " + dir_ + "/out.txt 2>&1";
    int rc = std::system(cmd.c_str());
    std::string err, out = read_file(dir_ + "/out.txt", err).value_or(err);
    ASSERT_EQ(rc, 0) << out;
    std::string want = f.answer.verdict == smt::Verdict::Witness ? "sat" : "unsat";
    EXPECT_EQ(out.substr(0, out.find('\n')), want) << f.name;
  }
}

TEST_F(ProverTest, ProveSavesWitnessCasesThatReplay) {
  put("m/tiny.isa", std::string(kTiny) + kTinyMore);
  test::CliResult r = test::run_popek("prove " + dir_ + "/m/tiny.isa --save-witnesses " + dir_ + "/w");
  EXPECT_EQ(r.rc, 1) << r.out << r.err; // something is flagged
  EXPECT_NE(r.out.find("witness  rtu: equivalence (supervisor)"), std::string::npos) << r.out;
  test::CliResult rp = test::run_popek("replay " + dir_ + "/w");
  EXPECT_EQ(rp.rc, 0) << rp.out << rp.err;
  EXPECT_NE(rp.out.find(" passed, 0 failed"), std::string::npos) << rp.out;
  test::CliResult ok = test::run_popek("prove " + put("ok.isa", kTiny));
  EXPECT_EQ(ok.rc, 0) << ok.out << ok.err;
}

TEST_F(ProverTest, AModelWithoutAVmmBlockIsBadInput) {
  test::CliResult r = test::run_popek("classify " + put("n.isa", R"(machine n "no vmm"
word 8
memory E[16] : 8
modes s = 0, u = 1
register P : 4 pc
trap undefined = 1
undefined trap undefined
fetch (i : 4) -> 8 { return E[P + i] }
trap entry (cause : 1, arg : 1) { P = 0 }
insn nop 00000000 "nop" { }
)"));
  EXPECT_EQ(r.rc, 2) << r.out << r.err;
  EXPECT_NE(r.err.find("has no vmm block"), std::string::npos) << r.err;
}

} // namespace
} // namespace popek
