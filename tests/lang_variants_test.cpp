// The language for variants and users' own models: `override insn` in a model
// that extends another, excluded field values in encodings (`md:2 != 3`), and
// per-entry reset values of a register file (`reset (1, 2, 3, 4)`).
#include "asm/disassembler.hpp"
#include "model/decoder.hpp"
#include "symbolic/machine.hpp"
#include "test_util.hpp"
#include "vmm_helpers.hpp"

#include <gtest/gtest.h>

#include <array>
#include <string>
#include <vector>

namespace popek {
namespace {

// ---------------------------------------------------------------------------
// override insn

std::vector<std::string> insn_names(const model::Model& m) {
  std::vector<std::string> out;
  for (const model::Instruction& i : m.insns) out.push_back(i.name);
  return out;
}

TEST(Override, ReplacesTheInstructionInItsPlace) {
  auto base = test::load("tests/lang-models/variant_base.isa");
  auto ext = test::load("tests/lang-models/variant_override.isa");
  ASSERT_TRUE(base && ext);
  EXPECT_EQ(ext->name, "voverride");
  EXPECT_EQ(insn_names(*ext), insn_names(*base)); // same instructions, same order
  EXPECT_EQ(ext->insns[1].loc.file, test::path("tests/lang-models/variant_override.isa"));
  EXPECT_EQ(ext->insns[2].loc.file, test::path("tests/lang-models/variant_base.isa"));
}

// `user` then `rds`: the base reads S in user mode; the successor traps.
TEST(Override, TheSuccessorRunsTheNewSemantics) {
  const std::string program = "user\nrds\nhalt\n";
  auto base = test::load("tests/lang-models/variant_base.isa");
  auto ext = test::load("tests/lang-models/variant_override.isa");
  ASSERT_TRUE(base && ext);
  machine::Machine b = test::machine_with(base, program), e = test::machine_with(ext, program);
  b.step();
  e.step();
  EXPECT_EQ(b.step().kind, machine::Outcome::Completed);
  EXPECT_EQ(b.reg(static_cast<unsigned>(base->find_reg("A"))), 0x5au);
  machine::Outcome o = e.step();
  ASSERT_EQ(o.kind, machine::Outcome::Trapped);
  EXPECT_EQ(ext->traps[o.cause].name, "priv");
  EXPECT_EQ(e.reg(static_cast<unsigned>(ext->find_reg("A"))), 0u);
}

// ---------------------------------------------------------------------------
// Excluded field values

// A modrm-like byte: md 3 is the two-byte register form, any other md the
// three-byte memory form; addi's source register 0 is clr.
const char* kExcl = R"isa(machine ex "excluded field values"
word 8
memory M[256] : 8
modes sup = 0, usr = 1
register P : 8 pc
register R[4] : 8 names(r0, r1, r2, r3) reset (1, 2, 3, 0x44)
register B : 8 system
trap bad = 1
undefined trap bad
fetch (i : 8) -> 8 { return M[P + i] }
trap entry (cause : 2, arg : 8) { P = 0x80 }
insn halt   0x00                        "halt"                 { halt }
insn mov_rr 0x10 11 00 d:2 s:2          "mov {d:R}, {s:R}"     { R[d] = R[s] }
insn ld     0x10 md:2 != 3 00 d:2 s:2 a:8 "ld {d:R}, {md}, {a}({s:R})" { R[d] = M[a + R[s]] + zext(md, 8) }
insn addi   0010 d:2 s:2 != 0           "addi {d:R}, {s:R}"    { R[d] = R[d] + R[s] }
insn clr    0010 d:2 00                 "clr {d:R}"            { R[d] = 0 }
vmm (base : 8, size : 9) {
  mode = usr
  B = B
}
)isa";

std::string without(std::string text, const std::string& cut) { return text.erase(text.find(cut), cut.size()); }

TEST(Exclusion, KeepsOtherwiseOverlappingEncodingsApart) {
  ASSERT_TRUE(test::load_text(kExcl));
  EXPECT_NE(test::load_error(without(kExcl, " != 3")).find("encodings of 'ld' and 'mov_rr'"), std::string::npos);
  EXPECT_NE(test::load_error(without(kExcl, " != 0")).find("encodings of 'clr' and 'addi'"), std::string::npos);
}

TEST(Exclusion, TheDecoderSkipsAnExcludedValue) {
  auto m = test::load_text(kExcl);
  ASSERT_TRUE(m);
  model::Decoder d(*m);
  auto decode = [&](std::vector<uint64_t> units) {
    model::Decoder::Decoded r = d.decode(units);
    return r.insn < 0 ? std::string("-") : m->insns[static_cast<size_t>(r.insn)].name + "/" + std::to_string(r.units);
  };
  EXPECT_EQ(decode({0x10, 0xc6, 0x00}), "mov_rr/2"); // md 3
  EXPECT_EQ(decode({0x10, 0x46, 0x20}), "ld/3");     // md 1
  EXPECT_EQ(decode({0x25}), "addi/1");               // s 1
  EXPECT_EQ(decode({0x24}), "clr/1");                // s 0
  // A prefix whose excluded field is complete needs no more units.
  const model::Encoding& ld = m->insns[static_cast<size_t>(m->find_insn("ld"))].enc;
  EXPECT_TRUE(ld.excludes(model::Bits{0x10c6} << 8, 16));
  EXPECT_FALSE(ld.excludes(model::Bits{0x10} << 16, 8)); // md not fetched yet
  EXPECT_FALSE(ld.matches(0x10c620));
  EXPECT_TRUE(ld.matches(0x104620));
}

TEST(Exclusion, TheAssemblerRefusesAnExcludedValue) {
  auto m = test::load_text(kExcl);
  ASSERT_TRUE(m);
  EXPECT_EQ(test::assemble(*m, "ld r1, 2, 5(r2)").units.at(0), 0x10u);
  EXPECT_EQ(test::assemble_error(*m, "ld r1, 3, 5(r2)"),
            "test.s:1:8: field 'md' of 'ld' cannot be 3: its encoding excludes that value, whose bits are 'mov_rr'");
  EXPECT_EQ(test::assemble_error(*m, "  addi r1, r0"),
            "test.s:1:12: field 's' of 'addi' cannot be 0: its encoding excludes that value, whose bits are 'clr'");
}

TEST(Exclusion, TheDisassemblerShowsTheOtherInstruction) {
  auto m = test::load_text(kExcl);
  ASSERT_TRUE(m);
  assembler::Image img = test::assemble(*m, "mov r1, r2\nld r1, 1, 32(r2)\nclr r3\naddi r3, r1\n");
  std::string text = assembler::disassemble(*m, img);
  EXPECT_NE(text.find("mov r1, r2"), std::string::npos) << text;
  EXPECT_NE(text.find("ld r1, 1, 32(r2)"), std::string::npos) << text;
  EXPECT_NE(text.find("clr r3"), std::string::npos) << text;
  EXPECT_NE(text.find("addi r3, r1"), std::string::npos) << text;
  EXPECT_EQ(test::assemble(*m, text).units, img.units);
}

// The symbolic fetch of `ld` does not encode bits whose md is 3.
TEST(Exclusion, TheSymbolicFetchRequiresIt) {
  auto m = test::load_text(kExcl);
  ASSERT_TRUE(m);
  const int ld = m->find_insn("ld");
  auto encodes = [&](std::array<uint64_t, 3> bytes) {
    smt::Context c;
    symbolic::SymbolicMachine sm(c, *m);
    symbolic::State st;
    for (uint32_t i = 0; i < m->nslots; ++i) st.cells.push_back(c.bv(0, m->reg_of_cell(i).width));
    for (const model::Memory& mem : m->mems) {
      symbolic::Memory sym;
      sym.addr_width = mem.addr_width;
      sym.unit = mem.unit;
      sym.initial = [&c, bytes](smt::Term addr, smt::Term) {
        uint64_t a = c.constant(addr).value_or(99);
        return c.bv(a < 3 ? bytes[a] : 0, 8);
      };
      st.mems.push_back(std::move(sym));
    }
    return c.constant(sm.fetch(st, ld).encodes).value_or(99);
  };
  EXPECT_EQ(encodes({0x10, 0x46, 0x20}), 1u);
  EXPECT_EQ(encodes({0x10, 0xc6, 0x20}), 0u);
}

// ---------------------------------------------------------------------------
// Per-entry reset values

TEST(ResetList, EachEntryStartsWithItsValue) {
  auto m = test::load_text(kExcl);
  ASSERT_TRUE(m);
  const unsigned r = static_cast<unsigned>(m->find_reg("R"));
  EXPECT_EQ(m->regs[r].resets, (std::vector<uint64_t>{1, 2, 3, 0x44}));
  machine::Machine mc = test::machine_with(m, "halt");
  for (unsigned i = 0; i < 4; ++i) EXPECT_EQ(mc.reg(r, i), m->regs[r].resets[i]) << i;
  mc.set_reg(r, 9, 2);
  mc.reset();
  EXPECT_EQ(mc.reg(r, 2), 3u);
  // `reset (V)` without a comma is one value for every entry.
  std::string seven = kExcl;
  seven.replace(seven.find("(1, 2, 3, 0x44)"), 15, "(7)");
  auto one = test::load_text(seven);
  ASSERT_TRUE(one);
  EXPECT_TRUE(one->regs[r].resets.empty());
  EXPECT_EQ(one->regs[r].reset_of(3), 7u);
}

// A new VM starts from the same values: the guest's `mov r0, r3` copies 0x44.
TEST(ResetList, ANewVmStartsWithThem) {
  auto m = test::load_text(kExcl);
  ASSERT_TRUE(m);
  machine::Machine g = test::guest(m, "halt", vmm::default_allocation(*m));
  const unsigned r = static_cast<unsigned>(m->find_reg("R"));
  for (unsigned i = 0; i < 4; ++i) EXPECT_EQ(g.reg(r, i), m->regs[r].resets[i]) << i;
  test::DiffRun d = test::diff_run(m, "mov r0, r3\nhalt", vmm::Strategy::TrapAndEmulate);
  EXPECT_FALSE(d.r.divergence) << "native and VMM disagree";
  EXPECT_TRUE(d.r.halted);
}

} // namespace
} // namespace popek
