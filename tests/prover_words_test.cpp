// Theorems 1 and 3 per instruction word and the two readings of privileged
// (docs/theory.md §8), location sensitivity as a question about the machine,
// and Theorem 2 not decided for a VMM that presents less than the machine:
// small machines whose answers are known by hand.
#include "prover/theorem2.hpp"
#include "prover_models.hpp"

#include <gtest/gtest.h>

namespace popek {
namespace {

using prover::Reading;
using prover::Theorem;
using prover::Tri;
using test::kTiny;
using test::ProverTest;

const prover::WordAnswer& answer(const prover::Classification& c, const std::string& insn, Theorem t, Reading r) {
  for (const prover::WordAnswer& w : c.words)
    if (w.insn == c.model->find_insn(insn) && w.theorem == t && w.reading == r) return w;
  throw std::runtime_error("no word answer for " + insn);
}

// `rdr 0` reads R and traps in user mode; every other `rdr n` loads n and
// runs anywhere. Some word is sensitive and some word is not privileged, but
// no word is both: the paper's instructions are whole words.
constexpr const char* kOneWordEach = R"(
insn rdr  0110 n:4   "rdr {n}"  {
  if n == 0 {
    require mode == s
    A = R
  } else {
    A = zext(n, 8)
  }
}
)";

TEST_F(ProverTest, AMnemonicWithoutAWordBothSensitiveAndUnprivilegedIsNotAgainstTheoremOne) {
  prover::Classification c = classify(std::string(kTiny) + kOneWordEach);
  const prover::Row& rdr = row(c, "rdr");
  EXPECT_EQ(rdr.sensitive(), Tri::Yes); // some word of it (rdr 0, in supervisor mode)
  EXPECT_EQ(rdr.privileged(), Tri::No); // not every word of it (rdr 1 runs in user mode)
  EXPECT_EQ(answer(c, "rdr", Theorem::One, Reading::Proof).against, Tri::No);
  EXPECT_EQ(answer(c, "rdr", Theorem::One, Reading::Letter).against, Tri::No);
  EXPECT_EQ(c.verdicts.theorem1.holds, Tri::Yes);
  EXPECT_EQ(c.verdicts.theorem1_letter.holds, Tri::Yes);
}

// As above, and `rdr 5` reads the mode without trapping: that word alone is against.
constexpr const char* kOneWordBoth = R"(
insn rdr  0110 n:4   "rdr {n}"  {
  if n == 0 {
    require mode == s
    A = R
  } else if n == 5 {
    A = zext(mode, 8)
  } else {
    A = zext(n, 8)
  }
}
)";

TEST_F(ProverTest, TheWordsAgainstTheoremOneAreNamedByTheirOperands) {
  prover::Classification c = classify(std::string(kTiny) + kOneWordBoth);
  EXPECT_EQ(c.verdicts.theorem1.against, (std::vector<std::string>{"rdr"}));
  const prover::WordAnswer& w = answer(c, "rdr", Theorem::One, Reading::Proof);
  ASSERT_EQ(w.against, Tri::Yes);
  EXPECT_EQ(w.word, "rdr 5");
  ASSERT_EQ(w.fields.size(), 1u);
  EXPECT_TRUE(w.fields[0].complete);
  EXPECT_EQ(w.fields[0].values, (std::vector<uint64_t>{5}));
  EXPECT_EQ(prover::settled_words(*c.model, w), "rdr[n=5]");
  EXPECT_NE(w.sensitive.words.find("`rdr 5`"), std::string::npos) << w.sensitive.words;
  EXPECT_NE(w.unprivileged.words.find("`rdr 5`"), std::string::npos) << w.unprivileged.words;
}

// `sys` traps in every mode, with a cause that names the mode: mode
// sensitive, not privileged by the literal reading (it traps in supervisor
// mode too), yet it hands a trap-and-emulate VMM control wherever it runs.
constexpr const char* kTrapsEverywhere = R"(
insn sys  0111 0000  "sys"      { if mode == s { trap undefined } else { trap privileged } }
)";

TEST_F(ProverTest, AnInstructionThatTrapsInEveryModeSeparatesTheReadings) {
  prover::Classification c = classify(std::string(kTiny) + kTrapsEverywhere);
  const prover::Row& sys = row(c, "sys");
  EXPECT_EQ(sys.mode(), Tri::Yes);
  EXPECT_EQ(sys.privileged(), Tri::No);
  EXPECT_EQ(sys.traps_least(), Tri::Yes);
  EXPECT_EQ(c.verdicts.theorem1.holds, Tri::Yes);
  EXPECT_EQ(c.verdicts.theorem1_letter.against, (std::vector<std::string>{"sys"}));
  EXPECT_EQ(c.verdicts.trap_emulate.holds, Tri::Yes);
}

// `setc` sets R from A unless A is zero, and only in supervisor mode: with A
// zero it does nothing in any mode (an ARM word whose condition fails). The
// proof's reading ties the ordinary registers of the sensitive state and the
// non-trapping one, so that does not count; the literal reading does not.
constexpr const char* kConditional = R"(
insn setc 0111 0001  "setc"     {
  if A != 0 {
    require mode == s
    R = A
  }
}
)";

TEST_F(ProverTest, AWordThatDoesNothingWhereItRunsIsNotAgainstTheoremOne) {
  prover::Classification c = classify(std::string(kTiny) + kConditional);
  const prover::Row& setc = row(c, "setc");
  EXPECT_EQ(setc.control(), Tri::Yes);
  EXPECT_EQ(setc.traps_least(), Tri::No); // with A zero, in user mode
  EXPECT_EQ(answer(c, "setc", Theorem::One, Reading::Proof).against, Tri::No);
  EXPECT_EQ(answer(c, "setc", Theorem::One, Reading::Letter).against, Tri::Yes);
}

// A machine whose VMM changes a system flag but relocates nothing: reading
// the flag depends on the flag (register sensitivity), not on where the
// guest lies. The location query moves only what the map moves by the base.
constexpr const char* kFlag = R"(machine flag "a flag the VMM clears, and no relocation"
word 8
memory E[16] : 8
modes s = 0, u = 1
register P : 4 pc
register A : 8
register F : 1 system
trap privileged = 2
trap undefined = 3
default trap privileged
undefined trap undefined
function translate(a : 4) -> 4 { return a }
fetch (i : 4) -> 8 { return E[translate(P + i)] }
trap entry (cause : 2, arg : 8) {
  E[0] = zext(cause, 8)
  mode = s
  P = 1
}
vmm (base : 4, size : 5) {
  mode = u
  F = 0
  allocate 0, 16
}
insn getf 0000 0000  "getf"     { A = zext(F, 8) }
insn nop  0000 0001  "nop"      { }
)";

TEST_F(ProverTest, LocationSensitivityDoesNotDependOnTheVmmsMap) {
  prover::Classification c = classify(kFlag);
  const prover::Row& getf = row(c, "getf");
  EXPECT_EQ(getf.location(), Tri::No);
  EXPECT_EQ(getf.register_sensitive(), Tri::Yes);
  EXPECT_EQ(row(c, "nop").sensitive(), Tri::No);
}

// A VMM that accepts only supervisor-mode guests, and runs them in user
// mode: it cannot host itself, which says nothing about the machine.
TEST_F(ProverTest, TheoremTwoIsNotDecidedForAVmmThatPresentsLessThanTheMachine) {
  std::string text = kTiny;
  text.replace(text.find("wellformed "), std::string("wellformed ").size(), "wellformed mode == s && ");
  auto m = model(text);
  prover::Options o;
  o.jobs = 2;
  o.models_dir = test::path("models");
  prover::Classification single = prover::classify(m, o);
  ASSERT_EQ(single.verdicts.trap_emulate.holds, Tri::Yes);
  prover::Nesting n = prover::theorem2(m, single, o);
  EXPECT_EQ(n.verdict.holds, Tri::Unknown);
  EXPECT_TRUE(n.verdict.against.empty());
  EXPECT_NE(n.verdict.undecided.find("no guest in u mode"), std::string::npos) << n.verdict.undecided;
  EXPECT_NE(n.verdict.undecided.find("not what it installs itself"), std::string::npos) << n.verdict.undecided;
}

} // namespace
} // namespace popek
