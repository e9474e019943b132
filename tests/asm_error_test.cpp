// Assembler and image-reader diagnostics on pg: each error with its exact
// file:line:col location.
#include "asm_helpers.hpp"
#include "test_util.hpp"

#include "asm/assembler.hpp"

#include <gtest/gtest.h>
#include <map>
#include <string>

namespace popek {
namespace {

using assembler::Image;
using namespace test; // asm_helpers.hpp

// ---------------------------------------------------------------------------
// Diagnostics: file:line:col: message.

TEST_F(AsmPg, ErrorUnknownInstruction) {
  EXPECT_EQ(error("halt\nfoo 1, 2"), "test.s:2:1: unknown instruction 'foo'");
  EXPECT_EQ(error("  l: foo"), "test.s:1:6: unknown instruction 'foo'");
  EXPECT_EQ(test::assemble_error(*m, "\n\n        bogus", "dir/prog.s"), "dir/prog.s:3:9: unknown instruction 'bogus'");
}

// A mnemonic with several forms, none of which takes the operands written: the
// message lists the forms instead of one form's complaint. With one form, that
// form's own complaint stays (ErrorMissingOperand).
TEST(AsmForms, NoFormTakesTheOperands) {
  auto m = test::load("docs/examples/acc.isa");
  ASSERT_TRUE(m);
  EXPECT_EQ(test::assemble_error(*m, "        lda  5, x"),
            "test.s:1:14: no form of 'lda' takes the operands '5, x'; its forms: 'lda {a}', 'lda {a}({r:X})'");
  EXPECT_EQ(test::assemble_error(*m, "LDA 5(z) ; comment"),
            "test.s:1:5: no form of 'lda' takes the operands '5(z)'; its forms: 'lda {a}', 'lda {a}({r:X})'");
  EXPECT_EQ(test::assemble_error(*m, "  lda"),
            "test.s:1:6: no form of 'lda' takes no operands; its forms: 'lda {a}', 'lda {a}({r:X})'");
  EXPECT_EQ(test::assemble_error(*m, "jmp 5, 6"), "test.s:1:6: unexpected ','");
}

TEST_F(AsmPg, ErrorUnknownDirective) { EXPECT_EQ(error("        .bogus 3"), "test.s:1:9: unknown directive '.bogus'"); }

TEST_F(AsmPg, ErrorUndefinedSymbol) {
  EXPECT_EQ(error("        jmp nowhere"), "test.s:1:13: undefined symbol 'nowhere'");
  EXPECT_EQ(error("x: .word 1 + y"), "test.s:1:14: undefined symbol 'y'");
  EXPECT_EQ(error(".org later\nlater: halt"), "test.s:1:6: undefined symbol 'later'");
}

TEST_F(AsmPg, ErrorDuplicateLabel) {
  EXPECT_EQ(error("x: halt\n  x: halt"), "test.s:2:3: symbol 'x' is defined twice");
  EXPECT_EQ(error("x: x: halt"), "test.s:1:4: symbol 'x' is defined twice");
}

TEST_F(AsmPg, ErrorValueDoesNotFit) {
  EXPECT_EQ(error("start: jmp 1024"), "test.s:1:12: 1024 does not fit in the 10-bit field 't' (-512..1023)");
  EXPECT_EQ(error("  .word 1 << 36"), "test.s:1:9: 68719476736 does not fit in 36 bits");
}

TEST_F(AsmPg, ErrorUnexpectedTrailingToken) {
  EXPECT_EQ(error("halt 3"), "test.s:1:6: unexpected '3'");
  EXPECT_EQ(error("jmp 5 6"), "test.s:1:7: unexpected '6'");
  EXPECT_EQ(error("  svc, 1"), "test.s:1:6: unexpected ','");
  EXPECT_EQ(error(".org 5 6"), "test.s:1:8: expected an address");
}

TEST_F(AsmPg, ErrorMissingOperand) {
  EXPECT_EQ(error("add 1, 2"), "test.s:1:9: expected ',', found the end of the line");
  EXPECT_EQ(error("add 1, , 3"), "test.s:1:8: expected a value for 'b', found ','");
  EXPECT_EQ(error("jmp"), "test.s:1:4: expected a value for 't', found the end of the line");
  EXPECT_EQ(error("ld 1, 2"), "test.s:1:7: expected '@', found '2'");
  EXPECT_EQ(error(".org"), "test.s:1:5: expected an address");
}

// Regression (8ca7c06 counted the column from the statement's first token, so
// indented or labelled lines reported a column inside the line).
TEST_F(AsmPg, ErrorAtTheEndOfAnIndentedLineHasTheLineColumn) {
  EXPECT_EQ(error("        add 1, 2"), "test.s:1:17: expected ',', found the end of the line");
  EXPECT_EQ(error("lbl: add 1, 2"), "test.s:1:14: expected ',', found the end of the line");
  EXPECT_EQ(error("        .org"), "test.s:1:13: expected an address");
  EXPECT_EQ(error("        .word 1,"), "test.s:1:17: expected a value");
}

TEST_F(AsmPg, ErrorMalformedNumber) {
  EXPECT_EQ(error("jmp 12x"), "test.s:1:5: malformed number");
  EXPECT_EQ(error("        .word 0b102"), "test.s:1:15: malformed number");
  EXPECT_EQ(error(".word 0x"), "test.s:1:7: malformed number");
  EXPECT_EQ(error(".word 99999999999999999999"), "test.s:1:7: malformed number"); // over 64 bits
  EXPECT_EQ(error("jmp #"), "test.s:1:5: expected a value for 't', found '#'");
}

TEST_F(AsmPg, ErrorProgramRunsPastTheEndOfMemory) {
  // Exactly filling memory is fine.
  EXPECT_EQ(units(".org 1022\nhalt\nsvc").size(), 2u);
  EXPECT_EQ(error(".org 1022\nhalt\nsvc\n  halt"), "test.s:4:3: the program runs past the end of memory");
  EXPECT_EQ(error(".org 1020\n.word 1, 2, 3, 4, 5"), "test.s:2:1: the program runs past the end of memory");
  EXPECT_EQ(error(".org 1020\n.zero 5"), "test.s:2:1: the program runs past the end of memory");
  EXPECT_EQ(error(".org 1024"), "test.s:1:1: .org 1024 is outside memory E (1024 units)");
  EXPECT_EQ(error(".org -1"), "test.s:1:1: .org -1 is outside memory E (1024 units)");
}

TEST_F(AsmPg, ErrorAddressAssembledTwice) {
  EXPECT_EQ(error(".org 5\nhalt\n.org 4\n.word 1, 2"), "test.s:4:1: address 5 is assembled twice");
  EXPECT_EQ(error("halt\n.org 0\nsvc"), "test.s:3:1: address 0 is assembled twice");
}

TEST_F(AsmPg, ErrorLabelNamedLikeADirective) { EXPECT_EQ(error(".x: halt"), "test.s:1:1: unknown directive '.x'"); }

TEST_F(AsmPg, ErrorsInImages) {
  auto read_error = [&](const std::string& text) {
    Image img;
    std::string err;
    bool ok = assembler::read_image(*m, "p.img", text, img, err);
    EXPECT_FALSE(ok) << text;
    return err;
  };
  EXPECT_EQ(read_error("zz: 1"), "p.img:1:1: expected a hexadecimal address");
  EXPECT_EQ(read_error("; c\n0g: 1"), "p.img:2:2: expected ':' after the address");
  EXPECT_EQ(read_error("5: 1 x"), "p.img:1:6: expected a hexadecimal unit value");
  EXPECT_EQ(read_error("5: 12 -3"), "p.img:1:7: expected a hexadecimal unit value");
  EXPECT_EQ(read_error("400: 0"), "p.img:1:1: address 400 is outside memory E (1024 units)");
  EXPECT_EQ(read_error("3ff: 1 2"), "p.img:1:8: the line runs past the end of memory");
  EXPECT_EQ(read_error("0: 1000000000"), "p.img:1:4: value 1000000000 does not fit in a 36-bit unit");
  EXPECT_EQ(read_error("0: fffffffff\n1: 1\n0: 2"), "p.img:3:4: address 0 is given twice");
  EXPECT_EQ(read_error("0: 1 2\n1: 5"), "p.img:2:4: address 1 is given twice");

  // Comments, blank lines and upper case are fine; values may have leading zeros.
  Image img;
  std::string err;
  ASSERT_TRUE(assembler::read_image(*m, "p.img", "; hi\n\n  1A: 0000000FF 1  ; x\n3ff:\n", img, err)) << err;
  EXPECT_EQ(img.units, (std::map<uint64_t, uint64_t>{{0x1a, 0xff}, {0x1b, 1}}));
}

} // namespace
} // namespace popek
