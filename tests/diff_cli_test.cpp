// popek diff, replay and minimize as users run them: output, JSON, exit codes.
#include "temp_dir.hpp"
#include "test_util.hpp"

#include <nlohmann/json.hpp>

namespace popek {

using test::run_popek;

namespace {

using DiffCli = test::TempDirTest;

const char* kEquivalent = "model pg\nprogram\n  .org 2\n  li 100, 1\n  halt\nexpect equivalent\n";

} // namespace

TEST_F(DiffCli, DiffExplainsTheDivergenceAndExitsOne) {
  auto r = run_popek("diff pg_jrst examples/pg_jrst/enter_user.s");
  EXPECT_EQ(r.rc, 1) << r.err;
  EXPECT_NE(r.out.find("divergence at step 2: equivalence broken"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("instruction  rtu 6 at 003, encoding 0x600000006"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("under the trap-emulate VMM: executed directly, without a trap"), std::string::npos);
  EXPECT_NE(r.out.find("mode           user"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("virtual state before: P=0x003"), std::string::npos) << r.out;
  auto h = run_popek("diff pg_jrst examples/pg_jrst/enter_user.s --vmm hybrid");
  EXPECT_EQ(h.rc, 0) << h.out;
  EXPECT_NE(h.out.find("equivalent: both halted after"), std::string::npos) << h.out;
}

TEST_F(DiffCli, DiffJsonCarriesTheDivergence) {
  auto r = run_popek("diff pg_jrst examples/pg_jrst/enter_user.s --json");
  EXPECT_EQ(r.rc, 1);
  auto j = nlohmann::json::parse(r.out);
  EXPECT_EQ(j["equivalent"], false);
  EXPECT_EQ(j["divergence"]["instruction"], "rtu");
  EXPECT_EQ(j["divergence"]["kind"], "equivalence");
  EXPECT_EQ(j["divergence"]["components"][0]["name"], "mode");
  EXPECT_EQ(j["divergence"]["components"][0]["native"], 1);
  EXPECT_EQ(j["divergence"]["components"][0]["vmm"], 0);
  EXPECT_EQ(j["divergence"]["before"]["P"], 3);
  EXPECT_EQ(j["allocation"]["base"], 256);
}

TEST_F(DiffCli, DiffTraceHasOneLinePerGuestInstruction) {
  auto r = run_popek("diff pg examples/pg/kernel.s --trace");
  EXPECT_EQ(r.rc, 0) << r.err;
  auto j = nlohmann::json::parse(run_popek("diff pg examples/pg/kernel.s --json").out);
  size_t lines = 0;
  for (char c : r.out) lines += c == '\n';
  // A header, one line per step, the verdict and the efficiency line.
  EXPECT_EQ(lines, j["steps"].get<size_t>() + 3) << r.out;
  EXPECT_NE(r.out.find("| vmm (trap-emulate)"), std::string::npos);
  EXPECT_NE(r.out.find("reflected"), std::string::npos);
}

TEST_F(DiffCli, DiffExitCodesForBadInputAndARunThatDoesNotHalt) {
  EXPECT_EQ(run_popek("diff pg " + put("loop.s", ".org 2\nloop: jmp loop\n") + " --max-steps 50").rc, 3);
  auto bad = run_popek("diff pg " + put("bad.s", ".org 2\nnope 1\n"));
  EXPECT_EQ(bad.rc, 2);
  EXPECT_NE(bad.err.find("bad.s:2:1:"), std::string::npos) << bad.err;
  auto set = run_popek("diff pg examples/pg/kernel.s --set Q=1");
  EXPECT_EQ(set.rc, 2);
  EXPECT_NE(set.err.find("--set Q=1"), std::string::npos) << set.err;
  auto alloc = run_popek("diff pg examples/pg/kernel.s --allocation 900 512");
  EXPECT_EQ(alloc.rc, 2);
  EXPECT_NE(alloc.err.find("popek: "), std::string::npos) << alloc.err;
}

TEST_F(DiffCli, ReplayReportsEachFailureAndCountsBadCasesAsFailures) {
  put("cases/a_good.case", kEquivalent);
  put("cases/sub/b_wrong.case", "model pg\nprogram\n  .org 2\n  loop: jmp loop\nmax-steps 20\nexpect equivalent\n");
  put("cases/sub/c_bad.case", "model pg\nvmm sideways\nprogram\n  halt\nexpect equivalent\n");
  put("cases/ignored.txt", "not a case");
  auto r = run_popek("replay '" + dir_ + "/cases'");
  EXPECT_NE(r.rc, 0);
  EXPECT_EQ(r.out, "FAIL  " + dir_ +
                       "/cases/sub/b_wrong.case: expected equivalent, but the guest did not halt in "
                       "20 steps\nBAD   " +
                       dir_ +
                       "/cases/sub/c_bad.case:2:5: the vmm strategy is 'trap-emulate' or "
                       "'hybrid', not 'sideways'\n1 passed, 2 failed\n");
  auto v = run_popek("replay -v '" + dir_ + "/cases/a_good.case'");
  EXPECT_EQ(v.rc, 0);
  EXPECT_NE(v.out.find("ok    " + dir_ + "/cases/a_good.case: equivalent (2 steps"), std::string::npos) << v.out;
  EXPECT_NE(v.out.find("1 passed, 0 failed"), std::string::npos);
}

TEST_F(DiffCli, ReplayRefusesAFolderWithoutCasesAndReportsAMissingFile) {
  std::filesystem::create_directories(dir_ + "/empty");
  auto e = run_popek("replay '" + dir_ + "/empty'");
  EXPECT_EQ(e.rc, 2);
  EXPECT_NE(e.err.find("no .case files"), std::string::npos) << e.err;
  auto m = run_popek("replay '" + dir_ + "/missing.case'");
  EXPECT_NE(m.rc, 0);
  EXPECT_NE(m.out.find("BAD   "), std::string::npos) << m.out;
  EXPECT_NE(m.out.find("0 passed, 1 failed"), std::string::npos) << m.out;
}

TEST_F(DiffCli, MinimizeWritesASmallerCaseThatStillReplays) {
  std::string in = put("big.case", R"(model pg_getmode
state
  E[500] = 3
program
          .org 2
          li    100, 1
          li    101, 2
          add   102, 100, 101
          getm  10
          halt
expect divergent at getm in E[10]
)");
  std::string out = dir_ + "/small.case";
  auto r = run_popek("minimize '" + in + "' -o '" + out + "'");
  ASSERT_EQ(r.rc, 0) << r.err;
  // ddmin ends 1-minimal: here getm must stay the instruction at P = 2.
  EXPECT_NE(r.err.find("state 1 -> 0 lines, max-steps 10000 -> 1"), std::string::npos) << r.err;
  std::string err;
  auto text = read_file(out, err);
  ASSERT_TRUE(text) << err;
  EXPECT_EQ(text->rfind("# (minimized by popek minimize from " + in +
                            ")\nmodel pg_getmode\nvmm trap-emulate\n"
                            "max-steps 1\nprogram\n",
                        0),
            0u)
      << *text;
  EXPECT_NE(text->find("getm  10\nexpect divergent at getm in E[10]\n"), std::string::npos) << *text;
  EXPECT_EQ(text->find("halt"), std::string::npos) << *text;
  EXPECT_EQ(text->find("li    100"), std::string::npos) << *text;
  EXPECT_EQ(run_popek("replay '" + out + "'").rc, 0);
  // Nothing to keep in an equivalent case: refused, and no file written.
  auto eq = run_popek("minimize '" + put("eq.case", kEquivalent) + "' -o '" + dir_ + "/none.case'");
  EXPECT_EQ(eq.rc, 2);
  EXPECT_FALSE(std::filesystem::exists(dir_ + "/none.case"));
}

TEST(Corpus, EveryBundledCaseReplaysAsExpected) {
  auto r = run_popek("replay corpus");
  EXPECT_EQ(r.rc, 0) << r.out << r.err;
  EXPECT_NE(r.out.find(" passed, 0 failed"), std::string::npos) << r.out;
}

} // namespace popek
