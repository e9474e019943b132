#include "fuzz/session.hpp"

#include "lang/load.hpp"
#include "util/files.hpp"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <cstring>
#include <filesystem>
#include <unistd.h>

namespace popek::fuzz {

namespace fs = std::filesystem;
using nlohmann::json;

volatile std::sig_atomic_t Session::stop_requested_ = 0;

namespace {
// Never destroyed: libFuzzer ends the process with exit() from its own threads
// while callbacks may still be referenced; a leaked, reachable object is safe.
Session* g_session = nullptr;
} // namespace

void to_json(json& j, const SessionConfig& c) {
  j = json{{"model", c.model},         {"models_dir", c.models_dir}, {"strategy", vmm::strategy_name(c.strategy)},
           {"max_steps", c.max_steps}, {"max_insns", c.max_insns},   {"exact_insns", c.exact_insns},
           {"findings", c.findings},   {"stats", c.stats},           {"strict", c.strict},
           {"empty", c.empty}};
  if (c.allocation) {
    const vmm::Allocation& a = *c.allocation;
    j["allocation"] =
        a.nested() ? nlohmann::json{a.base, a.size, a.outer_base, a.outer_size} : nlohmann::json{a.base, a.size};
  }
}

void from_json(const json& j, SessionConfig& c) {
  c.model = j.at("model").get<std::string>();
  c.models_dir = j.at("models_dir").get<std::string>();
  c.strategy = j.at("strategy").get<std::string>() == "hybrid" ? vmm::Strategy::Hybrid : vmm::Strategy::TrapAndEmulate;
  c.max_steps = j.at("max_steps").get<uint64_t>();
  c.max_insns = j.at("max_insns").get<unsigned>();
  c.exact_insns = j.at("exact_insns").get<unsigned>();
  c.findings = j.at("findings").get<std::string>();
  c.stats = j.at("stats").get<std::string>();
  c.strict = j.at("strict").get<bool>();
  c.empty = j.at("empty").get<bool>();
  if (j.contains("allocation")) {
    const auto& a = j["allocation"];
    c.allocation = vmm::Allocation{a[0], a[1]};
    if (a.size() == 4) c.allocation->outer_base = a[2], c.allocation->outer_size = a[3];
  }
}

std::string write_stats(const Stats& s) {
  std::string seen(s.seen.size(), '0');
  for (size_t i = 0; i < s.seen.size(); ++i)
    if (s.seen[i]) seen[i] = '1';
  return json{
      {"runs", s.runs}, {"rejected", s.rejected}, {"outgrown", s.outgrown}, {"divergent", s.divergent}, {"seen", seen}}
      .dump();
}

bool read_stats(const std::string& text, Stats& s) {
  json j = json::parse(text, nullptr, false);
  if (j.is_discarded() || !j.is_object()) return false;
  try {
    s.runs = j.at("runs").get<uint64_t>();
    s.rejected = j.at("rejected").get<uint64_t>();
    s.outgrown = j.at("outgrown").get<uint64_t>();
    s.divergent = j.at("divergent").get<uint64_t>();
    std::string seen = j.at("seen").get<std::string>();
    s.seen.assign(seen.size(), 0);
    for (size_t i = 0; i < seen.size(); ++i) s.seen[i] = seen[i] == '1';
  } catch (const json::exception&) {
    return false;
  }
  return true;
}

Session::Session(SessionConfig c, std::shared_ptr<const model::Model> m) : cfg_(std::move(c)), m_(std::move(m)) {}

bool Session::start(const SessionConfig& c, std::string& error) {
  lang::ModelRef ref = lang::find_model(c.model, c.models_dir);
  lang::LoadResult lr = lang::load_model_file(ref.path);
  if (!lr.model) {
    error = lr.error;
    return false;
  }
  std::unique_ptr<Session> s(new Session(c, lr.model));
  TargetOptions to;
  to.strategy = c.strategy;
  to.allocation = c.allocation;
  to.max_steps = c.max_steps;
  to.findings = c.findings;
  std::error_code ec;
  to.model_ref = ref.bundled ? c.model : fs::absolute(ref.path, ec).string();
  to.models_dir = c.models_dir;
  s->target_ = std::make_unique<Target>(lr.model, to);
  if (!s->target_->ok()) {
    error = s->target_->error();
    return false;
  }
  s->mutator_ = std::make_unique<Mutator>(lr.model, s->target_->allocation(), c.max_insns, c.exact_insns);
  if (!c.stats.empty()) s->stats_path_ = (fs::path(c.stats) / fmt::format("{}.json", getpid())).string();
  s->last_flush_ = std::chrono::steady_clock::now();
  delete g_session;
  g_session = s.release();
  return true;
}

Session* Session::get() { return g_session; }

void Session::flush() {
  if (stats_path_.empty()) return;
  stats_.seen = target_->seen();
  std::string error;
  write_file_atomic(stats_path_, write_stats(stats_), error); // best effort: only progress figures are lost
  last_flush_ = std::chrono::steady_clock::now();
}

void Session::finish_run(Target::Result r) {
  last_ = r;
  ++stats_.runs;
  switch (r) {
  case Target::Rejected: ++stats_.rejected; break;
  case Target::Outgrown: ++stats_.outgrown; break;
  case Target::Known:
  case Target::New: ++stats_.divergent; break;
  case Target::Agreed: break;
  }
  if (r == Target::New) {
    const std::string& p = target_->finding_path();
    fmt::print(stderr, "popek: new finding: {}{}\n", target_->last_signature().text(), p.empty() ? "" : " -> " + p);
    if (!target_->warning().empty()) fmt::print(stderr, "popek: warning: {}\n", target_->warning());
  }
  if (cfg_.strict && (r == Target::New || r == Target::Known)) {
    fmt::print(stderr, "popek: strict: stopping at the first divergence ({})\n", target_->last_signature().text());
    flush();
    _exit(kStrictStop); // not exit(): libFuzzer treats exit() inside a run as a crash and writes an artifact
  }
  if ((stats_.runs & 1023) == 0 && std::chrono::steady_clock::now() - last_flush_ > std::chrono::milliseconds(500))
    flush();
}

int Session::test_one_input(const uint8_t* data, size_t size) {
  if (stop_requested_) {
    flush();
    _exit(0);
  }
  if (cfg_.empty) { // one constant feature, so that libFuzzer has a corpus to mutate
    if (sink_) sink_[0] = 1;
    return 0;
  }
  Target::Result r = target_->run({data, size});
  if (sink_) {
    const std::vector<uint8_t>& c = target_->counters();
    if (c.size() <= sink_n_)
      std::memcpy(sink_, c.data(), c.size());
    else // a model with more counters than libFuzzer's section: fold them
      for (size_t i = 0; i < c.size(); ++i) sink_[i % sink_n_] += c[i];
  }
  finish_run(r);
  return r == Target::Rejected ? -1 : 0;
}

size_t Session::mutate(uint8_t* data, size_t size, size_t max_size, unsigned seed, Mutator::ByteMutate bytes) {
  return mutator_->mutate(data, size, max_size, seed, bytes);
}

size_t Session::cross_over(const uint8_t* a, size_t na, const uint8_t* b, size_t nb, uint8_t* out, size_t max_size,
                           unsigned seed) {
  return mutator_->cross_over({a, na}, {b, nb}, out, max_size, seed);
}

} // namespace popek::fuzz
