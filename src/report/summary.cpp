#include "report/summary.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <filesystem>

namespace popek::report {

using prover::Tri;

const char* holds_word(Tri t) { return t == Tri::Yes ? "holds" : t == Tri::No ? "fails" : "unknown"; }

std::string verdict_text(const prover::ModelVerdict& v) {
  switch (v.holds) {
  case Tri::Yes: return "holds";
  case Tri::No: return fmt::format("fails against {}: {}", v.against.size(), fmt::join(v.against, " "));
  case Tri::Unknown: break;
  }
  return "unknown (a query the solver could not answer)";
}

std::vector<std::string> verdict_names(const Report& r) {
  std::vector<std::string> out;
  for (const ModelReport& mr : r.models)
    for (const prover::ModelVerdict& v : mr.check->classification.verdicts)
      if (std::find(out.begin(), out.end(), v.name) == out.end()) out.push_back(v.name);
  return out;
}

const prover::ModelVerdict* find_verdict(const prover::Classification& c, const std::string& name) {
  for (const prover::ModelVerdict& v : c.verdicts)
    if (v.name == name) return &v;
  return nullptr;
}

FoundOf found_of(const check::ModelCheck& mc, const check::Campaign& k) {
  FoundOf f;
  for (const prover::Row& r : mc.classification.rows) {
    if (r.flagged(k.strategy) != Tri::Yes) continue;
    ++f.flagged;
    f.found += k.divergent.count(mc.model->insns[static_cast<size_t>(r.insn)].name);
  }
  return f;
}

double percent(size_t a, size_t b) { return b ? 100.0 * static_cast<double>(a) / static_cast<double>(b) : 100.0; }
std::string percent_text(size_t a, size_t b) { return fmt::format("{:.1f}%", percent(a, b)); }

std::string rate_text(double per_s) {
  return per_s >= 1e6   ? fmt::format("{:.2f}M", per_s / 1e6)
         : per_s >= 1e3 ? fmt::format("{:.0f}k", per_s / 1e3)
                        : fmt::format("{:.0f}", per_s);
}

double execs_per_second(const fuzz::CampaignResult& r) {
  return r.seconds > 0 ? static_cast<double>(r.total.runs) / r.seconds : 0.0;
}

std::string efficiency_label(const check::Efficiency& e) {
  return std::string(vmm::strategy_name(e.strategy)) + (e.allocation.nested() ? " nested" : "");
}

std::string guest_names(const check::ModelCheck& mc) {
  if (mc.efficiency.empty()) return "no example guest (examples/" + mc.model->name + "/)";
  std::vector<std::string> names;
  for (const std::string& g : mc.efficiency.front().guests)
    names.push_back(std::filesystem::path(g).filename().string());
  return fmt::format("{}", fmt::join(names, ", "));
}

} // namespace popek::report
