#include "cli/prover_expect.hpp"

#include "cli/prover_print.hpp"
#include "util/files.hpp"

#include <fmt/format.h>
#include <functional>
#include <optional>
#include <sstream>

namespace popek::cli {

using prover::Property;
using prover::Row;
using prover::Tri;
using vmm::Strategy;

namespace {

// How an instruction is listed for a property: nullopt when it lacks it; ""
// when it has it; "(u)", "(s)" when only in user or in the other modes; "(?)"
// when the prover could not tell.
using Mark = std::optional<std::string>;

Mark tri(Tri t) {
  if (t == Tri::No) return std::nullopt;
  return t == Tri::Yes ? "" : "(?)";
}

Mark modes(const Row& r, Property p, int unit = -1) {
  std::string held = held_modes(r, p, unit);
  if (held == "-") return std::nullopt;
  return held == "us" ? "" : "(" + held + ")";
}

std::string line(const prover::Classification& c, const std::string& what,
                 const std::function<Mark(const Row&)>& mark) {
  std::string out;
  for (const Row& r : c.rows)
    if (Mark m = mark(r)) out += " " + c.model->insns[static_cast<size_t>(r.insn)].name + *m;
  return what + ":" + (out.empty() ? " -" : out) + "\n";
}

std::vector<std::string> lines_of(const std::string& text, std::vector<int>* numbers = nullptr) {
  std::vector<std::string> out;
  std::istringstream in(text);
  std::string l;
  for (int n = 1; std::getline(in, l); ++n) {
    size_t hash = l.find('#');
    if (hash != std::string::npos) l.erase(hash);
    while (!l.empty() && (l.back() == ' ' || l.back() == '\t' || l.back() == '\r')) l.pop_back();
    if (l.empty()) continue;
    out.push_back(l);
    if (numbers) numbers->push_back(n);
  }
  return out;
}

} // namespace

std::string classification_summary(const prover::Classification& c) {
  std::string out = fmt::format("model: {}\n", c.model->name);
  out +=
      c.allocation ? fmt::format("allocation: {} {}\n", c.allocation->base, c.allocation->size) : "allocation: any\n";
  for (const prover::ModelVerdict* v : c.verdicts.in_order()) {
    std::string against;
    for (const std::string& a : v->against) against += " " + a;
    out += v->name + ": " +
           (v->holds == Tri::Yes  ? "holds"
            : v->holds == Tri::No ? "fails against" + against
                                  : "unknown") +
           "\n";
  }
  out += line(c, "privileged", [](const Row& r) { return tri(r.privileged()); });
  out += line(c, "traps in the least privileged mode", [](const Row& r) { return tri(r.traps_least()); });
  for (prover::Theorem t : {prover::Theorem::One, prover::Theorem::Three}) {
    std::string words;
    for (const prover::WordAnswer& w : c.words)
      if (w.theorem == t && w.reading == prover::Reading::Proof && w.against == Tri::Yes)
        words += " " + prover::settled_words(*c.model, w);
    out += fmt::format("words against {}:{}\n", prover::theorem_name(t), words.empty() ? " -" : words);
  }
  out += line(c, "control sensitive", [](const Row& r) { return modes(r, Property::Control); });
  out += line(c, "mode sensitive", [](const Row& r) { return tri(r.mode()); });
  out += line(c, "location sensitive", [](const Row& r) { return modes(r, Property::Location); });
  for (size_t u = 0; u < c.units.size(); ++u)
    if (c.relocated[u] != Tri::Yes)
      out += line(c, "register sensitive to " + c.units[u].name,
                  [u](const Row& r) { return modes(r, Property::Register, static_cast<int>(u)); });
  out += line(c, "user sensitive", [](const Row& r) { return tri(r.user_sensitive()); });
  out += line(c, "flagged trap-and-emulate", [](const Row& r) { return tri(r.flagged(Strategy::TrapAndEmulate)); });
  out += line(c, "flagged hybrid", [](const Row& r) { return tri(r.flagged(Strategy::Hybrid)); });
  return out;
}

std::optional<Expectation> read_expectation(const std::string& path, std::string& error) {
  auto text = read_file(path, error);
  if (!text) return std::nullopt;
  Expectation e{path, {}, {}};
  e.lines = lines_of(*text, &e.numbers);
  return e;
}

std::vector<std::string> compare_expectation(const std::string& summary, const Expectation& e) {
  const std::string& path = e.path;
  const std::vector<int>& numbers = e.numbers;
  const std::vector<std::string>& want = e.lines;
  std::vector<std::string> got = lines_of(summary);
  std::vector<std::string> diffs;
  for (size_t i = 0; i < std::max(want.size(), got.size()); ++i) {
    int at = i < numbers.size() ? numbers[i] : (numbers.empty() ? 1 : numbers.back() + 1);
    if (i >= want.size())
      diffs.push_back(fmt::format("{}:{}: not expected: `{}`", path, at, got[i]));
    else if (i >= got.size())
      diffs.push_back(fmt::format("{}:{}: expected `{}`, classify says nothing more", path, at, want[i]));
    else if (want[i] != got[i])
      diffs.push_back(fmt::format("{}:{}: expected `{}`, classify says `{}`", path, at, want[i], got[i]));
  }
  return diffs;
}

} // namespace popek::cli
