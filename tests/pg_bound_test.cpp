// The pg model on the reference machine: relocation and the bound test, on fetches and on
// every storage access of every instruction, without partial effects.
//
// Instructions and expected values are worked out by hand (see pg_helpers.hpp).
#include "pg_helpers.hpp"
#include "test_util.hpp"

#include <gtest/gtest.h>

#include <functional>
#include <string>
#include <vector>

namespace popek {
namespace {

using machine::Machine;
using machine::Outcome;
using namespace test; // pg encodings and the PgTest fixture

// ---- relocation and the bound test ------------------------------------------------------

TEST_P(PgTest, UserInstructionsReachStorageThroughRelocation) {
  set_r(512, 63);
  set_mode(1);
  // Relative 0..63 is absolute 512..575.
  put(512 + 30, 1000);
  put(512 + 31, 234);
  put(512 + 40, 45); // a pointer holds a relative address
  put(512 + 45, 0x777);
  put(30, 0xbad); // the same relative addresses without relocation: must not be used
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
  EXPECT_EQ(at(512 + 45), 1000u); // st wrote through the relative pointer
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
  put(150, Li(0, 9)); // relative 50 == b: fetched and executed
  set_p(50);
  ASSERT_EQ(mc().execute().kind, Outcome::Completed);
  EXPECT_EQ(at(100), 9u);
  EXPECT_EQ(p(), 51u);

  put(151, Li(0, 10)); // relative 51 > b: the fetch traps
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
  set_p(23); // 1000 + 23 = 1023: the last word
  ASSERT_EQ(mc().execute().kind, Outcome::Completed);
  EXPECT_EQ(at(1005), 1u);
  EXPECT_EQ(p(), 24u);
  Outcome o = mc().execute(); // 1000 + 24 = 1024: outside, even though 24 <= b
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
  bool writes; // the access under test is the instruction's write
  // Returns the instruction; `put(rel, v)` stores operands, s0..s2 are safe addresses,
  // x is the address under test. For write roles, *want is the value written to x.
  std::function<uint64_t(uint64_t x, const uint64_t* s, const std::function<void(uint64_t, uint64_t)>& put,
                         uint64_t* want)>
      build;
};

std::vector<Role> roles() {
  using Put = std::function<void(uint64_t, uint64_t)>;
  std::vector<Role> v;
  const uint64_t hi = uint64_t{0x2a5} << 10; // junk above a pointer's ten address bits
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
  v.push_back({"ld", "@b (second read)", false, false, [](uint64_t x, const uint64_t* s, const Put& put, uint64_t*) {
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
    uint64_t op, want; // of 12 op 10 (addi/shl/shr: 12 op 3)
    bool imm;
  };
  const Alu alus[] = {{"add", ADD, 22, false}, {"sub", SUB, 2, false},   {"and", AND, 8, false}, {"or", OR, 14, false},
                      {"xor", XOR, 6, false},  {"addi", ADDI, 15, true}, {"shl", SHL, 96, true}, {"shr", SHR, 1, true}};
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
                 *w = 0; // set by the caller: the code address + 1
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
  uint64_t code;    // relative address of the instruction
  uint64_t ok, bad; // the highest usable relative address, and the first unusable one
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
  for (const char* name : {"li",  "mov", "ld",  "st",  "add", "sub",  "and", "or", "xor",  "addi",
                           "shl", "shr", "beq", "bne", "blt", "bltu", "jal", "jr", "lpsw", "setr"}) {
    bool found = false;
    for (const Role& r : all) found |= std::string(r.insn) == name;
    EXPECT_TRUE(found) << name;
  }
  for (const Bounds& bd : bounds) {
    for (const Role& role : all) {
      for (uint64_t md : {0u, 1u}) {
        if (md == 1 && role.privileged) continue;
        for (bool trap : {false, true}) {
          SCOPED_TRACE(testing::Message()
                       << role.insn << " " << role.role << ", " << bd.what << (md ? ", user" : ", supervisor")
                       << (trap ? ", out of bounds" : ", at the bound"));
          mc().reset();
          put(1, Psw(0, 0, 990, 0, 1023));
          for (uint64_t i = 2; i < kQ; ++i) put(i, 0x5000 + i); // recognizable contents
          set_r(bd.l, bd.b);
          set_mode(md);
          const uint64_t x = trap ? bd.bad : bd.ok;
          auto put_rel = [&](uint64_t rel, uint64_t v) {
            if (rel <= bd.b && bd.l + rel < kQ) put(bd.l + rel, v); // never outside the bounds
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
          EXPECT_EQ(storage(), before); // nothing written, not even a first access
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
  put(100 + 20, 60);    // pointer to relative 60 > b
  put(100 + 21, 0x999); // the value
  put(160, 0x1);        // absolute l + 60: must stay
  code_at(3, I(ST, 20, 21));
  auto before = storage();
  Outcome o = mc().execute();
  ASSERT_EQ(o.kind, Outcome::Trapped);
  EXPECT_TRUE(o.memory);
  EXPECT_EQ(storage(), before);
  EXPECT_EQ(at(160), 0x1u);
}

} // namespace
} // namespace popek
