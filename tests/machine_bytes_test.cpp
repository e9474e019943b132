// The reference machine on a byte memory, little and big endian: multi-unit accesses,
// byte order, wrap-around at the end of memory and a four-byte fetch.
//
// Instructions are encoded by hand from the encodings below; expected values are
// worked out in the test, never by running the model another way.
#include "test_util.hpp"

#include <gtest/gtest.h>

#include <initializer_list>
#include <string>
#include <vector>

namespace popek {
namespace {

using machine::Machine;
using machine::Outcome;

// ---- byte memory: multi-unit accesses, byte order, wrap-around, wide fetch ----------

std::string bytes_model(const char* endian) {
  return std::string(R"(
machine bytes "machine test: byte memory"
word 32
memory M[256] : 8 )") +
         endian + R"(
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

class MachineBytes : public ::testing::TestWithParam<bool> { // true: little endian
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
  code(0x40, B(0x01, 0, 1)); // lw A0, A1
  code(0x44, B(0x05, 3, 2)); // lb A3, A2
  code(0x48, B(0x03, 2, 1)); // lh A2, A1
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
  exec_at(0x40, B(0x02, 1, 2)); // sw A1, A2
  std::vector<uint64_t> want =
      little_ ? std::vector<uint64_t>{0xdd, 0xcc, 0xbb, 0xaa} : std::vector<uint64_t>{0xaa, 0xbb, 0xcc, 0xdd};
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
  exec_at(0x44, B(0x04, 1, 2)); // sh A1, A2: the low half only
  EXPECT_EQ(mem(0x30), little_ ? 0x78u : 0x56u);
  EXPECT_EQ(mem(0x31), little_ ? 0x56u : 0x78u);
  EXPECT_EQ(mem(0x32), 0u);
  // Round trip.
  mc_->set_reg(A_, 0x20, 3);
  exec_at(0x48, B(0x01, 0, 3));
  EXPECT_EQ(mc_->reg(A_, 0), 0xaabbccddu);
}

TEST_P(MachineBytes, MultiByteAccessesWrapAroundTheEndOfMemory) {
  bytes(0xfe, {0x01, 0x02, 0x03, 0x04}); // 0xfe, 0xff, 0x00, 0x01
  mc_->set_reg(A_, 0xfe, 1);
  exec_at(0x40, B(0x01, 0, 1)); // lw A0, A1
  EXPECT_EQ(mc_->reg(A_, 0), little_ ? 0x04030201u : 0x01020304u);

  mc_->set_reg(A_, 0xff, 1);
  mc_->set_reg(A_, 0xa1b2c3d4, 2);
  exec_at(0x44, B(0x02, 1, 2)); // sw A1, A2 at 0xff, 0x00, 0x01, 0x02
  std::vector<uint64_t> want =
      little_ ? std::vector<uint64_t>{0xd4, 0xc3, 0xb2, 0xa1} : std::vector<uint64_t>{0xa1, 0xb2, 0xc3, 0xd4};
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
  code(0xfe, B(0x05, 0, 1)); // lb A0, A1 at 0xfe..0x01
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

} // namespace
} // namespace popek
