// The generic reference machine on small models written for these tests: the step
// budget, the change log and rollback, register files and fields, the bit-vector
// operations (with SMT-LIB semantics at the edges), traps with arguments, byte
// memories with multi-unit accesses, wide fetches and variable-length decoding.
//
// Instructions are encoded by hand from the encodings below; expected values are
// worked out in the test, never by running the model another way.
#include "test_util.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace popek {
namespace {

using machine::Machine;
using machine::Outcome;

// ---- the step budget and the change log, on pg ----------------------------------

// pg: op:6 | a:10 | b:10 | c:10.
uint64_t Pg(uint64_t op, uint64_t a = 0, uint64_t b = 0, uint64_t c = 0) {
  return (op << 30) | (a << 20) | (b << 10) | c;
}
constexpr uint64_t kPgAdd = 5, kPgSvc = 20, kPgJmp = 17, kPgHalt = 23, kPgAddi = 10;

// The pg tests run on every engine (native code for the bundled model, the interpreter).
class MachineRun : public ::testing::TestWithParam<machine::Engine> {};
class MachineChanges : public ::testing::TestWithParam<machine::Engine> {};
std::string engine_name(const ::testing::TestParamInfo<machine::Engine>& i) {
  return i.param == machine::Engine::Auto ? "Auto" : "Interpreter";
}
INSTANTIATE_TEST_SUITE_P(Machine, MachineRun, ::testing::Values(machine::Engine::Auto, machine::Engine::Interpreter),
                         engine_name);
INSTANTIATE_TEST_SUITE_P(Machine, MachineChanges,
                         ::testing::Values(machine::Engine::Auto, machine::Engine::Interpreter), engine_name);

TEST_P(MachineRun, StopsAtTheStepBudgetOnAnInfiniteLoop) {
  auto m = test::load("models/pg.isa");
  ASSERT_TRUE(m);
  Machine mc(m, GetParam());
  mc.set_mem(0, 2, Pg(kPgAddi, 100, 100, 1));  // count the turns
  mc.set_mem(0, 3, Pg(kPgJmp, 0, 0, 2));
  auto r = mc.run(1001);
  EXPECT_FALSE(r.halted);
  EXPECT_EQ(r.steps, 1001u);
  EXPECT_EQ(r.last.kind, Outcome::Completed);
  EXPECT_EQ(mc.mem(0, 100), 501u);  // steps 1, 3, ..., 1001 are the addi
  EXPECT_EQ(mc.pc(), 3u);
  // The machine carries on where it stopped.
  r = mc.run(1);
  EXPECT_EQ(r.steps, 1u);
  EXPECT_FALSE(r.halted);
  EXPECT_EQ(mc.pc(), 2u);
}

TEST_P(MachineRun, ZeroBudgetDoesNothing) {
  auto m = test::load("models/pg.isa");
  ASSERT_TRUE(m);
  Machine mc(m, GetParam());
  mc.set_mem(0, 2, Pg(kPgAddi, 100, 100, 1));
  auto r = mc.run(0);
  EXPECT_EQ(r.steps, 0u);
  EXPECT_FALSE(r.halted);
  EXPECT_EQ(mc.pc(), 2u);
  EXPECT_EQ(mc.mem(0, 100), 0u);
}

TEST_P(MachineRun, CountsStepsUpToAndIncludingHalt) {
  auto m = test::load("models/pg.isa");
  ASSERT_TRUE(m);
  Machine mc(m, GetParam());
  mc.set_mem(0, 2, Pg(kPgAddi, 100, 100, 3));
  mc.set_mem(0, 3, Pg(kPgAddi, 100, 100, 4));
  mc.set_mem(0, 4, Pg(kPgHalt));
  mc.set_mem(0, 5, Pg(kPgAddi, 100, 100, 5));  // not reached
  auto r = mc.run(50);
  EXPECT_TRUE(r.halted);
  EXPECT_EQ(r.steps, 3u);
  EXPECT_EQ(r.last.kind, Outcome::Halted);
  EXPECT_EQ(r.last.insn, m->find_insn("halt"));
  EXPECT_EQ(mc.mem(0, 100), 7u);
}

TEST_P(MachineRun, AppliesTheTrapEntryForTrapsOnTheWay) {
  auto m = test::load("models/pg.isa");
  ASSERT_TRUE(m);
  Machine mc(m, GetParam());
  mc.set_mem(0, 1, uint64_t{700} << 20 | 1023);  // new PSW: supervisor, P = 700
  mc.set_mem(0, 2, Pg(kPgSvc));
  mc.set_mem(0, 700, Pg(kPgHalt));
  auto r = mc.run(10);
  EXPECT_TRUE(r.halted);
  EXPECT_EQ(r.steps, 2u);
  EXPECT_EQ(mc.mem(0, 0), (uint64_t{3} << 31) | (uint64_t{2} << 20) | 1023);
}

TEST_P(MachineChanges, ListExactlyTheChangedLocationsWithTheirOldValues) {
  auto m = test::load("models/pg.isa");
  ASSERT_TRUE(m);
  Machine mc(m, GetParam());
  mc.set_mem(0, 10, 0x111);
  mc.set_mem(0, 11, 0x222);
  mc.set_mem(0, 12, 0x99);
  mc.set_mem(0, 2, Pg(kPgAdd, 12, 10, 11));
  ASSERT_EQ(mc.step().kind, Outcome::Completed);
  auto ch = mc.changes();
  ASSERT_EQ(ch.size(), 2u);
  EXPECT_TRUE(ch[0].memory);
  EXPECT_EQ(mc.locate(ch[0].loc), (std::pair<unsigned, uint64_t>{0, 12}));
  EXPECT_EQ(ch[0].before, 0x99u);
  EXPECT_FALSE(ch[1].memory);
  EXPECT_EQ(mc.reg_of_cell(ch[1].loc), (std::pair<unsigned, unsigned>{m->pc_reg, 0}));
  EXPECT_EQ(ch[1].before, 2u);
  EXPECT_EQ(mc.mem(0, 12), 0x333u);
}

TEST_P(MachineChanges, ATrappedExecuteChangesNothingAndTheTrapEntryIsLogged) {
  auto m = test::load("models/pg.isa");
  ASSERT_TRUE(m);
  Machine mc(m, GetParam());
  const unsigned R = static_cast<unsigned>(m->find_reg("R"));
  mc.set_mem(0, 0, 0x5);
  mc.set_mem(0, 1, (uint64_t{1} << 30) | (uint64_t{40} << 20) | (uint64_t{8} << 10) | 9);
  mc.set_mem(0, 2, Pg(kPgSvc));
  Outcome o = mc.execute();
  ASSERT_EQ(o.kind, Outcome::Trapped);
  EXPECT_TRUE(mc.changes().empty());
  mc.enter_trap(o);
  // E[0], then mode, P and R from the new PSW: each logged with its old value.
  bool saw_e0 = false, saw_mode = false, saw_p = false, saw_r = false;
  for (const auto& c : mc.changes()) {
    if (c.memory) {
      EXPECT_EQ(mc.locate(c.loc), (std::pair<unsigned, uint64_t>{0, 0}));
      EXPECT_EQ(c.before, 0x5u);
      saw_e0 = true;
      continue;
    }
    auto [reg, entry] = mc.reg_of_cell(c.loc);
    EXPECT_EQ(entry, 0u);
    if (reg == m->mode_reg) {
      EXPECT_EQ(c.before, 0u);
      saw_mode = true;
    } else if (reg == m->pc_reg) {
      EXPECT_EQ(c.before, 2u);
      saw_p = true;
    } else {
      EXPECT_EQ(reg, R);
      EXPECT_EQ(c.before, 1023u);
      saw_r = true;
    }
  }
  EXPECT_TRUE(saw_e0 && saw_mode && saw_p && saw_r);
  EXPECT_EQ(mc.changes().size(), 4u);
}

// ---- a machine with register files, fields and every operation --------------------

// Format of every instruction but ldi: op:8 | d:3 | s:3 | t:3 | 15 zero bits.
// W (64 bits) and S (fields) take their index from the low bits of d, s, t.
const char* kCalc = R"(
machine calc "machine test: files, fields, operations"
word 32
memory M[256] : 32
modes sup = 0, usr = 1

register pc : 8 pc reset 0 { pch [7:4] pcl [3:0] }
register X[8] : 16
register W[4] : 64
register F : 16 reset 0xabcd { hi [15:8] lo [7:0] }
register S[4] : 16 { top [15:12] bot [3:0] }
register TC : 4
register TA : 16
register TP : 8

const K : 16 = 0x8000
const SEL0 : 16 = 0x1111
const SEL1 : 16 = 0x2222
const SEL2 : 16 = 0x3333

trap priv = 2
trap undef = 3
trap oops = 5
default trap priv
undefined trap undef

trap entry (cause : 4, arg : 16) {
  TC = cause
  TA = arg
  TP = pc
  pc = 0xf0
}

fetch (i : 8) -> 32 { return M[pc + i] }

insn add   0x01 d:3 s:3 t:3 000000000000000 "add {d}, {s}, {t}"   { X[d] = X[s] + X[t] }
insn sub   0x02 d:3 s:3 t:3 000000000000000 "sub {d}, {s}, {t}"   { X[d] = X[s] - X[t] }
insn mul   0x03 d:3 s:3 t:3 000000000000000 "mul {d}, {s}, {t}"   { X[d] = X[s] * X[t] }
insn udiv  0x04 d:3 s:3 t:3 000000000000000 "udiv {d}, {s}, {t}"  { X[d] = X[s] / X[t] }
insn urem  0x05 d:3 s:3 t:3 000000000000000 "urem {d}, {s}, {t}"  { X[d] = X[s] % X[t] }
insn sdiv  0x06 d:3 s:3 t:3 000000000000000 "sdiv {d}, {s}, {t}"  { X[d] = X[s] /_s X[t] }
insn srem  0x07 d:3 s:3 t:3 000000000000000 "srem {d}, {s}, {t}"  { X[d] = X[s] %_s X[t] }
insn shl   0x08 d:3 s:3 t:3 000000000000000 "shl {d}, {s}, {t}"   { X[d] = X[s] << X[t] }
insn shr   0x09 d:3 s:3 t:3 000000000000000 "shr {d}, {s}, {t}"   { X[d] = X[s] >> X[t] }
insn sar   0x0a d:3 s:3 t:3 000000000000000 "sar {d}, {s}, {t}"   { X[d] = X[s] >>_s X[t] }
insn cmp   0x0b d:3 s:3 t:3 000000000000000 "cmp {d}, {s}, {t}"   {
  X[d] = zext((X[s] < X[t]) ++ (X[s] <= X[t]) ++ (X[s] > X[t]) ++ (X[s] >= X[t]) ++
              (X[s] <_s X[t]) ++ (X[s] <=_s X[t]) ++ (X[s] >_s X[t]) ++ (X[s] >=_s X[t]) ++
              (X[s] == X[t]) ++ (X[s] != X[t]), 16)
}
insn smin  0x0c d:3 s:3 t:3 000000000000000 "smin {d}, {s}, {t}"  { X[d] = if X[s] <_s X[t] then X[s] else X[t] }
insn cat   0x0d d:3 s:3 t:3 000000000000000 "cat {d}, {s}, {t}"   { X[d] = X[s][7:0] ++ X[t][15:8] }
insn sx8   0x0e d:3 s:3 t:3 000000000000000 "sx8 {d}, {s}, {t}"   { X[d] = sext(X[s][7:0], 16) }
insn zx8   0x0f d:3 s:3 t:3 000000000000000 "zx8 {d}, {s}, {t}"   { X[d] = zext(X[s][7:0], 16) }
insn neg   0x10 d:3 s:3 t:3 000000000000000 "neg {d}, {s}, {t}"   { X[d] = -X[s] }
insn not   0x11 d:3 s:3 t:3 000000000000000 "not {d}, {s}, {t}"   { X[d] = ~X[s] }
insn sel   0x12 d:3 s:3 t:3 000000000000000 "sel {d}, {s}, {t}"   {
  X[d] = if X[s] == 0 then SEL0 else if X[s] == 1 then SEL1 else SEL2
}
insn ind   0x13 d:3 s:3 t:3 000000000000000 "ind {d}, {s}, {t}"   { X[d] = X[X[s][2:0]] }
insn ldi   0x14 d:3 00000 imm:16             "ldi {d}, {imm}"     { X[d] = imm }
insn shl20 0x15 d:3 s:3 t:3 000000000000000 "shl20 {d}, {s}, {t}" { X[d] = X[s] << 20 }
insn sar20 0x16 d:3 s:3 t:3 000000000000000 "sar20 {d}, {s}, {t}" { X[d] = X[s] >>_s 20 }
insn fold  0x17 d:3 s:3 t:3 000000000000000 "fold {d}, {s}, {t}"  {
  X[d] = (K >>_s 17) ^ (K /_s 0) ^ (K % 0)
}

insn wshl  0x20 d:3 s:3 t:3 000000000000000 "wshl {d}, {s}, {t}"  { W[d[1:0]] = W[s[1:0]] << W[t[1:0]] }
insn wshr  0x21 d:3 s:3 t:3 000000000000000 "wshr {d}, {s}, {t}"  { W[d[1:0]] = W[s[1:0]] >> W[t[1:0]] }
insn wsar  0x22 d:3 s:3 t:3 000000000000000 "wsar {d}, {s}, {t}"  { W[d[1:0]] = W[s[1:0]] >>_s W[t[1:0]] }
insn wudiv 0x23 d:3 s:3 t:3 000000000000000 "wudiv {d}, {s}, {t}" { W[d[1:0]] = W[s[1:0]] / W[t[1:0]] }
insn wurem 0x24 d:3 s:3 t:3 000000000000000 "wurem {d}, {s}, {t}" { W[d[1:0]] = W[s[1:0]] % W[t[1:0]] }
insn wsdiv 0x25 d:3 s:3 t:3 000000000000000 "wsdiv {d}, {s}, {t}" { W[d[1:0]] = W[s[1:0]] /_s W[t[1:0]] }
insn wsrem 0x26 d:3 s:3 t:3 000000000000000 "wsrem {d}, {s}, {t}" { W[d[1:0]] = W[s[1:0]] %_s W[t[1:0]] }
insn wsx   0x27 d:3 s:3 t:3 000000000000000 "wsx {d}, {s}, {t}"   { W[d[1:0]] = sext(X[s], 64) }
insn wcat  0x28 d:3 s:3 t:3 000000000000000 "wcat {d}, {s}, {t}"  { W[d[1:0]] = X[s] ++ X[t] ++ X[s] ++ X[t] }
insn wadd  0x29 d:3 s:3 t:3 000000000000000 "wadd {d}, {s}, {t}"  { W[d[1:0]] = W[s[1:0]] + W[t[1:0]] }

insn setlo 0x30 d:3 s:3 t:3 000000000000000 "setlo {d}, {s}, {t}" { F.lo = X[s][7:0] }
insn sethi 0x31 d:3 s:3 t:3 000000000000000 "sethi {d}, {s}, {t}" { F.hi = X[s][7:0] }
insn getf  0x32 d:3 s:3 t:3 000000000000000 "getf {d}, {s}, {t}"  { X[d] = F }
insn gethi 0x33 d:3 s:3 t:3 000000000000000 "gethi {d}, {s}, {t}" { X[d] = zext(F.hi, 16) }
insn getlo 0x34 d:3 s:3 t:3 000000000000000 "getlo {d}, {s}, {t}" { X[d] = zext(F.lo, 16) }
insn stop  0x35 d:3 s:3 t:3 000000000000000 "stop {d}, {s}, {t}"  { S[d[1:0]].top = X[s][3:0] }
insn sbot  0x36 d:3 s:3 t:3 000000000000000 "sbot {d}, {s}, {t}"  { S[d[1:0]].bot = X[s][3:0] }
insn gtop  0x37 d:3 s:3 t:3 000000000000000 "gtop {d}, {s}, {t}"  { X[d] = zext(S[s[1:0]].top, 16) }
insn gs    0x38 d:3 s:3 t:3 000000000000000 "gs {d}, {s}, {t}"    { X[d] = S[s[1:0]] }
insn rdpc  0x39 d:3 s:3 t:3 000000000000000 "rdpc {d}, {s}, {t}"  { X[d] = zext(pc.pch ++ pc.pcl, 16) }
insn rdpcw 0x3a d:3 s:3 t:3 000000000000000 "rdpcw {d}, {s}, {t}" { X[d] = zext(pc, 16) }

insn chk   0x40 d:3 s:3 t:3 000000000000000 "chk {d}, {s}, {t}"   { require X[s] == X[t] else oops(X[s]) }
insn chk8  0x41 d:3 s:3 t:3 000000000000000 "chk8 {d}, {s}, {t}"  { require X[s][15:8] == 0 else oops(X[s][7:0]) }
insn sup   0x42 d:3 s:3 t:3 000000000000000 "sup {d}, {s}, {t}"   {
  require mode == sup
  X[d] = 0x5555
}
insn boom  0x43 d:3 s:3 t:3 000000000000000 "boom {d}, {s}, {t}"  {
  F = X[s]
  X[d] = 7
  M[X[s][7:0]] = zext(X[s], 32)
  pc = 0x33
  require X[t] == 0 else oops(zext(F.lo, 16))
}
insn halt  0x44 d:3 s:3 t:3 000000000000000 "halt {d}, {s}, {t}"  { halt }
insn st    0x45 d:3 s:3 t:3 000000000000000 "st {d}, {s}, {t}"    { M[X[t][7:0]] = zext(X[s], 32) }
insn twice 0x46 d:3 s:3 t:3 000000000000000 "twice {d}, {s}, {t}" {
  X[d] = X[d] + 1
  X[d] = X[d] + 1
}
insn user  0x47 d:3 s:3 t:3 000000000000000 "user {d}, {s}, {t}"  { mode = usr }
insn many  0x50 a:3 b:3 c:3 e:3 f:3 g:3 h:3 000 "many {a}, {b}, {c}, {e}, {f}, {g}, {h}" {
  X[a] = zext(b ++ c ++ e ++ f ++ g, 16) + zext(h, 16)
}
)";

uint64_t C(uint64_t op, uint64_t d = 0, uint64_t s = 0, uint64_t t = 0) {
  return (op << 24) | (d << 21) | (s << 18) | (t << 15);
}

class MachineCalc : public ::testing::Test {
protected:
  static void SetUpTestSuite() { model_ = test::load_text(kCalc, "calc.isa"); }
  static void TearDownTestSuite() { model_.reset(); }
  void SetUp() override {
    ASSERT_TRUE(model_);
    mc_ = std::make_unique<Machine>(model_);
    for (const char* n : {"X", "W", "F", "S", "TC", "TA", "TP"}) ASSERT_GE(m().find_reg(n), 0) << n;
  }
  const model::Model& m() const { return *model_; }
  Machine& mc() { return *mc_; }
  unsigned reg(const char* n) const { return static_cast<unsigned>(m().find_reg(n)); }

  uint64_t x(unsigned i) const { return mc_->reg(reg("X"), i); }
  void set_x(unsigned i, uint64_t v) { mc_->set_reg(reg("X"), v, i); }
  uint64_t w(unsigned i) const { return mc_->reg(reg("W"), i); }
  void set_w(unsigned i, uint64_t v) { mc_->set_reg(reg("W"), v, i); }

  // Runs one instruction placed at pc 0x10; expects it to complete and returns X[d]... the caller reads.
  Outcome run1(uint64_t insn, uint64_t at = 0x10) {
    mc_->set_mem(0, at, insn);
    mc_->set_reg(m().pc_reg, at);
    Outcome o = mc_->step();
    EXPECT_EQ(o.kind, Outcome::Completed) << (o.kind == Outcome::Trapped ? m().traps[o.cause].name : "halted");
    EXPECT_EQ(mc_->pc(), (at + 1) & 0xff);
    return o;
  }
  // X[3] = X[1] op X[2].
  uint64_t bin(uint64_t op, uint64_t a, uint64_t b) {
    set_x(1, a);
    set_x(2, b);
    set_x(3, 0x5a5a);
    run1(C(op, 3, 1, 2));
    EXPECT_EQ(x(1), a);
    EXPECT_EQ(x(2), b);
    return x(3);
  }
  // W[3] = W[1] op W[2].
  uint64_t wbin(uint64_t op, uint64_t a, uint64_t b) {
    set_w(1, a);
    set_w(2, b);
    set_w(3, 0x5a5a5a5a5a5a5a5a);
    run1(C(op, 3, 1, 2));
    return w(3);
  }

  static inline std::shared_ptr<const model::Model> model_;
  std::unique_ptr<Machine> mc_;
};

constexpr uint64_t kAdd = 0x01, kSub = 0x02, kMul = 0x03, kUdiv = 0x04, kUrem = 0x05, kSdiv = 0x06,
                   kSrem = 0x07, kShl = 0x08, kShr = 0x09, kSar = 0x0a, kCmp = 0x0b, kSmin = 0x0c,
                   kCat = 0x0d, kSx8 = 0x0e, kZx8 = 0x0f, kNeg = 0x10, kNot = 0x11, kSel = 0x12,
                   kInd = 0x13, kShl20 = 0x15, kSar20 = 0x16, kFold = 0x17, kWshl = 0x20, kWshr = 0x21,
                   kWsar = 0x22, kWudiv = 0x23, kWurem = 0x24, kWsdiv = 0x25, kWsrem = 0x26, kWsx = 0x27,
                   kWcat = 0x28, kWadd = 0x29, kSetlo = 0x30, kSethi = 0x31, kGetf = 0x32, kGethi = 0x33,
                   kGetlo = 0x34, kStop = 0x35, kSbot = 0x36, kGtop = 0x37, kGs = 0x38, kRdpc = 0x39,
                   kRdpcw = 0x3a, kChk = 0x40, kChk8 = 0x41, kSup = 0x42, kBoom = 0x43, kHalt = 0x44,
                   kSt = 0x45, kTwice = 0x46, kUser = 0x47, kMany = 0x50;

TEST_F(MachineCalc, RegisterFileEntriesAreSelectedByTheOperandFields) {
  for (unsigned i = 0; i < 8; ++i) set_x(i, 0x100 * (i + 1));
  run1(C(kAdd, 6, 2, 5));  // X6 = X2 + X5
  for (unsigned i = 0; i < 8; ++i) EXPECT_EQ(x(i), i == 6 ? 0x300u + 0x600u : 0x100u * (i + 1)) << i;
  run1(C(kSub, 0, 7, 1));  // X0 = X7 - X1
  EXPECT_EQ(x(0), 0x800u - 0x200u);
  EXPECT_EQ(x(6), 0x900u);
}

// Seven operand fields: more than the machine's decode cache keeps per instruction.
TEST_F(MachineCalc, InstructionsWithManyOperandFields) {
  auto many = [](uint64_t a, uint64_t b, uint64_t c, uint64_t e, uint64_t f, uint64_t g, uint64_t h) {
    return (kMany << 24) | (a << 21) | (b << 18) | (c << 15) | (e << 12) | (f << 9) | (g << 6) | (h << 3);
  };
  const uint64_t one = many(2, 1, 2, 3, 4, 5, 6), two = many(5, 7, 6, 5, 4, 3, 1);
  for (int round = 0; round < 3; ++round) {
    SCOPED_TRACE(round);
    set_x(2, 0);
    set_x(5, 0);
    run1(one);
    EXPECT_EQ(x(2), ((1u << 12) | (2u << 9) | (3u << 6) | (4u << 3) | 5u) + 6u);
    EXPECT_EQ(x(5), 0u);
    run1(two);
    EXPECT_EQ(x(5), ((7u << 12) | (6u << 9) | (5u << 6) | (4u << 3) | 3u) + 1u);
  }
}

TEST_F(MachineCalc, RegisterFileIndexedByARegisterValue) {
  for (unsigned i = 0; i < 8; ++i) set_x(i, 0x1000 + i);
  set_x(1, 0xfff5);  // low three bits: 5
  run1(C(kInd, 2, 1, 0));
  EXPECT_EQ(x(2), 0x1005u);
}

TEST_F(MachineCalc, ArithmeticWrapsAtTheRegisterWidth) {
  EXPECT_EQ(bin(kAdd, 0xffff, 2), 1u);
  EXPECT_EQ(bin(kAdd, 0x8000, 0x8000), 0u);
  EXPECT_EQ(bin(kSub, 0, 1), 0xffffu);
  EXPECT_EQ(bin(kSub, 5, 7), 0xfffeu);
  EXPECT_EQ(bin(kMul, 0x1234, 0x100), 0x3400u);
  EXPECT_EQ(bin(kMul, 0xffff, 0xffff), 1u);  // (-1) * (-1)
  EXPECT_EQ(bin(kMul, 300, 300), 90000u & 0xffff);
  set_x(1, 1);
  run1(C(kNeg, 3, 1));
  EXPECT_EQ(x(3), 0xffffu);
  set_x(1, 0x8000);
  run1(C(kNeg, 3, 1));
  EXPECT_EQ(x(3), 0x8000u);
  set_x(1, 0x0f0f);
  run1(C(kNot, 3, 1));
  EXPECT_EQ(x(3), 0xf0f0u);
}

TEST_F(MachineCalc, SixtyFourBitAdditionWraps) {
  EXPECT_EQ(wbin(kWadd, ~uint64_t{0}, 3), 2u);
  EXPECT_EQ(wbin(kWadd, uint64_t{1} << 63, uint64_t{1} << 63), 0u);
}

TEST_F(MachineCalc, UnsignedDivisionAndRemainderFollowSmtLib) {
  EXPECT_EQ(bin(kUdiv, 100, 7), 14u);
  EXPECT_EQ(bin(kUrem, 100, 7), 2u);
  EXPECT_EQ(bin(kUdiv, 0xfffe, 0xffff), 0u);  // unsigned: no sign
  EXPECT_EQ(bin(kUrem, 0xfffe, 0xffff), 0xfffeu);
  EXPECT_EQ(bin(kUdiv, 0x8000, 2), 0x4000u);
  EXPECT_EQ(bin(kUdiv, 1234, 0), 0xffffu);  // x / 0 = all ones
  EXPECT_EQ(bin(kUdiv, 0, 0), 0xffffu);
  EXPECT_EQ(bin(kUrem, 1234, 0), 1234u);    // x % 0 = x
  EXPECT_EQ(bin(kUrem, 0, 0), 0u);
}

TEST_F(MachineCalc, SignedDivisionAndRemainderFollowSmtLib) {
  auto s = [](int v) { return static_cast<uint64_t>(static_cast<uint16_t>(static_cast<int16_t>(v))); };
  // Truncating division; the remainder takes the sign of the dividend (bvsdiv, bvsrem).
  EXPECT_EQ(bin(kSdiv, s(7), s(2)), s(3));
  EXPECT_EQ(bin(kSdiv, s(-7), s(2)), s(-3));
  EXPECT_EQ(bin(kSdiv, s(7), s(-2)), s(-3));
  EXPECT_EQ(bin(kSdiv, s(-7), s(-2)), s(3));
  EXPECT_EQ(bin(kSrem, s(7), s(2)), s(1));
  EXPECT_EQ(bin(kSrem, s(-7), s(2)), s(-1));
  EXPECT_EQ(bin(kSrem, s(7), s(-2)), s(1));
  EXPECT_EQ(bin(kSrem, s(-7), s(-2)), s(-1));
  // The most negative value divided by -1 overflows back to itself.
  EXPECT_EQ(bin(kSdiv, 0x8000, s(-1)), 0x8000u);
  EXPECT_EQ(bin(kSrem, 0x8000, s(-1)), 0u);
  // Division by zero: -1 for a non-negative dividend, 1 for a negative one; x %_s 0 = x.
  EXPECT_EQ(bin(kSdiv, s(5), 0), 0xffffu);
  EXPECT_EQ(bin(kSdiv, 0, 0), 0xffffu);
  EXPECT_EQ(bin(kSdiv, s(-5), 0), 1u);
  EXPECT_EQ(bin(kSdiv, 0x8000, 0), 1u);
  EXPECT_EQ(bin(kSrem, s(5), 0), s(5));
  EXPECT_EQ(bin(kSrem, s(-5), 0), s(-5));
}

TEST_F(MachineCalc, SixtyFourBitDivisionFollowsSmtLib) {
  const uint64_t ones = ~uint64_t{0}, min = uint64_t{1} << 63;
  EXPECT_EQ(wbin(kWudiv, ones, 2), ones >> 1);
  EXPECT_EQ(wbin(kWurem, ones, 10), 5u);  // 18446744073709551615 = 10 * ... + 5
  EXPECT_EQ(wbin(kWudiv, 12345, 0), ones);
  EXPECT_EQ(wbin(kWurem, 12345, 0), 12345u);
  EXPECT_EQ(wbin(kWsdiv, min, ones), min);  // INT64_MIN / -1
  EXPECT_EQ(wbin(kWsrem, min, ones), 0u);
  EXPECT_EQ(wbin(kWsdiv, static_cast<uint64_t>(-7), 2), static_cast<uint64_t>(-3));
  EXPECT_EQ(wbin(kWsrem, static_cast<uint64_t>(-7), 2), static_cast<uint64_t>(-1));
  EXPECT_EQ(wbin(kWsdiv, 7, 0), ones);
  EXPECT_EQ(wbin(kWsdiv, static_cast<uint64_t>(-7), 0), 1u);
  EXPECT_EQ(wbin(kWsrem, static_cast<uint64_t>(-7), 0), static_cast<uint64_t>(-7));
  EXPECT_EQ(wbin(kWsdiv, min, 0), 1u);
}

TEST_F(MachineCalc, ShiftsByTheWidthOrMoreFollowSmtLib) {
  EXPECT_EQ(bin(kShl, 0x8001, 1), 0x0002u);
  EXPECT_EQ(bin(kShl, 0x0001, 15), 0x8000u);
  EXPECT_EQ(bin(kShl, 0x0001, 16), 0u);
  EXPECT_EQ(bin(kShl, 0xffff, 17), 0u);
  EXPECT_EQ(bin(kShl, 0xffff, 0xffff), 0u);
  EXPECT_EQ(bin(kShl, 0x1234, 0), 0x1234u);
  EXPECT_EQ(bin(kShr, 0x8000, 15), 1u);
  EXPECT_EQ(bin(kShr, 0xffff, 4), 0x0fffu);  // logical: zero fill
  EXPECT_EQ(bin(kShr, 0xffff, 16), 0u);
  EXPECT_EQ(bin(kShr, 0xffff, 0x8000), 0u);
  EXPECT_EQ(bin(kSar, 0x8000, 4), 0xf800u);  // arithmetic: sign fill
  EXPECT_EQ(bin(kSar, 0x8000, 15), 0xffffu);
  EXPECT_EQ(bin(kSar, 0x8000, 16), 0xffffu);
  EXPECT_EQ(bin(kSar, 0x8000, 0xffff), 0xffffu);
  EXPECT_EQ(bin(kSar, 0x7fff, 14), 1u);
  EXPECT_EQ(bin(kSar, 0x7fff, 16), 0u);
  EXPECT_EQ(bin(kSar, 0x7fff, 0xffff), 0u);
  // A literal shift amount wider than the value.
  set_x(1, 0xffff);
  run1(C(kShl20, 3, 1));
  EXPECT_EQ(x(3), 0u);
  run1(C(kSar20, 3, 1));
  EXPECT_EQ(x(3), 0xffffu);
  set_x(1, 0x7fff);
  run1(C(kSar20, 3, 1));
  EXPECT_EQ(x(3), 0u);
}

TEST_F(MachineCalc, SixtyFourBitShiftsByTheWidthOrMore) {
  const uint64_t ones = ~uint64_t{0}, min = uint64_t{1} << 63;
  EXPECT_EQ(wbin(kWshl, 1, 63), min);
  EXPECT_EQ(wbin(kWshl, ones, 1), ones - 1);
  EXPECT_EQ(wbin(kWshl, ones, 64), 0u);
  EXPECT_EQ(wbin(kWshl, ones, 65), 0u);
  EXPECT_EQ(wbin(kWshl, ones, uint64_t{1} << 32), 0u);
  EXPECT_EQ(wbin(kWshl, ones, ones), 0u);
  EXPECT_EQ(wbin(kWshr, min, 63), 1u);
  EXPECT_EQ(wbin(kWshr, ones, 64), 0u);
  EXPECT_EQ(wbin(kWshr, ones, ones), 0u);
  EXPECT_EQ(wbin(kWsar, min, 4), 0xf800000000000000u);
  EXPECT_EQ(wbin(kWsar, min, 63), ones);
  EXPECT_EQ(wbin(kWsar, min, 64), ones);
  EXPECT_EQ(wbin(kWsar, min, ones), ones);
  EXPECT_EQ(wbin(kWsar, ones >> 1, 64), 0u);
  EXPECT_EQ(wbin(kWsar, ones >> 1, 62), 1u);
}

TEST_F(MachineCalc, ConstantFoldingAgreesWithSmtLib) {
  // (0x8000 >>_s 17) ^ (0x8000 /_s 0) ^ (0x8000 % 0) = 0xffff ^ 1 ^ 0x8000
  run1(C(kFold, 4));
  EXPECT_EQ(x(4), 0xffffu ^ 1u ^ 0x8000u);
}

TEST_F(MachineCalc, ComparisonsSignedAndUnsigned) {
  // Bits, most significant first: <, <=, >, >=, <_s, <=_s, >_s, >=_s, ==, !=.
  auto bits = [](bool lt, bool le, bool gt, bool ge, bool slt, bool sle, bool sgt, bool sge, bool eq, bool ne) {
    return uint64_t{lt} << 9 | uint64_t{le} << 8 | uint64_t{gt} << 7 | uint64_t{ge} << 6 | uint64_t{slt} << 5 |
           uint64_t{sle} << 4 | uint64_t{sgt} << 3 | uint64_t{sge} << 2 | uint64_t{eq} << 1 | uint64_t{ne};
  };
  EXPECT_EQ(bin(kCmp, 1, 2), bits(1, 1, 0, 0, 1, 1, 0, 0, 0, 1));
  EXPECT_EQ(bin(kCmp, 2, 1), bits(0, 0, 1, 1, 0, 0, 1, 1, 0, 1));
  EXPECT_EQ(bin(kCmp, 5, 5), bits(0, 1, 0, 1, 0, 1, 0, 1, 1, 0));
  EXPECT_EQ(bin(kCmp, 0xffff, 1), bits(0, 0, 1, 1, 1, 1, 0, 0, 0, 1));       // -1 vs 1
  EXPECT_EQ(bin(kCmp, 0x7fff, 0x8000), bits(1, 1, 0, 0, 0, 0, 1, 1, 0, 1));  // max vs min
}

TEST_F(MachineCalc, IfThenElseExpressions) {
  EXPECT_EQ(bin(kSmin, 3, 9), 3u);
  EXPECT_EQ(bin(kSmin, 9, 3), 3u);
  EXPECT_EQ(bin(kSmin, 0xfff0, 3), 0xfff0u);  // -16 < 3
  EXPECT_EQ(bin(kSmin, 3, 0xfff0), 0xfff0u);
  for (auto [in, out] : {std::pair<uint64_t, uint64_t>{0, 0x1111}, {1, 0x2222}, {2, 0x3333}, {0xffff, 0x3333}}) {
    set_x(1, in);
    run1(C(kSel, 3, 1));
    EXPECT_EQ(x(3), out) << in;
  }
}

TEST_F(MachineCalc, SignAndZeroExtension) {
  set_x(1, 0x1280);
  run1(C(kSx8, 3, 1));
  EXPECT_EQ(x(3), 0xff80u);
  run1(C(kZx8, 4, 1));
  EXPECT_EQ(x(4), 0x0080u);
  set_x(1, 0xff7f);
  run1(C(kSx8, 3, 1));
  EXPECT_EQ(x(3), 0x007fu);
  run1(C(kZx8, 4, 1));
  EXPECT_EQ(x(4), 0x007fu);
  set_x(1, 0x8000);
  run1(C(kWsx, 2, 1));
  EXPECT_EQ(w(2), 0xffffffffffff8000u);
  set_x(1, 0x7fff);
  run1(C(kWsx, 2, 1));
  EXPECT_EQ(w(2), 0x7fffu);
}

TEST_F(MachineCalc, Concatenation) {
  EXPECT_EQ(bin(kCat, 0x1234, 0xabcd), 0x34abu);
  set_x(1, 0x1234);
  set_x(2, 0xabcd);
  run1(C(kWcat, 1, 1, 2));
  EXPECT_EQ(w(1), 0x1234abcd1234abcdu);
}

TEST_F(MachineCalc, RegisterFieldsAreWrittenAloneAndReadBack) {
  EXPECT_EQ(mc().reg(reg("F")), 0xabcdu);  // reset value
  set_x(1, 0x5512);
  run1(C(kSetlo, 0, 1));
  EXPECT_EQ(mc().reg(reg("F")), 0xab12u);
  run1(C(kGetlo, 2));
  EXPECT_EQ(x(2), 0x12u);
  run1(C(kGethi, 3));
  EXPECT_EQ(x(3), 0xabu);
  set_x(1, 0x0034);
  run1(C(kSethi, 0, 1));
  EXPECT_EQ(mc().reg(reg("F")), 0x3412u);
  run1(C(kGethi, 3));
  EXPECT_EQ(x(3), 0x34u);
  run1(C(kGetlo, 2));
  EXPECT_EQ(x(2), 0x12u);
  run1(C(kGetf, 4));
  EXPECT_EQ(x(4), 0x3412u);
  // A field read after the whole register is set from outside.
  mc().set_reg(reg("F"), 0x9876);
  run1(C(kGethi, 3));
  EXPECT_EQ(x(3), 0x98u);
}

TEST_F(MachineCalc, FieldsOfRegisterFileEntries) {
  for (unsigned i = 0; i < 4; ++i) mc().set_reg(reg("S"), 0x0ff0, i);
  set_x(1, 0xfffa);
  run1(C(kStop, 2, 1));  // S[2].top = 0xa
  set_x(1, 0x0005);
  run1(C(kSbot, 2, 1));  // S[2].bot = 5
  EXPECT_EQ(mc().reg(reg("S"), 2), 0xaff5u);
  for (unsigned i : {0u, 1u, 3u}) EXPECT_EQ(mc().reg(reg("S"), i), 0x0ff0u) << i;
  run1(C(kGtop, 3, 2));
  EXPECT_EQ(x(3), 0xau);
  run1(C(kGs, 4, 2));
  EXPECT_EQ(x(4), 0xaff5u);
  run1(C(kGtop, 3, 1));
  EXPECT_EQ(x(3), 0u);
}

// The pc has declared fields; reading them must see the pc as advanced by earlier steps.
TEST_F(MachineCalc, PcFieldsFollowTheAdvancingPc) {
  mc().set_mem(0, 0x20, C(kAdd, 0, 0, 0));
  mc().set_mem(0, 0x21, C(kAdd, 0, 0, 0));
  mc().set_mem(0, 0x22, C(kRdpcw, 1));
  mc().set_mem(0, 0x23, C(kRdpc, 2));
  mc().set_reg(m().pc_reg, 0x20);
  for (int i = 0; i < 4; ++i) ASSERT_EQ(mc().step().kind, Outcome::Completed);
  EXPECT_EQ(x(1), 0x22u);
  EXPECT_EQ(x(2), 0x23u);
}

TEST_F(MachineCalc, RequireWithAnArgumentReachesTheTrapEntry) {
  set_x(1, 0x4321);
  set_x(2, 0x4321);
  mc().set_reg(m().pc_reg, 0x10);
  mc().set_mem(0, 0x10, C(kChk, 0, 1, 2));
  EXPECT_EQ(mc().step().kind, Outcome::Completed);  // equal: passes
  EXPECT_EQ(mc().pc(), 0x11u);

  set_x(2, 0x4322);
  mc().set_mem(0, 0x11, C(kChk, 0, 1, 2));
  Outcome o = mc().execute();
  ASSERT_EQ(o.kind, Outcome::Trapped);
  EXPECT_EQ(m().traps[o.cause].name, "oops");
  EXPECT_EQ(o.arg, 0x4321u);
  EXPECT_FALSE(o.memory);
  EXPECT_EQ(o.insn, m().find_insn("chk"));
  mc().enter_trap(o);
  EXPECT_EQ(mc().reg(reg("TC")), 5u);  // the cause's code, not its index
  EXPECT_EQ(mc().reg(reg("TA")), 0x4321u);
  EXPECT_EQ(mc().reg(reg("TP")), 0x11u);
  EXPECT_EQ(mc().pc(), 0xf0u);
}

TEST_F(MachineCalc, ANarrowTrapArgumentIsZeroExtended) {
  set_x(1, 0x01f0);
  mc().set_mem(0, 0x10, C(kChk8, 0, 1));
  mc().set_reg(m().pc_reg, 0x10);
  Outcome o = mc().step();
  ASSERT_EQ(o.kind, Outcome::Trapped);
  EXPECT_EQ(o.arg, 0xf0u);
  EXPECT_EQ(mc().reg(reg("TA")), 0xf0u);
  set_x(1, 0x00f0);
  run1(C(kChk8, 0, 1));
}

TEST_F(MachineCalc, RequireWithoutACauseRaisesTheDefaultTrap) {
  set_x(3, 1);
  run1(C(kSup, 3));
  EXPECT_EQ(x(3), 0x5555u);
  run1(C(kUser));
  EXPECT_EQ(mc().mode(), 1u);
  set_x(3, 1);
  mc().set_mem(0, 0x10, C(kSup, 3));
  mc().set_reg(m().pc_reg, 0x10);
  Outcome o = mc().step();
  ASSERT_EQ(o.kind, Outcome::Trapped);
  EXPECT_EQ(m().traps[o.cause].name, "priv");
  EXPECT_EQ(static_cast<int>(o.cause), m().default_trap);
  EXPECT_EQ(o.arg, 0u);
  EXPECT_EQ(x(3), 1u);
  EXPECT_EQ(mc().reg(reg("TC")), 2u);
  EXPECT_EQ(mc().reg(reg("TA")), 0u);
}

TEST_F(MachineCalc, HaltStopsTheMachine) {
  mc().set_mem(0, 0, C(kAdd, 1, 1, 1));
  mc().set_mem(0, 1, C(kHalt));
  mc().set_mem(0, 2, C(kAdd, 1, 1, 1));
  set_x(1, 3);
  auto r = mc().run(100);
  EXPECT_TRUE(r.halted);
  EXPECT_EQ(r.steps, 2u);
  EXPECT_EQ(r.last.kind, Outcome::Halted);
  EXPECT_EQ(r.last.insn, m().find_insn("halt"));
  EXPECT_EQ(x(1), 6u);  // the add after halt did not run
}

TEST_F(MachineCalc, UndefinedOpcodeRaisesTheUndefinedTrap) {
  mc().set_mem(0, 0x10, uint64_t{0x7f} << 24);
  mc().set_reg(m().pc_reg, 0x10);
  Outcome o = mc().step();
  ASSERT_EQ(o.kind, Outcome::Trapped);
  EXPECT_EQ(m().traps[o.cause].name, "undef");
  EXPECT_EQ(o.insn, -1);
  EXPECT_EQ(mc().reg(reg("TC")), 3u);
  EXPECT_EQ(mc().reg(reg("TP")), 0x10u);
  // Nonzero bits where the encoding has zeros.
  mc().set_mem(0, 0x11, C(kAdd, 1, 2, 3) | 1);
  mc().set_reg(m().pc_reg, 0x11);
  o = mc().execute();
  ASSERT_EQ(o.kind, Outcome::Trapped);
  EXPECT_EQ(m().traps[o.cause].name, "undef");
}

// An instruction that writes a register, a register field's register, memory and
// the pc, then traps: everything is rolled back, including what the fields read.
TEST_F(MachineCalc, RollbackRestoresEverythingTheTrappingInstructionWrote) {
  set_x(1, 0x1234);   // s: the new F, and the address 0x34
  set_x(2, 0x0999);   // d
  set_x(3, 1);        // t != 0: trap
  mc().set_mem(0, 0x34, 0x77);
  mc().set_mem(0, 0x10, C(kBoom, 2, 1, 3));
  mc().set_reg(m().pc_reg, 0x10);
  Outcome o = mc().execute();
  ASSERT_EQ(o.kind, Outcome::Trapped);
  EXPECT_EQ(m().traps[o.cause].name, "oops");
  EXPECT_EQ(o.arg, 0x34u);  // computed from F as the instruction had set it
  EXPECT_EQ(mc().reg(reg("F")), 0xabcdu);
  EXPECT_EQ(x(2), 0x999u);
  EXPECT_EQ(mc().mem(0, 0x34), 0x77u);
  EXPECT_EQ(mc().pc(), 0x10u);
  EXPECT_TRUE(mc().changes().empty());
  mc().enter_trap(o);
  EXPECT_EQ(mc().reg(reg("TP")), 0x10u);  // the trap entry sees the restored pc
  EXPECT_EQ(mc().reg(reg("TA")), 0x34u);
  // Fields read through the restored register, not the rolled-back value.
  mc().set_mem(0, 0x20, C(kGethi, 4));
  mc().set_mem(0, 0x21, C(kGetlo, 5));
  mc().set_reg(m().pc_reg, 0x20);
  ASSERT_EQ(mc().step().kind, Outcome::Completed);
  ASSERT_EQ(mc().step().kind, Outcome::Completed);
  EXPECT_EQ(x(4), 0xabu);
  EXPECT_EQ(x(5), 0xcdu);

  // Without the trap every write lands, and the written pc is not advanced.
  set_x(3, 0);
  mc().set_reg(m().pc_reg, 0x10);
  o = mc().execute();
  ASSERT_EQ(o.kind, Outcome::Completed);
  EXPECT_EQ(mc().reg(reg("F")), 0x1234u);
  EXPECT_EQ(x(2), 7u);
  EXPECT_EQ(mc().mem(0, 0x34), 0x1234u);
  EXPECT_EQ(mc().pc(), 0x33u);
}

TEST_F(MachineCalc, ChangesListRegisterFileEntriesMemoryAndRepeats) {
  const unsigned X = reg("X");
  set_x(5, 0x40);
  set_x(6, 0x1234);
  mc().set_mem(0, 0x40, 0xdead);
  run1(C(kSt, 0, 6, 5), 0x10);  // M[X5] = X6
  {
    auto ch = mc().changes();
    ASSERT_EQ(ch.size(), 2u);
    EXPECT_TRUE(ch[0].memory);
    EXPECT_EQ(mc().locate(ch[0].loc), (std::pair<unsigned, uint64_t>{0, 0x40}));
    EXPECT_EQ(ch[0].before, 0xdeadu);
    EXPECT_FALSE(ch[1].memory);
    EXPECT_EQ(mc().reg_of_cell(ch[1].loc), (std::pair<unsigned, unsigned>{m().pc_reg, 0}));
    EXPECT_EQ(ch[1].before, 0x10u);
  }
  set_x(4, 10);
  run1(C(kTwice, 4), 0x11);
  {
    auto ch = mc().changes();
    ASSERT_EQ(ch.size(), 3u);
    EXPECT_EQ(mc().reg_of_cell(ch[0].loc), (std::pair<unsigned, unsigned>{X, 4}));
    EXPECT_EQ(ch[0].before, 10u);
    EXPECT_EQ(mc().reg_of_cell(ch[1].loc), (std::pair<unsigned, unsigned>{X, 4}));
    EXPECT_EQ(ch[1].before, 11u);
    EXPECT_EQ(mc().reg_of_cell(ch[2].loc), (std::pair<unsigned, unsigned>{m().pc_reg, 0}));
    EXPECT_EQ(x(4), 12u);
  }
  set_x(1, 0x77);
  run1(C(kSetlo, 0, 1), 0x12);
  {
    auto ch = mc().changes();
    ASSERT_EQ(ch.size(), 2u);
    EXPECT_FALSE(ch[0].memory);
    EXPECT_EQ(mc().reg_of_cell(ch[0].loc), (std::pair<unsigned, unsigned>{reg("F"), 0}));
    EXPECT_EQ(ch[0].before, 0xabcdu);  // the whole register as it was
  }
}

// ---- byte memory: multi-unit accesses, byte order, wrap-around, wide fetch ----------

std::string bytes_model(const char* endian) {
  return std::string(R"(
machine bytes "machine test: byte memory"
word 32
memory M[256] : 8 )") + endian + R"(
modes k = 0
register pc : 8 pc reset 0
register A[4] : 32
register TC : 2
trap undef = 1
undefined trap undef
trap entry (cause : 2, arg : 8) {
  TC = cause
  pc = 0x80
}
fetch (i : 8) -> 32 { return M[pc + i, 4] }
insn lw   0x01 d:2 s:2 00000000000000000000 "lw {d}, {s}"   { A[d] = M[A[s][7:0], 4] }
insn sw   0x02 d:2 s:2 00000000000000000000 "sw {d}, {s}"   { M[A[d][7:0], 4] = A[s] }
insn lh   0x03 d:2 s:2 00000000000000000000 "lh {d}, {s}"   { A[d] = zext(M[A[s][7:0], 2], 32) }
insn sh   0x04 d:2 s:2 00000000000000000000 "sh {d}, {s}"   { M[A[d][7:0], 2] = A[s][15:0] }
insn lb   0x05 d:2 s:2 00000000000000000000 "lb {d}, {s}"   { A[d] = zext(M[A[s][7:0]], 32) }
insn halt 0xff 000000000000000000000000         "halt"        { halt }
)";
}

uint64_t B(uint64_t op, uint64_t d, uint64_t s) { return (op << 24) | (d << 22) | (s << 20); }

class MachineBytes : public ::testing::TestWithParam<bool> {  // true: little endian
protected:
  void SetUp() override {
    little_ = GetParam();
    model_ = test::load_text(bytes_model(little_ ? "little" : "big"), "bytes.isa");
    ASSERT_TRUE(model_);
    mc_ = std::make_unique<Machine>(model_);
    A_ = static_cast<unsigned>(model_->find_reg("A"));
  }
  // Stores a 32-bit instruction at `at` in the memory's byte order, by hand.
  void code(uint64_t at, uint64_t insn) {
    for (unsigned i = 0; i < 4; ++i) {
      unsigned shift = little_ ? 8 * i : 8 * (3 - i);
      mc_->set_mem(0, (at + i) & 0xff, (insn >> shift) & 0xff);
    }
  }
  uint64_t mem(uint64_t a) const { return mc_->mem(0, a); }
  void bytes(uint64_t at, std::initializer_list<uint64_t> v) {
    for (uint64_t b : v) mc_->set_mem(0, (at++) & 0xff, b);
  }
  Outcome exec_at(uint64_t at, uint64_t insn) {
    code(at, insn);
    mc_->set_reg(model_->pc_reg, at);
    Outcome o = mc_->step();
    EXPECT_EQ(o.kind, Outcome::Completed);
    return o;
  }
  bool little_ = true;
  std::shared_ptr<const model::Model> model_;
  std::unique_ptr<Machine> mc_;
  unsigned A_ = 0;
};

TEST_P(MachineBytes, FetchReadsFourBytesAndAdvancesByFour) {
  EXPECT_EQ(model_->fetch_step, 4u);
  EXPECT_EQ(model_->fetch_unit, 32u);
  bytes(0x10, {0x11, 0x22, 0x33, 0x44});
  mc_->set_reg(A_, 0x10, 1);
  mc_->set_reg(A_, 0x10, 2);
  code(0x40, B(0x01, 0, 1));  // lw A0, A1
  code(0x44, B(0x05, 3, 2));  // lb A3, A2
  code(0x48, B(0x03, 2, 1));  // lh A2, A1
  code(0x4c, B(0xff, 0, 0));
  mc_->set_reg(model_->pc_reg, 0x40);
  Outcome o = mc_->step();
  ASSERT_EQ(o.kind, Outcome::Completed);
  EXPECT_EQ(o.insn, model_->find_insn("lw"));
  EXPECT_EQ(o.units, 1u);
  EXPECT_EQ(static_cast<uint64_t>(o.raw), B(0x01, 0, 1));
  EXPECT_EQ(mc_->pc(), 0x44u);
  ASSERT_EQ(mc_->step().kind, Outcome::Completed);
  EXPECT_EQ(mc_->pc(), 0x48u);
  ASSERT_EQ(mc_->step().kind, Outcome::Completed);
  EXPECT_EQ(mc_->pc(), 0x4cu);
  EXPECT_EQ(mc_->step().kind, Outcome::Halted);
  EXPECT_EQ(mc_->reg(A_, 0), little_ ? 0x44332211u : 0x11223344u);
  EXPECT_EQ(mc_->reg(A_, 3), 0x11u);
  EXPECT_EQ(mc_->reg(A_, 2), little_ ? 0x2211u : 0x1122u);
}

TEST_P(MachineBytes, MultiByteStoresUseTheMemorysByteOrder) {
  bytes(0x1f, {0xee, 0, 0, 0, 0, 0xee});
  mc_->set_reg(A_, 0x20, 1);
  mc_->set_reg(A_, 0xaabbccdd, 2);
  exec_at(0x40, B(0x02, 1, 2));  // sw A1, A2
  std::vector<uint64_t> want = little_ ? std::vector<uint64_t>{0xdd, 0xcc, 0xbb, 0xaa}
                                       : std::vector<uint64_t>{0xaa, 0xbb, 0xcc, 0xdd};
  for (unsigned i = 0; i < 4; ++i) EXPECT_EQ(mem(0x20 + i), want[i]) << i;
  EXPECT_EQ(mem(0x1f), 0xeeu);
  EXPECT_EQ(mem(0x24), 0xeeu);
  // The change log holds the four bytes, then the pc.
  auto ch = mc_->changes();
  ASSERT_EQ(ch.size(), 5u);
  for (unsigned i = 0; i < 4; ++i) {
    EXPECT_TRUE(ch[i].memory);
    EXPECT_EQ(ch[i].before, 0u);
  }
  EXPECT_FALSE(ch[4].memory);

  mc_->set_reg(A_, 0x30, 1);
  mc_->set_reg(A_, 0x12345678, 2);
  exec_at(0x44, B(0x04, 1, 2));  // sh A1, A2: the low half only
  EXPECT_EQ(mem(0x30), little_ ? 0x78u : 0x56u);
  EXPECT_EQ(mem(0x31), little_ ? 0x56u : 0x78u);
  EXPECT_EQ(mem(0x32), 0u);
  // Round trip.
  mc_->set_reg(A_, 0x20, 3);
  exec_at(0x48, B(0x01, 0, 3));
  EXPECT_EQ(mc_->reg(A_, 0), 0xaabbccddu);
}

TEST_P(MachineBytes, MultiByteAccessesWrapAroundTheEndOfMemory) {
  bytes(0xfe, {0x01, 0x02, 0x03, 0x04});  // 0xfe, 0xff, 0x00, 0x01
  mc_->set_reg(A_, 0xfe, 1);
  exec_at(0x40, B(0x01, 0, 1));  // lw A0, A1
  EXPECT_EQ(mc_->reg(A_, 0), little_ ? 0x04030201u : 0x01020304u);

  mc_->set_reg(A_, 0xff, 1);
  mc_->set_reg(A_, 0xa1b2c3d4, 2);
  exec_at(0x44, B(0x02, 1, 2));  // sw A1, A2 at 0xff, 0x00, 0x01, 0x02
  std::vector<uint64_t> want = little_ ? std::vector<uint64_t>{0xd4, 0xc3, 0xb2, 0xa1}
                                       : std::vector<uint64_t>{0xa1, 0xb2, 0xc3, 0xd4};
  EXPECT_EQ(mem(0xff), want[0]);
  EXPECT_EQ(mem(0x00), want[1]);
  EXPECT_EQ(mem(0x01), want[2]);
  EXPECT_EQ(mem(0x02), want[3]);
  EXPECT_EQ(mem(0xfe), 0x01u);
  EXPECT_EQ(mem(0x03), 0u);
}

TEST_P(MachineBytes, AnInstructionMayWrapAroundTheEndOfMemory) {
  mc_->set_reg(A_, 0x10, 1);
  bytes(0x10, {0x5a});
  code(0xfe, B(0x05, 0, 1));  // lb A0, A1 at 0xfe..0x01
  mc_->set_reg(model_->pc_reg, 0xfe);
  Outcome o = mc_->step();
  ASSERT_EQ(o.kind, Outcome::Completed);
  EXPECT_EQ(o.insn, model_->find_insn("lb"));
  EXPECT_EQ(mc_->reg(A_, 0), 0x5au);
  EXPECT_EQ(mc_->pc(), 0x02u);
}

TEST_P(MachineBytes, AnUnknownOpcodeTraps) {
  code(0x40, B(0x06, 0, 0));
  mc_->set_reg(model_->pc_reg, 0x40);
  Outcome o = mc_->step();
  ASSERT_EQ(o.kind, Outcome::Trapped);
  EXPECT_EQ(model_->traps[o.cause].name, "undef");
  EXPECT_EQ(mc_->reg(static_cast<unsigned>(model_->find_reg("TC"))), 1u);
  EXPECT_EQ(mc_->pc(), 0x80u);
}

INSTANTIATE_TEST_SUITE_P(Machine, MachineBytes, ::testing::Values(true, false),
                         [](const ::testing::TestParamInfo<bool>& i) { return i.param ? "Little" : "Big"; });

// ---- variable-length instructions -----------------------------------------------------

const char* kVar = R"(
machine var "machine test: instructions of one, two and three bytes"
word 8
memory M[256] : 8
modes k = 0
register pc : 8 pc reset 0
register A : 8
register TC : 2
register TP : 8
trap undef = 1
undefined trap undef
trap entry (cause : 2, arg : 8) {
  TC = cause
  TP = pc
  pc = 0xf0
}
fetch (i : 8) -> 8 { return M[pc + i] }
insn inc  0x01          "inc"        { A = A + 1 }
insn li   0x02 imm:8    "li {imm}"   { A = imm }
insn addi 0x03 imm:8    "addi {imm}" { A = A + imm }
insn inv  0x04 0x01     "inv"        { A = ~A }
insn jmp  0x05 t:8      "jmp {t}"    { pc = t }
insn mix  0x06 x:16     "mix {x}"    { A = x[15:8] ^ x[7:0] }
insn halt 0xff          "halt"       { halt }
)";

// The same instructions behind a fetch limit: reading a byte past LIM is a memory trap.
const char* kVarLimited = R"(
machine varlim "machine test: variable length with a fetch limit"
word 8
memory M[256] : 8
modes k = 0
register pc : 8 pc reset 0
register A : 8
register LIM : 8 reset 0x10
register TC : 2
register TP : 8
trap undef = 1
trap fault = 2
undefined trap undef
trap entry (cause : 2, arg : 8) {
  TC = cause
  TP = pc
  pc = 0xf0
}
function translate(a : 8) -> 8 {
  if a > LIM { trap fault }
  return a
}
fetch (i : 8) -> 8 { return M[translate(pc + i)] }
insn inc  0x01          "inc"        { A = A + 1 }
insn li   0x02 imm:8    "li {imm}"   { A = imm }
insn mix  0x06 x:16     "mix {x}"    { A = x[15:8] ^ x[7:0] }
)";

class MachineVariable : public ::testing::Test {
protected:
  void SetUp() override {
    model_ = test::load_text(kVar, "var.isa");
    ASSERT_TRUE(model_);
    mc_ = std::make_unique<Machine>(model_);
  }
  void bytes(uint64_t at, std::initializer_list<uint64_t> v) {
    for (uint64_t b : v) mc_->set_mem(0, (at++) & 0xff, b);
  }
  uint64_t a() const { return mc_->reg(static_cast<unsigned>(model_->find_reg("A"))); }
  uint64_t r(const char* n) const { return mc_->reg(static_cast<unsigned>(model_->find_reg(n))); }
  std::shared_ptr<const model::Model> model_;
  std::unique_ptr<Machine> mc_;
};

TEST_F(MachineVariable, DecodesInstructionsOfEveryLength) {
  EXPECT_EQ(model_->max_insn_units(), 3u);
  // Operand bytes that look like opcodes (0x01 is inc, 0x05 is jmp) are operands.
  bytes(0x00, {0x02, 0x05,         // li 5
               0x01,               // inc
               0x03, 0x01,         // addi 1
               0x04, 0x01,         // inv
               0x06, 0x12, 0x34,   // mix 0x1234
               0x05, 0x20,         // jmp 0x20
               0x01});             // inc (skipped)
  bytes(0x20, {0xff});
  struct Step {
    const char* insn;
    unsigned units;
    uint64_t pc, a;
  } steps[] = {{"li", 2, 2, 5},   {"inc", 1, 3, 6},  {"addi", 2, 5, 7},
               {"inv", 2, 7, 0xf8}, {"mix", 3, 10, 0x26}, {"jmp", 2, 0x20, 0x26}};
  for (const Step& s : steps) {
    SCOPED_TRACE(s.insn);
    Outcome o = mc_->step();
    ASSERT_EQ(o.kind, Outcome::Completed);
    EXPECT_EQ(o.insn, model_->find_insn(s.insn));
    EXPECT_EQ(o.units, s.units);
    EXPECT_EQ(mc_->pc(), s.pc);
    EXPECT_EQ(a(), s.a);
  }
  Outcome o = mc_->step();
  EXPECT_EQ(o.kind, Outcome::Halted);
  EXPECT_EQ(o.units, 1u);
}

TEST_F(MachineVariable, AnInstructionMayWrapAroundTheEndOfMemory) {
  bytes(0xfe, {0x06, 0xf0, 0x0f});  // mix 0xf00f at 0xfe, 0xff, 0x00
  bytes(0x01, {0x01});
  mc_->set_reg(model_->pc_reg, 0xfe);
  Outcome o = mc_->step();
  ASSERT_EQ(o.kind, Outcome::Completed);
  EXPECT_EQ(o.units, 3u);
  EXPECT_EQ(a(), 0xffu);
  EXPECT_EQ(mc_->pc(), 0x01u);
  ASSERT_EQ(mc_->step().kind, Outcome::Completed);
  EXPECT_EQ(a(), 0x00u);
}

TEST_F(MachineVariable, UnknownBytesTrapWithTheUndefinedCause) {
  const struct {
    std::vector<uint64_t> code;
    const char* why;
  } cases[] = {
      {{0x00}, "opcode 0"},
      {{0x07}, "opcode 7"},
      {{0xfe}, "opcode 0xfe"},
      {{0x04, 0x02}, "inv's second byte must be 0x01"},
      {{0x04, 0x00}, "inv's second byte must be 0x01 (0)"},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.why);
    mc_->reset();
    bytes(0x00, {0x02, 0x33});  // li 0x33
    uint64_t at = 0x02;
    for (uint64_t b : c.code) bytes(at++, {b});
    ASSERT_EQ(mc_->step().kind, Outcome::Completed);
    Outcome o = mc_->execute();
    ASSERT_EQ(o.kind, Outcome::Trapped);
    EXPECT_EQ(model_->traps[o.cause].name, "undef");
    EXPECT_EQ(static_cast<int>(o.cause), model_->undefined_trap);
    EXPECT_EQ(o.insn, -1);
    EXPECT_FALSE(o.memory);
    EXPECT_EQ(mc_->pc(), 0x02u);
    EXPECT_EQ(a(), 0x33u);
    mc_->enter_trap(o);
    EXPECT_EQ(r("TC"), 1u);
    EXPECT_EQ(r("TP"), 0x02u);
    EXPECT_EQ(mc_->pc(), 0xf0u);
  }
}

// Decoding reads only as many bytes as the instruction needs: a byte no encoding
// starts with is undefined at once, even at the last fetchable address, while an
// instruction running past the limit takes the fetch's memory trap.
TEST(MachineVariableLimited, FetchesOnlyTheBytesAnInstructionNeeds) {
  auto m = test::load_text(kVarLimited, "varlim.isa");
  ASSERT_TRUE(m);
  const unsigned A = static_cast<unsigned>(m->find_reg("A")), TC = static_cast<unsigned>(m->find_reg("TC"));
  struct Case {
    std::vector<uint64_t> code;  // placed so that its first byte is at LIM = 0x10
    const char* trap;            // null: completes
    uint64_t a;
  } cases[] = {
      {{0x01}, nullptr, 1},          // inc at the limit
      {{0x09}, "undef", 0},          // unknown byte at the limit: undefined, no fetch past it
      {{0x02, 0x07}, "fault", 0},    // li needs a byte past the limit
      {{0x06, 0x01, 0x02}, "fault", 0},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(testing::Message() << "first byte " << c.code[0]);
    Machine mc(m);
    uint64_t at = 0x10;
    for (uint64_t b : c.code) mc.set_mem(0, at++, b);
    mc.set_reg(m->pc_reg, 0x10);
    Outcome o = mc.execute();
    if (!c.trap) {
      ASSERT_EQ(o.kind, Outcome::Completed);
      EXPECT_EQ(mc.reg(A), c.a);
      EXPECT_EQ(mc.pc(), 0x11u);
      continue;
    }
    ASSERT_EQ(o.kind, Outcome::Trapped);
    EXPECT_EQ(m->traps[o.cause].name, c.trap);
    EXPECT_EQ(o.memory, std::string(c.trap) == "fault");
    EXPECT_EQ(mc.pc(), 0x10u);
    mc.enter_trap(o);
    EXPECT_EQ(mc.reg(TC), std::string(c.trap) == "fault" ? 2u : 1u);
  }
  // Below the limit, the two- and three-byte instructions complete.
  Machine mc(m);
  mc.set_mem(0, 0x0d, 0x06);
  mc.set_mem(0, 0x0e, 0x0f);
  mc.set_mem(0, 0x0f, 0xf1);
  mc.set_reg(m->pc_reg, 0x0d);
  ASSERT_EQ(mc.execute().kind, Outcome::Completed);
  EXPECT_EQ(mc.reg(A), 0xfeu);
  EXPECT_EQ(mc.pc(), 0x10u);
}

} // namespace
} // namespace popek
