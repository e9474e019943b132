// report.json: everything a check found, for tools (docs/report.md documents
// each field). Every key is always present (null or empty when it does not
// apply), so that a reader needs no guesswork; verdicts are rendered
// generically, whatever the classification holds.
#include "report/report.hpp"

#include <filesystem>

namespace popek::report {

using nlohmann::json;
using prover::Finding;
using prover::Tri;
using vmm::Strategy;

namespace {

json or_null(const std::string& s) { return s.empty() ? json(nullptr) : json(s); }

Tri tri_of(const Finding& f) {
  if (f.answer.verdict != smt::Verdict::Proved && f.answer.verdict != smt::Verdict::Witness) return Tri::Unknown;
  return f.yes ? Tri::Yes : Tri::No;
}

// {base, size}, and for a VMM under a VMM also {outer_base, outer_size}.
json allocation_json(const vmm::Allocation& a) {
  json j = {{"base", a.base}, {"size", a.size}};
  if (a.nested()) {
    j["outer_base"] = a.outer_base;
    j["outer_size"] = a.outer_size;
  }
  return j;
}

json verdict_json(const prover::ModelVerdict& v) {
  return {{"name", v.name}, {"holds", prover::tri_name(v.holds)}, {"against", v.against}, {"statement", v.statement}};
}

} // namespace

json words_json(const prover::Classification& c) {
  json out = json::array();
  for (const prover::WordAnswer& w : c.words) {
    if (w.against == prover::Tri::No) continue;
    json fields = json::array();
    for (const prover::FieldValues& f : w.fields)
      fields.push_back({{"field", f.field}, {"values", f.values}, {"complete", f.complete}});
    out.push_back({{"insn", c.model->insns[static_cast<size_t>(w.insn)].name},
                   {"theorem", prover::theorem_name(w.theorem)},
                   {"reading", prover::reading_name(w.reading)},
                   {"against", prover::tri_name(w.against)},
                   {"word", or_null(w.word)},
                   {"words", or_null(w.against == prover::Tri::Yes ? prover::describe_words(*c.model, w) : "")},
                   {"sensitive", or_null(w.sensitive.words)},
                   {"unprivileged", or_null(w.unprivileged.words)},
                   {"fields", fields},
                   {"why_unknown", or_null(w.why_unknown)}});
  }
  return out;
}

namespace {

json verdicts_json(const prover::Classification& c) {
  json out = json::array();
  for (const prover::ModelVerdict* v : c.verdicts.in_order()) out.push_back(verdict_json(*v));
  return out;
}

json finding_json(const prover::Classification& c, const Finding& f) {
  const prover::Query& q = f.query;
  json any_of = json::array();
  for (int u : q.any_of) any_of.push_back(c.units[static_cast<size_t>(u)].name);
  bool vmm_step = q.property == prover::Property::VmmStep;
  return {{"query", f.name},
          {"property", prover::property_name(q.property)},
          {"modes", q.where == prover::Where::Any ? "any" : prover::where_name(q.where)},
          {"unit", q.unit >= 0 ? json(c.units[static_cast<size_t>(q.unit)].name) : json(nullptr)},
          {"any_of", any_of},
          {"vmm", vmm_step ? json(vmm::strategy_name(q.strategy)) : json(nullptr)},
          {"answer", prover::tri_name(tri_of(f))},
          {"verdict", smt::verdict_name(f.answer.verdict)},
          {"reason", or_null(f.answer.reason)},
          {"seconds", f.seconds},
          {"follows_from", or_null(f.follows_from)},
          {"witness", or_null(f.words)},
          {"has_witness_case", f.witness_case.has_value()},
          {"witness_case", f.witness_case ? json(corpus::write_case(*f.witness_case)) : json(nullptr)}};
}

json cells_json(const std::vector<StateCell>& cells) {
  json out = json::array();
  for (const StateCell& s : cells)
    out.push_back({{"name", s.name},
                   {"before", s.before},
                   {"native", s.native},
                   {"vmm", s.vmm},
                   {"differs", s.differs},
                   {"changed", s.changed}});
  return out;
}

json replay_json(const WitnessStates& w) {
  json comps = json::array();
  for (const StateCell& s : w.components) comps.push_back({{"name", s.name}, {"left", s.native}, {"right", s.vmm}});
  return {{"query", w.query},
          {"vmm", w.strategy},
          {"case", w.case_text},
          {"error", or_null(w.error)},
          {"diverged", w.diverged},
          {"outcome", or_null(w.outcome)},
          {"step", w.step},
          {"pc", w.pc},
          {"kind", or_null(w.kind)},
          {"instruction", or_null(w.instruction)},
          {"natively", or_null(w.natively)},
          {"vmm_ran_it", or_null(w.vmm_how)},
          {"compared", json::array({w.left, w.right})},
          {"components", comps},
          {"registers", cells_json(w.registers)},
          {"hidden_register_entries", w.hidden_entries},
          {"memory", cells_json(w.memory)}};
}

const char* end_name(fuzz::CampaignResult::End e) {
  switch (e) {
  case fuzz::CampaignResult::Finished: return "finished";
  case fuzz::CampaignResult::Interrupted: return "interrupted";
  case fuzz::CampaignResult::StrictStop: return "strict-stop";
  case fuzz::CampaignResult::WorkerFailed: return "worker-failed";
  }
  return "?";
}

json campaign_json(const check::ModelCheck& mc, const check::Campaign& k, const Coverage& cov) {
  const fuzz::CampaignResult& r = k.result;
  size_t flagged = 0, found = 0;
  for (const prover::Row& row : mc.classification.rows)
    if (row.flagged(k.strategy) == Tri::Yes) {
      ++flagged;
      found += k.divergent.count(mc.model->insns[static_cast<size_t>(row.insn)].name);
    }
  json divergent = json::array();
  for (const auto& [insn, f] : k.divergent)
    divergent.push_back({{"instruction", insn},
                         {"kind", f.c.expect.kind},
                         {"components", f.c.expect.components},
                         {"case_file", f.path}});
  return {{"strategy", vmm::strategy_name(k.strategy)},
          {"findings_folder", k.findings},
          {"error", or_null(k.error)},
          {"end", end_name(r.end)},
          {"runs", r.total.runs},
          {"rejected", r.total.rejected},
          {"outgrown", r.total.outgrown},
          {"divergent_runs", r.total.divergent},
          {"seconds", r.seconds},
          {"execs_per_second", r.seconds > 0 ? static_cast<double>(r.total.runs) / r.seconds : 0.0},
          {"libfuzzer_execs_per_second", r.libfuzzer_rate},
          {"flagged", flagged},
          {"found", found},
          {"divergent", divergent},
          {"first_found", r.first_found},
          {"coverage",
           {{"instructions", cov.insns},
            {"instructions_executed", cov.insns_reached},
            {"arms", cov.arms},
            {"arms_taken", cov.arms_reached},
            {"counters", cov.counters},
            {"counters_reached", cov.counters_reached},
            {"never_executed", cov.never_executed}}}};
}

json model_json(const ModelReport& mr) {
  const check::ModelCheck& mc = *mr.check;
  const prover::Classification& c = mc.classification;
  const model::Model& m = *mc.model;
  json units = json::array(), relocation = json::array();
  for (size_t u = 0; u < c.units.size(); ++u) {
    units.push_back(c.units[u].name);
    if (c.relocated[u] == Tri::Yes) relocation.push_back(c.units[u].name);
  }
  json insns = json::array();
  for (const prover::Row& r : c.rows) {
    json findings = json::array();
    for (const Finding& f : r.findings) findings.push_back(finding_json(c, f));
    insns.push_back({{"name", m.insns[static_cast<size_t>(r.insn)].name},
                     {"privileged", prover::tri_name(r.privileged())},
                     {"sensitive", prover::tri_name(r.sensitive())},
                     {"user_sensitive", prover::tri_name(r.user_sensitive())},
                     {"flagged",
                      {{"trap-emulate", prover::tri_name(r.flagged(Strategy::TrapAndEmulate))},
                       {"hybrid", prover::tri_name(r.flagged(Strategy::Hybrid))}}},
                     {"findings", findings}});
  }
  json flagged = json::array();
  for (const Flagged& f : mr.flagged) {
    json replays = json::array();
    for (const WitnessStates& w : f.witnesses) replays.push_back(replay_json(w));
    flagged.push_back({{"instruction", f.name},
                       {"vmms", f.strategies},
                       {"kinds", f.kinds},
                       {"witness", or_null(f.words)},
                       {"replays", replays}});
  }
  json campaigns = json::array();
  const std::vector<const check::Campaign*> all = mc.campaigns.in_order();
  for (size_t k = 0; k < all.size(); ++k) campaigns.push_back(campaign_json(mc, *all[k], mr.coverage[k]));
  json efficiency = json::array();
  if (mc.efficiency)
    for (const check::Efficiency* e : mc.efficiency->in_order())
      efficiency.push_back({{"strategy", vmm::strategy_name(e->strategy)},
                            {"nested", e->allocation.nested()},
                            {"allocation", allocation_json(e->allocation)},
                            {"guests", e->guests},
                            {"steps", e->steps},
                            {"direct", e->counts.direct},
                            {"interpreted", e->counts.interpreted},
                            {"reflected", e->counts.reflected},
                            {"direct_share", e->counts.direct_share()},
                            {"notes", e->notes}});
  json timings = json::array();
  for (const check::Timing& t : mc.timings) timings.push_back({{"part", t.part}, {"seconds", t.seconds}});
  json nesting = nullptr;
  if (mc.nesting) {
    const prover::Nesting& n = *mc.nesting;
    json rows = json::array();
    for (const prover::Row& r : n.rows) {
      json findings = json::array();
      for (const Finding& f : r.findings) findings.push_back(finding_json(c, f));
      rows.push_back({{"name", m.insns[static_cast<size_t>(r.insn)].name}, {"findings", findings}});
    }
    nesting = {{"allocation", allocation_json(n.allocation)},
               {"verdict", verdict_json(n.verdict)},
               {"hosting", finding_json(c, n.hosting)},
               {"hosts_none", finding_json(c, n.hosts_none)},
               {"fetch", finding_json(c, n.fetch)},
               {"flagged", n.flagged},
               {"instructions", rows},
               {"internal_errors", n.internal_errors},
               {"seconds", n.seconds},
               {"queries", n.queries}};
  }
  json whatif = json::array();
  for (const check::WhatIf& w : mc.whatif)
    whatif.push_back({{"instructions", w.insns},
                      {"virtualizable", w.virtualizable()},
                      {"verdicts", verdicts_json(w.classification)}});
  json allocation = c.allocation ? allocation_json(*c.allocation) : json("any");
  return {{"name", m.name},
          {"description", m.description},
          {"source", std::filesystem::path(m.path).lexically_normal().string()},
          {"status", mr.status()},
          {"allocation", allocation},
          {"system_units", units},
          {"relocation", relocation},
          {"queries", c.queries},
          {"verdicts", verdicts_json(c)},
          {"words", words_json(c)},
          {"explanations", c.explanations},
          {"fetch", finding_json(c, c.fetch)},
          {"instructions", insns},
          {"flagged", flagged},
          {"campaigns", campaigns},
          {"nesting", nesting},
          {"efficiency", efficiency},
          {"cross_check",
           {{"agree", mc.disagreements.empty()},
            {"witnesses_replayed", mc.witnesses},
            {"disagreements", mc.disagreements}}},
          {"errors", mc.errors},
          {"internal_errors", c.internal_errors},
          {"timings", timings},
          {"what_if", whatif}};
}

} // namespace

json to_json(const Report& r) {
  json models = json::array();
  for (const ModelReport& mr : r.models) models.push_back(model_json(mr));
  return {{"schema", kSchema}, {"models", models}};
}

} // namespace popek::report
