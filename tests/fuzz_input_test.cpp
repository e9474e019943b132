// The fuzz input format and the structure-aware mutator (src/fuzz/input.hpp,
// mutator.hpp): any bytes read as a usable input, inputs round-trip, and
// mutations keep to whole valid instructions and to the size libFuzzer allows.
#include "diff/lockstep.hpp"
#include "fuzz/input.hpp"
#include "fuzz/mutator.hpp"
#include "model/decoder.hpp"
#include "test_util.hpp"

#include <gtest/gtest.h>

#include <random>

namespace popek::fuzz {
namespace {

class FuzzInput : public ::testing::Test {
protected:
  std::shared_ptr<const model::Model> m = test::load("models/pg.isa");
  vmm::Allocation a = vmm::default_allocation(*m);
};

TEST_F(FuzzInput, AnyBytesReadAsAnInputInsideTheModel) {
  std::mt19937_64 rng(7);
  for (int i = 0; i < 2000; ++i) {
    std::vector<uint8_t> bytes(rng() % 300);
    for (auto& b : bytes) b = static_cast<uint8_t>(rng());
    Input in = parse_input(*m, a, bytes);
    EXPECT_LT(in.mode, m->modes.size());
    EXPECT_LE(in.cells.size(), kMaxCells);
    EXPECT_LE(in.units.size(), kMaxUnits);
    for (const auto& c : in.cells) {
      ASSERT_LT(c.cell, m->nslots);
      EXPECT_EQ(c.value & ~model::width_mask(m->reg_of_cell(c.cell).width), 0u);
    }
    for (const auto& u : in.units) EXPECT_LT(u.addr, a.size);
    for (uint64_t u : in.program) EXPECT_EQ(u >> m->fetch_unit, 0u);
    // What it reads, written and read again, is the same input.
    EXPECT_EQ(parse_input(*m, a, write_input(in)), in);
  }
}

TEST_F(FuzzInput, ShortInputsAreEmptyAndFieldsAreLittleEndian) {
  EXPECT_EQ(parse_input(*m, a, std::vector<uint8_t>{1, 2}), Input{});
  // Header: mode 1 (user), one cell, no unit; then cell 1 = 0x1234, cut to its width.
  std::vector<uint8_t> b = {1, 1, 0, 1, 0, 0x34, 0x12, 0, 0, 0, 0, 0, 0, 0x05, 0, 0, 0, 0, 0, 0, 0};
  Input in = parse_input(*m, a, b);
  EXPECT_EQ(in.mode, 1u);
  ASSERT_EQ(in.cells.size(), 1u);
  EXPECT_EQ(in.cells[0].cell, 1u);
  EXPECT_EQ(in.cells[0].value, 0x1234u & model::width_mask(m->reg_of_cell(1).width));
  ASSERT_EQ(in.program.size(), 1u); // 8 more bytes: one fetch unit
  EXPECT_EQ(in.program[0], 5u);
}

TEST_F(FuzzInput, ApplyPlacesTheProgramWhereANewVmStarts) {
  uint64_t at = program_address(m, a);
  EXPECT_EQ(at, 2u); // pg's reset P, with the VM's relocation (0, size - 1)
  Input in;
  in.mode = 1;
  in.program = {0x111, 0x222};
  in.units = {{m->code_mem, 40, 0x33}};
  machine::Machine vm(m);
  apply(in, a, at, vm);
  EXPECT_EQ(vm.mem(m->code_mem, 2), 0x111u);
  EXPECT_EQ(vm.mem(m->code_mem, 3), 0x222u);
  EXPECT_EQ(vm.mem(m->code_mem, 40), 0x33u);
  EXPECT_EQ(vm.mode(), m->modes[1].code);
  EXPECT_EQ(vm.reg(static_cast<unsigned>(m->find_reg("R"))), a.size - 1); // the VM's reset relocation
}

TEST_F(FuzzInput, RandomInstructionsDecodeAsThemselves) {
  Mutator mut(m, a, 32);
  model::Decoder dec(*m);
  Rng rng(1);
  for (size_t i = 0; i < m->insns.size(); ++i)
    for (int k = 0; k < 20; ++k) {
      auto units = mut.random_insn(rng, i);
      ASSERT_EQ(units.size(), 1u);
      auto r = dec.lookup(units[0], 1);
      EXPECT_EQ(r.kind, model::Decoder::Result::Match);
      EXPECT_EQ(r.insn, static_cast<int>(i)) << m->insns[i].name;
    }
}

TEST_F(FuzzInput, MutationsKeepToTheSizeAndToValidInstructions) {
  Mutator mut(m, a, 24);
  model::Decoder dec(*m);
  std::vector<uint8_t> data;
  size_t changed = 0, defined = 0, total = 0;
  for (unsigned seed = 1; seed <= 3000; ++seed) {
    std::vector<uint8_t> buf(data);
    size_t max = 400;
    buf.resize(max);
    size_t n = mut.mutate(buf.data(), data.size(), max, seed);
    ASSERT_LE(n, max);
    buf.resize(n);
    changed += buf != data;
    Input in = parse_input(*m, a, buf);
    EXPECT_LE(mut.split(in.program).size(), 24u);
    for (uint64_t u : in.program) {
      ++total;
      defined += dec.lookup(u, 1).kind == model::Decoder::Result::Match;
    }
    data = buf;
  }
  EXPECT_GT(changed, 2700u); // nearly every mutation changes the input
  EXPECT_GT(total, 1000u);
  EXPECT_EQ(defined, total); // without libFuzzer's byte mutations, only valid encodings
}

TEST_F(FuzzInput, ExactModeKeepsTheProgramLength) {
  Mutator mut(m, a, 16, 16);
  std::vector<uint8_t> data;
  for (unsigned seed = 1; seed <= 300; ++seed) {
    std::vector<uint8_t> buf(data);
    buf.resize(1000);
    buf.resize(mut.mutate(buf.data(), data.size(), 1000, seed));
    EXPECT_EQ(mut.split(parse_input(*m, a, buf).program).size(), 16u);
    data = buf;
  }
}

TEST_F(FuzzInput, CrossOverSplicesPrograms) {
  Mutator mut(m, a, 32);
  Input x, y;
  x.program = {1, 2, 3};
  y.program = {7, 8, 9};
  auto bx = write_input(x), by = write_input(y);
  bool mixed = false;
  for (unsigned seed = 1; seed < 50; ++seed) {
    std::vector<uint8_t> out(1000);
    out.resize(mut.cross_over(bx, by, out.data(), out.size(), seed));
    Input c = parse_input(*m, a, out);
    for (uint64_t u : c.program) EXPECT_TRUE(u == 1 || u == 2 || u == 3 || u == 7 || u == 8 || u == 9);
    mixed |= !c.program.empty() && c.program.front() <= 3 && c.program.back() >= 7;
  }
  EXPECT_TRUE(mixed);
}

TEST_F(FuzzInput, DictionaryHoldsEveryOpcode) {
  std::string d = dictionary(*m);
  for (const auto& i : m->insns) EXPECT_NE(d.find(i.name + "=\""), std::string::npos) << i.name;
  // li is 000001 in the top 6 of 36 bits: 0x040000000, little-endian bytes.
  EXPECT_NE(d.find("li=\"\\x00\\x00\\x00\\x40\\x00\\x00\\x00\\x00\""), std::string::npos) << d;
}

} // namespace
} // namespace popek::fuzz
