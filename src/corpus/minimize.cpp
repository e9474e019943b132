#include "corpus/minimize.hpp"

#include "util/numbers.hpp"

#include <sstream>

namespace popek::corpus {

namespace {

std::vector<std::string> program_lines(const std::string& program) {
  std::vector<std::string> out;
  std::istringstream in(program);
  std::string l;
  while (std::getline(in, l)) {
    size_t b = l.find_first_not_of(" \t\r");
    if (b == std::string::npos || l[b] == ';') continue;
    out.push_back(l);
  }
  return out;
}

std::string join(const std::vector<std::string>& lines) {
  std::string s;
  for (const std::string& l : lines) s += l + "\n";
  return s;
}

class Minimizer {
public:
  Minimizer(ModelCache& models, const Expectation& target, unsigned max_runs)
      : models_(models), target_(target), max_runs_(max_runs) {}

  unsigned runs = 0;

  // Whether the candidate still shows the target divergence. A candidate that
  // no longer assembles, or diverges differently, is simply not kept.
  bool keeps(const Case& c) {
    if (runs >= max_runs_) return false;
    ++runs;
    Replay r = replay(c, models_);
    if (r.status == Replay::BadCase) return false;
    return r.seen.divergent && r.seen.insn == target_.insn && r.seen.kind == target_.kind &&
           r.seen.components == target_.components;
  }

  // Delta debugging (Zeller's ddmin, complements only) over the program's lines.
  void program(Case& c) {
    std::vector<std::string> lines = program_lines(c.program);
    size_t n = 2;
    while (lines.size() >= 2 && runs < max_runs_) {
      size_t chunk = (lines.size() + n - 1) / n;
      bool reduced = false;
      for (size_t start = 0; start < lines.size(); start += chunk) {
        std::vector<std::string> rest(lines.begin(), lines.begin() + static_cast<long>(start));
        rest.insert(rest.end(), lines.begin() + static_cast<long>(std::min(start + chunk, lines.size())), lines.end());
        Case t = c;
        t.program = join(rest);
        if (keeps(t)) {
          lines = std::move(rest);
          c.program = t.program;
          n = std::max<size_t>(n - 1, 2);
          reduced = true;
          break;
        }
      }
      if (!reduced) {
        if (n >= lines.size()) break;
        n = std::min(n * 2, lines.size());
      }
    }
  }

  // Each state line: dropped if the divergence survives without it, else its
  // numeric value brought as near zero as it stays.
  void state(Case& c) {
    for (size_t i = 0; i < c.state.size();) {
      Case t = c;
      t.state.erase(t.state.begin() + static_cast<long>(i));
      if (keeps(t)) {
        c = std::move(t);
        continue;
      }
      shrink_value(c, i);
      ++i;
    }
  }

private:
  ModelCache& models_;
  Expectation target_;
  unsigned max_runs_;

  void shrink_value(Case& c, size_t i) {
    const std::string& v = c.state[i].value;
    auto n = parse_number(v);
    if (!n) return; // a mode's name, or negative
    uint64_t x = *n;
    auto attempt = [&](uint64_t y) {
      Case t = c;
      t.state[i].value = std::to_string(y);
      if (!keeps(t)) return false;
      c = std::move(t);
      return true;
    };
    if (x == 0 || attempt(0)) return;
    while (x > 1 && attempt(x / 2)) x /= 2;
  }
};

} // namespace

bool minimize(const Case& c, ModelCache& models, Case& out, MinimizeStats& stats, std::string& error,
              unsigned max_runs) {
  Replay first = replay(c, models);
  if (first.status == Replay::BadCase) {
    error = first.message;
    return false;
  }
  if (!first.seen.divergent) {
    error = c.path + ": the case's run shows no divergence, so there is nothing to keep while shrinking it";
    return false;
  }
  Minimizer mz(models, first.seen, max_runs);
  out = c;
  stats = {};
  stats.lines_before = program_lines(c.program).size();
  stats.state_before = c.state.size();
  stats.steps_before = c.max_steps;
  // Shrinking the state can make lines removable and back, so go round until nothing changes.
  for (int round = 0; round < 4; ++round) {
    Case before = out;
    mz.program(out);
    mz.state(out);
    if (write_case(out) == write_case(before)) break;
  }
  // The header described the original; say what this case is now.
  if (out.comment.find("(minimized by popek minimize") == std::string::npos)
    out.comment += "(minimized by popek minimize from " + c.path + ")\n";
  Replay last = replay(out, models);
  ++mz.runs;
  if (last.result.divergence) out.max_steps = last.result.divergence->step;
  stats.runs = mz.runs;
  stats.lines_after = program_lines(out.program).size();
  stats.state_after = out.state.size();
  stats.steps_after = out.max_steps;
  return true;
}

} // namespace popek::corpus
