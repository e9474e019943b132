// Replaying cases against their expectations, the messages of failing and bad
// cases, and the minimizer.
#include "corpus/minimize.hpp"
#include "temp_dir.hpp"
#include "test_util.hpp"

namespace popek {

using corpus::Replay;

namespace {

class CorpusReplay : public test::TempDirTest {
protected:
  Replay replay(const std::string& text) { return corpus::replay_file(put("t.case", text), models_); }
  corpus::Case parse(const std::string& text) { return corpus::parse_case(dir_ + "/t.case", text); }

  corpus::ModelCache models_{test::path("models")};
};

// pg_jrst: a kernel enters user mode with rtu (the divergence is at step 2).
const std::string kJrst = R"(model pg_jrst
vmm trap-emulate
program
          .org 0
  oldpsw: .word 0
  newpsw: .word (handler << 20) | 511
  start:  setr  ur
          rtu   ustart
  handler: halt
  ur:     .word 63
  ustart: svc
)";

} // namespace

TEST_F(CorpusReplay, AnEquivalentRunThatHaltsPasses) {
  Replay r = replay("model pg\nprogram\n  .org 2\n  li 100, 3\n  add 100, 100, 100\n  halt\nexpect equivalent\n");
  EXPECT_EQ(r.status, Replay::Passed) << r.message;
  EXPECT_FALSE(r.seen.divergent);
  EXPECT_EQ(r.result.steps, 3u);
  EXPECT_TRUE(r.result.halted);
}

TEST_F(CorpusReplay, TheDivergenceMustBeTheNamedOne) {
  EXPECT_EQ(replay(kJrst + "expect divergent at rtu in mode\n").status, Replay::Passed);
  EXPECT_EQ(replay(kJrst + "expect divergent at rtu in mode kind equivalence\n").status, Replay::Passed);
  Replay wrong_kind = replay(kJrst + "expect divergent at rtu in mode kind isolation\n");
  EXPECT_EQ(wrong_kind.status, Replay::Failed);
  EXPECT_EQ(wrong_kind.message, "expected divergent at rtu in mode kind isolation, got divergent at rtu in mode kind "
                                "equivalence (step 2)");
  Replay wrong_insn = replay(kJrst + "expect divergent at setr in mode\n");
  EXPECT_EQ(wrong_insn.status, Replay::Failed);
  Replay wrong_comp = replay(kJrst + "expect divergent at rtu in mode, R\n");
  EXPECT_EQ(wrong_comp.status, Replay::Failed);
  Replay equivalent = replay(kJrst + "expect equivalent\n");
  EXPECT_EQ(equivalent.status, Replay::Failed);
  EXPECT_EQ(equivalent.message, "expected equivalent, got divergent at rtu in mode kind equivalence (step 2)");
  Replay hybrid = replay("# hybrid\n" + std::string(kJrst).replace(kJrst.find("trap-emulate"), 12, "hybrid") +
                         "expect divergent at rtu in mode\n");
  EXPECT_EQ(hybrid.status, Replay::Failed);
  EXPECT_EQ(hybrid.message.rfind("expected divergent at rtu in mode, got no divergence in ", 0), 0u) << hybrid.message;
}

TEST_F(CorpusReplay, ComponentsMayBeNamedInAnyOrder) {
  put("two.isa", "extends \"" + test::path("models/pg.isa") +
                     "\"\nmachine two \"test\"\n"
                     "insn getm2 011011 a:10 b:10 0000000000 \"getm2 {a}, {b}\" "
                     "{ wr(a, zext(mode, 36)) wr(b, zext(mode, 36)) }\n");
  std::string prog = "model two.isa\nprogram\n  .org 2\n  getm2 9, 8\n  halt\n";
  Replay a = replay(prog + "expect divergent at getm2 in E[9], E[8]\n");
  EXPECT_EQ(a.status, Replay::Passed) << a.message;
  EXPECT_EQ(a.seen.components, (std::vector<std::string>{"E[8]", "E[9]"}));
  EXPECT_EQ(replay(prog + "expect divergent at getm2 in E[8], E[9]\n").status, Replay::Passed);
  EXPECT_EQ(replay(prog + "expect divergent at getm2 in E[8]\n").status, Replay::Failed);
}

TEST_F(CorpusReplay, StateValuesTakeBinaryAndHexAndModeNames) {
  Replay r = replay("model pg\nstate\n  E[300] = 0b101\n  E[301] = 0x5\n  E[302] = 010\nprogram\n  .org 2\n"
                    "  bne 300, 301, 9\n  li 303, 10\n  bne 302, 303, 9\n  halt\n  .org 9\n  loop: jmp loop\n"
                    "max-steps 20\nexpect equivalent\n");
  EXPECT_EQ(r.status, Replay::Passed) << r.message; // 0b101 == 0x5, and 010 is ten
}

TEST_F(CorpusReplay, AnEquivalentRunMustHalt) {
  Replay r = replay("model pg\nmax-steps 40\nprogram\n  .org 2\n  loop: jmp loop\nexpect equivalent\n");
  EXPECT_EQ(r.status, Replay::Failed);
  EXPECT_EQ(r.message, "expected equivalent, but the guest did not halt in 40 steps");
}

TEST_F(CorpusReplay, BadCasesAreReportedAtTheirLine) {
  Replay unknown = replay("model nosuch\nprogram\n  halt\nexpect equivalent\n");
  EXPECT_EQ(unknown.status, Replay::BadCase);
  EXPECT_EQ(unknown.message.rfind(dir_ + "/t.case:1:7: no bundled model 'nosuch'", 0), 0u) << unknown.message;
  Replay missing = replay("model gone.isa\nprogram\n  halt\nexpect equivalent\n");
  EXPECT_EQ(missing.message, dir_ + "/t.case:1:7: no model file '" + dir_ + "/gone.isa'");
  put("broken.isa", "machine broken \"x\"\nword 0\n");
  Replay broken = replay("model broken.isa\nprogram\n  halt\nexpect equivalent\n");
  EXPECT_EQ(broken.status, Replay::BadCase);
  EXPECT_NE(broken.message.find("the model does not load: " + dir_ + "/broken.isa:2:"), std::string::npos)
      << broken.message;
  // Assembly errors point into the case file, at the program's own lines.
  Replay asm_err = replay("model pg\nprogram\n  .org 2\n  lii 5, 3\nexpect equivalent\n");
  EXPECT_EQ(asm_err.status, Replay::BadCase);
  EXPECT_EQ(asm_err.message.rfind(dir_ + "/t.case:4:", 0), 0u) << asm_err.message;
  Replay state_err = replay("model pg\nstate\n  Q = 1\nprogram\n  halt\nexpect equivalent\n");
  EXPECT_EQ(state_err.status, Replay::BadCase);
  EXPECT_EQ(state_err.message.rfind(dir_ + "/t.case:3:3: ", 0), 0u) << state_err.message;
  Replay too_wide = replay("model pg\nstate\n  R.b = 5000\nprogram\n  halt\nexpect equivalent\n");
  EXPECT_EQ(too_wide.status, Replay::BadCase);
  Replay outside = replay("model pg\nallocation 100 600\nstate\n  R.b = 1023\nprogram\n  halt\nexpect equivalent\n");
  EXPECT_EQ(outside.status, Replay::BadCase);
  EXPECT_NE(outside.message.find("not well formed"), std::string::npos) << outside.message;
  Replay fit = replay("model pg\nvmm hybrid\nallocation 961 64\nprogram\n  halt\nexpect equivalent\n");
  EXPECT_EQ(fit.message, dir_ + "/t.case:3:12: allocation base 961, size 64 does not fit in memory E (1024 units)");
  Replay refused = replay("model pg\nstate\n  R.l = 600\n  R.b = 10\nprogram\n  halt\nexpect equivalent\n");
  EXPECT_EQ(refused.message.rfind(dir_ + "/t.case:3:3: the initial virtual state is not well formed", 0), 0u)
      << refused.message;
  Replay nofile = corpus::replay_file(dir_ + "/none.case", models_);
  EXPECT_EQ(nofile.status, Replay::BadCase);
  EXPECT_NE(nofile.message.find("none.case"), std::string::npos);
}

TEST_F(CorpusReplay, TheMinimizerKeepsTheDivergenceAndDropsTheRest) {
  std::string text = R"(# padded
model pg_jrst
max-steps 1000
state
  E[300] = 77
  E[301] = 12
program
          .org 0
  oldpsw: .word 0
  newpsw: .word (handler << 20) | 511
  start:  li    30, 5
          li    31, 6
          add   32, 30, 31
          setr  ur
          xor   33, 33, 33
          rtu   ustart
  handler: halt
  ur:     .word 63
  ustart: li    40, 1
          svc
expect divergent at rtu in mode
)";
  corpus::Case c = parse(text), out;
  corpus::MinimizeStats st;
  std::string err;
  ASSERT_TRUE(corpus::minimize(c, models_, out, st, err)) << err;
  EXPECT_EQ(st.lines_before, 13u);
  EXPECT_LT(st.lines_after, 6u);
  EXPECT_EQ(st.state_after, 0u);
  EXPECT_LT(st.steps_after, 10u);
  EXPECT_GT(st.runs, 5u);
  EXPECT_EQ(out.program.find("li    31"), std::string::npos) << out.program;
  EXPECT_EQ(out.comment, "padded\n(minimized by popek minimize from " + dir_ + "/t.case)\n");
  // The result is a case that still shows the same divergence, and says so.
  Replay r = replay(corpus::write_case(out));
  EXPECT_EQ(r.status, Replay::Passed) << r.message << "\n" << corpus::write_case(out);
  EXPECT_EQ(r.seen.insn, "rtu");
  EXPECT_EQ(r.seen.components, std::vector<std::string>{"mode"});
  EXPECT_EQ(r.result.steps, out.max_steps);
}

TEST_F(CorpusReplay, TheMinimizerShrinksAValueAsFarAsTheDivergenceAllows) {
  // The divergence needs E[300] to be non-zero: only then does the branch
  // reach getm (supervisor mode); any non-zero value does. E[400] plays no part.
  std::string text = R"(model pg_getmode
state
  E[300] = 1000
  E[400] = 9
program
          .org 2
          bne   300, 301, 20
          halt
          .org 20
          getm  10
expect divergent at getm in E[10]
)";
  corpus::Case out;
  corpus::MinimizeStats st;
  std::string err;
  ASSERT_TRUE(corpus::minimize(parse(text), models_, out, st, err)) << err;
  ASSERT_EQ(out.state.size(), 1u) << corpus::write_case(out);
  EXPECT_EQ(out.state[0].name, "E[300]");
  EXPECT_EQ(out.state[0].value, "1");
  EXPECT_EQ(st.state_before, 2u);
  EXPECT_EQ(st.lines_after, 4u) << out.program; // halt goes: without the branch, chaos never reaches getm
  EXPECT_EQ(out.max_steps, 2u);
}

TEST_F(CorpusReplay, TheMinimizerRefusesACaseWithoutADivergenceAndRespectsItsBudget) {
  corpus::Case out;
  corpus::MinimizeStats st;
  std::string err;
  EXPECT_FALSE(
      corpus::minimize(parse("model pg\nprogram\n  .org 2\n  halt\nexpect equivalent\n"), models_, out, st, err));
  EXPECT_NE(err.find("shows no divergence"), std::string::npos) << err;
  err.clear();
  ASSERT_TRUE(corpus::minimize(parse(kJrst + "expect divergent at rtu in mode\n"), models_, out, st, err, 3)) << err;
  EXPECT_LE(st.runs, 5u); // the budget, the first run and the final one
  EXPECT_FALSE(corpus::minimize(parse("model nosuch\nprogram\n  halt\nexpect equivalent\n"), models_, out, st, err));
  EXPECT_NE(err.find("no bundled model 'nosuch'"), std::string::npos) << err;
}

} // namespace popek
