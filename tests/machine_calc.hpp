// The calc model and the MachineCalc fixture shared by machine_calc_test.cpp and
// machine_calc_traps_test.cpp: a machine with register files, fields and every operation.
#pragma once

#include "test_util.hpp"

#include <gtest/gtest.h>

#include <cstdint>
#include <memory>

namespace popek::test {

// Format of every instruction but ldi: op:8 | d:3 | s:3 | t:3 | 15 zero bits.
// W (64 bits) and S (fields) take their index from the low bits of d, s, t.
inline constexpr const char* kCalc = R"(
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

inline uint64_t C(uint64_t op, uint64_t d = 0, uint64_t s = 0, uint64_t t = 0) {
  return (op << 24) | (d << 21) | (s << 18) | (t << 15);
}

class MachineCalc : public ::testing::Test {
protected:
  static void SetUpTestSuite() { model_ = load_text(kCalc, "calc.isa"); }
  static void TearDownTestSuite() { model_.reset(); }
  void SetUp() override {
    ASSERT_TRUE(model_);
    mc_ = std::make_unique<machine::Machine>(model_);
    for (const char* n : {"X", "W", "F", "S", "TC", "TA", "TP"}) ASSERT_GE(m().find_reg(n), 0) << n;
  }
  const model::Model& m() const { return *model_; }
  machine::Machine& mc() { return *mc_; }
  unsigned reg(const char* n) const { return static_cast<unsigned>(m().find_reg(n)); }

  uint64_t x(unsigned i) const { return mc_->reg(reg("X"), i); }
  void set_x(unsigned i, uint64_t v) { mc_->set_reg(reg("X"), v, i); }
  uint64_t w(unsigned i) const { return mc_->reg(reg("W"), i); }
  void set_w(unsigned i, uint64_t v) { mc_->set_reg(reg("W"), v, i); }

  // Runs one instruction placed at pc 0x10; expects it to complete and returns X[d]... the caller reads.
  machine::Outcome run1(uint64_t insn, uint64_t at = 0x10) {
    mc_->set_mem(0, at, insn);
    mc_->set_reg(m().pc_reg, at);
    machine::Outcome o = mc_->step();
    EXPECT_EQ(o.kind, machine::Outcome::Completed)
        << (o.kind == machine::Outcome::Trapped ? m().traps[o.cause].name : "halted");
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
  std::unique_ptr<machine::Machine> mc_;
};

inline constexpr uint64_t kAdd = 0x01, kSub = 0x02, kMul = 0x03, kUdiv = 0x04, kUrem = 0x05, kSdiv = 0x06, kSrem = 0x07,
                          kShl = 0x08, kShr = 0x09, kSar = 0x0a, kCmp = 0x0b, kSmin = 0x0c, kCat = 0x0d, kSx8 = 0x0e,
                          kZx8 = 0x0f, kNeg = 0x10, kNot = 0x11, kSel = 0x12, kInd = 0x13, kShl20 = 0x15, kSar20 = 0x16,
                          kFold = 0x17, kWshl = 0x20, kWshr = 0x21, kWsar = 0x22, kWudiv = 0x23, kWurem = 0x24,
                          kWsdiv = 0x25, kWsrem = 0x26, kWsx = 0x27, kWcat = 0x28, kWadd = 0x29, kSetlo = 0x30,
                          kSethi = 0x31, kGetf = 0x32, kGethi = 0x33, kGetlo = 0x34, kStop = 0x35, kSbot = 0x36,
                          kGtop = 0x37, kGs = 0x38, kRdpc = 0x39, kRdpcw = 0x3a, kChk = 0x40, kChk8 = 0x41, kSup = 0x42,
                          kBoom = 0x43, kHalt = 0x44, kSt = 0x45, kTwice = 0x46, kUser = 0x47, kMany = 0x50;

} // namespace popek::test
