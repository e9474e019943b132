// Encoding helpers and the PgTest fixture shared by the pg_*_test.cpp files, which test
// the pg model (models/pg.isa) on the reference machine. PgTest is instantiated for
// every engine once, in pg_data_test.cpp.
//
// Instructions are encoded here by hand from the documented format
// (op:6 | a:10 | b:10 | c:10, li: op:6 | a:10 | imm:20), and every expected value
// is computed in the test, so a mistake in the model, the assembler or the
// machine shows up as a mismatch rather than being reproduced.
#pragma once

#include "test_util.hpp"

#include <gtest/gtest.h>

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace popek::test {

inline constexpr uint64_t kMask36 = (uint64_t{1} << 36) - 1;
inline constexpr uint64_t kQ = 1024;

// clang-format off
enum : uint64_t {
  LI = 1, MOV, LD, ST, ADD, SUB, AND, OR, XOR, ADDI, SHL, SHR,
  BEQ, BNE, BLT, BLTU, JMP, JAL, JR, SVC, LPSW, SETR, HALT,
};
// clang-format on

// One instruction word in the three-operand format.
inline uint64_t I(uint64_t op, uint64_t a = 0, uint64_t b = 0, uint64_t c = 0) {
  return (op << 30) | ((a & 1023) << 20) | ((b & 1023) << 10) | (c & 1023);
}
// li a, imm (imm is 20 bits, two's complement).
inline uint64_t Li(uint64_t a, int64_t imm) {
  return (LI << 30) | ((a & 1023) << 20) | (static_cast<uint64_t>(imm) & 0xfffff);
}
// A PSW word: code [35:31], M [30], P [29:20], l [19:10], b [9:0].
inline uint64_t Psw(uint64_t code, uint64_t mode, uint64_t p, uint64_t l, uint64_t b) {
  return (code << 31) | (mode << 30) | (p << 20) | (l << 10) | b;
}
// A 36-bit word from a signed value.
inline uint64_t W(int64_t v) { return static_cast<uint64_t>(v) & kMask36; }

// Run on every engine: native code generated for the bundled model when built in
// (Engine::Auto), and the interpreter.
class PgTest : public ::testing::TestWithParam<machine::Engine> {
protected:
  static void SetUpTestSuite() { model_ = load("models/pg.isa"); }
  static void TearDownTestSuite() { model_.reset(); }

  void SetUp() override {
    ASSERT_TRUE(model_);
    mc_ = std::make_unique<machine::Machine>(model_, GetParam());
    P_ = static_cast<unsigned>(model_->find_reg("P"));
    R_ = static_cast<unsigned>(model_->find_reg("R"));
    ASSERT_EQ(P_, model_->pc_reg);
    ASSERT_LT(R_, model_->regs.size());
  }

  const model::Model& m() const { return *model_; }
  machine::Machine& mc() { return *mc_; }

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

  std::string cause(const machine::Outcome& o) const { return m().traps.at(o.cause).name; }
  uint64_t code_of(const std::string& name) const {
    for (const auto& t : m().traps)
      if (t.name == name) return t.code;
    ADD_FAILURE() << "pg declares no trap '" << name << "'";
    return 0;
  }
  int insn(const char* name) const { return m().find_insn(name); }

  // Executes the instruction at P; expects it to complete.
  machine::Outcome done() {
    machine::Outcome o = mc_->execute();
    EXPECT_EQ(o.kind, machine::Outcome::Completed)
        << (o.kind == machine::Outcome::Trapped ? "trapped: " + cause(o) : "halted");
    return o;
  }

  static inline std::shared_ptr<const model::Model> model_;
  std::unique_ptr<machine::Machine> mc_;
  unsigned P_ = 0, R_ = 0;
};

} // namespace popek::test
