#include "fuzz/coverage.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <filesystem>

namespace popek::fuzz {

CoverageMap::CoverageMap(const model::Model& m) : m_(m), ninsns_(m.insns.size()), branches_(model::number_branches(m)) {
  classes_ = 2 + m.traps.size();
  size_t slots = m.insns.size() + 2;
  outcomes_ = branches_.arms();
  divergences_ = outcomes_ + slots * classes_ * kHows;
  size_ = divergences_ + slots * kKinds;
}

uint32_t CoverageMap::divergence(const machine::Outcome& o, diff::Divergence::Kind k) const {
  return static_cast<uint32_t>(divergences_ + slot(o) * kKinds + static_cast<size_t>(k));
}

size_t CoverageMap::routine_of(uint32_t c) const {
  if (c < outcomes_) {
    int r = branches_.points[c / 2].routine;
    if (r == model::kFetchRoutine) return m_.insns.size();
    if (r == model::kTrapEntryRoutine) return m_.insns.size() + 2;
    return static_cast<size_t>(r);
  }
  if (c < divergences_) return (c - outcomes_) / (classes_ * kHows);
  return (c - divergences_) / kKinds;
}

std::string CoverageMap::routine_name(size_t r) const {
  if (r < m_.insns.size()) return m_.insns[r].name;
  return r == m_.insns.size() ? "(fetch)" : r == m_.insns.size() + 1 ? "(undefined)" : "(trap entry)";
}

std::string CoverageMap::arm_name(uint32_t c) const {
  const model::BranchPoint& p = branches_.points[c / 2];
  bool then_arm = c % 2 == 0;
  const char* arm = p.require ? (then_arm ? "holds" : "fails") : (then_arm ? "taken" : "not taken");
  // The file's name, not its path: models are found by name, and paths differ between machines.
  Loc at = p.loc;
  at.file = std::filesystem::path(at.file).filename().string();
  return fmt::format("{} at {} {}", p.require ? "require" : "if", at.str(), arm);
}

std::string CoverageMap::name(uint32_t c) const {
  std::string who = routine_name(routine_of(c));
  if (c < outcomes_) return who + ": " + arm_name(c);
  if (c < divergences_) {
    size_t k = (c - outcomes_) % (classes_ * kHows), cls = k / kHows;
    std::string how = vmm::how_name(static_cast<vmm::VmmStep::How>(k % kHows));
    std::string ended = cls == 0 ? "completes" : cls == 1 ? "halts" : "traps (" + m_.traps[cls - 2].name + ")";
    return fmt::format("{}: {}, {}", who, ended, how);
  }
  return fmt::format("{}: {} divergence", who,
                     diff::kind_name(static_cast<diff::Divergence::Kind>((c - divergences_) % kKinds)));
}

CoverageReport coverage_report(const model::Model& m, const CoverageMap& map, const std::vector<uint8_t>& seen) {
  CoverageReport r;
  auto was = [&](size_t c) { return c < seen.size() && seen[c]; };
  // A routine ran if any of its counters (an arm, an outcome, a divergence) was seen.
  std::vector<bool> ran(m.insns.size() + 3, false);
  for (size_t c = 0; c < map.size(); ++c)
    if (was(c)) ran[map.routine_of(static_cast<uint32_t>(c))] = true;
  r.insns = m.insns.size();
  for (size_t i = 0; i < m.insns.size(); ++i) {
    if (ran[i])
      ++r.insns_reached;
    else
      r.never_executed.push_back(m.insns[i].name);
  }
  r.arms = map.arms();
  std::vector<std::pair<std::string, std::vector<std::string>>> never; // in the model's order
  for (size_t c = 0; c < map.arms(); ++c) {
    if (was(c)) {
      ++r.arms_reached;
      continue;
    }
    size_t routine = map.routine_of(static_cast<uint32_t>(c));
    if (!ran[routine]) continue;
    std::string arm = map.arm_name(static_cast<uint32_t>(c)), who = map.routine_name(routine);
    auto it = std::find_if(never.begin(), never.end(), [&](const auto& n) { return n.first == arm; });
    if (it == never.end()) it = never.insert(never.end(), {arm, {}});
    if (std::find(it->second.begin(), it->second.end(), who) == it->second.end()) it->second.push_back(who);
  }
  for (const auto& [arm, who] : never) r.never_arms.push_back(fmt::format("{}: {}", arm, fmt::join(who, ", ")));
  return r;
}

std::string format_report(const CoverageReport& r) {
  auto pct = [](size_t a, size_t b) { return b ? 100.0 * static_cast<double>(a) / static_cast<double>(b) : 100.0; };
  std::string s = fmt::format("model coverage: {} of {} instructions executed, {} of {} branch arms taken ({:.1f}%)\n",
                              r.insns_reached, r.insns, r.arms_reached, r.arms, pct(r.arms_reached, r.arms));
  if (!r.never_executed.empty()) {
    s += "  never executed:";
    for (const std::string& n : r.never_executed) s += " " + n;
    s += "\n";
  }
  if (!r.never_arms.empty()) {
    s += "  arms never taken (of executed instructions):\n";
    for (const std::string& n : r.never_arms) s += "    " + n + "\n";
  }
  return s;
}

} // namespace popek::fuzz
