#include "report/summary.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>

namespace popek::report {

using prover::Tri;

std::vector<std::string> verdict_names(const Report& r) {
  std::vector<std::string> out;
  for (const ModelReport& mr : r.models)
    for (const prover::ModelVerdict* v : mr.check->classification.verdicts.in_order())
      if (std::find(out.begin(), out.end(), v->name) == out.end()) out.push_back(v->name);
  return out;
}

const prover::ModelVerdict* find_verdict(const prover::Classification& c, const std::string& name) {
  for (const prover::ModelVerdict* v : c.verdicts.in_order())
    if (v->name == name) return v;
  return nullptr;
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

} // namespace popek::report
