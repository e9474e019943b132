#include "cli/common.hpp"

#include "asm/assembler.hpp"
#include "lang/load.hpp"
#include "util/files.hpp"

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <iterator>

namespace popek::cli {

namespace fs = std::filesystem;

std::string models_dir() {
  const char* env = std::getenv("POPEK_MODELS");
  return env && *env ? env : POPEK_MODELS_DIR;
}

std::vector<std::string> bundled_models() {
  std::vector<std::string> out;
  std::error_code ec;
  for (const auto& e : fs::directory_iterator(models_dir(), ec))
    if (e.path().extension() == ".isa") out.push_back(e.path().string());
  std::sort(out.begin(), out.end());
  return out;
}

std::shared_ptr<const model::Model> load_model_arg(const std::string& arg) {
  lang::ModelRef ref = lang::find_model(arg, models_dir());
  const std::string& path = ref.path;
  if (ref.bundled && !fs::exists(path)) {
    std::string names;
    for (const std::string& p : bundled_models()) names += (names.empty() ? "" : ", ") + fs::path(p).stem().string();
    std::cerr << "popek: unknown model '" << arg << "' (bundled: " << names << "; or give the path of a .isa file)\n";
    return nullptr;
  }
  lang::LoadResult r = lang::load_model_file(path);
  if (!r.model) {
    std::cerr << r.error << "\n";
    return nullptr;
  }
  return r.model;
}

std::optional<assembler::Image> load_program(const model::Model& m, const std::string& path) {
  std::string err, text;
  if (path == "-") {
    text.assign(std::istreambuf_iterator<char>(std::cin), std::istreambuf_iterator<char>());
  } else {
    auto t = read_file(path, err);
    if (!t) {
      std::cerr << "popek: " << err << "\n";
      return std::nullopt;
    }
    text = std::move(*t);
  }
  if (path == "-" || fs::path(path).extension() == ".img") {
    assembler::Image img;
    if (!assembler::read_image(m, path == "-" ? "<stdin>" : path, text, img, err)) {
      std::cerr << err << "\n";
      return std::nullopt;
    }
    return img;
  }
  assembler::AsmResult r = assembler::assemble(m, path, text);
  if (!r.error.empty()) {
    std::cerr << r.error << "\n";
    return std::nullopt;
  }
  return r.image;
}

void load_image(machine::Machine& mc, const assembler::Image& img) {
  for (const auto& [addr, v] : img.units) mc.set_mem(mc.model().code_mem, addr, v);
}

bool write_output(const std::string& path, const std::string& text) {
  if (path.empty() || path == "-") {
    std::cout << text << std::flush; // before any summary on stderr
    return true;
  }
  std::string err;
  if (!write_file_atomic(path, text, err)) {
    std::cerr << "popek: " << err << "\n";
    return false;
  }
  return true;
}

} // namespace popek::cli
