// How the prover saves work, and that it changes no answer: queries about the
// VMM's own allocation or about every allocation; accesses assumed where a
// lemma proved them, built exactly where it could not (a map that forgets the
// base); queries a proved VMM step contains; expectation files.
#include "prover/witness.hpp"
#include "prover_models.hpp"

#include <algorithm>
#include <gtest/gtest.h>
#include <map>

namespace popek {
namespace {

using prover::Property;
using prover::Tri;
using prover::Where;
using test::kTiny;
using test::kTinyMore;
using test::ProverTest;
using vmm::Strategy;

// Every answer of a classification, by query name.
std::map<std::string, smt::Verdict> answers(const prover::Classification& c) {
  std::map<std::string, smt::Verdict> out;
  for (const prover::Row& r : c.rows)
    for (const prover::Finding& f : r.findings) out[f.name] = f.answer.verdict;
  return out;
}

TEST_F(ProverTest, TheVmmsOwnAllocationAndEveryAllocationAgreeHere) {
  std::string text = std::string(kTiny) + kTinyMore;
  prover::Classification any = classify(text);
  prover::Classification own = classify(text, {}, vmm::Allocation{4, 8});
  EXPECT_FALSE(any.allocation);
  ASSERT_TRUE(own.allocation);
  EXPECT_EQ(own.allocation->base, 4u);
  EXPECT_FALSE(any.any_unknown());
  EXPECT_FALSE(own.any_unknown());
  EXPECT_TRUE(own.internal_errors.empty()) << own.internal_errors.front();
  EXPECT_EQ(answers(any), answers(own));
  // A witness about the VMM's own allocation names that allocation.
  const prover::Row& rtu = row(own, "rtu");
  for (const prover::Finding& f : rtu.findings) {
    if (!f.witness_case) continue;
    EXPECT_EQ(f.witness_case->allocation, (vmm::Allocation{4, 8})) << f.name;
  }
}

TEST_F(ProverTest, AProvedVmmStepAnswersTheQueriesItContainsAsAskingThemWould) {
  std::string text = std::string(kTiny) + kTinyMore;
  prover::Classification derived = classify(text), asked = classify(text, {}, std::nullopt, false);
  EXPECT_EQ(answers(derived), answers(asked));
  auto find = [](const prover::Classification& c, const std::string& name) {
    for (const prover::Row& r : c.rows)
      for (const prover::Finding& f : r.findings)
        if (f.name == name) return f;
    ADD_FAILURE() << "no query " << name;
    return prover::Finding{};
  };
  // lda's step is proved, so its equivalence is not asked again; rtu's step
  // has a witness, so its equivalence is asked (and has one too).
  EXPECT_EQ(find(derived, "lda: equivalence (supervisor)").follows_from, "lda: vmm step (trap-emulate)");
  EXPECT_EQ(find(derived, "lda: vmm step (hybrid)").follows_from, "lda: vmm step (trap-emulate)");
  EXPECT_EQ(find(derived, "rtu: equivalence (supervisor)").follows_from, "");
  EXPECT_EQ(find(derived, "rtu: equivalence (supervisor)").answer.verdict, smt::Verdict::Witness);
  // rtu breaks only trap-and-emulate: the hybrid step proved it in user mode.
  EXPECT_EQ(find(derived, "rtu: equivalence (user)").follows_from, "rtu: vmm step (hybrid)");
  EXPECT_EQ(find(asked, "lda: equivalence (supervisor)").follows_from, "");
}

// Register sensitivity is first asked of a group of units at once; a witness
// names one unit, which is then asked alone. The answers are those of asking
// each unit alone.
TEST_F(ProverTest, GroupTestsOfRegisterSensitivityAnswerAsEachUnitAlone) {
  std::string text = std::string(kTiny) + kTinyMore + R"(
register F : 8 system {
  x [7:4]
  y [3:0]
}
register G : 4 system
insn getf 0110 0000 "getf" { A = zext(F.y, 8) }
insn andg 0111 0000 "andg" { A = A & (F.x ++ G) }
)";
  text.replace(text.find("  R.b = R.b\n"), 12, "  R.b = R.b\n  F = F\n  G = G\n");
  prover::Classification derived = classify(text), asked = classify(text, {}, std::nullopt, false);
  EXPECT_FALSE(derived.any_unknown());
  EXPECT_EQ(answers(derived), answers(asked));
  auto units = [&](const std::string& insn) {
    std::vector<std::string> out;
    for (const prover::Finding& f : row(derived, insn).findings) {
      if (f.query.property != Property::Register || f.query.where != Where::User || !f.yes) continue;
      out.push_back(f.name);
      // The group's witness is read as the unit's own: it varies that unit.
      const std::string unit = prover::system_units(*derived.model)[static_cast<size_t>(f.query.unit)].name;
      EXPECT_NE(f.words.find("with " + unit + "="), std::string::npos) << f.name << ": " << f.words;
    }
    return out;
  };
  EXPECT_EQ(units("getf"), std::vector<std::string>{"getf: register sensitive to F.y (user)"});
  EXPECT_EQ(units("andg"), (std::vector<std::string>{"andg: register sensitive to F.x (user)",
                                                     "andg: register sensitive to G (user)"}));
  EXPECT_EQ(units("getm"), std::vector<std::string>{});
  // getm depends on no unit: one group query answered all four.
  for (const prover::Finding& f : row(derived, "getm").findings) {
    if (f.query.property != Property::Register) continue;
    std::string group = "getm: register sensitive to any of 4 units (";
    group += prover::where_name(f.query.where);
    group += ")";
    EXPECT_EQ(f.follows_from, group);
  }
}

// A VMM obligation is first asked on its direct path alone (prover.hpp,
// Path). tsame traps in supervisor mode, where the trap entry leaves what it
// does without trapping in user mode, as the trap-and-emulate VMM runs it: the
// direct path has a witness (the native step traps there), yet the whole
// obligation holds. Read as a witness, it would flag tsame.
TEST_F(ProverTest, ADirectPathWitnessWhereTheNativeStepTrapsLeavesTheWholeObligationToDecide) {
  std::string text = std::string(kTiny) + R"(
insn tsame 0110 0000 "tsame" {
  require mode == u
  A = 2
  P = 1
}
insn tdiff 0111 0000 "tdiff" {
  require mode == u
  A = 3
  P = 1
}
)";
  text.replace(text.find("  E[0] = zext(cause, 8)\n"), 23, "  A = zext(cause, 8)\n");
  for (bool derive : {true, false}) {
    prover::Classification c = classify(text, {}, vmm::Allocation{4, 8}, derive);
    EXPECT_FALSE(c.any_unknown());
    EXPECT_TRUE(c.internal_errors.empty()) << c.internal_errors.front();
    EXPECT_EQ(row(c, "tsame").flagged(Strategy::TrapAndEmulate), Tri::No);
    EXPECT_EQ(row(c, "tsame").answer(Property::Equivalence, Where::Supervisor), Tri::No);
    // tdiff's trap entry leaves A = 2, its direct run A = 3: flagged, and the witness replays.
    EXPECT_EQ(row(c, "tdiff").flagged(Strategy::TrapAndEmulate), Tri::Yes);
    EXPECT_EQ(row(c, "tdiff").answer(Property::Equivalence, Where::Supervisor), Tri::Yes);
  }
}

// A `wellformed` too weak for the window: it lets the guest's bounds reach
// past its storage, so a direct access can land outside the window, where the
// VMM's fill is. Such accesses fail the lemma and must be built exactly:
// assumed, they would hide the only witnesses there are.
TEST_F(ProverTest, AccessesTheLemmaCannotProveAreBuiltExactly) {
  std::string text = std::string(kTiny) + kTinyMore;
  const std::string wellformed = "  wellformed zext(R.l, 5) + zext(R.b, 5) < size\n";
  size_t at = text.find(wellformed);
  ASSERT_NE(at, std::string::npos);
  text.replace(at, wellformed.size(), "  wellformed zext(R.b, 5) < 16\n");
  for (std::optional<vmm::Allocation> a : {std::optional<vmm::Allocation>{}, std::optional{vmm::Allocation{4, 8}}}) {
    prover::Classification c = classify(text, {}, a);
    EXPECT_FALSE(c.any_unknown());
    EXPECT_TRUE(c.internal_errors.empty()) << c.internal_errors.front(); // every witness replayed
    // lda reads 0 above the guest's storage natively, the VMM's fill directly.
    EXPECT_EQ(row(c, "lda").answer(Property::Equivalence, Where::User), Tri::Yes);
    EXPECT_EQ(row(c, "lda").flagged(Strategy::Hybrid), Tri::Yes);
    EXPECT_EQ(row(c, "sta").answer(Property::ResourceControl, Where::User), Tri::Yes); // isolation
    EXPECT_EQ(row(c, "setr").flagged(Strategy::TrapAndEmulate), Tri::No); // it traps, and the VMM emulates it
  }
}

TEST_F(ProverTest, AnAllocationTheVmmCannotUseIsBadInput) {
  test::CliResult r = test::run_popek("classify pg --allocation 900 512");
  EXPECT_EQ(r.rc, 2) << r.out << r.err;
  EXPECT_NE(r.err.find("--allocation 900 512: "), std::string::npos) << r.err;
  test::CliResult both = test::run_popek("prove pg --allocation 256 512 --any-allocation");
  EXPECT_EQ(both.rc, 2) << both.out << both.err;
}

TEST_F(ProverTest, AnExpectationThatDiffersIsReportedLineByLine) {
  std::string model = put("m/tiny.isa", std::string(kTiny) + kTinyMore);
  test::CliResult s = test::run_popek("classify " + model + " --summary --allocation 4 8");
  ASSERT_EQ(s.rc, 0) << s.out << s.err;
  EXPECT_NE(s.out.find("flagged trap-and-emulate: getm rtu lra\n"), std::string::npos) << s.out;
  EXPECT_NE(s.out.find("control sensitive: setr(s) rtu(s)\n"), std::string::npos) << s.out;
  std::string good = put("good.expect", "# checked by hand\n\n" + s.out);
  EXPECT_EQ(test::run_popek("classify " + model + " --allocation 4 8 --expect " + good).rc, 0);
  std::string wrong = s.out;
  wrong.replace(wrong.find("flagged hybrid: lra"), 19, "flagged hybrid: -");
  test::CliResult w = test::run_popek("classify " + model + " --allocation 4 8 --expect " + put("w.expect", wrong));
  EXPECT_EQ(w.rc, 1) << w.out << w.err;
  EXPECT_NE(w.err.find("w.expect:" + std::to_string(std::count(s.out.begin(), s.out.end(), '\n')) +
                       ": expected `flagged hybrid: -`, classify says `flagged hybrid: lra`"),
            std::string::npos)
      << w.err;
  test::CliResult missing = test::run_popek("classify " + model + " --expect " + dir_ + "/none.expect");
  EXPECT_EQ(missing.rc, 2) << missing.out << missing.err;
}

TEST_F(ProverTest, ProgressPrintsALinePerQueryOnStderr) {
  std::string model = put("m/tiny.isa", std::string(kTiny) + kTinyMore);
  test::CliResult quiet = test::run_popek("classify " + model + " --summary --allocation 4 8");
  test::CliResult r = test::run_popek("classify " + model + " --summary --allocation 4 8 --progress");
  ASSERT_EQ(r.rc, 0) << r.err;
  EXPECT_EQ(r.out, quiet.out); // stdout is the same
  EXPECT_EQ(quiet.err, "");
  // One line per query of every instruction, numbered up to the total.
  size_t lines = static_cast<size_t>(std::count(r.err.begin(), r.err.end(), '\n'));
  std::string last = std::to_string(lines);
  last = "[" + last + "/" + last; // the last line: [N/N]
  EXPECT_NE(r.err.find(last + "] "), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("] rtu: control sensitive (supervisor): witness ("), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("] lda: vmm step (hybrid): proved (0.00 s, from lda: vmm step (trap-emulate))"),
            std::string::npos)
      << r.err;
}

} // namespace
} // namespace popek
