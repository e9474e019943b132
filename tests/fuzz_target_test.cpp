// The differential fuzz target (src/fuzz/target.hpp): a run of one input, its
// coverage of the model, and findings written as minimized cases that replay.
#include "asm/assembler.hpp"
#include "corpus/replay.hpp"
#include "fuzz/target.hpp"
#include "temp_dir.hpp"
#include "test_util.hpp"

#include <gtest/gtest.h>

#include <filesystem>

namespace popek::fuzz {
namespace {

using test::TempDirTest;

// An input of model `m` whose program is `text` (assembled at 0) in mode `mode`.
Input input_of(const model::Model& m, const std::string& text, unsigned mode = 0) {
  assembler::Image img = test::assemble(m, "        .org 0\n" + text);
  Input in;
  in.mode = mode;
  for (const auto& [addr, v] : img.units) in.program.push_back(v);
  return in;
}

class FuzzTarget : public TempDirTest {
protected:
  TargetOptions options(const std::string& model) {
    TargetOptions o;
    o.findings = dir_ + "/findings";
    std::filesystem::create_directories(o.findings);
    o.model_ref = model;
    o.models_dir = test::path("models");
    return o;
  }
};

TEST_F(FuzzTarget, RtuInSupervisorModeIsANewFindingThatReplays) {
  auto m = test::load("models/pg_jrst.isa");
  Target t(m, options("pg_jrst"));
  ASSERT_TRUE(t.ok()) << t.error();
  Input in = input_of(*m, "li 40, 1\nrtu 9\nli 41, 2\nhalt\n");
  EXPECT_EQ(t.run(write_input(in)), Target::New);
  EXPECT_EQ(t.last_signature().insn, "rtu");
  EXPECT_EQ(t.last_signature().kind, "equivalence");
  const std::string path = t.finding_path();
  ASSERT_FALSE(path.empty());
  EXPECT_TRUE(t.warning().empty()) << t.warning();
  // The case replays as it says, and was minimized to the one instruction.
  corpus::ModelCache models(test::path("models"));
  corpus::Replay r = corpus::replay_file(path, models);
  EXPECT_EQ(r.status, corpus::Replay::Passed) << r.message;
  auto c = corpus::load_case(path, r.message);
  ASSERT_TRUE(c);
  EXPECT_EQ(c->expect.insn, "rtu");
  EXPECT_NE(c->program.find("rtu 9"), std::string::npos) << c->program;
  EXPECT_EQ(c->program.find("li 40"), std::string::npos) << c->program;
  // The same divergence again is known, and nothing new is written.
  EXPECT_EQ(t.run(write_input(in)), Target::Known);
  // A new target over the same folder knows it too.
  Target again(m, options("pg_jrst"));
  EXPECT_EQ(again.run(write_input(in)), Target::Known);
}

TEST_F(FuzzTarget, VirtualizablePgAgreesAndCountsItsBranches) {
  auto m = test::load("models/pg.isa");
  Target t(m, options("pg"));
  // lpsw in user mode: privileged, reflected to the guest's trap entry.
  Input in = input_of(*m, "lpsw 5\nli 6, 1\n", 1);
  EXPECT_EQ(t.run(write_input(in)), Target::Agreed);
  const CoverageMap& map = t.coverage();
  std::vector<std::string> seen;
  for (uint32_t c = 0; c < map.size(); ++c)
    if (t.counters()[c]) seen.push_back(map.name(c));
  auto has = [&](const std::string& prefix, const std::string& suffix) {
    for (const std::string& s : seen)
      if (s.rfind(prefix, 0) == 0 && s.size() >= suffix.size() &&
          s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0)
        return true;
    return false;
  };
  EXPECT_TRUE(has("lpsw: require at ", " fails"));
  EXPECT_FALSE(has("lpsw: require at ", " holds"));
  EXPECT_TRUE(has("lpsw: traps (privileged)", "reflected"));
  EXPECT_TRUE(has("(fetch): if at ", " not taken")); // the fetch's bound checks passed
  // Coverage accumulates across runs; counters are per run.
  EXPECT_EQ(t.run(write_input(input_of(*m, "li 6, 1\n"))), Target::Agreed);
  uint32_t fails = 0;
  for (uint32_t c = 0; c < map.arms(); ++c)
    if (map.name(c).rfind("lpsw: require", 0) == 0 && map.name(c).ends_with("fails")) fails = c;
  EXPECT_EQ(t.counters()[fails], 0);
  EXPECT_EQ(t.seen()[fails], 1);
}

TEST_F(FuzzTarget, IllFormedStatesAreRejectedAndOutgrowingIsNoFinding) {
  auto m = test::load("models/pg.isa");
  Target t(m, options("pg"));
  // R = (l, b) = (0, 1023): more than the VM's 512 words.
  Input in = input_of(*m, "li 6, 1\n");
  in.cells.push_back({m->regs[static_cast<size_t>(m->find_reg("R"))].slot, 0x003ff});
  EXPECT_EQ(t.run(write_input(in)), Target::Rejected);
  // setr asks for it from inside: an allocation divergence, not a finding.
  Input grow = input_of(*m, "setr 6\nhalt\n");
  grow.units.push_back({m->code_mem, 6, 1023});
  EXPECT_EQ(t.run(write_input(grow)), Target::Outgrown);
  EXPECT_TRUE(std::filesystem::is_empty(dir_ + "/findings"));
}

TEST_F(FuzzTarget, CoverageNamesEveryCounter) {
  auto m = test::load("models/pg_lra.isa");
  CoverageMap map(*m);
  EXPECT_EQ(map.arms() % 2, 0u);
  EXPECT_GT(map.arms(), 0u);
  for (uint32_t c = 0; c < map.size(); ++c) EXPECT_FALSE(map.name(c).empty());
  // Every instruction's outcomes are its own.
  machine::Outcome o;
  o.insn = m->find_insn("lra");
  EXPECT_EQ(map.routine_name(map.routine_of(map.outcome(o, vmm::VmmStep::Direct))), "lra");
  EXPECT_EQ(map.routine_name(map.routine_of(map.divergence(o, diff::Divergence::Equivalence))), "lra");
  CoverageReport r = coverage_report(*m, map, std::vector<uint8_t>(map.size(), 0));
  EXPECT_EQ(r.insns_reached, 0u);
  EXPECT_EQ(r.never_executed.size(), m->insns.size());
  EXPECT_TRUE(r.never_arms.empty()); // arms are listed only for what ran
}

} // namespace
} // namespace popek::fuzz
