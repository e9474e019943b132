// report.html's longer parts: each flagged instruction's witnesses as
// side-by-side states (before, native, under the VMM; what differs marked),
// the campaigns with their model coverage as bars, the efficiency; and the
// style sheet.
#include "report/html.hpp"
#include "report/summary.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>

namespace popek::report::html {

namespace {

// Witness words quote assembly in backticks: shown as code.
std::string words_html(const std::string& words) {
  std::string out;
  bool code = false;
  size_t from = 0;
  for (size_t i = words.find('`'); i != std::string::npos; i = words.find('`', from)) {
    out += esc(words.substr(from, i - from)) + (code ? "</code>" : "<code>");
    code = !code;
    from = i + 1;
  }
  out += esc(words.substr(from));
  return code ? out + "</code>" : out;
}

std::string state_rows(const std::vector<const StateCell*>& cells) {
  std::string out;
  for (const StateCell* s : cells) {
    const char* cls = s->differs ? "d" : s->changed ? "c" : "";
    out += fmt::format("<tr class=\"{}\"><th>{}{}</th><td>{}</td><td class=\"side\">{}</td><td class=\"side\">{}</td>"
                       "</tr>",
                       cls, s->differs ? "≠ " : "", esc(s->name), esc(s->before), esc(s->native), esc(s->vmm));
  }
  return out;
}

// Before, native and VMM side by side. What the step changed or made differ
// (and the mode and pc) comes first; the rest, when there is much of it,
// folds away (a details element: it opens in a browser without any script).
std::string state_table(const char* what, const std::vector<StateCell>& cells, const WitnessStates& w) {
  if (cells.empty()) return "";
  std::vector<const StateCell*> shown, rest;
  for (const StateCell& s : cells) (s.differs || s.changed || s.key ? shown : rest).push_back(&s);
  constexpr size_t kFoldOver = 4; // a few quiet lines cost less than a fold
  if (rest.size() <= kFoldOver) {
    shown.insert(shown.end(), rest.begin(), rest.end());
    rest.clear();
  }
  std::string head = fmt::format("<thead><tr><th>{}</th><th>before</th><th class=\"side\">native</th><th "
                                 "class=\"side\">under the {} VMM</th></tr></thead>",
                                 what, esc(w.strategy));
  std::string out =
      "<div class=\"statebox\"><table class=\"states\">" + head + "<tbody>" + state_rows(shown) + "</tbody></table>";
  if (!rest.empty())
    out += fmt::format("<details><summary>{} more {}s, unchanged and equal on both sides</summary><table "
                       "class=\"states quiet\">{}<tbody>{}</tbody></table></details>",
                       rest.size(), what, head, state_rows(rest));
  return out + "</div>";
}

std::string witness(const WitnessStates& w) {
  std::string out = fmt::format("<div class=\"witness\"><div class=\"whead\">Witness of <code>{}</code>, replayed "
                                "under the {} VMM: ",
                                esc(w.query), esc(w.strategy));
  if (!w.error.empty()) return out + badge("bad", "did not replay") + " " + esc(w.error) + "</div></div>";
  out += "<b>" + esc(w.outcome) + "</b></div>";
  if (w.diverged) {
    out += fmt::format("<p class=\"how\"><code>{}</code> at 0x{:x}: natively <b>{}</b>; under the VMM <b>{}</b>.</p>",
                       esc(w.instruction), w.pc, esc(w.natively), esc(w.vmm_how));
    out += "<p class=\"compared\">The runner compares " + esc(w.left) + " with " + esc(w.right) + ":";
    for (const StateCell& c : w.components)
      out += fmt::format(" <span class=\"comp\"><code>{}</code> {} <span class=\"arrow\">vs</span> {}</span>",
                         esc(c.name), esc(c.native), esc(c.vmm));
    out += "</p><div class=\"sidebyside\">" + state_table("register", w.registers, w) +
           state_table("memory", w.memory, w) + "</div>";
    if (w.hidden_entries)
      out += fmt::format("<p class=\"small\">{} register file entries, unchanged and equal on both sides, are not "
                         "shown. ≠: differs between native and VMM; yellow: changed by the step.</p>",
                         w.hidden_entries);
    else
      out += "<p class=\"small\">≠: differs between native and VMM; yellow: changed by the step.</p>";
  }
  return out + "<details><summary>the witness case</summary><pre>" + esc(w.case_text) + "</pre></details></div>";
}

std::string campaign(const ModelReport& mr, size_t k) {
  const check::ModelCheck& mc = *mr.check;
  const check::Campaign& c = *mc.campaigns.in_order()[k];
  const Coverage& cov = mr.coverage[k];
  std::string out = "<div class=\"card campaign\"><div class=\"cardhead\">" +
                    badge("info", vmm::strategy_name(c.strategy)) + " VMM</div>";
  if (!c.error.empty()) return out + "<p>" + badge("bad", "did not run") + " " + esc(c.error) + "</p></div>";
  FoundOf f = found_of(mc, c);
  out += fmt::format("<p class=\"figs\">{} runs in {:.1f} s · {} execs/s · {} divergent runs</p>", c.result.total.runs,
                     c.result.seconds, rate_text(execs_per_second(c.result)), c.result.total.divergent);
  // Fuzzing need not find every flagged instruction; with none flagged there is nothing to find.
  out += f.flagged ? bar(f.found, f.flagged, "flagged instructions found")
                   : "<p class=\"small\">No instruction is flagged for this VMM: nothing to find.</p>";
  out += bar(cov.insns_reached, cov.insns, "instructions executed") +
         bar(cov.arms_reached, cov.arms, "branch arms taken") + bar(cov.counters_reached, cov.counters, "all counters");
  if (!cov.never_executed.empty())
    out += "<p class=\"small\">never executed: <code>" + esc(fmt::format("{}", fmt::join(cov.never_executed, " "))) +
           "</code></p>";
  if (!c.divergent.empty()) {
    out += "<ul class=\"found\">";
    for (const auto& [insn, found] : c.divergent)
      out += fmt::format("<li><code>{}</code> {} <span class=\"small\">{}</span></li>", esc(insn),
                         esc(found.c.expect.kind), esc(found.path));
    out += "</ul>";
  }
  return out + "</div>";
}

} // namespace

std::string flagged_section(const ModelReport& mr) {
  const model::Model& m = *mr.check->model;
  std::string out = "<h3>Flagged instructions</h3>";
  if (mr.flagged.empty()) return out + "<p>" + badge("ok", "none") + " no VMM breaks on any instruction.</p>";
  for (const Flagged& f : mr.flagged) {
    out += fmt::format("<div class=\"card\" id=\"w-{}-{}\"><div class=\"cardhead\"><span class=\"iname\">{}</span> ",
                       anchor(m.name), anchor(f.name), esc(f.name));
    for (const std::string& s : f.strategies) out += badge("bad", "breaks " + s) + " ";
    for (const std::string& k : f.kinds) out += badge("y", k) + " ";
    out += "</div><p class=\"words\">" + (f.words.empty() ? "(no witness in words)" : words_html(f.words)) + "</p>";
    for (const WitnessStates& w : f.witnesses) out += witness(w);
    out += "</div>";
  }
  return out;
}

std::string fuzz_section(const ModelReport& mr) {
  std::string out = "<h3>Fuzzing</h3><div class=\"campaigns\">";
  for (size_t k = 0; k < mr.check->campaigns.in_order().size(); ++k) out += campaign(mr, k);
  return out + "</div>";
}

std::string efficiency_section(const check::ModelCheck& mc) {
  std::string out = "<h3>Efficiency</h3><p>Guests: " + esc(guest_names(mc)) + "</p>";
  if (!mc.efficiency) return out;
  out += "<p class=\"legend\"><span class=\"key\"></span> direct <span class=\"key interp\"></span> interpreted "
         "<span class=\"key refl\"></span> reflected</p>";
  for (const check::Efficiency* ep : mc.efficiency->in_order()) {
    const check::Efficiency& e = *ep;
    uint64_t total = e.counts.direct + e.counts.interpreted + e.counts.reflected;
    auto share = [&](uint64_t n) { return total ? 100.0 * static_cast<double>(n) / static_cast<double>(total) : 0.0; };
    out += fmt::format("<div class=\"bar\"><div class=\"barlabel\">{}</div><div class=\"track\">"
                       "<div class=\"fill\" style=\"width: {:.1f}%\"></div><div class=\"fill interp\" style=\"width: "
                       "{:.1f}%\"></div><div class=\"fill refl\" style=\"width: {:.1f}%\"></div></div><div "
                       "class=\"barfig wide\">{:.1f}% direct ({} direct, {} interpreted, {} reflected)</div></div>",
                       esc(efficiency_label(e)), share(e.counts.direct), share(e.counts.interpreted),
                       share(e.counts.reflected), 100 * e.counts.direct_share(), e.counts.direct, e.counts.interpreted,
                       e.counts.reflected);
    for (const std::string& n : e.notes) out += "<p class=\"small\">" + esc(n) + "</p>";
  }
  return out;
}

// No '<' or '&' in here: the page stays well-formed XML.
const char* const kStyle = R"(
body { font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: #1e293b; background: #f8fafc;
  margin: 0; }
header, main, footer { max-width: 1200px; margin: 0 auto; padding: 0 24px; }
header { padding-top: 20px; }
h1 { font-size: 26px; margin: 0 0 4px; }
h2 { font-size: 22px; margin: 0 0 4px; }
h2 .desc { font-size: 15px; font-weight: normal; color: #475569; }
h3 { font-size: 16px; margin: 22px 0 8px; border-bottom: 1px solid #e2e8f0; padding-bottom: 3px; }
code, pre { font-family: ui-monospace, "DejaVu Sans Mono", Menlo, monospace; font-size: 12.5px; }
pre { background: #f1f5f9; padding: 8px 10px; border-radius: 6px; overflow-x: auto; }
a { color: inherit; }
.model { background: #fff; border: 1px solid #e2e8f0; border-radius: 10px; padding: 18px 22px; margin: 22px 0;
  box-shadow: 0 1px 2px rgba(15, 23, 42, 0.05); }
.meta, .small, .time, footer { color: #64748b; font-size: 12.5px; }
footer { padding-bottom: 24px; }
.badge { display: inline-block; padding: 1px 8px; border-radius: 999px; font-size: 12px; font-weight: 600;
  white-space: nowrap; }
.ok { background: #dcfce7; color: #166534; }
.bad { background: #fee2e2; color: #991b1b; }
.unknown, .u { background: #ede9fe; color: #5b21b6; }
.info { background: #e0f2fe; color: #075985; }
.y { background: #fef3c7; color: #92400e; }
.n { background: #f8fafc; color: #94a3b8; }
.f { background: #dc2626; color: #fff; font-weight: 700; }
table { border-collapse: collapse; }
.summary { margin: 12px 0 4px; background: #fff; }
.summary th, .summary td { border: 1px solid #e2e8f0; padding: 4px 10px; text-align: left; }
.verdicts { display: flex; flex-wrap: wrap; gap: 10px; margin: 12px 0; }
.verdict { border-radius: 8px; padding: 8px 12px; min-width: 170px; flex: 1 1 170px; border: 1px solid transparent; }
.verdict.ok { border-color: #86efac; }
.verdict.bad { border-color: #fca5a5; }
.verdict.unknown { border-color: #c4b5fd; }
.vname { font-weight: 600; }
.vstate { font-size: 20px; font-weight: 700; text-transform: uppercase; letter-spacing: 0.03em; }
.vagainst { font-size: 12.5px; margin: 2px 0; word-break: break-word; }
.vstmt { font-size: 12px; opacity: 0.8; }
.note { background: #fffbeb; border-left: 3px solid #f59e0b; padding: 6px 10px; font-size: 13px; }
.legend { margin: 4px 0 8px; font-size: 12.5px; color: #475569; }
.legend .badge { margin-left: 10px; }
.scroll { overflow-x: auto; }
.matrix { font-size: 12px; }
.matrix th, .matrix td { border: 1px solid #e2e8f0; padding: 2px 6px; text-align: center; }
.matrix thead th { background: #f1f5f9; font-weight: 600; vertical-align: bottom; }
.matrix thead th.sub { font-weight: normal; color: #475569; }
.matrix th.insn { text-align: left; font-family: ui-monospace, "DejaVu Sans Mono", monospace; font-weight: 600;
  background: #fff; }
.matrix tr.flaggedrow th.insn { background: #fee2e2; color: #991b1b; }
.matrix td small { display: block; font-size: 10px; font-weight: normal; }
.card { border: 1px solid #e2e8f0; border-radius: 8px; padding: 10px 14px; margin: 10px 0; background: #fff; }
.cardhead { display: flex; flex-wrap: wrap; gap: 6px; align-items: center; }
.iname { font-family: ui-monospace, "DejaVu Sans Mono", monospace; font-weight: 700; font-size: 16px;
  margin-right: 6px; }
.words { margin: 6px 0; }
.witness { border-top: 1px dashed #cbd5e1; margin-top: 8px; padding-top: 8px; }
.whead, .how, .compared { margin: 4px 0; }
.comp { background: #fee2e2; border-radius: 4px; padding: 0 6px; margin-left: 4px; }
.arrow { color: #991b1b; font-size: 11px; }
.sidebyside { display: flex; flex-wrap: wrap; gap: 16px; align-items: flex-start; margin: 8px 0; }
.states { font-size: 12.5px; width: 100%; }
.statebox { flex: 1 1 520px; }
.states th, .states td { border: 1px solid #e2e8f0; padding: 2px 8px; text-align: left;
  font-family: ui-monospace, "DejaVu Sans Mono", monospace; }
.states thead th { background: #f1f5f9; font-family: inherit; }
.states thead th.side { background: #e0f2fe; }
.states td { color: #64748b; }
.states td.side { color: #1e293b; }
.states tr.c td.side { background: #fef9c3; }
.states tr.d th { color: #991b1b; }
.states tr.d td.side { background: #fecaca; color: #7f1d1d; font-weight: 700; }
details summary { cursor: pointer; color: #475569; font-size: 12.5px; margin-top: 4px; }
.campaigns { display: flex; flex-wrap: wrap; gap: 12px; }
.campaign { flex: 1 1 420px; }
.figs { margin: 6px 0; }
.bar { display: flex; align-items: center; gap: 10px; margin: 4px 0; font-size: 12.5px; }
.barlabel { flex: 0 0 170px; color: #475569; }
.track { flex: 1 1 auto; min-width: 120px; height: 12px; background: #e2e8f0; border-radius: 6px; overflow: hidden;
  display: flex; }
.fill { height: 100%; background: #0ea5e9; }
.key { display: inline-block; width: 12px; height: 12px; border-radius: 3px; background: #0ea5e9;
  vertical-align: middle; margin-left: 8px; }
.interp { background: #f59e0b; }
.refl { background: #a855f7; }
.barfig { flex: 0 0 150px; }
.barfig.wide { flex: 0 0 330px; }
.found { margin: 6px 0; padding-left: 18px; font-size: 12.5px; }
.problems { padding-left: 18px; }
)";

} // namespace popek::report::html
