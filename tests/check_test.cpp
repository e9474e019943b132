// popek check: the atlas block of a model whose answers are known by hand
// (pg_jrst: rtu is control sensitive and not privileged), the cross-check
// failing on a finding the prover does not flag, and bad input.
#include "temp_dir.hpp"
#include "test_util.hpp"

#include <gtest/gtest.h>

namespace popek {
namespace {

using CheckTest = test::TempDirTest;

TEST_F(CheckTest, TheAtlasOfPgJrstNamesRtuWithItsWitnessAndTheMethodsAgree) {
  test::CliResult r = test::run_popek("check pg_jrst --fuzz-runs 20000 --findings " + dir_ + "/findings");
  ASSERT_EQ(r.rc, 0) << r.out << r.err;
  const std::string& o = r.out;
  EXPECT_NE(o.find("  Theorem 1                      fails against 1: rtu\n"
                   "  Theorem 2                      fails against 1: rtu\n"
                   "  Theorem 3                      holds\n"),
            std::string::npos)
      << o;
  EXPECT_NE(o.find("  trap-and-emulate equivalence   fails against 1: rtu\n"), std::string::npos) << o;
  EXPECT_NE(o.find("  hybrid equivalence             holds\n"), std::string::npos) << o;
  // rtu, under its kind, with the most direct witness first (native against the VMM), then its kinds.
  EXPECT_NE(o.find("    control sensitive\n      rtu        [trap-emulate] in virtual supervisor mode, `rtu "),
            std::string::npos)
      << o;
  // The seeded campaign finds rtu; both witnesses replay.
  EXPECT_NE(o.find("trap-emulate: 20000 runs in "), std::string::npos) << o;
  EXPECT_NE(o.find("found 1 of 1 flagged"), std::string::npos) << o;
  // Theorem 2: the VMM under itself hosts every guest, and flags rtu as the VMM alone does.
  EXPECT_NE(o.find("  theorem 2    the VMM under itself (base 256, size 512 inside base 256, size 768): hosting holds: "
                   "it hosts every guest it hosts alone; the nested fetch holds; 1 instruction flagged nested: rtu; "
                   "none flagged only nested\n"),
            std::string::npos)
      << o;
  // rtu's witnesses of both VMMs alone and of the nested one replay.
  EXPECT_NE(o.find("  cross-check  agree: 3 witnesses replayed"), std::string::npos) << o;
  EXPECT_NE(o.find("  efficiency   enter_user.s: 50.0% direct under trap-emulate (2 steps; enter_user.s diverges "
                   "at step 2), 20.0% direct under hybrid (5 steps), 50.0% direct under trap-emulate nested (2 steps; "
                   "enter_user.s diverges at step 2)\n"),
            std::string::npos)
      << o;
  EXPECT_NE(o.find("\npg_jrst      fails      fails      holds      fails             holds      agree\n"),
            std::string::npos)
      << o;
  // Progress went to stderr, part by part.
  EXPECT_NE(r.err.find("pg_jrst (1 of 1): prover"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("pg_jrst (1 of 1): fuzz (hybrid)"), std::string::npos) << r.err;
}

// A finding in the campaign's folder that the prover contradicts: the
// methods disagree (exit 1), and the case is replayed to say whether the
// runner still sees it.
TEST_F(CheckTest, AFindingOfAnInstructionTheProverDoesNotFlagIsADisagreement) {
  put("findings/pg/trap-emulate/stale.case", R"(model pg
vmm trap-emulate
max-steps 10
program
  start: halt
expect divergent at halt in mode kind equivalence
)");
  test::CliResult r = test::run_popek("check pg --fuzz-runs 2000 --findings " + dir_ + "/findings");
  EXPECT_EQ(r.rc, 1) << r.out << r.err;
  EXPECT_NE(r.out.find("  cross-check  DISAGREE: fuzzing found halt divergent under the trap-emulate VMM ("),
            std::string::npos)
      << r.out;
  EXPECT_NE(r.out.find("stale.case), but the prover proved its VMM step; the case no longer replays: "),
            std::string::npos)
      << r.out;
  EXPECT_NE(r.out.find("\npg           holds      holds      holds      holds             holds      DISAGREE\n"),
            std::string::npos)
      << r.out;
}

TEST_F(CheckTest, AnUnknownModelIsBadInput) {
  test::CliResult r = test::run_popek("check pg no_such_model");
  EXPECT_EQ(r.rc, 2) << r.out << r.err;
  EXPECT_NE(r.err.find("no_such_model"), std::string::npos) << r.err;
  EXPECT_EQ(r.out, ""); // nothing checked before the models are all loaded
}

} // namespace
} // namespace popek
