// popek replay PATH...: runs every regression case (files, or folders searched
// recursively for *.case) and compares each run with the case's expectation.
#include "cli/commands.hpp"
#include "cli/common.hpp"
#include "corpus/replay.hpp"

#include <CLI/CLI.hpp>
#include <algorithm>
#include <filesystem>
#include <fmt/format.h>
#include <iostream>

namespace popek::cli {

namespace {
namespace fs = std::filesystem;

struct ReplayOptions {
  std::vector<std::string> paths;
  bool verbose = false;
};

// The case files under `path`, sorted so every run reports in the same order.
bool collect(const std::string& path, std::vector<std::string>& out) {
  std::error_code ec;
  if (!fs::is_directory(path, ec)) {
    out.push_back(path); // a missing file is reported by the replay itself
    return true;
  }
  std::vector<std::string> found;
  for (auto it = fs::recursive_directory_iterator(path, ec); !ec && it != fs::recursive_directory_iterator();
       it.increment(ec))
    if (it->path().extension() == ".case" && !it->is_directory()) found.push_back(it->path().string());
  if (ec) {
    std::cerr << "popek: " << path << ": " << ec.message() << "\n";
    return false;
  }
  if (found.empty()) std::cerr << "popek: " << path << ": no .case files in this folder\n";
  std::sort(found.begin(), found.end());
  out.insert(out.end(), found.begin(), found.end());
  return !found.empty();
}

int run_replay(const ReplayOptions& o) {
  std::vector<std::string> files;
  bool ok = true;
  for (const std::string& p : o.paths) ok &= collect(p, files);
  if (!ok) return kBadInput;
  corpus::ModelCache models(models_dir());
  unsigned passed = 0, failed = 0, bad = 0;
  for (const std::string& f : files) {
    corpus::Replay r = corpus::replay_file(f, models);
    switch (r.status) {
    case corpus::Replay::Passed:
      ++passed;
      if (o.verbose)
        fmt::print("ok    {}: {} ({} step{}, {:.1f}% direct)\n", f, corpus::describe(r.seen), r.result.steps,
                   r.result.steps == 1 ? "" : "s", 100.0 * r.result.efficiency());
      break;
    case corpus::Replay::Failed:
      ++failed;
      fmt::print("FAIL  {}: {}\n", f, r.message);
      break;
    case corpus::Replay::BadCase:
      ++bad;
      fmt::print("BAD   {}\n", r.message);
      break;
    }
  }
  fmt::print("{} passed, {} failed\n", passed, failed + bad);
  return bad ? kBadInput : failed ? kFailed : kOk;
}
} // namespace

void setup_replay(CLI::App& app, int& rc) {
  auto o = std::make_shared<ReplayOptions>();
  auto* sub = app.add_subcommand("replay", "Replay regression cases and compare each run with its expectation");
  sub->add_option("PATH", o->paths, "Case files, or folders searched recursively for *.case")->required();
  sub->add_flag("-v,--verbose", o->verbose, "Also print a line for every case that passes");
  sub->callback([o, &rc] { rc = run_replay(*o); });
}

} // namespace popek::cli
