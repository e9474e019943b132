// The `popek asm` and `popek disasm` commands: stdin, -o, images, errors and exit codes.
#include "test_util.hpp"

#include "asm/assembler.hpp"
#include "asm/disassembler.hpp"
#include "util/files.hpp"

#include <cstdio>
#include <filesystem>
#include <gtest/gtest.h>
#include <string>
#include <unistd.h>

namespace popek {
namespace {

using assembler::Image;

// ---------------------------------------------------------------------------
// The command line.

class AsmCli : public ::testing::Test {
protected:
  std::string tmp(const std::string& name) {
    return ::testing::TempDir() + "popek_asm_test_" + std::to_string(::getpid()) + "_" + name;
  }
};

TEST_F(AsmCli, AsmThenDisasmFromStdin) {
  auto m = test::load("models/pg.isa");
  ASSERT_TRUE(m);
  Image img = test::assemble(*m, test::read("examples/pg/kernel.s"), "examples/pg/kernel.s");
  const std::string image_text = assembler::write_image(*m, img);

  auto a = test::run_popek("asm pg examples/pg/kernel.s");
  EXPECT_EQ(a.rc, 0) << a.err;
  EXPECT_EQ(a.err, "");
  EXPECT_EQ(a.out, image_text);

  auto d = test::run_popek("disasm pg -", a.out);
  EXPECT_EQ(d.rc, 0) << d.err;
  EXPECT_EQ(d.err, "");
  EXPECT_EQ(d.out, assembler::disassemble(*m, img));
  EXPECT_EQ(test::assemble(*m, d.out, "dis.s").units, img.units);

  // disasm also takes assembly source.
  auto s = test::run_popek("disasm pg examples/pg/kernel.s");
  EXPECT_EQ(s.rc, 0) << s.err;
  EXPECT_EQ(s.out, d.out);
}

TEST_F(AsmCli, OutputOptionWritesTheFile) {
  auto m = test::load("models/pg.isa");
  ASSERT_TRUE(m);
  const std::string out = tmp("kernel.img");
  std::remove(out.c_str());
  auto a = test::run_popek("asm pg examples/pg/kernel.s -o '" + out + "'");
  EXPECT_EQ(a.rc, 0) << a.err;
  EXPECT_EQ(a.out, "");
  EXPECT_EQ(a.err, "");
  std::string err;
  auto written = read_file(out, err);
  ASSERT_TRUE(written.has_value()) << err;
  EXPECT_EQ(*written, assembler::write_image(*m, test::assemble(*m, test::read("examples/pg/kernel.s"))));

  // A .img file is read as an image.
  auto d = test::run_popek("disasm pg '" + out + "'");
  EXPECT_EQ(d.rc, 0) << d.err;
  EXPECT_EQ(test::assemble(*m, d.out).units, test::assemble(*m, test::read("examples/pg/kernel.s")).units);
  std::remove(out.c_str());
}

TEST_F(AsmCli, ErrorsExitWithTwoAndALocation) {
  const std::string src = tmp("bad.s");
  std::string err;
  ASSERT_TRUE(write_file_atomic(src, "start:  halt\n        bogus 1\n", err)) << err;
  auto a = test::run_popek("asm pg '" + src + "'");
  EXPECT_EQ(a.rc, 2);
  EXPECT_EQ(a.out, "");
  EXPECT_EQ(a.err, src + ":2:9: unknown instruction 'bogus'\n");

  const std::string out = tmp("never.img");
  std::remove(out.c_str());
  auto o = test::run_popek("asm pg '" + src + "' -o '" + out + "'");
  EXPECT_EQ(o.rc, 2);
  EXPECT_FALSE(std::filesystem::exists(out));

  auto d = test::run_popek("disasm pg -", "000: 1\n001: 2 zz\n");
  EXPECT_EQ(d.rc, 2);
  EXPECT_EQ(d.out, "");
  EXPECT_EQ(d.err, "<stdin>:2:8: expected a hexadecimal unit value\n");

  auto u = test::run_popek("asm pg '" + tmp("missing.s") + "'");
  EXPECT_EQ(u.rc, 2);
  EXPECT_NE(u.err, "");
  std::remove(src.c_str());
}

// Regression: with 8ca7c06 expressions divided as int64_t, so INT64_MIN / -1
// and INT64_MIN % -1 raised SIGFPE and killed the assembler. Run through the
// CLI so that a crash does not take the test binary down.
TEST_F(AsmCli, DivisionOverflowIsNotACrash) {
  const std::string div = tmp("div.s"), mod = tmp("mod.s");
  std::string err;
  ASSERT_TRUE(write_file_atomic(div, ".word -9223372036854775808 / -1\n", err)) << err;
  ASSERT_TRUE(write_file_atomic(mod, ".word -9223372036854775808 % -1\n", err)) << err;
  // The quotient (2^63) does not fit.
  auto d = test::run_popek("asm pg '" + div + "'");
  EXPECT_EQ(d.rc, 2);
  EXPECT_EQ(d.err, div + ":1:28: division overflows\n");
  // The remainder is 0 (mathematically); the assembler may compute it or
  // refuse, but it must not crash.
  auto r = test::run_popek("asm pg '" + mod + "'");
  EXPECT_TRUE(r.rc == 0 || r.rc == 2) << r.rc << " " << r.err;
  if (r.rc == 0) {
    EXPECT_NE(r.out.find("000: 000000000"), std::string::npos) << r.out;
  } else {
    EXPECT_EQ(r.err.rfind(mod + ":1:28: ", 0), 0u) << r.err;
  }
  std::remove(div.c_str());
  std::remove(mod.c_str());
}

} // namespace
} // namespace popek
