#include "test_util.hpp"

#include "asm/assembler.hpp"
#include "lang/load.hpp"
#include "util/files.hpp"

#include <cstdio>
#include <cstdlib>
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

namespace popek::test {

std::string path(const std::string& rel) { return std::string(POPEK_SOURCE_DIR) + "/" + rel; }

std::string read(const std::string& rel) {
  std::string err;
  auto t = read_file(path(rel), err);
  EXPECT_TRUE(t.has_value()) << err;
  return t.value_or("");
}

std::shared_ptr<const model::Model> load(const std::string& rel) {
  auto r = lang::load_model_file(path(rel));
  EXPECT_TRUE(r.model) << r.error;
  return r.model;
}

std::shared_ptr<const model::Model> load_text(const std::string& text, const std::string& name) {
  auto r = lang::load_model_text(name, text);
  EXPECT_TRUE(r.model) << r.error;
  return r.model;
}

std::string load_error(const std::string& text, const std::string& name) {
  return lang::load_model_text(name, text).error;
}

assembler::Image assemble(const model::Model& m, const std::string& text, const std::string& name) {
  auto r = assembler::assemble(m, name, text);
  EXPECT_EQ(r.error, "");
  return r.image;
}

std::string assemble_error(const model::Model& m, const std::string& text, const std::string& name) {
  return assembler::assemble(m, name, text).error;
}

machine::Machine machine_with(std::shared_ptr<const model::Model> m, const std::string& program) {
  assembler::Image img = assemble(*m, program);
  machine::Machine mc(m);
  for (const auto& [addr, v] : img.units) mc.set_mem(m->code_mem, addr, v);
  return mc;
}

CliResult run_popek(const std::string& args, const std::string& stdin_text) {
  static int counter = 0;
  std::string base = ::testing::TempDir() + "popek_cli_" + std::to_string(::getpid()) + "_" + std::to_string(counter++);
  std::string in = base + ".in", out = base + ".out", err = base + ".err";
  std::string e;
  write_file_atomic(in, stdin_text, e);
  std::string cmd = "cd '" + std::string(POPEK_SOURCE_DIR) + "' && '" + POPEK_BINARY + "' " + args + " <'" + in +
                    "' >'" + out + "' 2>'" + err + "'";
  int status = std::system(cmd.c_str());
  CliResult r;
  r.rc = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  r.out = read_file(out, e).value_or("");
  r.err = read_file(err, e).value_or("");
  std::remove(in.c_str());
  std::remove(out.c_str());
  std::remove(err.c_str());
  return r;
}

} // namespace popek::test
