// The symbolic encoding (src/symbolic) against the reference machine: on
// random concrete states, for every instruction of every bundled model, the
// terms the encoder builds evaluate to exactly what the machine computes —
// outcome, trap cause and argument, every register, every memory unit — and
// likewise the fetch, the trap entry and the vmm block (docs/theory.md §6).
#include "symbolic/machine.hpp"
#include "test_util.hpp"

#include <filesystem>
#include <gtest/gtest.h>
#include <random>

namespace popek {
namespace {

using smt::Context;
using smt::Term;
using symbolic::State;

struct Concrete {
  std::vector<uint64_t> cells;
  std::vector<std::vector<uint64_t>> mems;
};

class Consistency {
public:
  Consistency(std::shared_ptr<const model::Model> m, uint64_t seed) : m_(m), mc_(m), sm_(c_, *m), rng_(seed) {}

  // A random state, biased toward small values so translations often succeed.
  Concrete random_state() {
    Concrete s;
    for (const model::Register& r : m_->regs)
      for (unsigned i = 0; i < r.count; ++i) s.cells.push_back(pick(r.width));
    s.cells[m_->mode_register().slot] = m_->modes[rng_() % m_->modes.size()].code;
    for (const model::Memory& mem : m_->mems) {
      std::vector<uint64_t> words(mem.size);
      for (uint64_t& w : words) w = pick(mem.unit);
      s.mems.push_back(std::move(words));
    }
    return s;
  }
  uint64_t pick(unsigned w) {
    uint64_t v = rng_();
    switch (rng_() % 3) {
    case 0: v &= 15; break;
    case 1: v &= 0x3ff; break;
    default: break;
    }
    return v & model::width_mask(w);
  }

  void load(const Concrete& s) {
    mc_.reset();
    for (uint32_t i = 0; i < m_->nslots; ++i) mc_.set_cell(i, s.cells[i]);
    for (unsigned mi = 0; mi < m_->mems.size(); ++mi)
      for (uint64_t a = 0; a < m_->mems[mi].size; ++a) mc_.set_mem(mi, a, s.mems[mi][a]);
  }
  State symbolic(const Concrete& s) {
    State st;
    for (uint32_t i = 0; i < m_->nslots; ++i) st.cells.push_back(c_.bv(s.cells[i], m_->reg_of_cell(i).width));
    for (unsigned mi = 0; mi < m_->mems.size(); ++mi) {
      symbolic::Memory mem;
      mem.addr_width = m_->mems[mi].addr_width;
      mem.unit = m_->mems[mi].unit;
      const std::vector<uint64_t>* words = &s.mems[mi];
      Context* c = &c_;
      unsigned unit = mem.unit;
      mem.initial = [c, words, unit](Term addr, Term) {
        auto a = c->constant(addr);
        EXPECT_TRUE(a.has_value()) << "a concrete state read at a non-constant address";
        return c->bv(a ? (*words)[*a] : 0, unit);
      };
      st.mems.push_back(std::move(mem));
    }
    return st;
  }
  uint64_t value(Term t) {
    auto v = c_.constant(t);
    EXPECT_TRUE(v.has_value()) << c_.str(t);
    return v.value_or(~uint64_t{0});
  }
  // The symbolic state, evaluated, equals the machine's.
  void expect_same(const State& st, const Concrete& before, const std::string& what) {
    for (uint32_t i = 0; i < m_->nslots; ++i)
      ASSERT_EQ(value(st.cells[i]), mc_.reg_cells()[i]) << what << ": register " << m_->cell_name(i);
    for (unsigned mi = 0; mi < m_->mems.size(); ++mi) {
      std::vector<uint64_t> words = before.mems[mi];
      for (const auto& w : st.mems[mi].writes)
        if (value(w.guard)) words[value(w.addr)] = value(w.value);
      for (uint64_t a = 0; a < words.size(); ++a)
        ASSERT_EQ(words[a], mc_.mem(mi, a)) << what << ": " << m_->mems[mi].name << "[" << a << "]";
    }
  }

  void check_insn(int insn, unsigned trials) {
    const model::Instruction& in = m_->insns[static_cast<size_t>(insn)];
    for (unsigned t = 0; t < trials; ++t) {
      Concrete s = random_state();
      model::Bits raw = in.enc.match;
      for (unsigned f = 0; f < in.enc.fields.size(); ++f) raw = in.enc.insert(f, pick(in.enc.fields[f].width), raw);
      load(s);
      machine::Outcome o = mc_.execute_insn(insn, raw);
      State st = symbolic(s);
      std::vector<Term> fields;
      for (unsigned f = 0; f < in.enc.fields.size(); ++f)
        fields.push_back(c_.bv(in.enc.extract(f, raw), in.enc.fields[f].width));
      symbolic::Fetch none;
      none.trapped = none.memory = c_.bool_val(false);
      none.cause = c_.bv(0, std::max(1u, m_->cause_width));
      none.arg = c_.bv(0, std::max(1u, m_->arg_width));
      symbolic::Step step = sm_.execute(st, insn, fields, none);
      std::string what = in.name + " trial " + std::to_string(t);
      ASSERT_EQ(value(step.trapped), o.kind == machine::Outcome::Trapped) << what;
      ASSERT_EQ(value(step.halted), o.kind == machine::Outcome::Halted) << what;
      if (o.kind == machine::Outcome::Trapped) {
        ASSERT_EQ(value(step.cause), m_->traps[o.cause].code) << what;
        ASSERT_EQ(value(step.arg), o.arg) << what;
        ASSERT_EQ(value(step.memory), o.memory) << what;
      }
      ASSERT_NO_FATAL_FAILURE(expect_same(step.after, s, what));
      if (o.kind != machine::Outcome::Trapped) continue;
      mc_.enter_trap(o);
      ASSERT_NO_FATAL_FAILURE(expect_same(sm_.enter_trap(step), s, what + " trap entry"));
    }
  }

  void check_fetch(unsigned trials) {
    for (unsigned t = 0; t < trials; ++t) {
      Concrete s = random_state();
      load(s);
      machine::Outcome o = mc_.execute();
      if (o.stage == machine::Outcome::Decode || o.units > 1) continue;
      symbolic::Fetch f = sm_.fetch(symbolic(s), o.insn >= 0 ? o.insn : 0);
      bool trapped = o.stage == machine::Outcome::Fetch && o.kind == machine::Outcome::Trapped;
      ASSERT_EQ(value(f.trapped), trapped) << "fetch trial " << t;
      if (trapped) {
        ASSERT_EQ(value(f.cause), m_->traps[o.cause].code);
        ASSERT_EQ(value(f.memory), o.memory);
      } else {
        ASSERT_EQ(value(f.units[0]), static_cast<uint64_t>(o.raw)) << "fetch trial " << t;
        ASSERT_EQ(value(f.encodes), 1u);
        const model::Encoding& enc = m_->insns[static_cast<size_t>(o.insn)].enc;
        for (unsigned k = 0; k < enc.fields.size(); ++k) ASSERT_EQ(value(f.fields[k]), enc.extract(k, o.raw));
      }
    }
  }

  void check_vmm(unsigned trials) {
    const auto& ps = m_->vmm.params;
    for (unsigned t = 0; t < trials; ++t) {
      Concrete s = random_state();
      uint64_t base = pick(ps[0].width), size = pick(ps[1].width);
      load(s);
      bool wf = mc_.vmm_wellformed(base, size);
      Term tb = c_.bv(base, ps[0].width), tsz = c_.bv(size, ps[1].width);
      ASSERT_EQ(value(sm_.wellformed(symbolic(s), tb, tsz)), wf) << "wellformed trial " << t;
      mc_.apply_vmm_map(base, size);
      ASSERT_NO_FATAL_FAILURE(expect_same(sm_.map(symbolic(s), tb, tsz), s, "vmm map"));
    }
  }

private:
  std::shared_ptr<const model::Model> m_;
  machine::Machine mc_;
  Context c_;
  symbolic::SymbolicMachine sm_;
  std::mt19937_64 rng_;
};

std::vector<std::string> bundled() {
  std::vector<std::string> out;
  for (const auto& e : std::filesystem::directory_iterator(test::path("models")))
    if (e.path().extension() == ".isa") out.push_back("models/" + e.path().filename().string());
  out.push_back("docs/examples/acc.isa");
  std::sort(out.begin(), out.end());
  return out;
}

// One test per model, so that ctest spreads them over the cores and CI can
// leave the real instruction sets out of the slower sanitizer build (.ci/run).
class SymbolicOf : public ::testing::TestWithParam<std::string> {};

TEST_P(SymbolicOf, EveryInstructionAgreesWithTheReferenceMachine) {
  auto m = test::load(GetParam());
  ASSERT_TRUE(m);
  Consistency k(m, 0x5eed);
  for (size_t i = 0; i < m->insns.size(); ++i) ASSERT_NO_FATAL_FAILURE(k.check_insn(static_cast<int>(i), 40));
}

TEST_P(SymbolicOf, FetchTrapEntryAndVmmBlockAgreeWithTheReferenceMachine) {
  auto m = test::load(GetParam());
  ASSERT_TRUE(m);
  Consistency k(m, 0xfe7c);
  ASSERT_NO_FATAL_FAILURE(k.check_fetch(200));
  if (m->vmm.present) {
    ASSERT_NO_FATAL_FAILURE(k.check_vmm(200));
  }
}

INSTANTIATE_TEST_SUITE_P(Models, SymbolicOf, ::testing::ValuesIn(bundled()),
                         [](const ::testing::TestParamInfo<std::string>& i) {
                           return std::filesystem::path(i.param).stem().string();
                         });

} // namespace
} // namespace popek
