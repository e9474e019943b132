// popek_gen: the build-time generator of native code for bundled models.
//   popek_gen MODEL.isa OUT.cpp IDENT
//   popek_gen --registry OUT.cpp IDENT...
// Writes atomically, and only when the content changes.
#include "lang/load.hpp"
#include "native/codegen.hpp"
#include "util/files.hpp"

#include <cstdio>
#include <string>
#include <vector>

namespace {
int write(const std::string& path, const std::string& text) {
  std::string err;
  auto old = popek::read_file(path, err);
  if (old && *old == text) return 0;
  if (!popek::write_file_atomic(path, text, err)) {
    std::fprintf(stderr, "popek_gen: %s\n", err.c_str());
    return 1;
  }
  return 0;
}
} // namespace

int main(int argc, char** argv) {
  std::vector<std::string> args(argv + 1, argv + argc);
  if (args.size() >= 2 && args[0] == "--registry")
    return write(args[1], popek::native::generate_registry({args.begin() + 2, args.end()}));
  if (args.size() != 3) {
    std::fprintf(stderr, "usage: popek_gen MODEL.isa OUT.cpp IDENT | --registry OUT.cpp IDENT...\n");
    return 2;
  }
  auto r = popek::lang::load_model_file(args[0]);
  if (!r.model) {
    std::fprintf(stderr, "%s\n", r.error.c_str());
    return 2;
  }
  return write(args[1], popek::native::generate(*r.model, r.model->source_hash, args[2]));
}
