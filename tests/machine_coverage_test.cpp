// Coverage of a model's branches (model/branches.hpp, Machine::set_coverage):
// the numbering follows the model's text, a run counts exactly the arms it
// took, the native code and the interpreter count alike, and counting changes
// no result. Expected arms are worked out by hand from the model source.
#include "model/branches.hpp"
#include "pg_helpers.hpp"
#include "test_util.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <random>
#include <sstream>
#include <string>
#include <vector>

namespace popek {
namespace {

using machine::Engine;
using machine::Machine;
using machine::Outcome;
using model::Branches;
using model::kFetchRoutine;
using model::kTrapEntryRoutine;
using namespace test; // pg encodings and the PgTest fixture

// pg.isa: the two `if`s of translate, and the `require` of lpsw.
constexpr int kIfBound = 45, kIfAbs = 47, kLpswRequire = 117;

// Index in b.points of the k-th branch of `routine`.
size_t point(const Branches& b, int routine, size_t k) {
  for (size_t i = 0; i < b.points.size(); ++i)
    if (b.points[i].routine == routine && k-- == 0) return i;
  ADD_FAILURE() << "routine " << routine << " has too few branches";
  return 0;
}

std::vector<int> lines_of(const Branches& b, int routine) {
  std::vector<int> v;
  for (const model::BranchPoint& p : b.points)
    if (p.routine == routine) v.push_back(p.loc.line);
  return v;
}

TEST(Branches, NumberEveryIfAndRequireOfPgInOrder) {
  auto m = load("models/pg.isa");
  ASSERT_TRUE(m);
  const Branches b = model::number_branches(*m);
  ASSERT_EQ(b.ordinal.size(), m->arena.stmts.size());
  EXPECT_EQ(b.arms(), 2 * b.points.size());
  std::vector<std::string> text;
  std::istringstream in(read("models/pg.isa"));
  for (std::string l; std::getline(in, l);) text.push_back(l);
  int last = kFetchRoutine;
  size_t numbered = 0;
  for (size_t i = 0; i < b.points.size(); ++i) {
    const model::BranchPoint& p = b.points[i];
    SCOPED_TRACE(p.loc.str());
    EXPECT_EQ(b.ordinal[p.stmt], i);
    EXPECT_EQ(m->arena.stmt(p.stmt).op, model::SOp::If);
    EXPECT_EQ(m->arena.stmt(p.stmt).require, p.require);
    EXPECT_GE(p.routine, last); // fetch, trap entry, then instructions in order
    last = p.routine;
    EXPECT_TRUE(p.loc.file.ends_with("pg.isa"));
    ASSERT_GE(p.loc.line, 1);
    ASSERT_LE(static_cast<size_t>(p.loc.line), text.size());
    std::string at = text[static_cast<size_t>(p.loc.line - 1)].substr(static_cast<size_t>(p.loc.col - 1));
    EXPECT_TRUE(at.starts_with(p.require ? "require " : "if ")) << at;
  }
  for (uint32_t o : b.ordinal) numbered += o != Branches::kNone;
  EXPECT_EQ(numbered, b.points.size());
  EXPECT_EQ(lines_of(b, kFetchRoutine), (std::vector<int>{kIfBound, kIfAbs}));
  EXPECT_TRUE(lines_of(b, kTrapEntryRoutine).empty());
  EXPECT_EQ(lines_of(b, m->find_insn("li")), (std::vector<int>{kIfBound, kIfAbs}));
  // wr(a, rd(b)): the argument's translate, then wr's.
  EXPECT_EQ(lines_of(b, m->find_insn("mov")), (std::vector<int>{kIfBound, kIfAbs, kIfBound, kIfAbs}));
  EXPECT_EQ(lines_of(b, m->find_insn("beq")), (std::vector<int>{kIfBound, kIfAbs, kIfBound, kIfAbs, 101}));
  EXPECT_EQ(lines_of(b, m->find_insn("lpsw")), (std::vector<int>{kLpswRequire, kIfBound, kIfAbs}));
  EXPECT_TRUE(b.points[point(b, m->find_insn("lpsw"), 0)].require);
  EXPECT_FALSE(b.points[point(b, m->find_insn("lpsw"), 1)].require);
  EXPECT_TRUE(lines_of(b, m->find_insn("jmp")).empty());
  EXPECT_EQ(model::number_branches(*m).points.size(), b.points.size()); // deterministic
}

// The pg fixture with counters, on each engine.
class PgCoverage : public PgTest {
protected:
  void SetUp() override {
    PgTest::SetUp();
    if (GetParam() == Engine::Auto) {
      ASSERT_TRUE(mc().native()) << "no native code for pg";
    }
    b_ = model::number_branches(m());
    cov_.assign(b_.arms(), 0);
    want_.assign(b_.arms(), 0);
    mc().set_coverage(cov_.data());
  }
  // Expects arm `then` of the k-th branch of `routine` to have run once more.
  void hit(int routine, size_t k, bool then) { ++want_[2 * point(b_, routine, k) + (then ? 0 : 1)]; }
  void hit(const char* insn, size_t k, bool then) { hit(m().find_insn(insn), k, then); }
  void fetched() { // translate(P) in bounds
    hit(kFetchRoutine, 0, false);
    hit(kFetchRoutine, 1, false);
  }

  Branches b_;
  std::vector<uint8_t> cov_, want_;
};

TEST_P(PgCoverage, LiCountsTheElseArmsOfFetchAndItsTranslate) {
  code_at(10, Li(100, 5));
  done();
  fetched();
  hit("li", 0, false);
  hit("li", 1, false);
  EXPECT_EQ(cov_, want_);
}

TEST_P(PgCoverage, AnAddressPastTheBoundCountsTheFirstThenArm) {
  set_mode(1);
  set_r(0, 50);
  code_at(10, I(MOV, 5, 200));
  Outcome o = mc().step(); // the trap entry has no branches
  ASSERT_EQ(o.kind, Outcome::Trapped);
  EXPECT_EQ(cause(o), "memory");
  fetched();
  hit("mov", 0, true); // rd(200): 200 > b; wr's translate never runs
  EXPECT_EQ(cov_, want_);
}

TEST_P(PgCoverage, AnAddressPastStorageCountsTheSecondThenArm) {
  set_r(1000, 100);
  code_at(10, I(MOV, 5, 50)); // 1000 + 50 >= q
  ASSERT_EQ(mc().execute().kind, Outcome::Trapped);
  fetched();
  hit("mov", 0, false);
  hit("mov", 1, true);
  EXPECT_EQ(cov_, want_);
}

TEST_P(PgCoverage, LpswInUserModeCountsOnlyTheFailedRequire) {
  set_mode(1);
  code_at(10, I(LPSW, 20));
  Outcome o = mc().execute();
  ASSERT_EQ(o.kind, Outcome::Trapped);
  EXPECT_EQ(cause(o), "privileged");
  fetched();
  hit("lpsw", 0, false);
  EXPECT_EQ(cov_, want_);
  EXPECT_EQ(cov_[b_.arm(b_.points[point(b_, insn("lpsw"), 0)].stmt, true)], 0);
}

TEST_P(PgCoverage, LpswInSupervisorModeCountsTheHeldRequire) {
  put(20, Psw(0, 1, 30, 0, 1023));
  code_at(10, I(LPSW, 20));
  done();
  fetched();
  hit("lpsw", 0, true);
  hit("lpsw", 1, false);
  hit("lpsw", 2, false);
  EXPECT_EQ(cov_, want_);
}

TEST_P(PgCoverage, AFetchTrapCountsOnlyTheFetch) {
  set_r(0, 5);
  set_p(10);
  Outcome o = mc().execute();
  ASSERT_EQ(o.kind, Outcome::Trapped);
  EXPECT_EQ(o.stage, Outcome::Fetch);
  hit(kFetchRoutine, 0, true);
  EXPECT_EQ(cov_, want_);
}

TEST_P(PgCoverage, CountersWrapAndNullStopsCounting) {
  code_at(10, Li(100, 5));
  for (int i = 0; i < 300; ++i) {
    set_p(10);
    done();
  }
  EXPECT_EQ(cov_[2 * point(b_, insn("li"), 0) + 1], 300 % 256);
  const std::vector<uint8_t> before = cov_;
  mc().set_coverage(nullptr);
  set_p(10);
  done();
  EXPECT_EQ(cov_, before);
  mc().set_coverage(cov_.data()); // and it resumes
  set_p(10);
  done();
  EXPECT_EQ(cov_[2 * point(b_, insn("li"), 0) + 1], 301 % 256);
}

INSTANTIATE_TEST_SUITE_P(Pg, PgCoverage, ::testing::Values(Engine::Auto, Engine::Interpreter),
                         [](const auto& info) { return info.param == Engine::Auto ? "Native" : "Interpreter"; });

// ---- the engines agree, and counting changes nothing ----------------------------------

// Random state on every machine alike; pg words mostly get a defined opcode and
// small operands, so that programs reach storage, branches and traps.
void randomize(const model::Model& m, std::mt19937_64& rng, std::vector<Machine*> ms) {
  const bool pg_like = m.name.rfind("pg", 0) == 0;         // pg's own encodings and PSWs below
  auto field = [&] { return rng() % 3 ? rng() % 16 : 0; }; // zero fields make more encodings defined
  for (unsigned r = 0; r < m.regs.size(); ++r)
    for (unsigned i = 0; i < m.regs[r].count; ++i) {
      uint64_t v = m.regs[r].kind == model::RegKind::Mode ? m.modes[rng() % m.modes.size()].code : rng();
      if (pg_like && r != m.mode_reg && rng() % 2) v = m.regs[r].reset;                // whole storage in reach
      if (!pg_like && r == m.pc_reg && rng() % 4) v = rng() % m.mems[m.code_mem].size; // run from memory
      // Mostly reset values: a machine like x86 runs only while its segment
      // registers hold consistent values, and halts for good after a fault
      // that its random tables cannot deliver.
      if (!pg_like && r != m.pc_reg && r != m.mode_reg && rng() % 4) v = rng() % 3 ? m.regs[r].reset : rng() % 64;
      for (Machine* mc : ms) mc->set_reg(r, v, i);
    }
  for (unsigned mi = 0; mi < m.mems.size(); ++mi)
    for (uint64_t a = 0; a < m.mems[mi].size; ++a) {
      uint64_t v = rng();
      uint64_t more = 0; // units after this one that an instruction's encoding fills
      // One draw per statement: argument order is unspecified, and every compiler must see the same program.
      if (pg_like && rng() % 4) {
        const uint64_t op = 1 + rng() % HALT, fa = field(), fb = field(), fc = field();
        v = I(op, fa, fb, fc);
      } else if (!pg_like && rng() % 4) { // another model: some encoding of its own
        const model::Encoding& e = m.insns[rng() % m.insns.size()].enc;
        model::Bits raw = e.match;
        for (unsigned f = 0; f < e.fields.size(); ++f) {
          const uint64_t r = rng() % 3 ? rng() % 64 : rng(); // small operands reach memory in bounds
          raw = e.insert(f, e.fields[f].width < 64 ? r & ((uint64_t{1} << e.fields[f].width) - 1) : r, raw);
        }
        // One fetch unit per memory unit: lay every unit out, the first
        // (most significant) at a (x86's bytes). Otherwise one-unit encodings only.
        const bool unit_per_unit = m.fetch_step == 1 && mi == m.code_mem;
        if (e.units == 1 || unit_per_unit) {
          const unsigned w = e.bits / e.units;
          for (unsigned k = 0; k < e.units; ++k) {
            const uint64_t u = static_cast<uint64_t>(raw >> (w * (e.units - 1 - k))) & model::width_mask(w);
            if (k == 0)
              v = u;
            else if (a + k < m.mems[mi].size)
              for (Machine* mc : ms) mc->set_mem(mi, a + k, u);
          }
          more = e.units - 1;
        }
      }
      if (pg_like && a == 1 && rng() % 4) { // a trap's new PSW
        const uint64_t md = rng() % 2, p = 2 + rng() % 512;
        v = Psw(0, md, p, 0, 1023);
      }
      for (Machine* mc : ms) mc->set_mem(mi, a, v);
      a += more;
    }
}

void expect_same(const model::Model& m, const Machine& a, const Machine& b, const Outcome& oa, const Outcome& ob) {
  ASSERT_EQ(oa.kind, ob.kind);
  EXPECT_EQ(oa.stage, ob.stage);
  EXPECT_EQ(oa.insn, ob.insn);
  EXPECT_EQ(oa.cause, ob.cause);
  EXPECT_EQ(oa.arg, ob.arg);
  EXPECT_EQ(oa.memory, ob.memory);
  EXPECT_TRUE(std::ranges::equal(a.reg_cells(), b.reg_cells()));
  for (unsigned mi = 0; mi < m.mems.size(); ++mi)
    for (uint64_t x = 0; x < m.mems[mi].size; ++x) ASSERT_EQ(a.mem(mi, x), b.mem(mi, x)) << m.mems[mi].name << x;
  ASSERT_EQ(a.changes().size(), b.changes().size());
  for (size_t i = 0; i < a.changes().size(); ++i) EXPECT_EQ(a.changes()[i].before, b.changes()[i].before);
}

class BundledCoverage : public ::testing::TestWithParam<std::string> {};

TEST_P(BundledCoverage, NativeCodeAndInterpreterCountTheSameArms) {
  auto m = load("models/" + GetParam());
  ASSERT_TRUE(m);
  Machine native(m), interp(m, Engine::Interpreter);
  ASSERT_TRUE(native.native());
  const Branches b = model::number_branches(*m);
  std::vector<uint8_t> cn(b.arms()), ci(b.arms());
  native.set_coverage(cn.data());
  interp.set_coverage(ci.data());
  std::vector<bool> seen(b.arms());
  std::mt19937_64 rng(11);
  // A byte machine (x86) runs few steps before a fault its random tables
  // cannot deliver, and then stops for good: it gets more rounds.
  const int rounds = m->mems[m->code_mem].unit <= 8 ? 400 : 200;
  for (int round = 0; round < rounds; ++round) {
    randomize(*m, rng, {&native, &interp});
    for (int s = 0; s < 40; ++s) {
      SCOPED_TRACE(testing::Message() << "round " << round << ", step " << s);
      Outcome on = native.step(), oi = interp.step();
      expect_same(*m, native, interp, on, oi);
      ASSERT_EQ(cn, ci);
      if (HasFailure()) return;
      for (size_t a = 0; a < cn.size(); ++a) seen[a] = seen[a] || cn[a] != 0; // counters wrap
    }
  }
  // The runs took every arm of fetch (fetch traps included), and most others.
  for (size_t k = 0; k < 2; ++k)
    for (bool then : {true, false}) EXPECT_TRUE(seen[2 * point(b, kFetchRoutine, k) + !then]) << k << then;
  // Random states reach most of pg's arms. riscv's arms are mostly its CSR
  // dispatch, inlined into six instructions, which compares a 12-bit field
  // with particular CSR numbers that random fields seldom hit (about a sixth
  // of its arms are reached): other models need an eighth, which still fails
  // if the runs only ever fault at the fetch.
  const bool pg_like = m->name.rfind("pg", 0) == 0;
  EXPECT_GT(std::ranges::count(seen, true), static_cast<std::ptrdiff_t>(seen.size() / (pg_like ? 2 : 8)))
      << "of " << seen.size() << " arms";
}

TEST_P(BundledCoverage, CountingChangesNoResultOnEitherEngine) {
  auto m = load("models/" + GetParam());
  ASSERT_TRUE(m);
  std::vector<uint8_t> cov(model::number_branches(*m).arms());
  for (Engine e : {Engine::Auto, Engine::Interpreter}) {
    Machine counted(m, e), plain(m, e);
    counted.set_coverage(cov.data());
    std::mt19937_64 rng(5);
    for (int round = 0; round < 100; ++round) {
      randomize(*m, rng, {&counted, &plain});
      for (int s = 0; s < 40; ++s) {
        SCOPED_TRACE(testing::Message() << "round " << round << ", step " << s);
        Outcome oc = counted.step(), op = plain.step();
        expect_same(*m, counted, plain, oc, op);
        if (HasFailure()) return;
      }
    }
  }
}

std::vector<std::string> bundled() {
  std::vector<std::string> v;
  for (const auto& e : std::filesystem::directory_iterator(path("models")))
    if (e.path().extension() == ".isa") v.push_back(e.path().filename().string());
  return v;
}

INSTANTIATE_TEST_SUITE_P(Models, BundledCoverage, ::testing::ValuesIn(bundled()),
                         [](const auto& info) { return std::filesystem::path(info.param).stem().string(); });

// ---- every shape of branch the interpreter's compiler treats apart ---------------------

const char* kShapes = R"(
machine shapes "coverage test: guards, folded conditions, empty arms, two-byte instructions"
word 8
memory M[256] : 8
modes k = 0
register pc : 8 pc reset 0
register A : 8
register B : 8
register LIM : 8 reset 0x80
const ON : 1 = 1
trap undef = 1
trap fault = 2
undefined trap undef
default trap fault
trap entry (cause : 2, arg : 8) {
  if cause == 2 { B = arg }
  pc = 0xf0
}
fetch (i : 8) -> 8 {
  require pc + i < LIM
  return M[pc + i]
}
insn plain 0x01 "plain" {
  if A == 0 { B = 1 }
  if A[0] == 1 { B = B + 2 } else { B = B + 3 }
  if A < 10 { if A < 5 { B = B + 4 } }
}
insn fold  0x02 "fold"  {
  if ON == 1 { B = 7 } else { B = 8 }
  if ON == 0 { trap fault }
}
insn boom  0x03 "boom"  { if ON == 1 { trap fault(A) } }
insn chk   0x04 x:8 "chk {x}" { require A == x else fault(A) }
insn flag  0x05 "flag"  { if A[7] { B = 9 } }
insn guard 0x06 "guard" { if A[6] { trap fault } }
)";

class Shapes : public ::testing::Test {
protected:
  void SetUp() override {
    m_ = load_text(kShapes, "shapes.isa");
    ASSERT_TRUE(m_);
    b_ = model::number_branches(*m_);
    ASSERT_EQ(b_.points.size(), 12u);
    cov_.assign(b_.arms(), 0);
    mc_ = std::make_unique<Machine>(m_, Engine::Interpreter);
    mc_->set_coverage(cov_.data());
  }
  // Runs `code` at 0x10 with A = a; returns the arms counted, as
  // "routine.k:then|else" in counter order.
  std::string run(std::vector<uint64_t> code, uint64_t a) {
    std::fill(cov_.begin(), cov_.end(), 0);
    mc_->set_reg(static_cast<unsigned>(m_->find_reg("A")), a);
    for (size_t i = 0; i < code.size(); ++i) mc_->set_mem(0, 0x10 + i, code[i]);
    mc_->set_reg(m_->pc_reg, code.empty() ? 0x90 : 0x10);
    mc_->step();
    std::string s;
    for (size_t arm = 0; arm < cov_.size(); ++arm)
      for (int n = 0; n < cov_[arm]; ++n) {
        const model::BranchPoint& p = b_.points[arm / 2];
        size_t k = 0;
        for (size_t i = 0; i < arm / 2; ++i) k += b_.points[i].routine == p.routine;
        const char* r = p.routine == kFetchRoutine ? "fetch" : p.routine == kTrapEntryRoutine ? "entry" : nullptr;
        s += (s.empty() ? "" : " ") + (r ? std::string(r) : m_->insns[static_cast<size_t>(p.routine)].name) + "." +
             std::to_string(k) + (arm % 2 ? ":else" : ":then");
      }
    return s;
  }

  std::shared_ptr<const model::Model> m_;
  Branches b_;
  std::vector<uint8_t> cov_;
  std::unique_ptr<Machine> mc_;
};

TEST_F(Shapes, TheInterpreterCountsTheArmsThatRan) {
  EXPECT_EQ(run({0x01}, 3), "fetch.0:then plain.0:else plain.1:then plain.2:then plain.3:then");
  EXPECT_EQ(run({0x01}, 0), "fetch.0:then plain.0:then plain.1:else plain.2:then plain.3:then");
  EXPECT_EQ(run({0x01}, 8), "fetch.0:then plain.0:else plain.1:else plain.2:then plain.3:else");
  EXPECT_EQ(run({0x01}, 12), "fetch.0:then plain.0:else plain.1:else plain.2:else");
  EXPECT_EQ(run({0x02}, 0), "fetch.0:then fold.0:then fold.1:else");    // folded: only the live arms
  EXPECT_EQ(run({0x03}, 0), "fetch.0:then entry.0:then boom.0:then");   // folded to a plain trap
  EXPECT_EQ(run({0x04, 5}, 5), "fetch.0:then fetch.0:then chk.0:then"); // two fetches
  EXPECT_EQ(run({0x04, 5}, 6), "fetch.0:then fetch.0:then entry.0:then chk.0:else");
  EXPECT_EQ(run({0x05}, 0x80), "fetch.0:then flag.0:then");
  EXPECT_EQ(run({0x05}, 0), "fetch.0:then flag.0:else");
  EXPECT_EQ(run({0x06}, 0x40), "fetch.0:then entry.0:then guard.0:then");
  EXPECT_EQ(run({0x06}, 0), "fetch.0:then guard.0:else");
  EXPECT_EQ(run({0x07}, 0), "fetch.0:then entry.0:else"); // undefined: cause 1
  EXPECT_EQ(run({}, 0), "fetch.0:else entry.0:then");     // pc 0x90 is past LIM
}

} // namespace
} // namespace popek
