#include "cli/prover_print.hpp"

#include "check/words.hpp"
#include "cli/common.hpp"
#include "corpus/case.hpp"
#include "diff/lockstep.hpp"
#include "report/report.hpp"
#include "util/files.hpp"
#include "vmm/vmm.hpp"

#include <filesystem>
#include <fmt/format.h>
#include <iostream>

namespace popek::cli {

namespace fs = std::filesystem;
using prover::Finding;
using prover::Property;
using prover::Row;
using prover::Tri;
using prover::Where;
using vmm::Strategy;

namespace {

std::string mark(Tri t) { return t == Tri::Yes ? "yes" : t == Tri::No ? "-" : "?"; }

// The clearest witness of a flagged instruction: equivalence first, then resource control.
const Finding* flag_witness(const Row& r, Strategy s) {
  for (Property p : {Property::Equivalence, Property::ResourceControl})
    for (Where w : {Where::Supervisor, Where::User})
      for (const Finding& f : r.findings)
        if (f.query.property == p && f.query.where == w && f.yes && (s == Strategy::TrapAndEmulate || w == Where::User))
          return &f;
  return nullptr;
}

} // namespace

std::string held_modes(const Row& r, Property p, int unit) {
  Tri u = r.answer(p, Where::User, unit), s = r.answer(p, Where::Supervisor, unit);
  if (u == Tri::Unknown || s == Tri::Unknown) return "?";
  std::string out = std::string(u == Tri::Yes ? "u" : "") + (s == Tri::Yes ? "s" : "");
  return out.empty() ? "-" : out;
}

std::string slug(std::string s) {
  for (char& ch : s)
    if (!std::isalnum(static_cast<unsigned char>(ch)) && ch != '-' && ch != '.') ch = '-';
  std::string out;
  for (char ch : s)
    if (ch != '-' || (!out.empty() && out.back() != '-')) out += ch;
  while (!out.empty() && out.back() == '-') out.pop_back();
  return out;
}

std::shared_ptr<const model::Model> load_provable(const std::string& arg) {
  auto m = load_model_arg(arg);
  if (m && !m->vmm.present) {
    std::cerr << "popek: model " << m->name << " has no vmm block: the prover needs its deprivileging map\n";
    return nullptr;
  }
  return m;
}

void add_prover_options(CLI::App* sub, ProverArgs& a) {
  sub->add_option("--jobs", a.jobs,
                  "Instructions to ask about in parallel, one Z3 context each (default: one per core)")
      ->check(CLI::Range(1u, 256u));
  sub->add_option("--timeout", a.timeout_ms,
                  "Wall-clock limit per query in ms (0: none; the deterministic "
                  "resource limit always applies); a query over it answers unknown");
  sub->add_option("--save-witnesses", a.save_witnesses, "Write each witness of a VMM obligation as a case in DIR");
  auto* at = sub->add_option("--allocation", a.allocation,
                             "BASE SIZE: prove for the VM whose storage sits there (default: the VMM's own, "
                             "q/4 and q/2, as popek diff and cases use)")
                 ->expected(2);
  sub->add_flag("--any-allocation", a.any_allocation, "Prove for every allocation at once (stronger, much slower)")
      ->excludes(at);
  sub->add_flag("--every-query", a.every_query,
                "Ask every query, also those a proved VMM step already answers (a check of the prover)");
  sub->add_flag("--progress", a.progress, "Print a line on stderr as each query is answered: its answer and time");
}

std::string allocation_text(const std::optional<vmm::Allocation>& a) {
  return a ? "the VM at " + vmm::allocation_text(*a) : "every VM allocation";
}

nlohmann::json allocation_json(const std::optional<vmm::Allocation>& a) {
  if (!a) return "any";
  nlohmann::json j = {{"base", a->base}, {"size", a->size}};
  if (a->nested()) j["inside"] = {{"base", a->outer_base}, {"size", a->outer_size}};
  return j;
}

bool prover_options(const model::Model& m, const ProverArgs& a, prover::Options& o) {
  o.jobs = a.jobs;
  o.limits.timeout_ms = a.timeout_ms;
  o.models_dir = models_dir();
  o.derive = !a.every_query;
  if (a.progress)
    o.progress = [](const prover::Finding& f, size_t done, size_t total) {
      std::cerr << fmt::format("[{}/{}] {}: {} ({:.2f} s{})\n", done, total, f.name,
                               smt::verdict_name(f.answer.verdict), f.seconds,
                               f.follows_from.empty() ? "" : ", from " + f.follows_from);
    };
  o.allocation.reset();
  if (a.any_allocation) return true;
  vmm::Allocation at =
      a.allocation.size() == 2 ? vmm::Allocation{a.allocation[0], a.allocation[1]} : vmm::default_allocation(m);
  std::string why;
  if (!vmm::usable(m, at, why)) {
    std::cerr << "popek: --allocation " << at.base << " " << at.size << ": " << why << "\n";
    return false;
  }
  o.allocation = at;
  return true;
}

std::string model_ref(const model::Model& m, const std::string& dir) {
  std::error_code ec;
  fs::path p = fs::weakly_canonical(m.path, ec);
  if (fs::weakly_canonical(p.parent_path(), ec) == fs::weakly_canonical(models_dir(), ec)) return p.stem().string();
  fs::path rel = fs::relative(p, fs::weakly_canonical(dir, ec), ec);
  return ec || rel.empty() ? p.string() : rel.string();
}

std::string classification_text(const prover::Classification& c, unsigned jobs) {
  const model::Model& m = *c.model;
  std::string units;
  for (size_t u = 0; u < c.units.size(); ++u)
    if (c.relocated[u] == Tri::Yes) units += (units.empty() ? "" : ", ") + c.units[u].name;
  std::string out = fmt::format("{}: {} instructions, {} queries{}\n\n", m.name, m.insns.size(), c.queries,
                                units.empty() ? "" : " (relocation by the vmm map: " + units + ")");
  size_t w = 4;
  for (const auto& i : m.insns) w = std::max(w, i.name.size());
  out += fmt::format("{:<{}}  {:<10} {:<7} {:<4} {:<8} {:<14} {:<6} {}\n", "insn", w, "privileged", "control", "mode",
                     "location", "register", "user", "flagged");
  out += fmt::format("{:<{}}  {:<10} {:<7} {:<4} {:<8} {:<14} {:<6} {}\n", "", w, "", "", "", "", "", "sens.",
                     "(te, hybrid)");
  for (const Row& r : c.rows) {
    std::string regs;
    for (size_t u = 0; u < c.units.size(); ++u) {
      if (c.relocated[u] == Tri::Yes) continue;
      std::string md = held_modes(r, Property::Register, static_cast<int>(u));
      if (md != "-") regs += (regs.empty() ? "" : ",") + c.units[u].name + "(" + md + ")";
    }
    Tri te = r.flagged(Strategy::TrapAndEmulate), hy = r.flagged(Strategy::Hybrid);
    std::string flagged = te == Tri::Unknown || hy == Tri::Unknown ? "?"
                          : te == Tri::Yes && hy == Tri::Yes       ? "te, hybrid"
                          : te == Tri::Yes                         ? "te"
                          : hy == Tri::Yes                         ? "hybrid"
                                                                   : "-";
    out += fmt::format("{:<{}}  {:<10} {:<7} {:<4} {:<8} {:<14} {:<6} {}\n", m.insns[static_cast<size_t>(r.insn)].name,
                       w, mark(r.privileged()), held_modes(r, Property::Control), mark(r.mode()),
                       held_modes(r, Property::Location), regs.empty() ? "-" : regs, mark(r.user_sensitive()), flagged);
  }
  out += "\n(u, s: in user mode, in the other modes; ?: unknown)\n\nVerdicts\n";
  for (const prover::ModelVerdict* v : c.verdicts.in_order()) {
    std::string status = v->holds == Tri::Yes ? "holds" : v->holds == Tri::No ? "fails" : "unknown";
    out +=
        fmt::format("  {:<30} {:<8} {}\n", v->name, status,
                    v->holds == Tri::No ? "against: " + fmt::format("{}", fmt::join(v->against, ", ")) : v->statement);
  }
  for (const std::string& l : check::word_lines(c)) out += l + "\n";
  for (const std::string& e : c.explanations) out += "  note: " + e + "\n";
  bool any = false;
  for (const Row& r : c.rows)
    for (Strategy s : {Strategy::TrapAndEmulate, Strategy::Hybrid}) {
      const Finding* f = r.flagged(s) == Tri::Yes ? flag_witness(r, s) : nullptr;
      if (!f || (s == Strategy::Hybrid && r.flagged(Strategy::TrapAndEmulate) == Tri::Yes &&
                 f == flag_witness(r, Strategy::TrapAndEmulate)))
        continue;
      if (!any) out += "\nFlagged\n";
      any = true;
      out += fmt::format("  {}: {}\n", m.insns[static_cast<size_t>(r.insn)].name, f->words);
    }
  if (c.fetch.yes) out += "  (fetch): " + c.fetch.words + "\n";
  std::string unknown;
  for (const Row& r : c.rows)
    for (const Finding& f : r.findings)
      if (f.answer.verdict != smt::Verdict::Proved && f.answer.verdict != smt::Verdict::Witness)
        unknown += fmt::format("  {}: {} ({})\n", f.name, smt::verdict_name(f.answer.verdict), f.answer.reason);
  if (!unknown.empty()) out += "\nUnanswered\n" + unknown;
  out += fmt::format("\nclassified in {:.2f} s ({} job{}); the VMM's obligations for {}\n", c.seconds, jobs,
                     jobs == 1 ? "" : "s", allocation_text(c.allocation));
  return out;
}

nlohmann::json finding_json(const Finding& f) {
  nlohmann::json j{{"query", f.name},
                   {"property", prover::property_name(f.query.property)},
                   {"verdict", smt::verdict_name(f.answer.verdict)},
                   {"seconds", f.seconds}};
  if (f.query.where != Where::Any) j["modes"] = prover::where_name(f.query.where);
  if (f.query.property == Property::VmmStep) j["vmm"] = vmm::strategy_name(f.query.strategy);
  if (!f.answer.reason.empty()) j["reason"] = f.answer.reason;
  if (!f.follows_from.empty()) j["follows_from"] = f.follows_from;
  if (!f.words.empty()) j["witness"] = f.words;
  if (f.witness_case) j["witness_case"] = corpus::write_case(*f.witness_case);
  return j;
}

nlohmann::json classification_json(const prover::Classification& c) {
  const model::Model& m = *c.model;
  nlohmann::json rows = nlohmann::json::array();
  for (const Row& r : c.rows) {
    nlohmann::json regs = nlohmann::json::object();
    for (size_t u = 0; u < c.units.size(); ++u)
      if (c.relocated[u] != Tri::Yes) regs[c.units[u].name] = held_modes(r, Property::Register, static_cast<int>(u));
    nlohmann::json findings = nlohmann::json::array();
    for (const Finding& f : r.findings) findings.push_back(finding_json(f));
    rows.push_back({{"insn", m.insns[static_cast<size_t>(r.insn)].name},
                    {"privileged", tri_name(r.privileged())},
                    {"control_sensitive", held_modes(r, Property::Control)},
                    {"mode_sensitive", tri_name(r.mode())},
                    {"location_sensitive", held_modes(r, Property::Location)},
                    {"register_sensitive", regs},
                    {"sensitive", tri_name(r.sensitive())},
                    {"user_sensitive", tri_name(r.user_sensitive())},
                    {"flagged",
                     {{"trap-emulate", tri_name(r.flagged(Strategy::TrapAndEmulate))},
                      {"hybrid", tri_name(r.flagged(Strategy::Hybrid))}}},
                    {"findings", findings}});
  }
  nlohmann::json verdicts = nlohmann::json::array();
  for (const prover::ModelVerdict* v : c.verdicts.in_order())
    verdicts.push_back(
        {{"name", v->name}, {"holds", tri_name(v->holds)}, {"against", v->against}, {"statement", v->statement}});
  nlohmann::json relocation = nlohmann::json::array();
  for (size_t u = 0; u < c.units.size(); ++u)
    if (c.relocated[u] == Tri::Yes) relocation.push_back(c.units[u].name);
  return {{"model", m.name},
          {"seconds", c.seconds},
          {"queries", c.queries},
          {"allocation", allocation_json(c.allocation)},
          {"relocation", relocation},
          {"fetch", finding_json(c.fetch)},
          {"instructions", rows},
          {"verdicts", verdicts},
          {"words", report::words_json(c)},
          {"explanations", c.explanations},
          {"internal_errors", c.internal_errors}};
}

bool save_witnesses(const model::Model& m, const std::vector<const Finding*>& findings, const std::string& dir) {
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (ec) {
    std::cerr << "popek: " << dir << ": " << ec.message() << "\n";
    return false;
  }
  for (const Finding* f : findings) {
    if (!f->witness_case) continue;
    corpus::Case wc = *f->witness_case;
    wc.model = model_ref(m, dir);
    std::string path = (fs::path(dir) / (slug(m.name + "-" + f->name) + ".case")).string();
    std::string err;
    if (!write_file_atomic(path, corpus::write_case(wc), err)) {
      std::cerr << "popek: " << err << "\n";
      return false;
    }
  }
  return true;
}

} // namespace popek::cli
