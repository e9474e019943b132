// The case format: what a well-formed case parses to, that writing and
// re-parsing keeps it, and a clear `file:line:col` message for each kind of
// corrupt case.
#include "corpus/case.hpp"

#include <gtest/gtest.h>

namespace popek {

using corpus::Case;
using corpus::parse_case;

namespace {

const char* kGood = R"(# rtu in supervisor mode
# enters user mode natively.
model pg_jrst
vmm hybrid
allocation 100 600
max-steps 50
state
  mode = user      # a trailing comment
  E[7] = 0x10

program
          .org 2
  start:  rtu 5
          halt
expect divergent at rtu in mode, E[4] kind equivalence
)";

// The message of a corrupt case.
std::string error(const std::string& text) {
  try {
    parse_case("bad.case", text);
  } catch (const InputError& e) {
    return e.what();
  }
  return "(parsed)";
}

} // namespace

TEST(CaseFormat, AWellFormedCaseParsesToItsParts) {
  Case c = parse_case("x.case", kGood);
  EXPECT_EQ(c.comment, "rtu in supervisor mode\nenters user mode natively.\n");
  EXPECT_EQ(c.model, "pg_jrst");
  EXPECT_EQ(c.model_loc.line, 3);
  EXPECT_EQ(c.model_loc.col, 7);
  EXPECT_EQ(c.strategy, "hybrid");
  ASSERT_TRUE(c.allocation);
  EXPECT_EQ(c.allocation->base, 100u);
  EXPECT_EQ(c.allocation->size, 600u);
  EXPECT_EQ(c.max_steps, 50u);
  ASSERT_EQ(c.state.size(), 2u);
  EXPECT_EQ(c.state[0].name, "mode");
  EXPECT_EQ(c.state[0].value, "user");
  EXPECT_EQ(c.state[1].name, "E[7]");
  EXPECT_EQ(c.state[1].value, "0x10");
  EXPECT_EQ(c.state[1].loc.line, 9);
  EXPECT_EQ(c.state[1].loc.col, 3);
  EXPECT_EQ(c.program_line, 12);
  EXPECT_NE(c.program.find("  start:  rtu 5\n"), std::string::npos);
  EXPECT_TRUE(c.expect.divergent);
  EXPECT_EQ(c.expect.insn, "rtu");
  EXPECT_EQ(c.expect.components, (std::vector<std::string>{"mode", "E[4]"}));
  EXPECT_EQ(c.expect.kind, "equivalence");
}

TEST(CaseFormat, DefaultsApplyToWhatACaseLeavesOut) {
  Case c = parse_case("x.case", "model pg\nprogram\n  halt\nexpect equivalent\n");
  EXPECT_EQ(c.strategy, "trap-emulate");
  EXPECT_FALSE(c.allocation);
  EXPECT_EQ(c.max_steps, 10000u);
  EXPECT_TRUE(c.state.empty());
  EXPECT_FALSE(c.expect.divergent);
  EXPECT_EQ(c.program, "  halt\n");
}

TEST(CaseFormat, WritingAndParsingAgainKeepsEveryPart) {
  Case c = parse_case("x.case", kGood);
  Case d = parse_case("x.case", corpus::write_case(c));
  EXPECT_EQ(d.comment, c.comment);
  EXPECT_EQ(d.model, c.model);
  EXPECT_EQ(d.strategy, c.strategy);
  EXPECT_EQ(d.allocation, c.allocation);
  EXPECT_EQ(d.max_steps, c.max_steps);
  ASSERT_EQ(d.state.size(), c.state.size());
  for (size_t i = 0; i < c.state.size(); ++i) {
    EXPECT_EQ(d.state[i].name, c.state[i].name);
    EXPECT_EQ(d.state[i].value, c.state[i].value);
  }
  EXPECT_EQ(corpus::describe(d.expect), corpus::describe(c.expect));
  EXPECT_EQ(corpus::write_case(d), corpus::write_case(c));
  // The program keeps its lines (blank lines aside).
  EXPECT_NE(d.program.find("start:  rtu 5"), std::string::npos);
  EXPECT_NE(d.program.find(".org 2"), std::string::npos);
}

TEST(CaseFormat, DescribeNamesTheExpectationAsTheFormatSpellsIt) {
  Case c = parse_case("x.case", kGood);
  EXPECT_EQ(corpus::describe(c.expect), "divergent at rtu in mode, E[4] kind equivalence");
  EXPECT_EQ(corpus::describe(corpus::Expectation{}), "equivalent");
}

TEST(CaseFormat, CorruptCasesSayWhereAndWhat) {
  const std::string tail = "program\n  halt\nexpect equivalent\n";
  EXPECT_EQ(error("program\n  halt\nexpect equivalent\n"), "bad.case:4:1: the case names no model ('model NAME')");
  EXPECT_EQ(error("model pg\nexpect equivalent\n"), "bad.case:3:1: the case has no program");
  EXPECT_EQ(error("model pg\nprogram\n  halt\n"),
            "bad.case:4:1: the case has no expectation ('expect equivalent' or 'expect divergent at ...')");
  EXPECT_EQ(error("model pg\nmodel pg\n" + tail), "bad.case:2:1: a second 'model' line");
  EXPECT_EQ(error("model\n" + tail), "bad.case:1:1: 'model' needs a bundled model's name or a path");
  EXPECT_EQ(error("model pg\nvmm fast\n" + tail),
            "bad.case:2:5: the vmm strategy is 'trap-emulate' or 'hybrid', not 'fast'");
  EXPECT_EQ(error("model pg\nallocation 10\n" + tail),
            "bad.case:2:12: 'allocation' takes BASE SIZE, or BASE SIZE inside OUTER_BASE OUTER_SIZE");
  EXPECT_EQ(error("model pg\nallocation 10 x2\n" + tail), "bad.case:2:12: 'x2' is not a number");
  EXPECT_EQ(error("model pg\nmax-steps 0\n" + tail), "bad.case:2:11: 'max-steps' must be at least 1");
  EXPECT_EQ(error("model pg\nmax-steps 99999999999999999999999\n" + tail),
            "bad.case:2:11: '99999999999999999999999' is not a number");
  EXPECT_EQ(error("model pg\nstate\n  mode user\n" + tail), "bad.case:3:3: a state line is NAME = VALUE");
  EXPECT_EQ(error("model pg\nstate\n  mode =\n" + tail), "bad.case:3:3: a state line is NAME = VALUE");
  EXPECT_EQ(error("model pg\n  halt\n" + tail), "bad.case:2:1: an indented line belongs under 'state' or 'program'");
  EXPECT_EQ(error("model pg\nrun fast\n" + tail),
            "bad.case:2:1: unknown directive 'run' (model, vmm, allocation, max-steps, state, program, expect)");
  EXPECT_EQ(error("model pg\nprogram halt\n  halt\nexpect equivalent\n"),
            "bad.case:2:9: 'program' stands alone; the assembly follows on indented lines");
}

TEST(CaseFormat, CorruptExpectationsSayWhatIsMissing) {
  const std::string head = "model pg\nprogram\n  halt\n";
  EXPECT_EQ(error(head + "expect equal\n"), "bad.case:4:8: expected 'equivalent' or 'divergent at INSN in COMPONENTS'");
  EXPECT_EQ(error(head + "expect equivalent please\n"), "bad.case:4:8: 'expect equivalent' takes nothing more");
  EXPECT_EQ(error(head + "expect divergent rtu\n"),
            "bad.case:4:8: 'expect divergent' continues with 'at INSTRUCTION in COMPONENT, ...'");
  EXPECT_EQ(error(head + "expect divergent at rtu\n"),
            "bad.case:4:8: 'expect divergent at rtu' continues with 'in COMPONENT, ...'");
  EXPECT_EQ(error(head + "expect divergent at rtu in ,\n"),
            "bad.case:4:8: name at least one differing component after 'in'");
  EXPECT_EQ(error(head + "expect divergent at rtu in mode kind wrong\n"),
            "bad.case:4:8: unknown kind 'wrong' (equivalence, resource-control, isolation, allocation)");
  // Found by case_parser_fuzzer: a component list run into the kind without a
  // space read as two components, and wrote back as a component and a kind.
  EXPECT_EQ(error(head + "expect divergent at lra in E[701,kind equivalence\n"),
            "bad.case:4:8: 'E[701' is not a component name (like pc, halt, r[3] or E[70])");
  EXPECT_EQ(error(head + "expect divergent at rtu in mode r[x]\n"),
            "bad.case:4:8: 'mode r[x]' is not a component name (like pc, halt, r[3] or E[70])");
  EXPECT_EQ(error(head + "expect divergent at rtu in R.l, 3r\n"),
            "bad.case:4:8: '3r' is not a component name (like pc, halt, r[3] or E[70])");
}

TEST(CaseFormat, NumbersAreDecimalHexOrBinaryAndNeverOctal) {
  Case c = parse_case("x.case", "model pg\nallocation 0x100 0b1000000000\nmax-steps 010\nprogram\n  halt\n"
                                "expect equivalent\n");
  EXPECT_EQ(c.allocation->base, 256u);
  EXPECT_EQ(c.allocation->size, 512u);
  EXPECT_EQ(c.max_steps, 10u);
  EXPECT_EQ(error("model pg\nmax-steps 0x\nprogram\n  halt\nexpect equivalent\n"),
            "bad.case:2:11: '0x' is not a number");
  EXPECT_EQ(error("model pg\nmax-steps 0b12\nprogram\n  halt\nexpect equivalent\n"),
            "bad.case:2:11: '0b12' is not a number");
}

TEST(CaseFormat, EachSettingDirectiveAppearsOnce) {
  const std::string tail = "program\n  halt\nexpect equivalent\n";
  EXPECT_EQ(error("model pg\nallocation 1 2\nallocation 3 4\n" + tail), "bad.case:3:1: a second 'allocation' line");
  EXPECT_EQ(error("model pg\nmax-steps 5\nmax-steps 6\n" + tail), "bad.case:3:1: a second 'max-steps' line");
  EXPECT_EQ(error("model pg\nstate\n  E[1] = 1\nstate\n  E[2] = 2\n" + tail), "bad.case:4:1: a second 'state' line");
  EXPECT_EQ(error("model pg\nvmm hybrid\nvmm hybrid\n" + tail), "bad.case:3:1: a second 'vmm' line");
  EXPECT_EQ(error("model pg\n" + tail + "expect equivalent\n"), "bad.case:5:1: a second 'expect' line");
}

TEST(CaseFormat, CommentLinesInsideBlocksKeepTheProgramsLineNumbers) {
  Case c = parse_case("x.case", "model pg\nstate\n# about E[1]\n  E[1] = 1\nprogram\n  .org 2\n# the end\n"
                                "    # indented too\n  halt\nexpect equivalent\n");
  ASSERT_EQ(c.state.size(), 1u);
  EXPECT_EQ(c.state[0].loc.line, 4);
  EXPECT_EQ(c.program_line, 6);
  // Comments become blank lines: `halt` is still the program's fourth line (file line 9).
  EXPECT_EQ(c.program, "  .org 2\n\n\n  halt\n");
}

TEST(CaseFormat, WindowsLineEndingsAndCommentsAnywhereAreAccepted) {
  Case c = parse_case("x.case", "# c\r\nmodel pg\r\n# between\r\nprogram\r\n  halt\r\nexpect equivalent\r\n");
  EXPECT_EQ(c.model, "pg");
  EXPECT_EQ(c.comment, "c\n");
  EXPECT_EQ(c.program, "  halt\n");
}

} // namespace popek
