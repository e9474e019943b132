// `popek fuzz` campaigns end to end (issue 5): seeded campaigns on the pg
// variants find exactly the instruction each adds, and the prover's
// equivalence query flags it too; a strict campaign on pg finds nothing;
// seeded runs repeat; SIGTERM ends a campaign and keeps its findings.
#include "corpus/replay.hpp"
#include "prover/classify.hpp"
#include "temp_dir.hpp"
#include "test_util.hpp"
#include "util/files.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <chrono>
#include <csignal>
#include <filesystem>
#include <set>
#include <sstream>
#include <sys/wait.h>
#include <thread>
#include <unistd.h>

namespace popek::test {
namespace {

namespace fs = std::filesystem;

std::string slurp(const std::string& file) {
  std::string err;
  return read_file(file, err).value_or("");
}

std::set<std::string> found_insns(const std::string& dir) {
  std::set<std::string> out;
  if (!fs::is_directory(dir)) return out;
  for (const auto& e : fs::directory_iterator(dir)) {
    // A finding is written to a temporary file and renamed: a poll may see
    // the temporary one half written. Only `.case` files are findings.
    if (e.path().extension() != ".case") continue;
    std::string err;
    auto c = corpus::load_case(e.path().string(), err);
    EXPECT_TRUE(c) << err;
    if (c) out.insert(c->expect.insn);
  }
  return out;
}

std::set<std::string> prover_equivalence_flags(const std::string& model) {
  auto m = load("models/" + model + ".isa");
  prover::Options o;
  o.models_dir = path("models");
  o.allocation = vmm::default_allocation(*m);
  prover::Classification c = prover::classify(m, o);
  std::set<std::string> out;
  for (const prover::Row& r : c.rows)
    if (r.answer(prover::Property::Equivalence) == prover::Tri::Yes)
      out.insert(m->insns[static_cast<size_t>(r.insn)].name);
  return out;
}

class FuzzCampaign : public TempDirTest {};

struct Variant {
  const char* model;
  const char* insn;
};

class FuzzVariant : public TempDirTest, public ::testing::WithParamInterface<Variant> {};

TEST_P(FuzzVariant, FindsExactlyTheAddedInstructionAndTheProverAgrees) {
  const Variant v = GetParam();
  std::string findings = dir_ + "/findings", json = dir_ + "/summary.json";
  CliResult r = run_popek(std::string("fuzz ") + v.model + " --runs 30000 --seed 1 --quiet --findings " + findings +
                          " --json " + json);
  ASSERT_EQ(r.rc, 0) << r.out << r.err;
  // The JSON summary: the finding, and coverage counters by name (lpsw's require both held and failed).
  nlohmann::json j = nlohmann::json::parse(slurp(json));
  ASSERT_EQ(j["findings"].size(), 1u);
  EXPECT_EQ(j["findings"][0]["insn"], v.insn);
  EXPECT_EQ(j["runs"], 30000);
  size_t lpsw_require = 0;
  for (const auto& n : j["coverage"]["reached"])
    lpsw_require += n.get<std::string>().rfind("lpsw: require at pg.isa:", 0) == 0;
  EXPECT_EQ(lpsw_require, 2u) << j["coverage"]["reached"].dump();
  EXPECT_GT(j["coverage"]["arms_taken"].get<size_t>(), 0u);
  EXPECT_LT(j["coverage"]["arms_taken"].get<size_t>(),
            j["coverage"]["arms"].get<size_t>()); // pg.isa:47 is unreachable in a VM
  EXPECT_EQ(found_insns(findings), std::set<std::string>{v.insn}) << r.out;
  EXPECT_NE(r.out.find("flagged instructions (1)"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("model coverage:"), std::string::npos) << r.out;
  // Each instruction the fuzzer flags, the prover's equivalence query flags.
  std::set<std::string> prover = prover_equivalence_flags(v.model);
  for (const std::string& i : found_insns(findings))
    EXPECT_TRUE(prover.count(i)) << i << " is not flagged by the prover";
  // Every finding replays as a regression case.
  CliResult rep = run_popek("replay " + findings);
  EXPECT_EQ(rep.rc, 0) << rep.out << rep.err;
}

INSTANTIATE_TEST_SUITE_P(PgVariants, FuzzVariant,
                         ::testing::Values(Variant{"pg_jrst", "rtu"}, Variant{"pg_getmode", "getm"},
                                           Variant{"pg_lra", "lra"}),
                         [](const auto& info) { return std::string(info.param.model); });

// On the PDP-10 the fuzzer finds by itself what the prover flags: the
// instructions of the "flagged trap-and-emulate" line of proofs/pdp10.expect
// (which Proofs.* checks against the prover), and under the hybrid VMM nothing.
TEST_F(FuzzCampaign, Pdp10CampaignFindsWhatTheProofExpectationFlags) {
  std::set<std::string> expected;
  std::istringstream lines(slurp(path("proofs/pdp10.expect")));
  for (std::string l; std::getline(lines, l);)
    if (l.rfind("flagged trap-and-emulate:", 0) == 0) {
      std::istringstream words(l.substr(l.find(':') + 1));
      for (std::string w; words >> w;) expected.insert(w);
    }
  ASSERT_EQ(expected.size(), 4u);
  std::string te = dir_ + "/te", hy = dir_ + "/hybrid";
  CliResult r = run_popek("fuzz pdp10 --runs 100000 --seed 1 --quiet --findings " + te);
  ASSERT_EQ(r.rc, 0) << r.out << r.err;
  EXPECT_EQ(found_insns(te), expected) << r.out;
  CliResult rep = run_popek("replay " + te);
  EXPECT_EQ(rep.rc, 0) << rep.out << rep.err;
  CliResult h = run_popek("fuzz pdp10 --vmm hybrid --strict --runs 100000 --seed 1 --quiet --findings " + hy);
  EXPECT_EQ(h.rc, 0) << h.out << h.err;
  EXPECT_TRUE(found_insns(hy).empty()) << h.out;
}

// A riscv VM starts in M-mode, as the hardware does, and every mode is well
// formed: input mode 0 is the VM's own start mode, so libFuzzer's first
// (empty) input is a new VM and the campaign runs. RISC-V is virtualizable:
// nothing diverges.
TEST_F(FuzzCampaign, RiscvCampaignStartsFromNewVmsAndFindsNothing) {
  std::string findings = dir_ + "/findings", json = dir_ + "/summary.json";
  CliResult r =
      run_popek("fuzz riscv --strict --runs 50000 --seed 1 --quiet --findings " + findings + " --json " + json);
  ASSERT_EQ(r.rc, 0) << r.out << r.err;
  nlohmann::json j = nlohmann::json::parse(slurp(json));
  EXPECT_EQ(j["runs"], 50000);
  EXPECT_EQ(j["divergent"], 0);
  EXPECT_LT(j["rejected"].get<int>(), 50000 / 4); // most inputs are well formed
  EXPECT_EQ(j["coverage"]["instructions_executed"], j["coverage"]["instructions"]);
  EXPECT_TRUE(found_insns(findings).empty());
}

TEST_F(FuzzCampaign, StrictCampaignOnPgFindsNothing) {
  for (const char* vmm : {"trap-emulate", "hybrid"}) {
    std::string findings = dir_ + "/" + vmm;
    CliResult r = run_popek(std::string("fuzz pg --strict --runs 30000 --seed 2 --quiet --vmm ") + vmm +
                            " --findings " + findings);
    EXPECT_EQ(r.rc, 0) << vmm << "\n" << r.out << r.err;
    EXPECT_TRUE(found_insns(findings).empty()) << vmm;
    EXPECT_NE(r.out.find("flagged instructions: none"), std::string::npos) << r.out;
    EXPECT_NE(r.out.find("30000 runs"), std::string::npos) << r.out;
  }
}

TEST_F(FuzzCampaign, StrictCampaignStopsAtTheFirstDivergence) {
  std::string findings = dir_ + "/findings";
  CliResult r = run_popek("fuzz pg_jrst --strict --runs 1000000 --seed 1 --quiet --findings " + findings);
  EXPECT_EQ(r.rc, 1) << r.out << r.err;
  EXPECT_NE(r.out.find("stopped at a divergence (--strict)"), std::string::npos) << r.out;
  EXPECT_EQ(found_insns(findings), std::set<std::string>{"rtu"});
}

TEST_F(FuzzCampaign, SeededCampaignsRepeat) {
  std::string a = dir_ + "/a", b = dir_ + "/b";
  CliResult ra = run_popek("fuzz pg_lra --runs 5000 --seed 9 --quiet --findings " + a);
  CliResult rb = run_popek("fuzz pg_lra --runs 5000 --seed 9 --quiet --findings " + b);
  ASSERT_EQ(ra.rc, 0) << ra.err;
  ASSERT_EQ(rb.rc, 0) << rb.err;
  // The same findings, case for case, and the same coverage.
  std::vector<std::string> names;
  for (const auto& e : fs::directory_iterator(a)) names.push_back(e.path().filename().string());
  ASSERT_FALSE(names.empty());
  for (const std::string& n : names) EXPECT_EQ(slurp(a + "/" + n), slurp(b + "/" + n)) << n;
  auto coverage = [](const std::string& out) { return out.substr(out.find("model coverage:")); };
  EXPECT_EQ(coverage(ra.out), coverage(rb.out));
}

TEST_F(FuzzCampaign, SigtermEndsTheCampaignAndKeepsItsFindings) {
  std::string findings = dir_ + "/findings", out = dir_ + "/out.txt";
  pid_t pid = fork();
  ASSERT_GE(pid, 0);
  if (pid == 0) {
    freopen(out.c_str(), "w", stdout);
    execl(POPEK_BINARY, POPEK_BINARY, "fuzz", "pg_jrst", "--quiet", "--seed", "3", "--findings", findings.c_str(),
          static_cast<char*>(nullptr));
    _exit(127);
  }
  // Wait for the finding, then stop the campaign (no time limit was given).
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(120);
  while (found_insns(findings).empty() && std::chrono::steady_clock::now() < deadline)
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  std::this_thread::sleep_for(std::chrono::milliseconds(500));
  kill(pid, SIGTERM);
  int status = 0;
  waitpid(pid, &status, 0);
  ASSERT_TRUE(WIFEXITED(status));
  EXPECT_EQ(WEXITSTATUS(status), 0);
  std::string text = slurp(out);
  EXPECT_NE(text.find("interrupted"), std::string::npos) << text;
  EXPECT_NE(text.find("rtu"), std::string::npos) << text;
  EXPECT_EQ(found_insns(findings), std::set<std::string>{"rtu"});
}

TEST_F(FuzzCampaign, ForkModeSharesTheFindingsFolder) {
  std::string findings = dir_ + "/findings", corpus = dir_ + "/corpus";
  CliResult r =
      run_popek("fuzz pg_jrst --jobs 2 --time 8 --seed 4 --quiet --findings " + findings + " --corpus " + corpus);
  EXPECT_EQ(r.rc, 0) << r.out << r.err;
  EXPECT_EQ(found_insns(findings), std::set<std::string>{"rtu"}) << r.out;
  EXPECT_FALSE(fs::is_empty(corpus)); // the inputs the campaign kept
}

TEST_F(FuzzCampaign, AUsersModelFileIsFuzzedAndItsFindingsNameIt) {
  // A model outside the bundled folder, by path (with the base it extends beside it).
  put("mine/pg.isa", read("models/pg.isa"));
  std::string model = put("mine/pg_lra.isa", read("models/pg_lra.isa"));
  std::string findings = dir_ + "/findings";
  CliResult r = run_popek("fuzz " + model + " --runs 30000 --seed 1 --quiet --findings " + findings);
  ASSERT_EQ(r.rc, 0) << r.out << r.err;
  EXPECT_EQ(found_insns(findings), std::set<std::string>{"lra"});
  for (const auto& e : fs::directory_iterator(findings)) {
    std::string err;
    auto c = corpus::load_case(e.path().string(), err);
    ASSERT_TRUE(c) << err;
    EXPECT_EQ(c->model, fs::absolute(model).string()); // replayable from anywhere
  }
  EXPECT_EQ(run_popek("replay " + findings).rc, 0);
}

TEST_F(FuzzCampaign, BadInputIsRefused) {
  EXPECT_EQ(run_popek("fuzz no_such_model --runs 10").rc, 2);
  EXPECT_EQ(run_popek("fuzz pg --allocation 1000 512 --runs 10").rc, 2);
  std::string file = put("a_file", "x");
  CliResult r = run_popek("fuzz pg --runs 10 --findings " + file);
  EXPECT_EQ(r.rc, 2);
  EXPECT_NE(r.err.find("findings folder"), std::string::npos) << r.err;
}

TEST_F(FuzzCampaign, DictionaryOfEncodings) {
  CliResult r = run_popek("fuzz pg --dict");
  EXPECT_EQ(r.rc, 0);
  EXPECT_NE(r.out.find("lpsw=\""), std::string::npos);
  // The checked-in dictionary of the diff_fuzzer target is pg's, as generated.
  EXPECT_EQ(read("fuzz/diff_fuzzer.dict"), r.out);
}

} // namespace
} // namespace popek::test
