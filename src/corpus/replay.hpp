// Replaying regression cases: each case's guest runs natively and under the
// VMM in lockstep (src/diff), and what the run shows is compared with the
// case's expectation.
#pragma once

#include "corpus/case.hpp"
#include "diff/lockstep.hpp"

#include <map>
#include <memory>
#include <optional>
#include <string>

namespace popek::corpus {

// Reads and parses a case file. On failure returns nullopt with `error` as
// `file:line:col: message`.
std::optional<Case> load_case(const std::string& path, std::string& error);

// The models cases name: a bundled model's name (looked up in `models_dir`) or
// a path relative to the case's folder. Each file is loaded once.
class ModelCache {
public:
  explicit ModelCache(std::string models_dir) : dir_(std::move(models_dir)) {}
  // Null with `error` (at the case's `model` line) when the model is missing or malformed.
  std::shared_ptr<const model::Model> get(const Case& c, std::string& error);

private:
  std::string dir_;
  std::map<std::string, std::shared_ptr<const model::Model>> loaded_;
};

// A case ready to run: its model, the runner's options and the initial virtual state.
struct Prepared {
  std::shared_ptr<const model::Model> model;
  diff::Options options;
  std::optional<machine::Machine> initial;
};
// Loads the model, assembles the program, applies the state. False with
// `error` as `file:line:col: message` when any of it is bad.
bool prepare(const Case& c, ModelCache& models, Prepared& out, std::string& error);

// What a run showed, in the words of an expectation (the kind always named).
Expectation observed(const model::Model& m, const diff::Result& r);
// Whether `seen` (with the run's result) meets `expected`; if not, `why` says how not.
bool meets(const Expectation& expected, const Expectation& seen, const diff::Result& r, std::string& why);

struct Replay {
  enum Status { Passed, Failed, BadCase } status = BadCase;
  std::string message; // Failed: how the run differs; BadCase: file:line:col: message
  diff::Result result;
  Expectation seen;
};
// Runs a case (at most its max-steps guest instructions) and checks its expectation.
Replay replay(const Case& c, ModelCache& models);
Replay replay_file(const std::string& path, ModelCache& models);

} // namespace popek::corpus
