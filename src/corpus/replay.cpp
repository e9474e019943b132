#include "corpus/replay.hpp"

#include "asm/assembler.hpp"
#include "diff/setup.hpp"
#include "lang/load.hpp"
#include "util/files.hpp"
#include "vmm/vmm.hpp"

#include <algorithm>
#include <filesystem>
#include <fmt/format.h>

namespace popek::corpus {

namespace fs = std::filesystem;

std::optional<Case> load_case(const std::string& path, std::string& error) {
  auto text = read_file(path, error);
  if (!text) return std::nullopt;
  try {
    return parse_case(path, *text);
  } catch (const InputError& e) {
    error = e.what();
    return std::nullopt;
  }
}

std::shared_ptr<const model::Model> ModelCache::get(const Case& c, std::string& error) {
  lang::ModelRef ref = lang::find_model(c.model, dir_, fs::path(c.path).parent_path().string());
  const std::string& key = ref.path;
  if (auto it = loaded_.find(key); it != loaded_.end()) return it->second;
  std::error_code ec;
  if (!fs::exists(key, ec)) {
    error = c.model_loc.str() + ": " +
            (ref.bundled ? "no bundled model '" + c.model + "' (in " + dir_ + ")" : "no model file '" + key + "'");
    return nullptr;
  }
  lang::LoadResult r = lang::load_model_file(key);
  if (!r.model) {
    error = c.model_loc.str() + ": the model does not load: " + r.error;
    return nullptr;
  }
  return loaded_[key] = r.model;
}

bool prepare(const Case& c, ModelCache& models, Prepared& out, std::string& error) {
  out.model = models.get(c, error);
  if (!out.model) return false;
  const model::Model& m = *out.model;
  out.options.strategy = c.strategy == "hybrid" ? vmm::Strategy::Hybrid : vmm::Strategy::TrapAndEmulate;
  out.options.allocation = c.allocation ? *c.allocation : vmm::default_allocation(m);
  out.options.max_steps = c.max_steps;
  if (!vmm::usable(m, out.options.allocation, error)) {
    error = (c.allocation ? c.allocation_loc : c.model_loc).str() + ": " + error;
    return false;
  }
  std::vector<diff::Setting> settings;
  for (const StateLine& s : c.state) {
    diff::Setting st;
    std::string why;
    if (!diff::parse_setting(m, s.name, s.value, st, why)) {
      error = s.loc.str() + ": " + why;
      return false;
    }
    settings.push_back(st);
  }
  assembler::AsmResult a = assembler::assemble(m, c.path, c.program, c.program_line);
  if (!a.error.empty()) {
    error = a.error;
    return false;
  }
  out.initial.emplace(out.model);
  std::string why;
  if (!diff::initial_state(*out.initial, out.options.allocation, settings, a.image, why)) {
    error = Loc{c.path, c.program_line, 1}.str() + ": " + why;
    return false;
  }
  return true;
}

Expectation observed(const model::Model& m, const diff::Result& r) {
  Expectation e;
  if (!r.divergence) return e;
  const diff::Divergence& d = *r.divergence;
  e.divergent = true;
  e.insn = diff::insn_name(m, d.native);
  for (const diff::Component& c : d.components) e.components.push_back(diff::component_name(m, c));
  std::sort(e.components.begin(), e.components.end());
  e.components.erase(std::unique(e.components.begin(), e.components.end()), e.components.end());
  e.kind = diff::kind_name(d.kind);
  std::replace(e.kind.begin(), e.kind.end(), ' ', '-');
  return e;
}

bool meets(const Expectation& expected, const Expectation& seen, const diff::Result& r, std::string& why) {
  std::string at = r.divergence ? fmt::format(" (step {})", r.divergence->step) : "";
  if (!expected.divergent) {
    if (seen.divergent)
      why = "expected equivalent, got " + describe(seen) + at;
    else if (!r.halted)
      why = fmt::format("expected equivalent, but the guest did not halt in {} steps", r.steps);
    return why.empty();
  }
  std::vector<std::string> want = expected.components;
  std::sort(want.begin(), want.end());
  want.erase(std::unique(want.begin(), want.end()), want.end());
  bool same = seen.divergent && seen.insn == expected.insn && seen.components == want &&
              (expected.kind.empty() || expected.kind == seen.kind);
  if (!same)
    why = "expected " + describe(expected) + ", got " +
          (seen.divergent ? describe(seen) + at : fmt::format("no divergence in {} steps", r.steps));
  return same;
}

Replay replay(const Case& c, ModelCache& models) {
  Replay out;
  Prepared p;
  if (!prepare(c, models, p, out.message)) return out;
  diff::Lockstep ls(p.model, p.options);
  std::string err;
  if (!ls.start(*p.initial, err)) {
    // The VMM refuses the initial state: the state lines made it (or, without any, the reset).
    out.message = (c.state.empty() ? c.model_loc : c.state.front().loc).str() + ": " + err;
    return out;
  }
  out.result = ls.run();
  out.seen = observed(*p.model, out.result);
  out.status = meets(c.expect, out.seen, out.result, out.message) ? Replay::Passed : Replay::Failed;
  return out;
}

Replay replay_file(const std::string& path, ModelCache& models) {
  Replay out;
  std::optional<Case> c = load_case(path, out.message);
  if (!c) return out;
  return replay(*c, models);
}

} // namespace popek::corpus
