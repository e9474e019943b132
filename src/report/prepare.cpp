// What every rendering of a report shows, read once from the check's results:
// the matrix's columns, the flagged instructions with their witnesses
// replayed, each campaign's coverage; and the writing of the three files.
#include "report/report.hpp"

#include "fuzz/coverage.hpp"
#include "util/files.hpp"

#include <algorithm>
#include <filesystem>
#include <tuple>

namespace popek::report {

namespace fs = std::filesystem;
using prover::Finding;
using prover::Property;
using prover::Row;
using prover::Tri;
using prover::Where;
using vmm::Strategy;

namespace {

// The kinds a flagged instruction can show, in the order the atlas lists them.
constexpr Property kKinds[] = {Property::Control, Property::Mode, Property::Location, Property::Register,
                               Property::ResourceControl};

// The finding whose witness case shows that strategy `s` breaks on `r`: its
// VMM step, else (a step whose case was not kept) equivalence or resource control.
const Finding* witness_case(const Row& r, Strategy s) {
  for (const Finding& f : r.findings)
    if (f.query.property == Property::VmmStep && f.query.strategy == s && f.yes && f.witness_case) return &f;
  for (Property p : {Property::Equivalence, Property::ResourceControl})
    for (const Finding& f : r.findings)
      if (f.query.property == p && f.yes && f.witness_case &&
          (s == Strategy::TrapAndEmulate || f.query.where == Where::User))
        return &f;
  return nullptr;
}

// Theorem 2's row of an instruction (the nested trap-and-emulate VMM step), or null.
const Row* nested_row(const check::ModelCheck& mc, int insn) {
  if (!mc.nesting) return nullptr;
  for (const Row& r : mc.nesting->rows)
    if (r.insn == insn) return &r;
  return nullptr;
}

// Instruction `insn` as flagged: the VMMs it breaks, the kinds it shows with
// the first one's witness in words, and each distinct witness case replayed.
Flagged flagged(const check::ModelCheck& mc, int insn, corpus::ModelCache& models) {
  const prover::Classification& c = mc.classification;
  const Row& r = c.rows[static_cast<size_t>(insn)];
  const Row* nested = nested_row(mc, insn);
  Flagged fl;
  fl.insn = insn;
  fl.name = c.model->insns[static_cast<size_t>(insn)].name;
  bool te = r.flagged(Strategy::TrapAndEmulate) == Tri::Yes;
  // (row, strategy, name) of each VMM that breaks on it, with the row its witness is in.
  std::vector<std::tuple<const Row*, Strategy, std::string>> vmms;
  for (Strategy s : {Strategy::TrapAndEmulate, Strategy::Hybrid})
    if (r.flagged(s) == Tri::Yes) vmms.emplace_back(&r, s, vmm::strategy_name(s));
  if (nested && nested->flagged(Strategy::TrapAndEmulate) == Tri::Yes)
    vmms.emplace_back(nested, Strategy::TrapAndEmulate,
                      std::string(vmm::strategy_name(Strategy::TrapAndEmulate)) + " nested");
  for (const auto& v : vmms) fl.strategies.push_back(std::get<2>(v));
  // Only the hybrid VMM flags it: what it does in user mode is what matters.
  bool user_only = !te && r.flagged(Strategy::Hybrid) == Tri::Yes;
  for (Property p : kKinds) {
    const Finding* f = r.witness(p, user_only);
    if (!f) continue;
    std::string kind = prover::property_name(p);
    if (p == Property::Register && f->query.unit >= 0)
      kind += " (" + c.units[static_cast<size_t>(f->query.unit)].name + ")";
    if (fl.kinds.empty()) fl.words = f->words;
    fl.kinds.push_back(kind);
  }
  for (const auto& [row, s, name] : vmms)
    if (fl.words.empty())
      if (const Finding* f = row->witness(Property::VmmStep)) fl.words = f->words;
  std::vector<std::string> seen;
  for (const auto& [row, s, name] : vmms) {
    const Finding* f = witness_case(*row, s);
    if (!f) continue;
    WitnessStates w = replay_states(*f->witness_case, models);
    if (std::find(seen.begin(), seen.end(), w.case_text) != seen.end()) continue;
    seen.push_back(w.case_text);
    w.query = f->name;
    w.strategy = name;
    fl.witnesses.push_back(std::move(w));
  }
  return fl;
}

Coverage coverage(const model::Model& m, const fuzz::CoverageMap& map, const fuzz::Stats& s) {
  fuzz::CoverageReport cr = fuzz::coverage_report(m, map, s.seen);
  Coverage c{cr.insns, cr.insns_reached, cr.arms, cr.arms_reached, map.size(), 0, cr.never_executed};
  for (size_t i = 0; i < map.size() && i < s.seen.size(); ++i) c.counters_reached += s.seen[i] != 0;
  return c;
}

} // namespace

std::vector<Column> columns(const check::ModelCheck& mc) {
  std::vector<Column> out;
  for (const Row& r : mc.classification.rows)
    for (const Finding& f : r.findings) {
      const prover::Query& q = f.query;
      auto same = [&](const Column& col) {
        return col.property == q.property && col.where == q.where &&
               (q.property != Property::VmmStep || col.strategy == q.strategy);
      };
      if (std::any_of(out.begin(), out.end(), same)) continue;
      Column col{
          q.property, q.where, q.strategy, false, prover::property_name(q.property), prover::where_name(q.where)};
      if (q.property == Property::VmmStep) col.sub = vmm::strategy_name(q.strategy);
      out.push_back(col);
    }
  if (mc.nesting)
    out.push_back({Property::VmmStep, Where::Any, Strategy::TrapAndEmulate, true,
                   prover::property_name(Property::VmmStep), "nested"});
  return out;
}

Cell cell(const check::ModelCheck& mc, int insn, const Column& col) {
  Cell out;
  const Row* r = col.nested ? nested_row(mc, insn) : &mc.classification.rows[static_cast<size_t>(insn)];
  if (!r) return out; // not asked: unknown
  out.answer = r->answer(col.property, col.where, -1, col.strategy);
  out.flagged =
      out.answer == Tri::Yes && (col.property == Property::Equivalence || col.property == Property::ResourceControl ||
                                 col.property == Property::VmmStep);
  for (const Finding& f : r->findings) {
    const prover::Query& q = f.query;
    if (q.property != col.property || q.where != col.where ||
        (col.property == Property::VmmStep && q.strategy != col.strategy) || !f.yes ||
        f.answer.verdict != smt::Verdict::Witness)
      continue;
    if (out.words.empty()) out.words = f.words;
    if (q.property == Property::Register && q.unit >= 0)
      out.units.push_back(mc.classification.units[static_cast<size_t>(q.unit)].name);
  }
  return out;
}

std::string ModelReport::status() const {
  if (!check->disagreements.empty()) return "disagree";
  if (!check->errors.empty()) return "error";
  if (check->unknown()) return "unknown";
  return "agree";
}

Report prepare(const std::vector<check::ModelCheck>& checks, const std::string& models_dir) {
  Report rep;
  corpus::ModelCache models(models_dir);
  for (const check::ModelCheck& mc : checks) {
    ModelReport mr;
    mr.check = &mc;
    mr.columns = columns(mc);
    for (const Row& r : mc.classification.rows) {
      const Row* nested = nested_row(mc, r.insn);
      if (r.flagged(Strategy::TrapAndEmulate) == Tri::Yes || r.flagged(Strategy::Hybrid) == Tri::Yes ||
          (nested && nested->flagged(Strategy::TrapAndEmulate) == Tri::Yes))
        mr.flagged.push_back(flagged(mc, r.insn, models));
    }
    fuzz::CoverageMap map(*mc.model);
    for (const check::Campaign* k : mc.campaigns.in_order())
      mr.coverage.push_back(coverage(*mc.model, map, k->result.total));
    rep.models.push_back(std::move(mr));
  }
  return rep;
}

bool write_report(const std::string& dir, const Report& r, std::string& error) {
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (ec) {
    error = dir + ": " + ec.message();
    return false;
  }
  const std::pair<const char*, std::string> files[] = {
      {"report.json", to_json(r).dump(2) + "\n"}, {"report.md", to_markdown(r)}, {"report.html", to_html(r)}};
  for (const auto& [name, text] : files)
    if (!write_file_atomic((fs::path(dir) / name).string(), text, error)) return false;
  return true;
}

} // namespace popek::report
