// Assembler and disassembler round trips: every instruction of every bundled model and of
// the inline models, the kernel image, and images written and read back.
#include "asm_helpers.hpp"
#include "test_util.hpp"

#include "asm/assembler.hpp"
#include "asm/disassembler.hpp"
#include "model/decoder.hpp"

#include <algorithm>
#include <filesystem>
#include <fmt/format.h>
#include <gtest/gtest.h>
#include <random>
#include <string>
#include <vector>

namespace popek {
namespace {

using assembler::Image;
using model::Bits;
using model::Decoder;
using model::Model;
using namespace test; // asm_helpers.hpp

// Bits of a field that some slice stores (the others read as zero).
uint64_t covered_mask(const model::EncField& f) {
  uint64_t mask = 0;
  for (const model::Slice& s : f.slices) mask |= model::width_mask(s.hi - s.lo + 1) << s.lo;
  return mask;
}

int regfile_of(const model::Instruction& in, unsigned field) {
  for (const model::SyntaxPiece& p : in.syntax.pieces)
    if (p.kind == model::SyntaxPiece::Operand && p.field == field && p.format == model::SyntaxPiece::RegName)
      return static_cast<int>(p.file);
  return -1;
}

std::vector<uint64_t> random_fields(const Model& m, const model::Instruction& in, std::mt19937_64& rng, int round) {
  std::vector<uint64_t> v;
  for (unsigned f = 0; f < in.enc.fields.size(); ++f) {
    // Every stored bit; register-file operands only up to the number of names of the file.
    uint64_t mask = covered_mask(in.enc.fields[f]);
    uint64_t x = round == 0 ? 0 : round == 1 ? mask : rng() & mask;
    int file = regfile_of(in, f);
    if (file >= 0) x %= m.regs[static_cast<size_t>(file)].asm_names.size();
    v.push_back(x);
  }
  return v;
}

Bits encode(const model::Instruction& in, const std::vector<uint64_t>& fields) {
  Bits raw = in.enc.match;
  for (unsigned f = 0; f < fields.size(); ++f) raw = in.enc.insert(f, fields[f], raw);
  return raw;
}

// Decodes the instruction at `addr` the way the disassembler does: one fetch
// unit more until the decoder answers Match or None.
struct Decoded {
  int insn = -1;
  unsigned units = 0;
  Bits raw = 0;
};
Decoded decode_at(const Model& m, const std::map<uint64_t, uint64_t>& units, uint64_t addr) {
  Decoder dec(m);
  Decoded d;
  for (unsigned k = 1; k <= dec.max_units(); ++k) {
    Bits raw = 0;
    if (!assembler::fetch_from(m, units, addr, k, raw)) break;
    auto r = dec.lookup(raw, k);
    if (r.kind == Decoder::Result::Match) return {r.insn, k, raw};
    if (r.kind == Decoder::Result::None) break;
  }
  return d;
}

std::vector<std::string> bundled_model_files() {
  std::vector<std::string> out;
  for (const auto& e : std::filesystem::directory_iterator(test::path("models")))
    if (e.path().extension() == ".isa") out.push_back("models/" + e.path().filename().string());
  std::sort(out.begin(), out.end());
  return out;
}

// ---------------------------------------------------------------------------
// Round trips.

TEST(AsmRoundTrip, EveryInstructionOfEveryBundledModel) {
  std::vector<std::string> files = bundled_model_files();
  ASSERT_FALSE(files.empty());
  ASSERT_NE(std::find(files.begin(), files.end(), "models/pg.isa"), files.end());
  for (const std::string& file : files) {
    SCOPED_TRACE(file);
    auto m = test::load(file);
    ASSERT_TRUE(m);
    Decoder dec(*m);
    std::mt19937_64 rng(0x5eed0000u + files.size());
    for (size_t i = 0; i < m->insns.size(); ++i) {
      const model::Instruction& in = m->insns[i];
      SCOPED_TRACE(in.name);
      for (int round = 0; round < 200; ++round) {
        std::vector<uint64_t> fields = random_fields(*m, in, rng, round);
        Bits raw = encode(in, fields);
        ASSERT_TRUE(in.enc.matches(raw));
        for (unsigned f = 0; f < fields.size(); ++f) ASSERT_EQ(in.enc.extract(f, raw), fields[f]);

        const std::string text = assembler::format_insn(*m, static_cast<int>(i), raw);
        auto r = assembler::assemble(*m, "rt.s", text + "\n");
        ASSERT_EQ(r.error, "") << text;
        const unsigned nunits = in.enc.units * m->fetch_step;
        ASSERT_EQ(r.image.units.size(), nunits) << text;
        EXPECT_EQ(r.image.units.begin()->first, 0u);
        EXPECT_EQ(assembler::to_units(*m, raw, in.enc.units).size(), nunits);

        Decoded d = decode_at(*m, r.image.units, 0);
        ASSERT_EQ(d.insn, static_cast<int>(i)) << text;
        ASSERT_EQ(d.units, in.enc.units);
        EXPECT_TRUE(d.raw == raw) << text << ": " << model::bits_to_hex(d.raw, in.enc.bits) << " vs "
                                  << model::bits_to_hex(raw, in.enc.bits);
        for (unsigned f = 0; f < fields.size(); ++f) EXPECT_EQ(in.enc.extract(f, d.raw), fields[f]) << text;
        // Fewer fetch units than the instruction has are a proper prefix.
        for (unsigned k = 1; k < in.enc.units; ++k)
          EXPECT_EQ(dec.lookup(raw >> ((in.enc.units - k) * m->fetch_unit), k).kind, Decoder::Result::NeedMore);
        // text -> words -> text
        EXPECT_EQ(assembler::format_insn(*m, d.insn, d.raw), text);
        // and the disassembler prints the same text for the image.
        std::string dis = assembler::disassemble(*m, r.image);
        EXPECT_NE(dis.find("        " + text + " "), std::string::npos) << dis;
      }
    }
  }
}

TEST(AsmRoundTrip, InlineModelsWithRegisterFilesSlicesAndVariableLength) {
  for (const char* text : {kLe32, kVarBytes, kBType}) {
    auto m = test::load_text(text);
    ASSERT_TRUE(m);
    SCOPED_TRACE(m->name);
    std::mt19937_64 rng(42);
    for (size_t i = 0; i < m->insns.size(); ++i) {
      const model::Instruction& in = m->insns[i];
      for (int round = 0; round < 200; ++round) {
        std::vector<uint64_t> fields = random_fields(*m, in, rng, round);
        Bits raw = encode(in, fields);
        std::string s = assembler::format_insn(*m, static_cast<int>(i), raw);
        auto r = assembler::assemble(*m, "rt.s", s);
        ASSERT_EQ(r.error, "") << s;
        ASSERT_EQ(r.image.units.size(), in.enc.units * m->fetch_step);
        Decoded d = decode_at(*m, r.image.units, 0);
        ASSERT_EQ(d.insn, static_cast<int>(i)) << s;
        EXPECT_TRUE(d.raw == raw) << s;
        EXPECT_EQ(assembler::format_insn(*m, d.insn, d.raw), s);
      }
    }
  }
}

TEST(AsmRoundTrip, KernelImageDisassemblesAndReassemblesToTheSameUnits) {
  auto m = test::load("models/pg.isa");
  ASSERT_TRUE(m);
  Image img = test::assemble(*m, test::read("examples/pg/kernel.s"), "kernel.s");
  ASSERT_EQ(img.units.size(), 29u); // 2 PSW words, 11 instructions, 8 data words; 8 user words
  std::string dis = assembler::disassemble(*m, img);
  Image again = test::assemble(*m, dis, "kernel.dis.s");
  EXPECT_EQ(again.units, img.units);
  // Disassembling the re-assembled image is a fixed point.
  EXPECT_EQ(assembler::disassemble(*m, again), dis);

  // The layout: data words at 0 and 1, code from 2, a gap up to the user program at 256.
  EXPECT_EQ(dis.rfind("        .org 0\n", 0), 0u) << dis;
  EXPECT_NE(dis.find(dline(".word 0x000000000", "000: 000000000")), std::string::npos) << dis;
  EXPECT_NE(dis.find("        .org 256\n"), std::string::npos) << dis;
  EXPECT_EQ(img.symbols.at("start"), 2u);
  EXPECT_EQ(img.symbols.at("ustart"), 0u); // phased
  EXPECT_EQ(img.symbols.at("again"), 1u);
  const uint64_t lpsw = (uint64_t{0b010101} << 30) | (img.symbols.at("upsw") << 20);
  EXPECT_EQ(img.units.at(2), lpsw);
  EXPECT_NE(dis.find(dline(fmt::format("lpsw {}", img.symbols.at("upsw")), fmt::format("002: {:09x}", lpsw))),
            std::string::npos)
      << dis;
  // The svc of the user program, at absolute 257.
  EXPECT_EQ(img.units.at(257), uint64_t{0b010100} << 30);
  EXPECT_NE(dis.find(dline("svc", "101: 500000000")), std::string::npos) << dis;

  // write_image -> read_image
  std::string text = assembler::write_image(*m, img);
  EXPECT_EQ(text.rfind("; popek image for model pg (memory E, 36-bit units)\n", 0), 0u) << text;
  EXPECT_NE(text.find(fmt::format("002: {:09x}  ; lpsw  upsw\n", lpsw)), std::string::npos) << text;
  Image back;
  std::string err;
  ASSERT_TRUE(assembler::read_image(*m, "kernel.img", text, back, err)) << err;
  EXPECT_EQ(err, "");
  EXPECT_EQ(back.units, img.units);
  EXPECT_EQ(assembler::disassemble(*m, back), dis);
}

TEST(AsmRoundTrip, ImageOfAByteMachineReadsBack) {
  auto m = test::load_text(kLe32);
  ASSERT_TRUE(m);
  Image img = test::assemble(*m, "addi sp, zero, -2\nldi gp, 0x12345678\n.org 0x80\n.byte 1, 2\n.word 0x0a0b0c0d\n");
  std::string text = assembler::write_image(*m, img);
  EXPECT_EQ(text, "; popek image for model le32 (memory M, 8-bit units)\n"
                  "00: fe ff 8f 01  ; addi sp, zero, -2\n"
                  "04: 00 00 c0 02 78 56 34 12  ; ldi gp, 0x12345678\n"
                  "80: 01 02  ; .byte 1, 2\n"
                  "82: 0d 0c 0b 0a  ; .word 0x0a0b0c0d\n");
  Image back;
  std::string err;
  ASSERT_TRUE(assembler::read_image(*m, "le.img", text, back, err)) << err;
  EXPECT_EQ(back.units, img.units);
}

} // namespace
} // namespace popek
