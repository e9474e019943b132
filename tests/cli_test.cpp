// The command line as users run it: subcommands, exit codes, messages.
#include "test_util.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

namespace popek {

using test::run_popek;

TEST(Cli, ModelsListsEveryBundledModelWithItsDescription) {
  auto r = run_popek("models");
  EXPECT_EQ(r.rc, 0) << r.err;
  EXPECT_NE(r.out.find("pg "), std::string::npos);
  EXPECT_NE(r.out.find("Popek & Goldberg's 1974 machine"), std::string::npos);
}

TEST(Cli, ShowPrintsStateModesAndEveryInstruction) {
  auto r = run_popek("show pg");
  ASSERT_EQ(r.rc, 0) << r.err;
  EXPECT_NE(r.out.find("supervisor = 0"), std::string::npos);
  EXPECT_NE(r.out.find("R          20 bits system"), std::string::npos);
  EXPECT_NE(r.out.find("lpsw  010101 a:10 0000000000 0000000000"), std::string::npos);
  EXPECT_NE(r.out.find("instructions (23)"), std::string::npos);
}

TEST(Cli, RunPrintsTheResultOfTheExampleKernel) {
  auto r = run_popek("run pg examples/pg/kernel.s");
  ASSERT_EQ(r.rc, 0) << r.err;
  EXPECT_NE(r.out.find("halted after 89 steps"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("result     = 0x00000002d  (45;"), std::string::npos) << r.out;
}

TEST(Cli, RunTraceShowsOneLinePerInstructionWithItsChanges) {
  auto r = run_popek("run pg examples/pg/kernel.s --trace");
  ASSERT_EQ(r.rc, 0) << r.err;
  // The first instruction enters user mode under the user's relocation.
  EXPECT_NE(r.out.find("      1  002  supervisor  lpsw 13"), std::string::npos) << r.out.substr(0, 400);
  EXPECT_NE(r.out.find("mode=user  P=0x000  R=0x4003f (l=256, b=63)"), std::string::npos);
  EXPECT_NE(r.out.find("[trap svc]"), std::string::npos);
  EXPECT_NE(r.out.find("[trap memory (memory trap)]"), std::string::npos);
  EXPECT_NE(r.out.find("[halt]"), std::string::npos);
}

TEST(Cli, RunJsonGivesStateAndTrace) {
  auto r = run_popek("run pg examples/pg/kernel.s --json --trace");
  ASSERT_EQ(r.rc, 0) << r.err;
  auto j = nlohmann::json::parse(r.out);
  EXPECT_EQ(j["halted"], true);
  EXPECT_EQ(j["steps"], 89);
  EXPECT_EQ(j["registers"]["mode"], "supervisor");
  EXPECT_EQ(j["trace"].size(), 89u);
  bool found = false;
  for (const auto& c : j["memory_changes"])
    if (c.contains("label") && c["label"] == "result") found = c["after"] == 45;
  EXPECT_TRUE(found);
}

TEST(Cli, AGuestThatNeverHaltsStopsAtTheStepBudgetWithExitCode1) {
  std::string err;
  auto r = run_popek("run pg - --max-steps 1000", "0002: 044000002\n"); // jmp 2, forever
  EXPECT_EQ(r.rc, 1);
  EXPECT_NE(r.err.find("stopped after 1000 steps without halting"), std::string::npos) << r.err;
}

TEST(Cli, BadInputExitsWith2AndSaysWhere) {
  auto missing = run_popek("run pg no/such/file.s");
  EXPECT_EQ(missing.rc, 2);
  EXPECT_NE(missing.err.find("no/such/file.s: No such file or directory"), std::string::npos) << missing.err;

  auto model = run_popek("show nosuchmodel");
  EXPECT_EQ(model.rc, 2);
  EXPECT_NE(model.err.find("unknown model 'nosuchmodel' (bundled: armv7, pdp10, pg, pg_getmode"), std::string::npos)
      << model.err;

  auto asm_err = run_popek("asm pg -", ""); // an empty image is fine
  EXPECT_EQ(asm_err.rc, 0) << asm_err.err;

  auto usage = run_popek("run pg");
  EXPECT_EQ(usage.rc, 2);
  EXPECT_NE(usage.err.find("PROGRAM is required"), std::string::npos) << usage.err;

  auto none = run_popek("");
  EXPECT_EQ(none.rc, 2);
}

TEST(Cli, EverySubcommandHasHelp) {
  for (const char* sub : {"models", "show", "run", "asm", "disasm"}) {
    auto r = run_popek(std::string(sub) + " --help");
    EXPECT_EQ(r.rc, 0) << sub;
    EXPECT_NE(r.out.find("Usage"), std::string::npos) << sub;
  }
}

} // namespace popek
