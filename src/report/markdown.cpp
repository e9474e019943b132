// report.md: the check as a Markdown document (GitHub's dialect: pipe
// tables). Per model: verdicts, the instruction x property table, the flagged
// instructions with their witnesses in words and as replayed, the campaigns
// and the efficiency.
#include "report/summary.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>

namespace popek::report {

using prover::Tri;

namespace {

// Text inside a table cell: a pipe would end the cell, a newline the row.
std::string cell_text(const std::string& s) {
  std::string out;
  for (char ch : s) {
    if (ch == '|')
      out += "\\|";
    else if (ch == '\n')
      out += ' ';
    else
      out += ch;
  }
  return out;
}

std::string row(const std::vector<std::string>& cells) {
  std::vector<std::string> escaped;
  for (const std::string& c : cells) escaped.push_back(cell_text(c));
  return fmt::format("| {} |\n", fmt::join(escaped, " | "));
}

std::string header(const std::vector<std::string>& cells) {
  return row(cells) + fmt::format("|{}\n", fmt::join(std::vector<std::string>(cells.size(), "---|"), ""));
}

// A matrix cell: "yes", "·" (no), "?" (unknown); a flagged yes is bold.
std::string mark(const Cell& c) {
  if (c.answer == Tri::Unknown) return "?";
  if (c.answer == Tri::No) return "·";
  std::string s = c.flagged ? "**FLAGGED**" : "yes";
  if (!c.units.empty()) s += fmt::format(" ({})", fmt::join(c.units, ", "));
  return s;
}

std::string verdicts(const prover::Classification& c) {
  std::string out;
  for (const prover::ModelVerdict* v : c.verdicts.in_order())
    out += fmt::format("- **{}**: {}. _{}_\n", v->name, verdict_text(*v), verdict_meaning(*v));
  for (const std::string& e : c.explanations) out += fmt::format("- note: {}\n", e);
  return out;
}

std::string matrix(const ModelReport& mr) {
  const prover::Classification& c = mr.check->classification;
  std::vector<std::string> head = {"instruction"};
  for (const Column& col : mr.columns) head.push_back(col.title());
  std::string out = header(head);
  for (const prover::Row& r : c.rows) {
    std::vector<std::string> cells = {mr.check->model->insns[static_cast<size_t>(r.insn)].name};
    for (const Column& col : mr.columns) cells.push_back(mark(cell(*mr.check, r.insn, col)));
    out += row(cells);
  }
  return out + "\n(yes: the property holds; ·: it does not; ?: unknown; FLAGGED: a VMM breaks on it)\n";
}

std::string witness(const WitnessStates& w) {
  if (!w.error.empty()) return fmt::format("  - witness `{}` could not be replayed: {}\n", w.query, w.error);
  std::string out = fmt::format("  - replayed under the {} VMM ({}): {}", w.strategy, w.query, w.outcome);
  if (!w.diverged) return out + "\n";
  out += fmt::format("; `{}` {} natively, {} under the VMM\n", w.instruction, w.natively, w.vmm_how);
  for (const StateCell& s : w.components)
    out += fmt::format("    - {}: {} {}, {} {}\n", s.name, w.left, s.native, w.right, s.vmm);
  return out;
}

std::string flagged(const ModelReport& mr) {
  if (mr.flagged.empty()) return "No instruction is flagged: no VMM breaks on any instruction.\n";
  std::string out;
  for (const Flagged& f : mr.flagged) {
    out += fmt::format("- **{}** [{}]", f.name, fmt::join(f.strategies, ", "));
    if (!f.kinds.empty()) out += fmt::format(" {}", fmt::join(f.kinds, ", "));
    out += fmt::format(": {}\n", f.words.empty() ? "(no witness in words)" : f.words);
    for (const WitnessStates& w : f.witnesses) out += witness(w);
  }
  return out;
}

std::string campaigns(const ModelReport& mr) {
  const check::ModelCheck& mc = *mr.check;
  std::string out = header({"VMM", "runs", "time", "execs/s", "found of flagged", "instructions executed",
                            "branch arms taken", "counters reached"});
  const std::vector<const check::Campaign*> all = mc.campaigns.in_order();
  for (size_t k = 0; k < all.size(); ++k) {
    const check::Campaign& c = *all[k];
    const Coverage& cov = mr.coverage[k];
    if (!c.error.empty()) {
      out += row({vmm::strategy_name(c.strategy), "did not run: " + c.error, "", "", "", "", "", ""});
      continue;
    }
    FoundOf f = found_of(mc, c);
    out += row({vmm::strategy_name(c.strategy), std::to_string(c.result.total.runs),
                fmt::format("{:.1f} s", c.result.seconds), rate_text(execs_per_second(c.result)),
                fmt::format("{} of {}", f.found, f.flagged),
                fmt::format("{} of {} ({})", cov.insns_reached, cov.insns, percent_text(cov.insns_reached, cov.insns)),
                fmt::format("{} of {} ({})", cov.arms_reached, cov.arms, percent_text(cov.arms_reached, cov.arms)),
                fmt::format("{} of {}", cov.counters_reached, cov.counters)});
  }
  for (const check::Campaign* c : all)
    for (const auto& [insn, found] : c->divergent)
      out += fmt::format("\n- {} found {} divergent ({}): `{}`", vmm::strategy_name(c->strategy), insn,
                         found.c.expect.kind, found.path);
  return out + "\n";
}

std::string efficiency(const check::ModelCheck& mc) {
  if (!mc.efficiency) return guest_names(mc) + "\n";
  std::string out =
      "Guests: " + guest_names(mc) + "\n\n" + header({"VMM", "direct", "steps", "interpreted", "reflected", "notes"});
  for (const check::Efficiency* e : mc.efficiency->in_order())
    out += row({efficiency_label(*e), fmt::format("{:.1f}%", 100 * e->counts.direct_share()), std::to_string(e->steps),
                std::to_string(e->counts.interpreted), std::to_string(e->counts.reflected),
                fmt::format("{}", fmt::join(e->notes, "; "))});
  return out;
}

std::string model_section(const ModelReport& mr) {
  const check::ModelCheck& mc = *mr.check;
  const model::Model& m = *mc.model;
  std::string out = fmt::format("## {}\n\n{} ({} instructions; `{}`). Methods: **{}**.\n\n", m.name, m.description,
                                m.insns.size(), m.path, mr.status());
  out += "### Verdicts\n\n" + verdicts(mc.classification);
  for (const check::WhatIf& w : mc.whatif)
    out += fmt::format("- what if {} trapped below {} mode: {}\n",
                       w.insns.empty() ? "nothing" : fmt::format("{}", fmt::join(w.insns, " ")), m.modes.front().name,
                       w.virtualizable() ? "virtualizable" : "not virtualizable");
  if (mc.nesting) {
    out += "\n### Theorem 2: the trap-and-emulate VMM under itself\n\n";
    for (const std::string& l : nesting_lines(mc)) out += "- " + l + "\n";
  }
  out += "\n### Instructions × properties\n\n" + matrix(mr);
  out += "\n### Flagged instructions\n\n" + flagged(mr);
  out += "\n### Fuzzing\n\n" + campaigns(mr);
  out += "\n### Efficiency\n\n" + efficiency(mc);
  out += "\n### Cross-check\n\n";
  if (mc.disagreements.empty())
    out += fmt::format("Agree: {} witnesses replayed in the lockstep runner; every fuzz finding is flagged.\n",
                       mc.witnesses);
  for (const std::string& d : mc.disagreements) out += "- DISAGREE: " + d + "\n";
  for (const std::string& e : mc.errors) out += "- error: " + e + "\n";
  std::vector<std::string> ts;
  for (const check::Timing& t : mc.timings) ts.push_back(fmt::format("{} {:.1f} s", t.part, t.seconds));
  return out + fmt::format("\nTime: {}.\n", fmt::join(ts, ", "));
}

} // namespace

std::string to_markdown(const Report& r) {
  std::vector<std::string> names = verdict_names(r);
  std::vector<std::string> head = {"model"};
  head.insert(head.end(), names.begin(), names.end());
  head.push_back("methods");
  std::string out = "# popek check\n\n" + header(head);
  for (const ModelReport& mr : r.models) {
    std::vector<std::string> cells = {mr.check->model->name};
    for (const std::string& n : names) {
      const prover::ModelVerdict* v = find_verdict(mr.check->classification, n);
      cells.push_back(v ? holds_word(v->holds) : "");
    }
    cells.push_back(mr.status());
    out += row(cells);
  }
  for (const ModelReport& mr : r.models) {
    out += '\n';
    out += model_section(mr);
  }
  return out;
}

} // namespace popek::report
