// Encodings and the decoder: fields made of slices, decoding by fetch units
// (Match / NeedMore / None), and the checker's overlap diagnostics.
#include "test_util.hpp"

#include "model/decoder.hpp"

#include <gtest/gtest.h>
#include <random>

namespace popek {
namespace {

using model::Bits;
using model::Decoder;
using model::EncField;
using model::Encoding;
using model::Slice;

// ---------------------------------------------------------------------------
// Encoding::extract / insert

// RISC-V's B-type immediate: imm[12] imm[10:5] rs2:5 rs1:5 000 imm[4:1] imm[11] 1100011
Encoding btype_by_hand() {
  Encoding e;
  e.units = 1;
  e.bits = 32;
  e.mask = 0x0000707f;
  e.match = 0x00000063;
  e.fields.push_back({"imm", 13, {{12, 12, 31}, {10, 5, 25}, {4, 1, 8}, {11, 11, 7}}});
  e.fields.push_back({"rs2", 5, {{4, 0, 20}}});
  e.fields.push_back({"rs1", 5, {{4, 0, 15}}});
  return e;
}

TEST(DecoderEncoding, ScrambledImmediateExtractsAndInserts) {
  Encoding e = btype_by_hand();
  // Reference encodings: beq x1, x2, 8 and beq x0, x0, -4.
  EXPECT_EQ(e.extract(0, 0x00208463), 8u);
  EXPECT_EQ(e.extract(1, 0x00208463), 2u);
  EXPECT_EQ(e.extract(2, 0x00208463), 1u);
  EXPECT_EQ(e.extract(0, 0xfe000ee3), 0x1ffcu); // -4 in 13 bits
  EXPECT_EQ(e.extract(0, 0x80000000), 0x1000u); // only imm[12]
  EXPECT_EQ(e.extract(0, 0x00000080), 0x0800u); // only imm[11]
  EXPECT_EQ(e.extract(0, 0x00000100), 0x0002u); // only imm[1]
  EXPECT_EQ(e.extract(0, 0x02000000), 0x0020u); // only imm[5]

  Bits raw = e.match;
  raw = e.insert(0, 8, raw);
  raw = e.insert(1, 2, raw);
  raw = e.insert(2, 1, raw);
  EXPECT_TRUE(raw == Bits{0x00208463});
  EXPECT_TRUE(e.insert(0, 0x1ffc, e.match) == Bits{0xfe000ee3});
  // Insert replaces exactly the field's bits, leaving every other bit alone.
  EXPECT_TRUE(e.insert(0, 0, Bits{0xffffffff}) == Bits{0x01fff07f});
  EXPECT_TRUE(e.insert(0, 0x1ffe, Bits{0}) == Bits{0xfe000f80});
  EXPECT_TRUE(e.insert(1, 0, Bits{0xffffffff}) == Bits{0xfe0fffff});
  // Bits of the value above the field or not stored by any slice are dropped.
  EXPECT_TRUE(e.insert(0, 0x1fff, e.match) == e.insert(0, 0x1ffe, e.match)); // imm[0] is not stored
  EXPECT_TRUE(e.insert(0, 0x3008, e.match) == e.insert(0, 0x1008, e.match)); // bit 13 is above the field
  EXPECT_TRUE(e.insert(1, 0xff, e.match) == e.insert(1, 0x1f, e.match));
}

TEST(DecoderEncoding, ImplicitZeroLowBits) {
  // A word-aligned branch target: off[9:2] in bits 7:0 of a 16-bit instruction.
  Encoding e;
  e.units = 1;
  e.bits = 16;
  e.mask = 0xff00;
  e.match = 0x4200;
  e.fields.push_back({"off", 10, {{9, 2, 0}}});
  EXPECT_EQ(e.extract(0, 0x42ff), 0x3fcu);
  EXPECT_EQ(e.extract(0, 0x4201), 0x004u);
  EXPECT_EQ(e.extract(0, 0xffff), 0x3fcu);
  EXPECT_TRUE(e.insert(0, 0x3fc, e.match) == Bits{0x42ff});
  EXPECT_TRUE(e.insert(0, 0x3ff, e.match) == Bits{0x42ff});
  EXPECT_TRUE(e.insert(0, 0x004, Bits{0xffff}) == Bits{0xff01});
  for (uint64_t v = 0; v < 1024; v += 4) EXPECT_EQ(e.extract(0, e.insert(0, v, e.match)), v);
}

TEST(DecoderEncoding, FieldsAcrossSixtyFourBitsOfA128BitInstruction) {
  // A field split around bit 64 of the instruction, and one at the top.
  Encoding e;
  e.units = 4;
  e.bits = 128;
  e.fields.push_back({"x", 16, {{15, 8, 64}, {7, 0, 56}}});
  e.fields.push_back({"top", 64, {{63, 0, 64}}});
  Bits raw = e.insert(0, 0xabcd, 0);
  EXPECT_TRUE(raw == ((Bits{0xab} << 64) | (Bits{0xcd} << 56)));
  EXPECT_EQ(e.extract(0, raw), 0xabcdu);
  // `top` occupies bits 127..64 and overlaps x's high slice: inserting it overwrites that slice.
  Bits raw2 = e.insert(1, 0xffffffffffffffffu, raw);
  EXPECT_TRUE(raw2 == ((~Bits{0} << 64) | (Bits{0xcd} << 56)));
  EXPECT_EQ(e.extract(1, raw2), 0xffffffffffffffffu);
  EXPECT_EQ(e.extract(0, raw2), 0xffcdu);
}

TEST(DecoderEncoding, CheckerComputesSlicePositions) {
  auto m = test::load_text(R"(machine rvb "B-type"
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
insn jw  off[9:2] 0x0000ff "jw {off}" { pc = off }
)");
  ASSERT_TRUE(m);
  const Encoding& b = m->insns[0].enc;
  Encoding ref = btype_by_hand();
  EXPECT_TRUE(b.mask == ref.mask);
  EXPECT_TRUE(b.match == ref.match);
  ASSERT_EQ(b.fields.size(), 3u);
  for (unsigned f = 0; f < 3; ++f) {
    EXPECT_EQ(b.fields[f].name, ref.fields[f].name);
    EXPECT_EQ(b.fields[f].width, ref.fields[f].width);
  }
  EXPECT_EQ(b.pattern, "imm[12] imm[10:5] rs2:5 rs1:5 000 imm[4:1] imm[11] 1100011");
  std::mt19937_64 rng(7);
  for (int i = 0; i < 500; ++i) {
    Bits raw = static_cast<uint32_t>(rng());
    for (unsigned f = 0; f < 3; ++f) EXPECT_EQ(b.extract(f, raw), ref.extract(f, raw));
    uint64_t v = rng();
    for (unsigned f = 0; f < 3; ++f) EXPECT_TRUE(b.insert(f, v, raw) == ref.insert(f, v, raw));
  }
  // A field given only by high bits: width 10, the low two bits read as zero.
  const Encoding& j = m->insns[1].enc;
  ASSERT_EQ(j.fields.size(), 1u);
  EXPECT_EQ(j.fields[0].width, 10u);
  EXPECT_EQ(j.extract(0, 0xab0000ffu), 0x2acu);
  EXPECT_TRUE(j.insert(0, 0x3fc, j.match) == Bits{0xff0000ffu});
  EXPECT_TRUE(j.mask == Bits{0x00ffffffu});
  EXPECT_TRUE(j.match == Bits{0x000000ffu});
}

// ---------------------------------------------------------------------------
// Decoder::lookup

const char* kVarBytes = R"(machine vb "variable-length byte machine"
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

TEST(DecoderLookup, VariableLengthMatchNeedMoreNone) {
  auto m = test::load_text(kVarBytes);
  ASSERT_TRUE(m);
  Decoder d(*m);
  EXPECT_EQ(d.max_units(), 4u);
  auto is = [&](Bits raw, unsigned units, Decoder::Result::Kind kind, const char* insn = nullptr) {
    auto r = d.lookup(raw, units);
    EXPECT_EQ(r.kind, kind) << model::bits_to_hex(raw, units * 8);
    if (insn) {
      EXPECT_EQ(r.insn, m->find_insn(insn)) << model::bits_to_hex(raw, units * 8);
    }
  };
  is(0x00, 1, Decoder::Result::Match, "nop");
  is(0xff, 1, Decoder::Result::Match, "halt");
  is(0x01, 1, Decoder::Result::NeedMore);
  is(0x017f, 2, Decoder::Result::Match, "ldi");
  is(0x02, 1, Decoder::Result::NeedMore);
  is(0x0212, 2, Decoder::Result::NeedMore);
  is(0x021234, 3, Decoder::Result::Match, "jmp");
  is(0xfe, 1, Decoder::Result::NeedMore);
  is(0xfe01, 2, Decoder::Result::NeedMore);
  is(0xfe01be, 3, Decoder::Result::NeedMore);
  is(0xfe01beef, 4, Decoder::Result::Match, "ldw");
  is(0xfe02, 2, Decoder::Result::None);
  is(0xfe00be, 3, Decoder::Result::None);
  is(0x03, 1, Decoder::Result::None);
  is(0x80, 1, Decoder::Result::None);
  is(0xfd, 1, Decoder::Result::None);
  // The decoder answers for exactly `units` units: a complete nop followed by
  // more bytes is no instruction of that length.
  is(0x0000, 2, Decoder::Result::None);
  is(0x01ff00, 3, Decoder::Result::None);
}

// Decoder::decode: the instruction at the start of a run of units (the fuzzer
// splits programs with it, and writes findings' programs).
TEST(DecoderDecode, TheFirstInstructionOfARunOfUnits) {
  auto m = test::load_text(kVarBytes);
  ASSERT_TRUE(m);
  Decoder d(*m);
  auto at = [&](std::vector<uint64_t> units) { return d.decode(units); };
  Decoder::Decoded ldw = at({0xfe, 0x01, 0xbe, 0xef, 0x00});
  EXPECT_EQ(ldw.insn, m->find_insn("ldw"));
  EXPECT_EQ(ldw.units, 4u);
  EXPECT_EQ(ldw.raw, Bits{0xfe01beef});
  Decoder::Decoded nop = at({0x00, 0xff});
  EXPECT_EQ(nop.insn, m->find_insn("nop"));
  EXPECT_EQ(nop.units, 1u);
  // No instruction: one unit, its own bits; also when the run ends too soon.
  for (const std::vector<uint64_t>& bad :
       {std::vector<uint64_t>{0x80, 0x00}, {0xfe, 0x02, 0x00}, {0x02, 0x12}, {0xfe, 0x01, 0xbe}}) {
    Decoder::Decoded x = at(bad);
    EXPECT_EQ(x.insn, -1);
    EXPECT_EQ(x.units, 1u);
    EXPECT_EQ(x.raw, Bits{bad[0]});
  }
  EXPECT_EQ(at({}).insn, -1);
}

TEST(DecoderLookup, EveryPgInstructionDecodesToItselfAndNoOther) {
  auto m = test::load("models/pg.isa");
  ASSERT_TRUE(m);
  Decoder d(*m);
  EXPECT_EQ(d.max_units(), 1u);
  EXPECT_EQ(m->insns.size(), 23u);
  std::mt19937_64 rng(1974);
  for (size_t i = 0; i < m->insns.size(); ++i) {
    const Encoding& e = m->insns[i].enc;
    SCOPED_TRACE(m->insns[i].name);
    EXPECT_EQ(e.units, 1u);
    EXPECT_EQ(e.bits, 36u);
    for (int round = 0; round < 200; ++round) {
      // Random values in every field, fixed bits as the encoding says.
      Bits raw = e.match;
      std::vector<uint64_t> v;
      for (unsigned f = 0; f < e.fields.size(); ++f) {
        v.push_back(rng() & model::width_mask(e.fields[f].width));
        raw = e.insert(f, v.back(), raw);
      }
      auto r = d.lookup(raw, 1);
      ASSERT_EQ(r.kind, Decoder::Result::Match);
      ASSERT_EQ(r.insn, static_cast<int>(i));
      for (size_t j = 0; j < m->insns.size(); ++j) EXPECT_EQ(m->insns[j].enc.matches(raw), j == i) << m->insns[j].name;
      for (unsigned f = 0; f < e.fields.size(); ++f) EXPECT_EQ(e.extract(f, raw), v[f]);
    }
  }
}

TEST(DecoderLookup, PgWordsWithWrongFixedBitsDecodeToNone) {
  auto m = test::load("models/pg.isa");
  ASSERT_TRUE(m);
  Decoder d(*m);
  const Bits op_mask = Bits{0x3f} << 30;
  std::mt19937_64 rng(36);
  // Opcodes 0 and 24..63 are undefined whatever the operands.
  for (uint64_t op : {0ull, 24ull, 25ull, 40ull, 63ull})
    for (int round = 0; round < 50; ++round) {
      Bits raw = (Bits{op} << 30) | (rng() & 0x3fffffffu);
      EXPECT_EQ(d.lookup(raw, 1).kind, Decoder::Result::None) << model::bits_to_hex(raw, 36);
    }
  // A fixed bit below the opcode (mov's trailing zeros, svc's operand bits, ...)
  // set the wrong way leaves no instruction at all.
  int flipped = 0;
  for (size_t i = 0; i < m->insns.size(); ++i) {
    const Encoding& e = m->insns[i].enc;
    for (unsigned bit = 0; bit < 30; ++bit) {
      Bits b = Bits{1} << bit;
      if (!(e.mask & b)) continue;
      Bits raw = e.match;
      for (unsigned f = 0; f < e.fields.size(); ++f) raw = e.insert(f, rng(), raw);
      raw ^= b;
      EXPECT_FALSE(e.matches(raw));
      EXPECT_EQ(d.lookup(raw, 1).kind, Decoder::Result::None)
          << m->insns[i].name << " bit " << bit << ": " << model::bits_to_hex(raw, 36);
      ++flipped;
    }
    // A flipped opcode bit gives another instruction or none, never this one.
    for (unsigned bit = 30; bit < 36; ++bit) {
      Bits raw = e.match ^ (Bits{1} << bit);
      auto r = d.lookup(raw, 1);
      EXPECT_NE(r.insn, static_cast<int>(i));
      if (r.kind == Decoder::Result::Match) {
        EXPECT_TRUE(m->insns[static_cast<size_t>(r.insn)].enc.matches(raw));
      }
    }
    EXPECT_TRUE((e.mask & op_mask) == op_mask);
  }
  EXPECT_GT(flipped, 100); // mov, ld, st, jmp, jal, jr, svc, lpsw, setr, halt have fixed operand bits
}

// ---------------------------------------------------------------------------
// The checker's overlap diagnostics.

// Nine lines; instructions start at line 10.
const char* kOverlapBase = R"(machine t "overlap tests"
word 8
memory M[256] : 8
modes sup = 0, usr = 1
register pc : 8 pc
trap undef = 1
undefined trap undef
trap entry (cause : 4, arg : 8) { pc = 0 }
fetch (i : 8) -> 8 { return M[pc + i] }
)";

std::string with_insns(const std::string& insns) { return std::string(kOverlapBase) + insns; }

TEST(DecoderOverlap, BaseModelLoads) { EXPECT_EQ(test::load_error(with_insns("insn a 0x05 \"a\" { pc = pc }\n")), ""); }

TEST(DecoderOverlap, SameLengthEncodingsThatOverlap) {
  EXPECT_EQ(test::load_error(with_insns("insn a 0001 x:4 \"a {x}\" { pc = zext(x, 8) }\n"
                                        "insn b 000 y:5 \"b {y}\" { pc = zext(y, 8) }\n")),
            "test.isa:11:1: encodings of 'b' and 'a' (line 10) overlap: both match 0x10");
  // Fixed bits of one under a field of the other: the example combines both.
  EXPECT_EQ(test::load_error(with_insns("insn a 1 x:7 \"a {x}\" { pc = pc }\n"
                                        "insn b y:1 0000001 \"b {y}\" { pc = pc }\n")),
            "test.isa:11:1: encodings of 'b' and 'a' (line 10) overlap: both match 0x81");
  // The same fixed bits exactly; the later instruction is reported, with the earlier one's line.
  EXPECT_EQ(test::load_error(with_insns("insn a 0x05 \"a\" { pc = pc }\n"
                                        "insn c 0x06 \"c\" { pc = pc }\n"
                                        "  insn b 0x05 \"b\" { pc = pc }\n")),
            "test.isa:12:3: encodings of 'b' and 'a' (line 10) overlap: both match 0x05");
}

TEST(DecoderOverlap, ShortEncodingThatIsAPrefixOfALongerOne) {
  EXPECT_EQ(test::load_error(with_insns("insn a 0x05 \"a\" { pc = pc }\n"
                                        "insn b 0x05 k:8 \"b {k}\" { pc = k }\n")),
            "test.isa:11:1: encodings of 'b' and 'a' (line 10) overlap: both match 0x05");
  // Longer one first.
  EXPECT_EQ(test::load_error(with_insns("insn b 0x05 k:8 \"b {k}\" { pc = k }\n"
                                        "insn a 0x05 \"a\" { pc = pc }\n")),
            "test.isa:11:1: encodings of 'a' and 'b' (line 10) overlap: both match 0x05");
  // The short one has a field where the long one's first unit is fixed.
  EXPECT_EQ(test::load_error(with_insns("insn a 0000 x:4 \"a {x}\" { pc = pc }\n"
                                        "insn b 0x01 k:8 0x7 k2:4 \"b {k}, {k2}\" { pc = k }\n")),
            "test.isa:11:1: encodings of 'b' and 'a' (line 10) overlap: both match 0x01");
  // Three units against two: compared over the first two.
  EXPECT_EQ(test::load_error(with_insns("insn a 0xfe 0x01 \"a\" { pc = pc }\n"
                                        "insn b 0xfe k:8 j:8 \"b {k}, {j}\" { pc = k }\n")),
            "test.isa:11:1: encodings of 'b' and 'a' (line 10) overlap: both match 0xfe01");
}

TEST(DecoderOverlap, EncodingsDifferingInOneFixedBitDoNotOverlap) {
  EXPECT_EQ(test::load_error(with_insns("insn a 0001 x:4 \"a {x}\" { pc = zext(x, 8) }\n"
                                        "insn b 0000 y:4 \"b {y}\" { pc = zext(y, 8) }\n")),
            "");
  EXPECT_EQ(test::load_error(with_insns("insn a 0x05 \"a\" { pc = pc }\n"
                                        "insn b 0x04 k:8 \"b {k}\" { pc = k }\n")),
            "");
  // Differing only in the last bit of the second unit.
  EXPECT_EQ(test::load_error(with_insns("insn a 0xfe 0x01 \"a\" { pc = pc }\n"
                                        "insn b 0xfe 0x00 k:8 \"b {k}\" { pc = k }\n")),
            "");
  // ... and the decoder tells them apart.
  auto m = test::load_text(with_insns("insn a 0xfe 0x01 \"a\" { pc = pc }\n"
                                      "insn b 0xfe 0x00 k:8 \"b {k}\" { pc = k }\n"));
  ASSERT_TRUE(m);
  Decoder d(*m);
  EXPECT_EQ(d.lookup(0xfe01, 2).kind, Decoder::Result::Match);
  EXPECT_EQ(d.lookup(0xfe01, 2).insn, 0);
  EXPECT_EQ(d.lookup(0xfe00, 2).kind, Decoder::Result::NeedMore);
  EXPECT_EQ(d.lookup(0xfe0042, 3).insn, 1);
  EXPECT_EQ(d.lookup(0xfe0142, 3).kind, Decoder::Result::None);
  EXPECT_EQ(d.lookup(0xfe, 1).kind, Decoder::Result::NeedMore);
}

} // namespace
} // namespace popek
