// Helpers shared by the asm_*_test.cpp files (assembler, disassembler, image format):
// assembling to units, the disassembler's line layout, small inline models and the AsmPg
// fixture.
#pragma once

#include "test_util.hpp"

#include <gtest/gtest.h>

#include <cstdint>
#include <map>
#include <memory>
#include <string>

namespace popek::test {

inline std::map<uint64_t, uint64_t> units_of(const model::Model& m, const std::string& text) {
  return assemble(m, text).units;
}

// A disassembly line as the disassembler lays it out.
inline std::string dline(const std::string& text, const std::string& comment) {
  std::string t = text;
  if (t.size() < 32) t.resize(32, ' ');
  return "        " + t + " ; " + comment + "\n";
}

// Inline models.

// Byte-addressed, little-endian memory; the fetch reads 4 bytes, so one fetch
// unit is 4 memory units (fetch_step 4). Instructions of one and two fetch units.
inline constexpr const char* kLe32 = R"(machine le32 "byte-addressed, little-endian, 32-bit fetch"
word 32
memory M[256] : 8 little
modes sup = 0, usr = 1
register pc : 8 pc
register r[4] : 32 names(zero, ra, sp, gp)
register f[2] : 32
trap undef = 1
undefined trap undef
trap entry (cause : 4, arg : 32) { pc = 0 }
fetch (i : 8) -> 32 { return M[pc + i, 4] }
insn addi 0x01 rd:2 rs:2 imm:20           "addi {rd:r}, {rs:r}, {imm:s}" { r[rd] = r[rs] + sext(imm, 32) }
insn ldi  0x02 rd:2 000000 0x0000 k:32    "ldi {rd:r}, {k}"              { r[rd] = k }
insn fmv  0x03 fd:1 rs:2 0x00000 0        "fmv {fd:f}, {rs:r}"           { f[fd] = r[rs] }
insn halt 0xff 0x000000                   "halt"                         { halt }
)";

// Variable-length byte machine: one byte per fetch, instructions of 1 to 4 bytes.
inline constexpr const char* kVarBytes = R"(machine vb "variable-length byte machine"
word 16
memory M[65536] : 8 little
modes sup = 0, usr = 1
register pc : 16 pc
register a : 16
trap undef = 1
undefined trap undef
trap entry (cause : 4, arg : 16) { pc = 0 }
fetch (i : 16) -> 8 { return M[pc + i] }
insn nop  0x00            "nop"      { a = a }
insn ldi  0x01 k:8        "ldi {k}"  { a = zext(k, 16) }
insn jmp  0x02 t:16       "jmp {t}"  { pc = t }
insn ldw  0xfe 0x01 w:16  "ldw {w}"  { a = w }
insn halt 0xff            "halt"     { halt }
)";

// RISC-V-like B-type branch: a 13-bit signed offset scattered over four slices,
// its bit 0 not stored (always zero).
inline constexpr const char* kBType = R"isa(machine rvb "scrambled immediates"
word 32
memory M[1024] : 32
modes sup = 0, usr = 1
register pc : 10 pc
register x[32] : 32
trap undef = 1
undefined trap undef
trap entry (cause : 4, arg : 32) { pc = 0 }
fetch (i : 10) -> 32 { return M[pc + i] }
insn beq imm[12] imm[10:5] rs2:5 rs1:5 000 imm[4:1] imm[11] 1100011 "beq {rs1:x}, {rs2:x}, {imm:s}" { if x[rs1] == x[rs2] { pc = imm[10:1] } }
insn lw  off:12 rs:5 010 rd:5 0000011 "lw {rd:x}, {off:s}({rs:x})" { x[rd] = M[x[rs][9:0] + off[9:0]] }
)isa";

// Directives, expressions, operand ranges and diagnostics on pg (36-bit words, one
// word per address).
class AsmPg : public ::testing::Test {
protected:
  void SetUp() override {
    m = load("models/pg.isa");
    ASSERT_TRUE(m);
  }
  std::map<uint64_t, uint64_t> units(const std::string& text) { return units_of(*m, text); }
  uint64_t word(const std::string& expr) {
    auto u = units(".word " + expr);
    EXPECT_EQ(u.size(), 1u) << expr;
    return u.empty() ? ~uint64_t{0} : u.begin()->second;
  }
  std::string error(const std::string& text) { return assemble_error(*m, text); }
  std::shared_ptr<const model::Model> m;
  static constexpr uint64_t kHalt = uint64_t{0b010111} << 30;
  static constexpr uint64_t kSvc = uint64_t{0b010100} << 30;
  static uint64_t jmp(uint64_t t) { return (uint64_t{0b010001} << 30) | t; }
  static uint64_t li(uint64_t a, uint64_t imm) { return (uint64_t{0b000001} << 30) | (a << 20) | imm; }
};

} // namespace popek::test
