// The pg model (models/pg.isa) on the reference machine: every instruction's
// semantics, the bound test, traps and the PSW exchange through E[0] and E[1].
//
// Instructions are encoded here by hand from the documented format
// (op:6 | a:10 | b:10 | c:10, li: op:6 | a:10 | imm:20), and every expected value
// is computed in the test, so a mistake in the model, the assembler or the
// machine shows up as a mismatch rather than being reproduced.
#include "test_util.hpp"

#include <gtest/gtest.h>

#include <functional>
#include <string>
#include <vector>

namespace popek {
namespace {

using machine::Machine;
using machine::Outcome;

constexpr uint64_t kMask36 = (uint64_t{1} << 36) - 1;
constexpr uint64_t kQ = 1024;

enum : uint64_t {
  LI = 1, MOV, LD, ST, ADD, SUB, AND, OR, XOR, ADDI, SHL, SHR,
  BEQ, BNE, BLT, BLTU, JMP, JAL, JR, SVC, LPSW, SETR, HALT,
};

// One instruction word in the three-operand format.
uint64_t I(uint64_t op, uint64_t a = 0, uint64_t b = 0, uint64_t c = 0) {
  return (op << 30) | ((a & 1023) << 20) | ((b & 1023) << 10) | (c & 1023);
}
// li a, imm (imm is 20 bits, two's complement).
uint64_t Li(uint64_t a, int64_t imm) {
  return (LI << 30) | ((a & 1023) << 20) | (static_cast<uint64_t>(imm) & 0xfffff);
}
// A PSW word: code [35:31], M [30], P [29:20], l [19:10], b [9:0].
uint64_t Psw(uint64_t code, uint64_t mode, uint64_t p, uint64_t l, uint64_t b) {
  return (code << 31) | (mode << 30) | (p << 20) | (l << 10) | b;
}
// A 36-bit word from a signed value.
uint64_t W(int64_t v) { return static_cast<uint64_t>(v) & kMask36; }

// Run on every engine: native code generated for the bundled model when built in
// (Engine::Auto), and the interpreter.
class PgTest : public ::testing::TestWithParam<machine::Engine> {
protected:
  static void SetUpTestSuite() { model_ = test::load("models/pg.isa"); }
  static void TearDownTestSuite() { model_.reset(); }

  void SetUp() override {
    ASSERT_TRUE(model_);
    mc_ = std::make_unique<Machine>(model_, GetParam());
    P_ = static_cast<unsigned>(model_->find_reg("P"));
    R_ = static_cast<unsigned>(model_->find_reg("R"));
    ASSERT_EQ(P_, model_->pc_reg);
    ASSERT_LT(R_, model_->regs.size());
  }

  const model::Model& m() const { return *model_; }
  Machine& mc() { return *mc_; }

  // Absolute storage.
  void put(uint64_t abs, uint64_t v) { mc_->set_mem(0, abs, v); }
  uint64_t at(uint64_t abs) const { return mc_->mem(0, abs); }
  std::vector<uint64_t> storage() const {
    std::vector<uint64_t> e(kQ);
    for (uint64_t i = 0; i < kQ; ++i) e[i] = mc_->mem(0, i);
    return e;
  }

  void set_p(uint64_t p) { mc_->set_reg(P_, p); }
  uint64_t p() const { return mc_->reg(P_); }
  void set_r(uint64_t l, uint64_t b) { mc_->set_reg(R_, (l << 10) | b); }
  uint64_t r() const { return mc_->reg(R_); }
  void set_mode(uint64_t m) { mc_->set_reg(model_->mode_reg, m); }
  uint64_t mode() const { return mc_->mode(); }

  // Places one instruction at relative P under the current R and points P at it.
  void code_at(uint64_t rel, uint64_t insn) {
    put(((r() >> 10) + rel) % kQ, insn);
    set_p(rel);
  }

  std::string cause(const Outcome& o) const { return m().traps.at(o.cause).name; }
  uint64_t code_of(const std::string& name) const {
    for (const auto& t : m().traps)
      if (t.name == name) return t.code;
    ADD_FAILURE() << "pg declares no trap '" << name << "'";
    return 0;
  }
  int insn(const char* name) const { return m().find_insn(name); }

  // Executes the instruction at P; expects it to complete.
  Outcome done() {
    Outcome o = mc_->execute();
    EXPECT_EQ(o.kind, Outcome::Completed) << (o.kind == Outcome::Trapped ? "trapped: " + cause(o) : "halted");
    return o;
  }

  static inline std::shared_ptr<const model::Model> model_;
  std::unique_ptr<Machine> mc_;
  unsigned P_ = 0, R_ = 0;
};

// ---- the model's declarations the tests rely on ------------------------------

TEST_P(PgTest, DeclaresThePapersMachine) {
  EXPECT_EQ(m().word, 36u);
  ASSERT_EQ(m().mems.size(), 1u);
  EXPECT_EQ(m().mems[0].size, kQ);
  EXPECT_EQ(m().mems[0].unit, 36u);
  EXPECT_EQ(m().fetch_step, 1u);
  EXPECT_EQ(code_of("memory"), 1u);
  EXPECT_EQ(code_of("privileged"), 2u);
  EXPECT_EQ(code_of("svc"), 3u);
  EXPECT_EQ(code_of("undefined"), 4u);
  EXPECT_EQ(m().traps.at(static_cast<size_t>(m().undefined_trap)).name, "undefined");
  EXPECT_EQ(m().insns.size(), 23u);
  // Reset: supervisor, P = 2 (past the PSW words), R = (0, 1023).
  EXPECT_EQ(mode(), 0u);
  EXPECT_EQ(p(), 2u);
  EXPECT_EQ(r(), (0u << 10) | 1023u);
}

// The assembler and the hand encoding used by these tests agree on every mnemonic.
TEST_P(PgTest, EncodingMatchesTheDocumentedLayout) {
  auto img = test::assemble(m(),
                            "li 5, -1\nli 6, 0x7ffff\nmov 1, 2\nld 3, @4\nst @5, 6\nadd 7, 8, 9\n"
                            "sub 10, 11, 12\nand 13, 14, 15\nor 16, 17, 18\nxor 19, 20, 21\n"
                            "addi 22, 23, -512\nshl 24, 25, 36\nshr 26, 27, 1023\nbeq 28, 29, 30\n"
                            "bne 31, 32, 33\nblt 34, 35, 36\nbltu 37, 38, 39\njmp 40\njal 41, 42\n"
                            "jr 43\nsvc\nlpsw 44\nsetr 45\nhalt\n");
  const std::vector<uint64_t> want = {
      Li(5, -1), Li(6, 0x7ffff), I(MOV, 1, 2), I(LD, 3, 4), I(ST, 5, 6), I(ADD, 7, 8, 9),
      I(SUB, 10, 11, 12), I(AND, 13, 14, 15), I(OR, 16, 17, 18), I(XOR, 19, 20, 21),
      I(ADDI, 22, 23, 512), I(SHL, 24, 25, 36), I(SHR, 26, 27, 1023), I(BEQ, 28, 29, 30),
      I(BNE, 31, 32, 33), I(BLT, 34, 35, 36), I(BLTU, 37, 38, 39), I(JMP, 0, 0, 40),
      I(JAL, 41, 0, 42), I(JR, 43), I(SVC), I(LPSW, 44), I(SETR, 45), I(HALT)};
  ASSERT_EQ(img.units.size(), want.size());
  for (size_t i = 0; i < want.size(); ++i) EXPECT_EQ(img.units.at(i), want[i]) << "line " << i + 1;
}

// ---- data movement -------------------------------------------------------------

TEST_P(PgTest, LiSignExtendsItsTwentyBitImmediate) {
  struct Case {
    int64_t imm;
    uint64_t want;
  } cases[] = {{0, 0}, {5, 5}, {0x7ffff, 0x7ffff}, {-1, kMask36}, {-0x80000, 0xffff80000}, {-2, 0xffffffffe}};
  for (const Case& c : cases) {
    SCOPED_TRACE(c.imm);
    mc().reset();
    put(100, 0x123456789);
    code_at(10, Li(100, c.imm));
    Outcome o = done();
    EXPECT_EQ(o.insn, insn("li"));
    EXPECT_EQ(o.units, 1u);
    EXPECT_EQ(at(100), c.want);
    EXPECT_EQ(p(), 11u);
  }
}

TEST_P(PgTest, MovCopiesAWord) {
  put(200, 0xfedcba987);
  put(201, 1);
  code_at(7, I(MOV, 201, 200));
  done();
  EXPECT_EQ(at(201), 0xfedcba987u);
  EXPECT_EQ(at(200), 0xfedcba987u);
  EXPECT_EQ(p(), 8u);
}

TEST_P(PgTest, LdLoadsThroughTheLowTenBitsOfAPointer) {
  put(300, (uint64_t{0x3ffffff} << 10) | 310);  // high bits are not part of the address
  put(310, 0xabcdef012);
  put(301, 0);
  code_at(20, I(LD, 301, 300));
  done();
  EXPECT_EQ(at(301), 0xabcdef012u);
  EXPECT_EQ(at(300), (uint64_t{0x3ffffff} << 10) | 310);
  EXPECT_EQ(p(), 21u);
}

TEST_P(PgTest, StStoresThroughTheLowTenBitsOfAPointer) {
  put(400, (uint64_t{0x1234} << 10) | 410);
  put(401, 0x987654321);
  put(410, 5);
  code_at(30, I(ST, 400, 401));
  done();
  EXPECT_EQ(at(410), 0x987654321u);
  EXPECT_EQ(at(400), (uint64_t{0x1234} << 10) | 410);
  EXPECT_EQ(at(401), 0x987654321u);
  EXPECT_EQ(p(), 31u);
}

// ---- arithmetic and logic ------------------------------------------------------

struct AluCase {
  uint64_t op;
  uint64_t x, y, want;
};

TEST_P(PgTest, ThreeOperandArithmeticAndLogicWrapAtThirtySixBits) {
  const AluCase cases[] = {
      {ADD, 2, 3, 5},
      {ADD, kMask36, 2, 1},                        // wraps
      {ADD, 0x800000000, 0x800000000, 0},          // carry out of bit 35 is lost
      {SUB, 10, 3, 7},
      {SUB, 0, 1, kMask36},                        // borrows around
      {SUB, 3, 10, W(-7)},
      {AND, 0xf0f0f0f0f, 0x0ff00ff00, 0x00f000f00},
      {OR, 0xf0000000f, 0x0000ff000, 0xf000ff00f},
      {XOR, 0xfff000fff, 0x0ff0ff0f0, 0xf000fff0f},
      {XOR, 0x123456789, 0x123456789, 0},
  };
  for (const AluCase& c : cases) {
    SCOPED_TRACE(testing::Message() << "op " << c.op << " " << std::hex << c.x << ", " << c.y);
    mc().reset();
    put(50, c.x);
    put(51, c.y);
    put(52, 0x5a5a5a5a5);
    code_at(3, I(c.op, 52, 50, 51));
    done();
    EXPECT_EQ(at(52), c.want);
    EXPECT_EQ(at(50), c.x);
    EXPECT_EQ(at(51), c.y);
    EXPECT_EQ(p(), 4u);
  }
}

TEST_P(PgTest, ThreeOperandFormMayNameOneWordTwice) {
  put(60, 21);
  code_at(2, I(ADD, 60, 60, 60));
  done();
  EXPECT_EQ(at(60), 42u);
}

TEST_P(PgTest, AddiSignExtendsItsTenBitImmediate) {
  struct Case {
    uint64_t x;
    uint64_t imm;  // the raw 10-bit field
    uint64_t want;
  } cases[] = {
      {100, 5, 105},
      {100, 511, 611},          // largest positive immediate
      {100, 512, W(100 - 512)}, // 0x200 is -512
      {100, 1023, 99},          // 0x3ff is -1
      {0, 1023, kMask36},       // 0 - 1 wraps
      {kMask36, 1, 0},          // wraps upwards
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(testing::Message() << c.x << " + imm field " << c.imm);
    mc().reset();
    put(70, c.x);
    code_at(9, I(ADDI, 71, 70, c.imm));
    done();
    EXPECT_EQ(at(71), c.want);
    EXPECT_EQ(p(), 10u);
  }
}

TEST_P(PgTest, ShiftsByAnyAmountUpToAThousandAndTwentyThree) {
  struct Case {
    uint64_t op, x, n, want;
  } cases[] = {
      {SHL, 0x123, 4, 0x1230},
      {SHL, 0x800000001, 1, 2},          // bit 35 shifts out
      {SHL, 1, 35, 0x800000000},
      {SHL, 1, 36, 0},                   // shifting by the width or more gives 0
      {SHL, kMask36, 1023, 0},
      {SHL, 0x5, 0, 0x5},
      {SHR, 0x1230, 4, 0x123},
      {SHR, 0x800000000, 35, 1},
      {SHR, kMask36, 4, 0x0ffffffff},    // logical: zero fill
      {SHR, kMask36, 36, 0},
      {SHR, kMask36, 1023, 0},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(testing::Message() << (c.op == SHL ? "shl " : "shr ") << std::hex << c.x << " by " << std::dec << c.n);
    mc().reset();
    put(80, c.x);
    put(81, 0x5a5);
    code_at(12, I(c.op, 81, 80, c.n));
    done();
    EXPECT_EQ(at(81), c.want);
    EXPECT_EQ(at(80), c.x);
    EXPECT_EQ(p(), 13u);
  }
}

// ---- control -------------------------------------------------------------------

TEST_P(PgTest, ConditionalBranchesTakenAndNotTaken) {
  const uint64_t minus1 = kMask36, minus5 = W(-5), big = 0x7ffffffff, most_negative = 0x800000000;
  struct Case {
    uint64_t op, x, y;
    bool taken;
  } cases[] = {
      {BEQ, 7, 7, true},           {BEQ, 7, 8, false},          {BEQ, 0, 0x400000000, false},
      {BNE, 7, 8, true},           {BNE, 7, 7, false},          {BNE, 1, 0x400000001, true},
      {BLT, minus1, 1, true},      {BLT, 1, minus1, false},     {BLT, 3, 3, false},
      {BLT, minus5, minus1, true}, {BLT, most_negative, big, true}, {BLT, big, most_negative, false},
      {BLT, 2, 3, true},
      {BLTU, minus1, 1, false},    {BLTU, 1, minus1, true},     {BLTU, 3, 3, false},
      {BLTU, most_negative, big, false}, {BLTU, big, most_negative, true}, {BLTU, 2, 3, true},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(testing::Message() << "op " << c.op << " " << std::hex << c.x << ", " << c.y);
    mc().reset();
    put(90, c.x);
    put(91, c.y);
    auto before = storage();
    code_at(40, I(c.op, 90, 91, 700));
    before[40] = at(40);
    done();
    EXPECT_EQ(p(), c.taken ? 700u : 41u);
    EXPECT_EQ(storage(), before);  // branches write no storage
  }
}

TEST_P(PgTest, JmpSetsP) {
  code_at(5, I(JMP, 0, 0, 999));
  auto before = storage();
  done();
  EXPECT_EQ(p(), 999u);
  EXPECT_EQ(storage(), before);
}

TEST_P(PgTest, JalLinksTheNextRelativeAddress) {
  put(120, 0xfffffffff);
  code_at(33, I(JAL, 120, 0, 500));
  done();
  EXPECT_EQ(p(), 500u);
  EXPECT_EQ(at(120), 34u);  // P + 1, zero-extended: the old high bits are gone
}

TEST_P(PgTest, JalLinkIsRelativeUnderRelocation) {
  set_r(200, 800);
  set_mode(1);
  code_at(33, I(JAL, 20, 0, 60));  // absolute 233
  EXPECT_EQ(at(233), I(JAL, 20, 0, 60));
  done();
  EXPECT_EQ(p(), 60u);
  EXPECT_EQ(at(220), 34u);  // relative P + 1, stored at l + 20
  EXPECT_EQ(at(20), 0u);
}

TEST_P(PgTest, JalAtTheTopOfStorageLinksZero) {
  code_at(1023, I(JAL, 130, 0, 7));
  done();
  EXPECT_EQ(at(130), 0u);  // P + 1 wraps in 10 bits
  EXPECT_EQ(p(), 7u);
}

TEST_P(PgTest, JrJumpsToTheLowTenBitsOfAWord) {
  put(140, (uint64_t{0xabc} << 10) | 321);
  code_at(44, I(JR, 140));
  done();
  EXPECT_EQ(p(), 321u);
  EXPECT_EQ(at(140), (uint64_t{0xabc} << 10) | 321);
}

TEST_P(PgTest, PAdvancesByOneAndWrapsAtTheTopOfStorage) {
  put(150, 1);
  code_at(1023, I(ADDI, 150, 150, 1));
  done();
  EXPECT_EQ(at(150), 2u);
  EXPECT_EQ(p(), 0u);
}

// ---- the system instructions -----------------------------------------------------

TEST_P(PgTest, SetrLoadsTheLowTwentyBitsIntoR) {
  put(160, (uint64_t{0xffff} << 20) | (uint64_t{37} << 10) | 600);
  code_at(6, I(SETR, 160));
  done();
  EXPECT_EQ(r(), (uint64_t{37} << 10) | 600);
  EXPECT_EQ(mode(), 0u);
  EXPECT_EQ(p(), 7u);  // setr does not set P
}

TEST_P(PgTest, LpswLoadsModePAndRButNotTheCode) {
  put(170, Psw(31, 1, 77, 300, 200));
  code_at(8, I(LPSW, 170));
  done();
  EXPECT_EQ(mode(), 1u);
  EXPECT_EQ(p(), 77u);  // P comes from the PSW, it does not advance
  EXPECT_EQ(r(), (uint64_t{300} << 10) | 200);
}

TEST_P(PgTest, HaltStopsInSupervisorMode) {
  code_at(9, I(HALT));
  auto before = storage();
  Outcome o = mc().execute();
  EXPECT_EQ(o.kind, Outcome::Halted);
  EXPECT_EQ(o.insn, insn("halt"));
  EXPECT_EQ(storage(), before);
  EXPECT_EQ(mode(), 0u);
  EXPECT_EQ(r(), 1023u);
}

struct PrivCase {
  uint64_t insn_word;
  const char* name;
};

TEST_P(PgTest, PrivilegedInstructionsTrapInUserMode) {
  const PrivCase cases[] = {{I(LPSW, 20), "lpsw"}, {I(SETR, 20), "setr"}, {I(HALT), "halt"}};
  for (const PrivCase& c : cases) {
    SCOPED_TRACE(c.name);
    mc().reset();
    put(1, Psw(0, 0, 900, 0, 1023));
    set_r(100, 500);
    set_mode(1);
    put(120, Psw(0, 0, 5, 0, 1023));  // what lpsw/setr would load
    code_at(11, c.insn_word);
    auto before = storage();
    Outcome o = mc().execute();
    ASSERT_EQ(o.kind, Outcome::Trapped);
    EXPECT_EQ(cause(o), "privileged");
    EXPECT_EQ(m().traps[o.cause].code, 2u);
    EXPECT_FALSE(o.memory);
    EXPECT_EQ(o.insn, insn(c.name));
    EXPECT_EQ(storage(), before);
    EXPECT_EQ(mode(), 1u);
    EXPECT_EQ(p(), 11u);
    EXPECT_EQ(r(), (uint64_t{100} << 10) | 500);
    EXPECT_TRUE(mc().changes().empty());

    mc().enter_trap(o);
    EXPECT_EQ(at(0), Psw(2, 1, 11, 100, 500));
    EXPECT_EQ(mode(), 0u);
    EXPECT_EQ(p(), 900u);
    EXPECT_EQ(r(), 1023u);
  }
}

// The privilege check comes first: a user-mode lpsw of an out-of-bounds word is a
// privileged trap, not a memory trap.
TEST_P(PgTest, PrivilegeIsCheckedBeforeTheOperand) {
  set_r(100, 50);
  set_mode(1);
  code_at(11, I(LPSW, 51));
  Outcome o = mc().execute();
  ASSERT_EQ(o.kind, Outcome::Trapped);
  EXPECT_EQ(cause(o), "privileged");
  EXPECT_FALSE(o.memory);
}

TEST_P(PgTest, SvcTrapsWithCodeThreeInBothModes) {
  for (uint64_t md : {0u, 1u}) {
    SCOPED_TRACE(md ? "user" : "supervisor");
    mc().reset();
    put(1, Psw(0, 0, 800, 0, 1023));
    set_r(64, 700);
    set_mode(md);
    code_at(25, I(SVC));
    auto before = storage();
    Outcome o = mc().execute();
    ASSERT_EQ(o.kind, Outcome::Trapped);
    EXPECT_EQ(cause(o), "svc");
    EXPECT_FALSE(o.memory);
    EXPECT_EQ(o.insn, insn("svc"));
    EXPECT_EQ(storage(), before);
    EXPECT_EQ(p(), 25u);

    mc().enter_trap(o);
    EXPECT_EQ(at(0), Psw(3, md, 25, 64, 700));
    EXPECT_EQ(p(), 800u);
    EXPECT_EQ(mode(), 0u);
    EXPECT_EQ(r(), 1023u);
  }
}

// ---- undefined encodings ------------------------------------------------------------

TEST_P(PgTest, UndefinedEncodingsTrapWithCodeFour) {
  const struct {
    uint64_t word;
    const char* why;
  } cases[] = {
      {0, "opcode 0"},
      {I(0, 1, 2, 3), "opcode 0 with operands"},
      {uint64_t{24} << 30, "opcode 24, one past halt"},
      {uint64_t{63} << 30 | 0x3fffffff, "opcode 63"},
      {I(MOV, 1, 2, 1), "mov with c != 0"},
      {I(LD, 1, 2, 512), "ld with c != 0"},
      {I(ST, 1, 2, 3), "st with c != 0"},
      {I(JMP, 1, 0, 5), "jmp with a != 0"},
      {I(JMP, 0, 1, 5), "jmp with b != 0"},
      {I(JAL, 1, 1, 5), "jal with b != 0"},
      {I(JR, 1, 1, 0), "jr with b != 0"},
      {I(JR, 1, 0, 1), "jr with c != 0"},
      {I(SVC) | 1, "svc with bit 0 set"},
      {I(SVC) | (uint64_t{1} << 29), "svc with bit 29 set"},
      {I(LPSW, 1, 0, 1), "lpsw with c != 0"},
      {I(SETR, 1, 1, 0), "setr with b != 0"},
      {I(HALT) | (uint64_t{1} << 20), "halt with a != 0"},
  };
  for (const auto& c : cases) {
    for (uint64_t md : {0u, 1u}) {
      SCOPED_TRACE(testing::Message() << c.why << (md ? " (user)" : " (supervisor)"));
      mc().reset();
      put(1, Psw(0, 0, 950, 0, 1023));
      set_r(10, 1000);
      set_mode(md);
      code_at(17, c.word);
      auto before = storage();
      Outcome o = mc().execute();
      ASSERT_EQ(o.kind, Outcome::Trapped);
      EXPECT_EQ(cause(o), "undefined");
      EXPECT_EQ(static_cast<int>(o.cause), m().undefined_trap);
      EXPECT_EQ(o.insn, -1);
      EXPECT_FALSE(o.memory);
      EXPECT_EQ(static_cast<uint64_t>(o.raw), c.word);
      EXPECT_EQ(storage(), before);
      EXPECT_EQ(p(), 17u);

      mc().enter_trap(o);
      EXPECT_EQ(at(0), Psw(4, md, 17, 10, 1000));
      EXPECT_EQ(p(), 950u);
    }
  }
}

// ---- traps: the PSW exchange -----------------------------------------------------------

TEST_P(PgTest, TrapStoresTheOldPswInE0AndLoadsTheNewOneFromE1) {
  // A new PSW with every field set, and garbage in the code bits (ignored).
  put(1, Psw(0x1f, 1, 123, 45, 678));
  set_r(300, 40);
  set_mode(1);
  code_at(7, I(SVC));
  auto before = storage();
  Outcome o = mc().step();
  ASSERT_EQ(o.kind, Outcome::Trapped);
  EXPECT_EQ(at(0), Psw(3, 1, 7, 300, 40));  // absolute E[0], not E[l + 0]
  EXPECT_EQ(at(300), before[300]);
  EXPECT_EQ(mode(), 1u);
  EXPECT_EQ(p(), 123u);
  EXPECT_EQ(r(), (uint64_t{45} << 10) | 678);
  // Nothing but E[0] changed in storage.
  before[0] = at(0);
  EXPECT_EQ(storage(), before);
}

TEST_P(PgTest, LpswOfTheSavedPswResumesTheTrappedStateExactly) {
  // The handler at absolute 600 returns at once with `lpsw 0`.
  put(1, Psw(0, 0, 600, 0, 1023));
  put(600, I(LPSW, 0));
  // A user program at relative 12 under R = (200, 99), about to take a memory trap.
  set_r(200, 99);
  set_mode(1);
  code_at(12, I(MOV, 5, 100));  // 100 > b
  put(205, 0x111);
  auto before = storage();

  Outcome o = mc().step();
  ASSERT_EQ(o.kind, Outcome::Trapped);
  EXPECT_EQ(cause(o), "memory");
  EXPECT_EQ(at(0), Psw(1, 1, 12, 200, 99));
  EXPECT_EQ(mode(), 0u);
  EXPECT_EQ(p(), 600u);

  Outcome back = mc().step();
  ASSERT_EQ(back.kind, Outcome::Completed);
  EXPECT_EQ(back.insn, insn("lpsw"));
  EXPECT_EQ(mode(), 1u);
  EXPECT_EQ(p(), 12u);  // the trapping instruction again, not the next one
  EXPECT_EQ(r(), (uint64_t{200} << 10) | 99);
  before[0] = at(0);
  EXPECT_EQ(storage(), before);
}

TEST_P(PgTest, SvcHandlerCanResumeAfterTheCall) {
  // As in examples/pg/kernel.s: add 1 to the P field of the saved PSW, then lpsw it.
  put(1, Psw(0, 0, 600, 0, 1023));
  put(600, I(ADD, 0, 0, 610));
  put(601, I(LPSW, 0));
  put(610, uint64_t{1} << 20);
  set_r(500, 63);
  set_mode(1);
  code_at(4, I(SVC));
  put(505, Li(9, -3));
  ASSERT_EQ(mc().step().kind, Outcome::Trapped);
  ASSERT_EQ(mc().step().kind, Outcome::Completed);
  ASSERT_EQ(mc().step().kind, Outcome::Completed);
  EXPECT_EQ(mode(), 1u);
  EXPECT_EQ(p(), 5u);
  EXPECT_EQ(r(), (uint64_t{500} << 10) | 63);
  ASSERT_EQ(mc().step().kind, Outcome::Completed);
  EXPECT_EQ(at(509), W(-3));
}

// ---- relocation and the bound test ------------------------------------------------------

TEST_P(PgTest, UserInstructionsReachStorageThroughRelocation) {
  set_r(512, 63);
  set_mode(1);
  // Relative 0..63 is absolute 512..575.
  put(512 + 30, 1000);
  put(512 + 31, 234);
  put(512 + 40, 45);  // a pointer holds a relative address
  put(512 + 45, 0x777);
  put(30, 0xbad);  // the same relative addresses without relocation: must not be used
  put(31, 0xbad);
  put(512 + 0, Li(32, -2));
  put(512 + 1, I(ADD, 33, 30, 31));
  put(512 + 2, I(LD, 34, 40));
  put(512 + 3, I(ST, 40, 30));
  set_p(0);
  for (int i = 0; i < 4; ++i) ASSERT_EQ(mc().step().kind, Outcome::Completed) << i;
  EXPECT_EQ(at(512 + 32), W(-2));
  EXPECT_EQ(at(512 + 33), 1234u);
  EXPECT_EQ(at(512 + 34), 0x777u);
  EXPECT_EQ(at(512 + 45), 1000u);  // st wrote through the relative pointer
  EXPECT_EQ(at(32), 0u);
  EXPECT_EQ(at(33), 0u);
  EXPECT_EQ(at(34), 0u);
  EXPECT_EQ(at(45), 0u);
  EXPECT_EQ(p(), 4u);
}

TEST_P(PgTest, FetchIsRelocatedAndBounded) {
  put(1, Psw(0, 0, 900, 0, 1023));
  set_r(100, 50);
  set_mode(1);
  put(150, Li(0, 9));  // relative 50 == b: fetched and executed
  set_p(50);
  ASSERT_EQ(mc().execute().kind, Outcome::Completed);
  EXPECT_EQ(at(100), 9u);
  EXPECT_EQ(p(), 51u);

  put(151, Li(0, 10));  // relative 51 > b: the fetch traps
  auto before = storage();
  Outcome o = mc().execute();
  ASSERT_EQ(o.kind, Outcome::Trapped);
  EXPECT_EQ(cause(o), "memory");
  EXPECT_TRUE(o.memory);
  EXPECT_EQ(o.insn, -1);
  EXPECT_EQ(storage(), before);
  mc().enter_trap(o);
  EXPECT_EQ(at(0), Psw(1, 1, 51, 100, 50));
  EXPECT_EQ(p(), 900u);
}

TEST_P(PgTest, FetchTrapsWhenPPlusLReachesTheEndOfStorage) {
  put(1, Psw(0, 0, 900, 0, 1023));
  set_r(1000, 1023);
  put(1023, Li(5, 1));
  set_p(23);  // 1000 + 23 = 1023: the last word
  ASSERT_EQ(mc().execute().kind, Outcome::Completed);
  EXPECT_EQ(at(1005), 1u);
  EXPECT_EQ(p(), 24u);
  Outcome o = mc().execute();  // 1000 + 24 = 1024: outside, even though 24 <= b
  ASSERT_EQ(o.kind, Outcome::Trapped);
  EXPECT_EQ(cause(o), "memory");
  EXPECT_TRUE(o.memory);
  mc().enter_trap(o);
  EXPECT_EQ(at(0), Psw(1, 0, 24, 1000, 1023));
}

TEST_P(PgTest, BranchOutOfBoundsCompletesAndTheNextFetchTraps) {
  put(1, Psw(0, 0, 900, 0, 1023));
  set_r(100, 50);
  set_mode(1);
  code_at(10, I(JMP, 0, 0, 60));
  ASSERT_EQ(mc().step().kind, Outcome::Completed);
  EXPECT_EQ(p(), 60u);
  Outcome o = mc().step();
  ASSERT_EQ(o.kind, Outcome::Trapped);
  EXPECT_TRUE(o.memory);
  EXPECT_EQ(at(0), Psw(1, 1, 60, 100, 50));
}

// Every storage access of every instruction obeys the bound test: a relative address
// a traps when a > b or a + l >= 1024, and does not trap at a == b or a + l == 1023.
// The trap leaves no partial effect.
struct Role {
  const char* insn;
  const char* role;
  bool privileged;
  bool writes;  // the access under test is the instruction's write
  // Returns the instruction; `put(rel, v)` stores operands, s0..s2 are safe addresses,
  // x is the address under test. For write roles, *want is the value written to x.
  std::function<uint64_t(uint64_t x, const uint64_t* s, const std::function<void(uint64_t, uint64_t)>& put,
                         uint64_t* want)>
      build;
};

std::vector<Role> roles() {
  using Put = std::function<void(uint64_t, uint64_t)>;
  std::vector<Role> v;
  const uint64_t hi = uint64_t{0x2a5} << 10;  // junk above a pointer's ten address bits
  v.push_back({"li", "a", false, true, [](uint64_t x, const uint64_t*, const Put&, uint64_t* w) {
                 *w = W(-7);
                 return Li(x, -7);
               }});
  v.push_back({"mov", "a", false, true, [](uint64_t x, const uint64_t* s, const Put& put, uint64_t* w) {
                 put(s[0], 0x123);
                 *w = 0x123;
                 return I(MOV, x, s[0]);
               }});
  v.push_back({"mov", "b", false, false, [](uint64_t x, const uint64_t* s, const Put& put, uint64_t*) {
                 put(x, 0x123);
                 return I(MOV, s[0], x);
               }});
  v.push_back({"ld", "a", false, true, [](uint64_t x, const uint64_t* s, const Put& put, uint64_t* w) {
                 put(s[0], hi | s[1]);
                 put(s[1], 0x55);
                 *w = 0x55;
                 return I(LD, x, s[0]);
               }});
  v.push_back({"ld", "b (pointer)", false, false, [](uint64_t x, const uint64_t* s, const Put& put, uint64_t*) {
                 put(x, hi | s[1]);
                 put(s[1], 0x55);
                 return I(LD, s[0], x);
               }});
  v.push_back({"ld", "@b (second read)", false, false,
               [](uint64_t x, const uint64_t* s, const Put& put, uint64_t*) {
                 put(s[1], hi | x);
                 put(x, 0x55);
                 return I(LD, s[0], s[1]);
               }});
  v.push_back({"st", "a (pointer)", false, false, [](uint64_t x, const uint64_t* s, const Put& put, uint64_t*) {
                 put(x, hi | s[1]);
                 put(s[0], 0x66);
                 return I(ST, x, s[0]);
               }});
  v.push_back({"st", "@a (write)", false, true, [](uint64_t x, const uint64_t* s, const Put& put, uint64_t* w) {
                 put(s[1], hi | x);
                 put(s[0], 0x66);
                 *w = 0x66;
                 return I(ST, s[1], s[0]);
               }});
  v.push_back({"st", "b (value)", false, false, [](uint64_t x, const uint64_t* s, const Put& put, uint64_t*) {
                 put(s[0], s[1]);
                 put(x, 0x66);
                 return I(ST, s[0], x);
               }});
  struct Alu {
    const char* name;
    uint64_t op, want;  // of 12 op 10 (addi/shl/shr: 12 op 3)
    bool imm;
  };
  const Alu alus[] = {{"add", ADD, 22, false}, {"sub", SUB, 2, false},  {"and", AND, 8, false},
                      {"or", OR, 14, false},   {"xor", XOR, 6, false},  {"addi", ADDI, 15, true},
                      {"shl", SHL, 96, true},  {"shr", SHR, 1, true}};
  for (const Alu& a : alus) {
    v.push_back({a.name, "a", false, true, [a](uint64_t x, const uint64_t* s, const Put& put, uint64_t* w) {
                   put(s[0], 12);
                   put(s[1], 10);
                   *w = a.want;
                   return a.imm ? I(a.op, x, s[0], 3) : I(a.op, x, s[0], s[1]);
                 }});
    v.push_back({a.name, "b", false, false, [a](uint64_t x, const uint64_t* s, const Put& put, uint64_t*) {
                   put(x, 12);
                   put(s[1], 10);
                   return a.imm ? I(a.op, s[0], x, 3) : I(a.op, s[0], x, s[1]);
                 }});
    if (!a.imm)
      v.push_back({a.name, "c", false, false, [a](uint64_t x, const uint64_t* s, const Put& put, uint64_t*) {
                     put(s[1], 12);
                     put(x, 10);
                     return I(a.op, s[0], s[1], x);
                   }});
  }
  const std::pair<const char*, uint64_t> branches[] = {{"beq", BEQ}, {"bne", BNE}, {"blt", BLT}, {"bltu", BLTU}};
  for (const auto& [name, op] : branches) {
    uint64_t o = op;
    v.push_back({name, "a", false, false, [o](uint64_t x, const uint64_t* s, const Put& put, uint64_t*) {
                   put(x, 1);
                   put(s[0], 2);
                   return I(o, x, s[0], 3);
                 }});
    v.push_back({name, "b", false, false, [o](uint64_t x, const uint64_t* s, const Put& put, uint64_t*) {
                   put(s[0], 1);
                   put(x, 2);
                   return I(o, s[0], x, 3);
                 }});
  }
  v.push_back({"jal", "a", false, true, [](uint64_t x, const uint64_t*, const Put&, uint64_t* w) {
                 *w = 0;  // set by the caller: the code address + 1
                 return I(JAL, x, 0, 3);
               }});
  v.push_back({"jr", "a", false, false, [](uint64_t x, const uint64_t*, const Put& put, uint64_t*) {
                 put(x, 3);
                 return I(JR, x);
               }});
  v.push_back({"lpsw", "a", true, false, [](uint64_t x, const uint64_t*, const Put& put, uint64_t*) {
                 put(x, Psw(0, 1, 3, 7, 8));
                 return I(LPSW, x);
               }});
  v.push_back({"setr", "a", true, false, [](uint64_t x, const uint64_t*, const Put& put, uint64_t*) {
                 put(x, (uint64_t{7} << 10) | 8);
                 return I(SETR, x);
               }});
  return v;
}

struct Bounds {
  const char* what;
  uint64_t l, b;
  uint64_t code;       // relative address of the instruction
  uint64_t ok, bad;    // the highest usable relative address, and the first unusable one
  uint64_t safe[3];
};

TEST_P(PgTest, EveryStorageAccessObeysTheBoundTestWithoutPartialEffects) {
  const Bounds bounds[] = {
      {"a > b", 100, 50, 10, 50, 51, {20, 21, 22}},
      {"a + l >= q", 1000, 1023, 5, 23, 24, {15, 16, 17}},
      {"a > b, far", 0, 200, 100, 200, 1023, {20, 21, 22}},
  };
  const std::vector<Role> all = roles();
  // Every instruction that names storage is covered.
  for (const char* name : {"li", "mov", "ld", "st", "add", "sub", "and", "or", "xor", "addi", "shl", "shr",
                           "beq", "bne", "blt", "bltu", "jal", "jr", "lpsw", "setr"}) {
    bool found = false;
    for (const Role& r : all) found |= std::string(r.insn) == name;
    EXPECT_TRUE(found) << name;
  }
  for (const Bounds& bd : bounds) {
    for (const Role& role : all) {
      for (uint64_t md : {0u, 1u}) {
        if (md == 1 && role.privileged) continue;
        for (bool trap : {false, true}) {
          SCOPED_TRACE(testing::Message() << role.insn << " " << role.role << ", " << bd.what
                                          << (md ? ", user" : ", supervisor") << (trap ? ", out of bounds" : ", at the bound"));
          mc().reset();
          put(1, Psw(0, 0, 990, 0, 1023));
          for (uint64_t i = 2; i < kQ; ++i) put(i, 0x5000 + i);  // recognizable contents
          set_r(bd.l, bd.b);
          set_mode(md);
          const uint64_t x = trap ? bd.bad : bd.ok;
          auto put_rel = [&](uint64_t rel, uint64_t v) {
            if (rel <= bd.b && bd.l + rel < kQ) put(bd.l + rel, v);  // never outside the bounds
          };
          uint64_t want = 0;
          uint64_t word = role.build(x, bd.safe, put_rel, &want);
          if (std::string(role.insn) == "jal") want = bd.code + 1;
          code_at(bd.code, word);
          const auto before = storage();
          const uint64_t r_before = r();

          Outcome o = mc().execute();
          EXPECT_EQ(o.insn, insn(role.insn));
          if (!trap) {
            ASSERT_EQ(o.kind, Outcome::Completed) << (o.kind == Outcome::Trapped ? cause(o) : "halted");
            if (role.writes) {
              EXPECT_EQ(at(bd.l + x), want);
            }
            continue;
          }
          ASSERT_EQ(o.kind, Outcome::Trapped);
          EXPECT_EQ(cause(o), "memory");
          EXPECT_TRUE(o.memory);
          EXPECT_EQ(storage(), before);  // nothing written, not even a first access
          EXPECT_EQ(p(), bd.code);
          EXPECT_EQ(r(), r_before);
          EXPECT_EQ(mode(), md);
          EXPECT_TRUE(mc().changes().empty());

          mc().enter_trap(o);
          EXPECT_EQ(at(0), Psw(1, md, bd.code, bd.l, bd.b));
          EXPECT_EQ(p(), 990u);
          EXPECT_EQ(mode(), 0u);
          EXPECT_EQ(r(), 1023u);
        }
      }
    }
  }
}

// An instruction that reads twice: the trap on the second read leaves the first
// (already performed) read without effect, and the write never happens.
TEST_P(PgTest, StWhosePointerTargetIsOutOfBoundsWritesNothing) {
  set_r(100, 50);
  set_mode(1);
  put(100 + 20, 60);     // pointer to relative 60 > b
  put(100 + 21, 0x999);  // the value
  put(160, 0x1);         // absolute l + 60: must stay
  code_at(3, I(ST, 20, 21));
  auto before = storage();
  Outcome o = mc().execute();
  ASSERT_EQ(o.kind, Outcome::Trapped);
  EXPECT_TRUE(o.memory);
  EXPECT_EQ(storage(), before);
  EXPECT_EQ(at(160), 0x1u);
}

INSTANTIATE_TEST_SUITE_P(Pg, PgTest, ::testing::Values(machine::Engine::Auto, machine::Engine::Interpreter),
                         [](const ::testing::TestParamInfo<machine::Engine>& i) {
                           return i.param == machine::Engine::Auto ? "Auto" : "Interpreter";
                         });

} // namespace
} // namespace popek
