// The reference machine's two engines, the interpreter and the native code
// generated from bundled models, give identical results: for every instruction
// of every bundled model, on random states and random operand fields, and for
// whole steps (fetch, decode, trap entry) on random memory.
#include "test_util.hpp"

#include <filesystem>
#include <gtest/gtest.h>
#include <random>

namespace popek {
namespace {

using machine::Engine;
using machine::Machine;
using machine::Outcome;

void randomize(const model::Model& m, std::mt19937_64& rng, Machine& a, Machine& b) {
  for (unsigned r = 0; r < m.regs.size(); ++r) {
    const model::Register& reg = m.regs[r];
    for (unsigned i = 0; i < reg.count; ++i) {
      uint64_t v = rng();
      if (reg.kind == model::RegKind::Mode) v = m.modes[rng() % m.modes.size()].code;
      a.set_reg(r, v, i);
      b.set_reg(r, v, i);
    }
  }
  for (unsigned mi = 0; mi < m.mems.size(); ++mi)
    for (uint64_t addr = 0; addr < m.mems[mi].size; ++addr) {
      uint64_t v = rng();
      a.set_mem(mi, addr, v);
      b.set_mem(mi, addr, v);
    }
}

void expect_same(const model::Model& m, const Machine& a, const Machine& b, const Outcome& oa, const Outcome& ob,
                 const std::string& what) {
  ASSERT_EQ(oa.kind, ob.kind) << what;
  EXPECT_EQ(oa.insn, ob.insn) << what;
  if (oa.kind == Outcome::Trapped) {
    EXPECT_EQ(oa.cause, ob.cause) << what;
    EXPECT_EQ(oa.arg, ob.arg) << what;
    EXPECT_EQ(oa.memory, ob.memory) << what;
  }
  auto ra = a.reg_cells(), rb = b.reg_cells();
  for (size_t i = 0; i < ra.size(); ++i) EXPECT_EQ(ra[i], rb[i]) << what << ": register cell " << i;
  for (unsigned mi = 0; mi < m.mems.size(); ++mi)
    for (uint64_t addr = 0; addr < m.mems[mi].size; ++addr)
      if (a.mem(mi, addr) != b.mem(mi, addr)) {
        ADD_FAILURE() << what << ": " << m.mems[mi].name << "[" << addr << "]";
        return;
      }
  ASSERT_EQ(a.changes().size(), b.changes().size()) << what;
  for (size_t i = 0; i < a.changes().size(); ++i) {
    EXPECT_EQ(a.changes()[i].memory, b.changes()[i].memory) << what;
    EXPECT_EQ(a.changes()[i].loc, b.changes()[i].loc) << what;
    EXPECT_EQ(a.changes()[i].before, b.changes()[i].before) << what;
  }
}

class Engines : public ::testing::TestWithParam<std::string> {};

TEST_P(Engines, NativeCodeAndInterpreterAgreeOnEveryInstruction) {
  auto m = test::load("models/" + GetParam());
  ASSERT_TRUE(m);
  Machine native(m), interp(m, Engine::Interpreter);
  ASSERT_TRUE(native.native()) << "no native code was generated for " << GetParam();
  ASSERT_FALSE(interp.native());
  std::mt19937_64 rng(42);
  for (size_t i = 0; i < m->insns.size(); ++i) {
    const model::Encoding& enc = m->insns[i].enc;
    for (int round = 0; round < 60; ++round) {
      randomize(*m, rng, native, interp);
      model::Bits raw = enc.match;
      for (unsigned f = 0; f < enc.fields.size(); ++f) {
        uint64_t v = rng() & model::width_mask(enc.fields[f].width);
        if (round % 3 == 0) v &= 0xf; // small values reach in-bounds addresses more often
        raw = enc.insert(f, v, raw);
      }
      Outcome oa = native.execute_insn(static_cast<int>(i), raw);
      Outcome ob = interp.execute_insn(static_cast<int>(i), raw);
      expect_same(*m, native, interp, oa, ob, m->insns[i].name + " round " + std::to_string(round));
      if (oa.kind == Outcome::Trapped) {
        native.enter_trap(oa);
        interp.enter_trap(ob);
        expect_same(*m, native, interp, oa, ob, m->insns[i].name + " trap entry, round " + std::to_string(round));
      }
      if (HasFailure()) return;
    }
  }
}

TEST_P(Engines, NativeCodeAndInterpreterAgreeOnWholeSteps) {
  auto m = test::load("models/" + GetParam());
  ASSERT_TRUE(m);
  Machine native(m), interp(m, Engine::Interpreter);
  std::mt19937_64 rng(7);
  for (int round = 0; round < 300; ++round) {
    randomize(*m, rng, native, interp);
    for (int s = 0; s < 5; ++s) {
      Outcome oa = native.step(), ob = interp.step();
      expect_same(*m, native, interp, oa, ob, "step " + std::to_string(s) + " of round " + std::to_string(round));
      if (HasFailure()) return;
    }
  }
}

std::vector<std::string> bundled() {
  std::vector<std::string> v;
  for (const auto& e : std::filesystem::directory_iterator(test::path("models")))
    if (e.path().extension() == ".isa") v.push_back(e.path().filename().string());
  return v;
}

INSTANTIATE_TEST_SUITE_P(Bundled, Engines, ::testing::ValuesIn(bundled()),
                         [](const auto& info) { return std::filesystem::path(info.param).stem().string(); });

} // namespace
} // namespace popek
