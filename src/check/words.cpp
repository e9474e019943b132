#include "check/words.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <filesystem>

namespace popek::check {

using prover::Tri;
using vmm::Strategy;

const char* holds_word(Tri t) { return t == Tri::Yes ? "holds" : t == Tri::No ? "fails" : "unknown"; }

std::string verdict_text(const prover::ModelVerdict& v) {
  if (!v.undecided.empty()) return "not decided: " + v.undecided;
  switch (v.holds) {
  case Tri::Yes: return "holds";
  case Tri::No: return fmt::format("fails against {}: {}", v.against.size(), fmt::join(v.against, " "));
  case Tri::Unknown: break;
  }
  return "unknown (a query the solver could not answer)";
}

std::string verdict_meaning(const prover::ModelVerdict& v) {
  switch (v.holds) {
  case Tri::Yes: return v.statement;
  case Tri::No: return "the instructions listed break it";
  case Tri::Unknown: break;
  }
  if (v.unanswered.empty()) return "undecided: an answer it needs is missing";
  return fmt::format("undecided: no answer for {}", fmt::join(v.unanswered, " "));
}

FoundOf found_of(const ModelCheck& mc, const Campaign& k) {
  FoundOf f;
  for (const prover::Row& r : mc.classification.rows) {
    if (r.flagged(k.strategy) != Tri::Yes) continue;
    ++f.flagged;
    f.found += k.divergent.count(mc.model->insns[static_cast<size_t>(r.insn)].name);
  }
  return f;
}

std::string efficiency_label(const Efficiency& e) {
  return std::string(vmm::strategy_name(e.strategy)) + (e.allocation.nested() ? " nested" : "");
}

std::string guest_names(const ModelCheck& mc) {
  if (!mc.efficiency) return "no example guest (examples/" + mc.model->name + "/)";
  std::vector<std::string> names;
  for (const std::string& g : mc.efficiency->trap_emulate.guests)
    names.push_back(std::filesystem::path(g).filename().string());
  return fmt::format("{}", fmt::join(names, ", "));
}

namespace {

// Whether instruction `insn` is against theorem `t` by the proof's reading.
Tri proof_against(const prover::Classification& c, int insn, prover::Theorem t) {
  for (const prover::WordAnswer& w : c.words)
    if (w.insn == insn && w.theorem == t && w.reading == prover::Reading::Proof) return w.against;
  return Tri::Unknown;
}

} // namespace

std::vector<std::string> word_lines(const prover::Classification& c) {
  const model::Model& m = *c.model;
  std::vector<std::string> out;
  for (prover::Theorem t : {prover::Theorem::One, prover::Theorem::Three}) {
    std::vector<std::string> against, only;
    for (const prover::WordAnswer& w : c.words) {
      if (w.theorem != t || w.against != Tri::Yes) continue;
      const std::string& name = m.insns[static_cast<size_t>(w.insn)].name;
      if (w.reading == prover::Reading::Proof)
        against.push_back(fmt::format("      {:<10} {}: {}; {}", name, prover::describe_words(m, w), w.sensitive.words,
                                      w.unprivileged.words));
      else if (proof_against(c, w.insn, t) == Tri::No)
        only.push_back(fmt::format("      {:<10} {}", name, w.unprivileged.words));
    }
    if (!against.empty())
      out.push_back(
          fmt::format("  words against {}, each with a witness (sensitive; not trapping):", prover::theorem_name(t)));
    out.insert(out.end(), against.begin(), against.end());
    if (!only.empty())
      out.push_back(fmt::format("  against {} by the literal reading only (they trap in the least privileged mode):",
                                prover::theorem_name(t)));
    out.insert(out.end(), only.begin(), only.end());
  }
  return out;
}

std::vector<std::string> nesting_lines(const ModelCheck& mc) {
  if (!mc.nesting) return {};
  const prover::Nesting& n = *mc.nesting;
  std::vector<std::string> out = {"allocation: " + vmm::allocation_text(n.allocation)};
  auto answered = [](const prover::Finding& f) { return prover::of(f) != prover::Tri::Unknown; };
  if (!answered(n.hosting))
    out.push_back(fmt::format("hosting: unknown ({})", n.hosting.answer.reason));
  else
    out.push_back(n.hosting.yes ? "hosting fails: " + n.hosting.words
                                : "hosting holds: it hosts every guest it hosts alone");
  if (n.hosts_none.answer.verdict == smt::Verdict::Proved) {
    out.push_back("it hosts no guest at all, so the nested steps hold vacuously");
    return out;
  }
  if (!answered(n.fetch))
    out.push_back(fmt::format("the nested fetch: unknown ({})", n.fetch.answer.reason));
  else
    out.push_back(n.fetch.yes ? "the nested fetch fails: " + n.fetch.words : "the nested fetch holds");
  std::vector<std::string> only;
  for (const std::string& name : n.flagged) {
    int i = mc.model->find_insn(name);
    if (i >= 0 && mc.classification.rows[static_cast<size_t>(i)].flagged(Strategy::TrapAndEmulate) != prover::Tri::Yes)
      only.push_back(name);
  }
  out.push_back(fmt::format("{} instruction{} flagged nested{}{}", n.flagged.size(), n.flagged.size() == 1 ? "" : "s",
                            n.flagged.empty() ? "" : ": ", fmt::join(n.flagged, " ")));
  out.push_back(only.empty() ? "none flagged only nested"
                             : fmt::format("flagged only nested: {}", fmt::join(only, " ")));
  for (const std::string& e : n.internal_errors) out.push_back("internal error: " + e);
  return out;
}

} // namespace popek::check
