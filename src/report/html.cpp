// report.html: one self-contained page (inline style, no script, no outside
// resource) for people. A summary of every model, then per model its verdicts
// as badges, the instruction x property matrix coloured by answer, the
// flagged instructions with their witnesses replayed side by side, the
// campaigns' coverage and the efficiency (html_parts.cpp).
#include "report/html.hpp"
#include "report/summary.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <cctype>

namespace popek::report::html {

using prover::Tri;

std::string esc(const std::string& s) {
  std::string out;
  out.reserve(s.size());
  for (char ch : s) switch (ch) {
    case '&': out += "&amp;"; break;
    case '<': out += "&lt;"; break;
    case '>': out += "&gt;"; break;
    case '"': out += "&quot;"; break;
    case '\'': out += "&#39;"; break;
    default: out += ch;
    }
  return out;
}

std::string anchor(const std::string& s) {
  std::string out;
  for (char ch : s)
    out += std::isalnum(static_cast<unsigned char>(ch)) || ch == '-' || ch == '_' || ch == '.' ? ch : '-';
  return out;
}

std::string badge(const std::string& cls, const std::string& text, const std::string& title) {
  return fmt::format("<span class=\"badge {}\"{}>{}</span>", cls, title.empty() ? "" : " title=\"" + esc(title) + "\"",
                     esc(text));
}

std::string bar(size_t a, size_t b, const std::string& label) {
  return fmt::format("<div class=\"bar\"><div class=\"barlabel\">{}</div><div class=\"track\"><div class=\"fill\" "
                     "style=\"width: {:.1f}%\"></div></div><div class=\"barfig\">{} of {} ({})</div></div>",
                     esc(label), percent(a, b), a, b, percent_text(a, b));
}

namespace {

std::string holds_class(Tri t) { return t == Tri::Yes ? "ok" : t == Tri::No ? "bad" : "unknown"; }

std::string status_badge(const std::string& status) {
  return badge(status == "agree" ? "ok" : status == "unknown" ? "unknown" : "bad", "methods " + status);
}

std::string verdict_cards(const prover::Classification& c) {
  std::string out = "<div class=\"verdicts\">";
  for (const prover::ModelVerdict* v : c.verdicts.in_order()) {
    out += fmt::format("<div class=\"verdict {}\"><div class=\"vname\">{}</div><div class=\"vstate\">{}</div>",
                       holds_class(v->holds), esc(v->name), holds_word(v->holds));
    if (!v->against.empty())
      out += fmt::format("<div class=\"vagainst\">against {}: <code>{}</code></div>", v->against.size(),
                         esc(fmt::format("{}", fmt::join(v->against, " "))));
    out += fmt::format("<div class=\"vstmt\">{}</div></div>", esc(verdict_meaning(*v)));
  }
  out += "</div>";
  for (const std::string& e : c.explanations) out += "<p class=\"note\">" + esc(e) + "</p>";
  return out;
}

// Theorem 2's evidence beyond the VMM alone (the VMM under itself).
std::string theorem2(const check::ModelCheck& mc) {
  std::vector<std::string> lines = nesting_lines(mc);
  if (lines.empty()) return "";
  std::string out = "<h3>Theorem 2: the trap-and-emulate VMM under itself</h3><ul class=\"whatif\">";
  for (const std::string& l : lines) out += "<li>" + esc(l) + "</li>";
  return out + "</ul>";
}

std::string what_if(const check::ModelCheck& mc) {
  if (mc.whatif.empty()) return "";
  std::string out = "<h3>What if</h3><ul class=\"whatif\">";
  for (size_t k = 0; k < mc.whatif.size(); ++k) {
    const check::WhatIf& w = mc.whatif[k];
    out +=
        fmt::format("<li>{}<code>{}</code> trapping below {} mode: {} ", k == 0 ? "" : "smallest set: ",
                    esc(w.insns.empty() ? "no instruction" : fmt::format("{}", fmt::join(w.insns, " "))),
                    esc(mc.model->modes.front().name),
                    badge(w.virtualizable() ? "ok" : "bad", w.virtualizable() ? "virtualizable" : "not virtualizable"));
    for (const prover::ModelVerdict* v : w.classification.verdicts.in_order())
      out += badge(holds_class(v->holds), v->name + " " + holds_word(v->holds), verdict_text(*v)) + " ";
    out += "</li>";
  }
  return out + "</ul>";
}

// Consecutive columns of one property share a header cell above their modes.
std::string matrix_head(const std::vector<Column>& cols) {
  std::string top = "<tr><th rowspan=\"2\" class=\"insn\">instruction</th>", sub = "<tr>";
  for (size_t i = 0; i < cols.size();) {
    size_t j = i;
    while (j < cols.size() && cols[j].group == cols[i].group) ++j;
    bool alone = j == i + 1 && cols[i].sub.empty();
    top += fmt::format("<th colspan=\"{}\"{}>{}</th>", j - i, alone ? " rowspan=\"2\"" : "", esc(cols[i].group));
    for (size_t k = i; k < j && !alone; ++k) sub += "<th class=\"sub\">" + esc(cols[k].sub) + "</th>";
    i = j;
  }
  return "<thead>" + top + "</tr>" + sub + "</tr></thead>";
}

std::string matrix(const ModelReport& mr) {
  const prover::Classification& c = mr.check->classification;
  const model::Model& m = *mr.check->model;
  std::string out = "<div class=\"legend\">" + badge("y", "yes") + " the property holds " + badge("n", "–") +
                    " it does not " + badge("u", "?") + " unknown " + badge("f", "yes") +
                    " flagged: a VMM breaks on it (hover a cell for its witness)</div>";
  out += "<div class=\"scroll\"><table class=\"matrix\">" + matrix_head(mr.columns) + "<tbody>";
  for (const prover::Row& r : c.rows) {
    const std::string& name = m.insns[static_cast<size_t>(r.insn)].name;
    bool flagged =
        std::any_of(mr.flagged.begin(), mr.flagged.end(), [&](const Flagged& f) { return f.insn == r.insn; });
    out += flagged ? fmt::format("<tr class=\"flaggedrow\"><th class=\"insn\"><a href=\"#w-{}-{}\">{}</a></th>",
                                 anchor(m.name), anchor(name), esc(name))
                   : "<tr><th class=\"insn\">" + esc(name) + "</th>";
    for (const Column& col : mr.columns) {
      Cell x = cell(*mr.check, r.insn, col);
      const char* cls = x.flagged ? "f" : x.answer == Tri::Yes ? "y" : x.answer == Tri::No ? "n" : "u";
      std::string text = x.answer == Tri::Yes ? "yes" : x.answer == Tri::No ? "–" : "?";
      if (!x.units.empty()) text += fmt::format("<small>{}</small>", esc(fmt::format("{}", fmt::join(x.units, " "))));
      std::string title = col.title() + ": " + prover::tri_name(x.answer) + (x.words.empty() ? "" : ": " + x.words);
      out += fmt::format("<td class=\"{}\" title=\"{}\">{}</td>", cls, esc(title), text);
    }
    out += "</tr>";
  }
  return out + "</tbody></table></div>";
}

std::string cross_check(const check::ModelCheck& mc) {
  std::string out = "<h3>Cross-check</h3>";
  if (mc.disagreements.empty())
    out += fmt::format("<p>{} {} witnesses replayed in the lockstep runner; every fuzz finding is flagged.</p>",
                       badge("ok", "agree"), mc.witnesses);
  else {
    out += "<ul class=\"problems\">";
    for (const std::string& d : mc.disagreements) out += "<li>" + badge("bad", "disagree") + " " + esc(d) + "</li>";
    out += "</ul>";
  }
  if (!mc.errors.empty()) {
    out += "<ul class=\"problems\">";
    for (const std::string& e : mc.errors) out += "<li>" + badge("bad", "error") + " " + esc(e) + "</li>";
    out += "</ul>";
  }
  std::vector<std::string> ts;
  for (const check::Timing& t : mc.timings) ts.push_back(fmt::format("{} {:.1f} s", t.part, t.seconds));
  return out + "<p class=\"time\">Time: " + esc(fmt::format("{}", fmt::join(ts, ", "))) + "</p>";
}

std::string model_section(const ModelReport& mr) {
  const check::ModelCheck& mc = *mr.check;
  const model::Model& m = *mc.model;
  std::string out = fmt::format("<section class=\"model\" id=\"model-{}\"><h2>{} <span class=\"desc\">{}</span></h2>",
                                anchor(m.name), esc(m.name), esc(m.description));
  out += fmt::format("<p class=\"meta\">{} instructions · <code>{}</code> · {} queries · {}</p>", m.insns.size(),
                     esc(m.path), mc.classification.queries, status_badge(mr.status()));
  out += verdict_cards(mc.classification) + theorem2(mc) + what_if(mc);
  out += "<h3>Instructions × properties</h3>" + matrix(mr);
  out += flagged_section(mr) + fuzz_section(mr) + efficiency_section(mc) + cross_check(mc);
  return out + "</section>";
}

std::string summary(const Report& r) {
  std::vector<std::string> names = verdict_names(r);
  std::string out = "<table class=\"summary\"><thead><tr><th>model</th>";
  for (const std::string& n : names) out += "<th>" + esc(n) + "</th>";
  out += "<th>flagged</th><th>methods</th></tr></thead><tbody>";
  for (const ModelReport& mr : r.models) {
    const std::string& name = mr.check->model->name;
    out += fmt::format("<tr><th><a href=\"#model-{}\">{}</a></th>", anchor(name), esc(name));
    for (const std::string& n : names) {
      const prover::ModelVerdict* v = find_verdict(mr.check->classification, n);
      out += "<td>" + (v ? badge(holds_class(v->holds), holds_word(v->holds), verdict_text(*v)) : "") + "</td>";
    }
    out += fmt::format("<td>{}</td><td>{}</td></tr>", mr.flagged.size(), status_badge(mr.status()));
  }
  return out + "</tbody></table>";
}

} // namespace

} // namespace popek::report::html

namespace popek::report {

std::string to_html(const Report& r) {
  std::vector<std::string> names;
  for (const ModelReport& mr : r.models) names.push_back(mr.check->model->name);
  std::string title = fmt::format("popek check: {}", fmt::join(names, ", "));
  std::string out = fmt::format("<!DOCTYPE html>\n<html lang=\"en\"><head>"
                                "<meta charset=\"utf-8\" /><meta name=\"viewport\" content=\"width=device-width\" />"
                                "<title>{}</title><style>{}</style></head><body>",
                                html::esc(title), html::kStyle);
  out += "<header><h1>popek check</h1><p>Can each instruction set be virtualized by trap-and-emulate (Popek and "
         "Goldberg, 1974)? The prover's verdicts, every instruction's properties, each flagged instruction's "
         "witness replayed natively and under the VMM, and the fuzz campaigns.</p>" +
         html::summary(r) + "</header><main>";
  for (const ModelReport& mr : r.models) out += html::model_section(mr);
  out += fmt::format("</main><footer>Written by <code>popek check --report</code>; the same results as data: "
                     "<code>report.json</code> ({}).</footer></body></html>\n",
                     kSchema);
  return out;
}

} // namespace popek::report
