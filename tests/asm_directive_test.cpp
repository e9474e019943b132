// The assembler on pg: directives (.org, .word, .zero, .equ, .phase), expressions and
// their precedence, forward references, case, comments, and operand ranges.
#include "asm_helpers.hpp"
#include "test_util.hpp"

#include "asm/assembler.hpp"
#include "asm/disassembler.hpp"

#include <gtest/gtest.h>
#include <map>
#include <string>

namespace popek {
namespace {

using assembler::Image;
using namespace test; // asm_helpers.hpp

// ---------------------------------------------------------------------------
// Directives and expressions (pg: 36-bit words, one word per address).

TEST_F(AsmPg, OrgPlacesCode) {
  EXPECT_EQ(units("halt\n.org 10\nsvc\nhalt\n.org 5\nsvc\n"),
            (std::map<uint64_t, uint64_t>{{0, kHalt}, {10, kSvc}, {11, kHalt}, {5, kSvc}}));
  Image img = test::assemble(*m, ".org 0x3fe\nx: halt\ny: halt\n");
  EXPECT_EQ(img.symbols.at("x"), 0x3feu);
  EXPECT_EQ(img.symbols.at("y"), 0x3ffu);
}

TEST_F(AsmPg, WordTakesSeveralValuesNegativesAndTheFullUnsignedRange) {
  EXPECT_EQ(units(".org 7\n.word 1, 2, 0x30\n.word 4"),
            (std::map<uint64_t, uint64_t>{{7, 1}, {8, 2}, {9, 0x30}, {10, 4}}));
  EXPECT_EQ(word("-1"), 0xfffffffffu);
  EXPECT_EQ(word("-(1 << 35)"), 0x800000000u);
  EXPECT_EQ(word("68719476735"), 0xfffffffffu); // 2^36 - 1
  EXPECT_EQ(word("0b101_0101"), 0x55u);
  EXPECT_EQ(error(".word 1, 68719476736"), "test.s:1:10: 68719476736 does not fit in 36 bits");
  EXPECT_EQ(error(".word -(1 << 35) - 1"), "test.s:1:7: -34359738369 does not fit in 36 bits");
  EXPECT_EQ(error(".word 1 2"), "test.s:1:9: expected ',' between values");
  EXPECT_EQ(error(".word 1,"), "test.s:1:9: expected a value");
  EXPECT_EQ(error(".byte 1"), "test.s:1:1: .byte needs a memory of 8-bit units; use .unit or .word");
}

TEST_F(AsmPg, ZeroReservesUnits) {
  Image img = test::assemble(*m, ".org 3\n.zero 4\nx: halt\n.zero 0\ny: svc");
  EXPECT_EQ(img.units, (std::map<uint64_t, uint64_t>{{3, 0}, {4, 0}, {5, 0}, {6, 0}, {7, kHalt}, {8, kSvc}}));
  EXPECT_EQ(img.symbols.at("x"), 7u);
  EXPECT_EQ(img.symbols.at("y"), 8u);
  EXPECT_EQ(error(".zero -1"), "test.s:1:1: .zero needs a count of at least 0");
  EXPECT_EQ(error(".zero"), "test.s:1:6: expected a count of units");
}

TEST_F(AsmPg, EquDefinesSymbols) {
  Image img = test::assemble(*m, ".equ N, 5\n.equ M, N * 2 + 1\njmp M\n.word N");
  EXPECT_EQ(img.units, (std::map<uint64_t, uint64_t>{{0, jmp(11)}, {1, 5}}));
  EXPECT_EQ(img.symbols.at("N"), 5u);
  EXPECT_EQ(img.symbols.at("M"), 11u);
  EXPECT_EQ(error(".equ N 5"), "test.s:1:1: .equ takes a name and a value: .equ NAME, VALUE");
  EXPECT_EQ(error(".equ N, 1\n.equ N, 2"), "test.s:2:6: symbol 'N' is defined twice");
  EXPECT_EQ(error("N: halt\n.equ N, 2"), "test.s:2:6: symbol 'N' is defined twice");
  EXPECT_EQ(error(".equ N, 2\nN: halt"), "test.s:2:1: symbol 'N' is defined twice");
}

TEST_F(AsmPg, PhaseGivesLabelsPhasedValuesButPlacesUnitsAtTheLocation) {
  Image img = test::assemble(*m, ".org 100\n"
                                 ".phase 0\n"
                                 "x: jmp y\n"
                                 "y: .word x, y, z\n"
                                 ".dephase\n"
                                 "z: halt\n");
  EXPECT_EQ(img.symbols.at("x"), 0u);
  EXPECT_EQ(img.symbols.at("y"), 1u);
  EXPECT_EQ(img.symbols.at("z"), 104u);
  // Labels inside a phase are not attached to absolute addresses.
  EXPECT_EQ(img.labels, (std::map<uint64_t, std::string>{{104, "z"}}));
  EXPECT_EQ(img.units, (std::map<uint64_t, uint64_t>{{100, jmp(1)}, {101, 0}, {102, 1}, {103, 104}, {104, kHalt}}));
  // An .org inside a phase moves the location; labels keep their offset from it.
  Image img2 = test::assemble(*m, ".org 10\n.phase 500\na: halt\n.org 20\nb: halt\n.dephase\nc: halt\n");
  EXPECT_EQ(img2.symbols.at("a"), 500u);
  EXPECT_EQ(img2.symbols.at("b"), 510u);
  EXPECT_EQ(img2.symbols.at("c"), 21u);
  EXPECT_EQ(img2.units, (std::map<uint64_t, uint64_t>{{10, kHalt}, {20, kHalt}, {21, kHalt}}));
  EXPECT_EQ(error(".phase 0\n.dephase 1"), "test.s:2:10: .dephase takes no operand");
}

TEST_F(AsmPg, OperatorPrecedenceAndAssociativity) {
  EXPECT_EQ(word("1 + 2 * 3"), 7u);
  EXPECT_EQ(word("(1 + 2) * 3"), 9u);
  EXPECT_EQ(word("1 << 4 | 1"), 17u);
  EXPECT_EQ(word("1 << (4 | 1)"), 32u);
  EXPECT_EQ(word("1 + 1 << 2"), 8u); // + binds tighter than <<
  EXPECT_EQ(word("6 ^ 3 & 5"), 7u);  // & binds tighter than ^
  EXPECT_EQ(word("1 | 2 ^ 3"), 1u);  // ^ binds tighter than |
  EXPECT_EQ(word("7 - 2 - 1"), 4u);  // left associative
  EXPECT_EQ(word("64 / 4 / 2"), 8u);
  EXPECT_EQ(word("20 % 7 * 2"), 12u);
  EXPECT_EQ(word("256 >> 2 >> 1"), 32u);
  EXPECT_EQ(word("-2 * 3"), 0xffffffffau); // -6
  EXPECT_EQ(word("- -3"), 3u);
  EXPECT_EQ(word("-(2 + 3) + 10"), 5u);
  EXPECT_EQ(word("~0"), 0xfffffffffu);
  EXPECT_EQ(word("~5 & 0xff"), 0xfau);
  EXPECT_EQ(word("~(1 << 3) & 15"), 7u);
  EXPECT_EQ(word("+4"), 4u);
  // Signed division truncates toward zero; >> is a logical shift of the 64-bit pattern.
  EXPECT_EQ(word("-7 / 2"), 0xffffffffdu); // -3
  EXPECT_EQ(word("-7 % 3"), 0xfffffffffu); // -1
  EXPECT_EQ(word("7 % -3"), 1u);
  EXPECT_EQ(word("-1 >> 60"), 15u);
  EXPECT_EQ(word("1 << 64"), 0u);
  EXPECT_EQ(error(".word 1 / 0"), "test.s:1:9: division by zero");
  EXPECT_EQ(error(".word (1 + 2"), "test.s:1:7: expected a value");
  // Operand expressions stop at the template's next literal.
  EXPECT_EQ(units("addi 1 + 2, 3 * 4, -(2 + 3)"),
            (std::map<uint64_t, uint64_t>{{0, (uint64_t{0b001010} << 30) | (3u << 20) | (12u << 10) | (1024u - 5u)}}));
  EXPECT_EQ(units("ld 5, @6"),
            (std::map<uint64_t, uint64_t>{{0, (uint64_t{0b000011} << 30) | (5u << 20) | (6u << 10)}}));
}

TEST_F(AsmPg, ForwardReferences) {
  Image img = test::assemble(*m, "jmp end\n.word end, end + 1\nbeq a, b, end\nend: halt\na: .word 0\nb: .word 0\n");
  EXPECT_EQ(img.symbols.at("end"), 4u);
  EXPECT_EQ(img.units.at(0), jmp(4));
  EXPECT_EQ(img.units.at(1), 4u);
  EXPECT_EQ(img.units.at(2), 5u);
  EXPECT_EQ(img.units.at(3), (uint64_t{0b001101} << 30) | (5u << 20) | (6u << 10) | 4u);
  EXPECT_EQ(img.units.at(4), kHalt);
}

TEST_F(AsmPg, MnemonicsAndDirectivesAreCaseInsensitiveLabelsAreNot) {
  EXPECT_EQ(units("HALT\n.ORG 4\nJmp 3"), (std::map<uint64_t, uint64_t>{{0, kHalt}, {4, jmp(3)}}));
  Image img = test::assemble(*m, "a: halt\nA: jmp a\n");
  EXPECT_EQ(img.symbols.at("a"), 0u);
  EXPECT_EQ(img.symbols.at("A"), 1u);
  EXPECT_EQ(img.units.at(1), jmp(0));
}

TEST_F(AsmPg, CommentsBlankLinesAndSeveralLabels) {
  Image img = test::assemble(*m, "; heading\n\n   \na: b: halt ; done\nc:\n  svc\n");
  EXPECT_EQ(img.units, (std::map<uint64_t, uint64_t>{{0, kHalt}, {1, kSvc}}));
  // The first label at each address, for listings.
  EXPECT_EQ(img.labels, (std::map<uint64_t, std::string>{{0, "a"}, {1, "c"}}));
  EXPECT_EQ(img.symbols.at("a"), 0u);
  EXPECT_EQ(img.symbols.at("b"), 0u);
  EXPECT_EQ(img.symbols.at("c"), 1u);
  ASSERT_EQ(img.lines.size(), 2u);
  EXPECT_EQ(img.lines[0].text, "halt");
  EXPECT_EQ(img.lines[1].text, "svc");
  EXPECT_EQ(img.lines[1].addr, 1u);
}

// ---------------------------------------------------------------------------
// Operand ranges.

TEST_F(AsmPg, SignedOperandRange) {
  // li a:10 imm:20 "li {a}, {imm:s}"
  EXPECT_EQ(units("li 1, -524288"), (std::map<uint64_t, uint64_t>{{0, li(1, 0x80000)}}));
  EXPECT_EQ(units("li 1, 524287"), (std::map<uint64_t, uint64_t>{{0, li(1, 0x7ffff)}}));
  EXPECT_EQ(units("li 1, -1"), (std::map<uint64_t, uint64_t>{{0, li(1, 0xfffff)}}));
  EXPECT_EQ(error("li 1, 524288"),
            "test.s:1:7: 524288 does not fit in the 20-bit signed field 'imm' (-524288..524287)");
  EXPECT_EQ(error("li 1, -524289"),
            "test.s:1:7: -524289 does not fit in the 20-bit signed field 'imm' (-524288..524287)");
  // addi imm:10 signed
  EXPECT_EQ(error("addi 1, 2, 512"), "test.s:1:12: 512 does not fit in the 10-bit signed field 'imm' (-512..511)");
  EXPECT_EQ(units("addi 1, 2, -512").at(0) & 0x3ff, 0x200u);
  EXPECT_EQ(units("addi 1, 2, 511").at(0) & 0x3ff, 0x1ffu);
  // The disassembler prints signed fields as negative numbers.
  auto img = test::assemble(*m, "li 1, -524288\naddi 1, 2, -1");
  std::string dis = assembler::disassemble(*m, img);
  EXPECT_NE(dis.find("        li 1, -524288 "), std::string::npos) << dis;
  EXPECT_NE(dis.find("        addi 1, 2, -1 "), std::string::npos) << dis;
}

TEST_F(AsmPg, UnsignedOperandRange) {
  // add c:10 "add {a}, {b}, {c}"
  EXPECT_EQ(units("add 1023, 0, 1023").at(0), (uint64_t{0b000101} << 30) | (1023u << 20) | 1023u);
  EXPECT_EQ(error("add 1, 2, 1024"), "test.s:1:11: 1024 does not fit in the 10-bit field 'c' (-512..1023)");
  EXPECT_EQ(error("add 1024, 2, 3"), "test.s:1:5: 1024 does not fit in the 10-bit field 'a' (-512..1023)");
  // Negative values down to -2^(w-1) are accepted as two's complement.
  EXPECT_EQ(units("jmp -1").at(0), jmp(1023));
  EXPECT_EQ(units("jmp -512").at(0), jmp(512));
  EXPECT_EQ(error("jmp -513"), "test.s:1:5: -513 does not fit in the 10-bit field 't' (-512..1023)");
  // Unsigned fields disassemble as unsigned numbers.
  EXPECT_NE(assembler::disassemble(*m, test::assemble(*m, "jmp -1")).find("        jmp 1023 "), std::string::npos);
}

} // namespace
} // namespace popek
