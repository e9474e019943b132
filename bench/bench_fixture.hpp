// What every benchmark loads: a model and an assembled program from the
// source tree. A failure is fatal: a benchmark must not time a wrong setup.
#pragma once

#include "asm/assembler.hpp"
#include "lang/load.hpp"
#include "util/files.hpp"

#include <cstdio>
#include <cstdlib>
#include <memory>

namespace popek::bench {

struct Fixture {
  std::shared_ptr<const model::Model> model;
  assembler::Image image;
};

inline Fixture load(const char* model, const char* program) {
  std::string dir = POPEK_SOURCE_DIR;
  auto r = lang::load_model_file(dir + "/" + model);
  std::string err;
  auto text = read_file(dir + "/" + program, err);
  if (!r.model || !text) {
    std::fprintf(stderr, "%s%s\n", r.error.c_str(), err.c_str());
    std::exit(2);
  }
  auto a = assembler::assemble(*r.model, program, *text);
  if (!a.error.empty()) {
    std::fprintf(stderr, "%s\n", a.error.c_str());
    std::exit(2);
  }
  return {r.model, a.image};
}

} // namespace popek::bench
