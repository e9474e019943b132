#include "cli/atlas_print.hpp"

#include "check/words.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <iterator>

namespace popek::cli {

using prover::Finding;
using prover::Property;
using prover::Row;
using prover::Tri;
using vmm::Strategy;

namespace {

std::string join(const std::vector<std::string>& xs, const char* sep = " ") {
  return fmt::format("{}", fmt::join(xs, sep));
}

// The kinds an atlas groups flagged instructions by, each a property of the prover's rows.
struct Kind {
  const char* name;
  Property property;
};
constexpr Kind kKinds[] = {{"control sensitive", Property::Control},
                           {"mode sensitive", Property::Mode},
                           {"location sensitive", Property::Location},
                           {"register sensitive", Property::Register},
                           {"resource control broken", Property::ResourceControl}};

// Every flagged instruction once, under the first kind it shows, with that
// kind's witness, which VMMs it breaks, and the other kinds it shows.
std::string flagged_by_kind(const check::ModelCheck& c) {
  const model::Model& m = *c.model;
  std::vector<std::vector<std::string>> lines(std::size(kKinds) + 1);
  for (const Row& r : c.classification.rows) {
    bool te = r.flagged(Strategy::TrapAndEmulate) == Tri::Yes, hy = r.flagged(Strategy::Hybrid) == Tri::Yes;
    if (!te && !hy) continue;
    std::vector<std::string> vmms;
    if (te) vmms.push_back("trap-emulate");
    if (hy) vmms.push_back("hybrid");
    size_t first = std::size(kKinds);
    const Finding* shown = nullptr;
    std::vector<std::string> also;
    for (size_t k = 0; k < std::size(kKinds); ++k) {
      const Finding* f = r.witness(kKinds[k].property, !te);
      if (!f) continue;
      std::string kind = kKinds[k].name;
      if (kKinds[k].property == Property::Register && f->query.unit >= 0)
        kind += " (" + c.classification.units[static_cast<size_t>(f->query.unit)].name + ")";
      if (shown) {
        also.push_back(kind);
        continue;
      }
      first = k;
      shown = f;
    }
    // The most direct witness first: native against the VMM; the kinds after.
    // (The first kind heads the group the line is in.)
    if (const Finding* step = r.witness(Property::VmmStep, !te)) shown = step;
    std::string line = fmt::format("      {:<10} [{}] {}", m.insns[static_cast<size_t>(r.insn)].name, join(vmms, ", "),
                                   shown ? shown->words : "");
    if (!also.empty()) line += "; also " + join(also, ", ");
    lines[first].push_back(line + "\n");
  }
  std::string out;
  for (size_t k = 0; k < lines.size(); ++k)
    if (!lines[k].empty())
      out += fmt::format("    {}\n{}", k < std::size(kKinds) ? kKinds[k].name : "not equivalent", join(lines[k], ""));
  if (!out.empty()) out = "  flagged instructions, each under the first kind it shows, with a witness:\n" + out;
  return out;
}

std::string fuzz_line(const check::ModelCheck& c) {
  std::vector<std::string> parts;
  for (const check::Campaign* k : c.campaigns.in_order()) {
    check::FoundOf f = check::found_of(c, *k);
    if (!k->error.empty())
      parts.push_back(fmt::format("{}: did not run", vmm::strategy_name(k->strategy)));
    else
      parts.push_back(fmt::format("{}: {} runs in {:.1f} s, found {} of {} flagged", vmm::strategy_name(k->strategy),
                                  k->result.total.runs, k->result.seconds, f.found, f.flagged));
  }
  return join(parts, "; ");
}

std::string efficiency_line(const check::ModelCheck& c) {
  if (!c.efficiency) return check::guest_names(c);
  std::vector<std::string> parts;
  for (const check::Efficiency* e : c.efficiency->in_order()) {
    std::string p = fmt::format("{:.1f}% direct under {} ({} steps", 100 * e->counts.direct_share(),
                                check::efficiency_label(*e), e->steps);
    p += e->notes.empty() ? ")" : "; " + join(e->notes, "; ") + ")";
    parts.push_back(p);
  }
  return check::guest_names(c) + ": " + join(parts, ", ");
}

// "Theorem 1 holds; trap-and-emulate equivalence fails against 2: a b"
std::string verdicts_short(const prover::Classification& c) {
  std::vector<std::string> parts;
  const prover::Verdicts& vs = c.verdicts;
  for (const prover::ModelVerdict* v : {&vs.theorem1, &vs.theorem3, &vs.trap_emulate, &vs.hybrid})
    parts.push_back(v->name + " " + check::verdict_text(*v));
  return join(parts, "; ");
}

// Theorem 2's evidence on one line (check::nesting_lines).
std::string theorem2_line(const check::ModelCheck& c) {
  std::vector<std::string> lines = check::nesting_lines(c);
  if (lines.empty()) return "";
  lines.erase(lines.begin()); // the allocation, said first
  return fmt::format("  {:<12} the VMM under itself ({}): {}\n", "theorem 2",
                     vmm::allocation_text(c.nesting->allocation), join(lines, "; "));
}

std::string what_if_lines(const check::ModelCheck& c) {
  std::string out, top = c.model->modes.front().name;
  for (size_t k = 0; k < c.whatif.size(); ++k) {
    const check::WhatIf& w = c.whatif[k];
    std::string set = w.insns.empty() ? "no instruction" : join(w.insns);
    std::string head = k == 0 ? "what-if" : "smallest set";
    out += fmt::format("  {:<12} {} trapping below {} mode: {}: {}\n", head, set, top,
                       w.virtualizable() ? "virtualizable" : "not virtualizable", verdicts_short(w.classification));
  }
  if (c.whatif.size() == 1 && c.whatif.front().virtualizable())
    out +=
        fmt::format("  {:<12} the same set: each of its instructions breaks Theorem 1 or the trap-and-emulate VMM on "
                    "its own, and trapping one changes no other's answers\n",
                    "smallest set");
  else if (c.whatif.size() == 2 && c.whatif.back().virtualizable())
    out +=
        fmt::format("  {:<12} no smaller set works: each of these breaks Theorem 1 or the trap-and-emulate VMM on its "
                    "own, and trapping one changes no other's answers\n",
                    "");
  return out;
}

} // namespace

std::string atlas_block(const check::ModelCheck& c) {
  const model::Model& m = *c.model;
  const prover::Classification& cl = c.classification;
  std::string out = fmt::format("{}: {} ({} instructions)\n", m.name, m.description, m.insns.size());
  // Theorem 2 (when measured) is printed after Theorem 1, as the paper numbers them.
  const prover::Verdicts& vs = cl.verdicts;
  std::vector<const prover::ModelVerdict*> order = {&vs.theorem1};
  if (vs.theorem2) order.push_back(&*vs.theorem2);
  for (const prover::ModelVerdict* v : {&vs.theorem3, &vs.trap_emulate, &vs.hybrid}) order.push_back(v);
  for (const prover::ModelVerdict* v : order) out += fmt::format("  {:<30} {}\n", v->name, check::verdict_text(*v));
  out += fmt::format("  {:<30} Theorem 1 {}; Theorem 3 {}\n", "literal reading",
                     check::verdict_text(vs.theorem1_letter), check::verdict_text(vs.theorem3_letter));
  for (const std::string& l : check::word_lines(cl)) out += l + "\n";
  for (const std::string& e : cl.explanations) out += fmt::format("  {:<12} {}\n", "theorem/VMM", e);
  out += flagged_by_kind(c);
  out += theorem2_line(c);
  out += what_if_lines(c);
  out += fmt::format("  {:<12} {}\n", "fuzzing", fuzz_line(c));
  if (c.disagreements.empty())
    out += fmt::format("  {:<12} agree: {} witness{} replayed in the lockstep runner; every fuzz finding is flagged\n",
                       "cross-check", c.witnesses, c.witnesses == 1 ? "" : "es");
  else
    for (const std::string& d : c.disagreements) out += fmt::format("  {:<12} DISAGREE: {}\n", "cross-check", d);
  for (const std::string& e : c.errors) out += fmt::format("  {:<12} {}\n", "error", e);
  out += fmt::format("  {:<12} {}\n", "efficiency", efficiency_line(c));
  std::vector<std::string> ts;
  for (const check::Timing& t : c.timings) ts.push_back(fmt::format("{} {:.1f} s", t.part, t.seconds));
  out += fmt::format("  {:<12} {}\n", "time", join(ts, ", "));
  return out;
}

std::string atlas_table(const std::vector<check::ModelCheck>& cs) {
  std::string out = fmt::format("{:<12} {:<10} {:<10} {:<10} {:<17} {:<10} {}\n", "model", "Theorem 1", "Theorem 2",
                                "Theorem 3", "trap-and-emulate", "hybrid", "methods");
  for (const check::ModelCheck& c : cs) {
    const auto& v = c.classification.verdicts;
    std::string agree = !c.disagreements.empty() ? "DISAGREE" : !c.errors.empty() ? "error" : "agree";
    std::string t2 = !c.nesting                              ? "-"
                     : !c.nesting->verdict.undecided.empty() ? "undecided"
                                                             : check::holds_word(c.nesting->verdict.holds);
    out += fmt::format("{:<12} {:<10} {:<10} {:<10} {:<17} {:<10} {}\n", c.model->name,
                       check::holds_word(v.theorem1.holds), t2, check::holds_word(v.theorem3.holds),
                       check::holds_word(v.trap_emulate.holds), check::holds_word(v.hybrid.holds), agree);
  }
  return out;
}

} // namespace popek::cli
