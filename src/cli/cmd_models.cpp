// popek models: the bundled models, one line each.
#include "cli/commands.hpp"
#include "cli/common.hpp"
#include "lang/load.hpp"

#include <CLI/CLI.hpp>
#include <filesystem>
#include <fmt/format.h>
#include <iostream>

namespace popek::cli {

namespace {
int run_models() {
  int rc = kOk;
  auto paths = bundled_models();
  if (paths.empty()) {
    std::cerr << "popek: no models in " << models_dir() << "\n";
    return kBadInput;
  }
  for (const std::string& p : paths) {
    lang::LoadResult r = lang::load_model_file(p);
    std::string name = std::filesystem::path(p).stem().string();
    if (!r.model) {
      std::cerr << r.error << "\n";
      rc = kBadInput;
      continue;
    }
    fmt::print("{:<10} {}\n", name, r.model->description);
  }
  return rc;
}
} // namespace

void setup_models(CLI::App& app, int& rc) {
  auto* sub = app.add_subcommand("models", "List the bundled models with one-line descriptions");
  sub->callback([&rc] { rc = run_models(); });
}

} // namespace popek::cli
