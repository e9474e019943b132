// popek check --report: the three files rendered from a real check of two
// small models (pg_jrst: rtu flagged under trap-and-emulate; pg_lra: lra
// flagged under both VMMs), each checked against what the check itself
// concluded, never against hard-coded answers: report.json against the
// classification, report.html parsed by libxml2 (well-formed as XML, read
// alike by its HTML parser, every flagged instruction's witness states in
// it, nothing loaded from outside), report.md; the writing is atomic and a
// folder that cannot be written is an error.
#include "diff/setup.hpp"
#include "report/report.hpp"
#include "temp_dir.hpp"
#include "test_util.hpp"

#include <gtest/gtest.h>
#include <libxml/HTMLparser.h>
#include <libxml/parser.h>
#include <libxml/xpath.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>

namespace popek {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;
using prover::Tri;

// One check of each model for the whole suite: the prover and two short campaigns each.
class ReportTest : public test::TempDirTest {
protected:
  static void SetUpTestSuite() {
    findings_ = new std::string(::testing::TempDir() + "popek_report_findings_" + std::to_string(::getpid()));
    checks_ = new std::vector<check::ModelCheck>;
    for (const char* name : {"pg_jrst", "pg_lra"}) {
      auto m = test::load(std::string("models/") + name + ".isa");
      check::Options o;
      o.prover.allocation = vmm::default_allocation(*m);
      o.prover.jobs = 2;
      o.fuzz_runs = 2000;
      o.findings = *findings_;
      o.exe = POPEK_BINARY; // the campaigns' workers
      o.models_dir = test::path("models");
      o.examples_dir = test::path("examples");
      checks_->push_back(check::check_model(m, name, o));
    }
    report_ = new report::Report(report::prepare(*checks_, test::path("models")));
  }
  static void TearDownTestSuite() {
    fs::remove_all(*findings_);
    delete report_;
    delete checks_;
    delete findings_;
  }

  // The instructions the classification flags (either VMM, or the VMM under itself), as the test computes them.
  static std::set<std::string> flagged_of(const check::ModelCheck& c) {
    std::set<std::string> out;
    for (const prover::Row& r : c.classification.rows)
      if (r.flagged(vmm::Strategy::TrapAndEmulate) == Tri::Yes || r.flagged(vmm::Strategy::Hybrid) == Tri::Yes)
        out.insert(c.model->insns[static_cast<size_t>(r.insn)].name);
    if (c.nesting) out.insert(c.nesting->flagged.begin(), c.nesting->flagged.end()); // Theorem 2: the VMM under itself
    return out;
  }

  std::string written(const std::string& dir, const std::string& name) {
    std::ifstream in(dir + "/" + name);
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
  }

  static std::string* findings_;
  static std::vector<check::ModelCheck>* checks_;
  static report::Report* report_;
};
std::string* ReportTest::findings_ = nullptr;
std::vector<check::ModelCheck>* ReportTest::checks_ = nullptr;
report::Report* ReportTest::report_ = nullptr;

TEST_F(ReportTest, TheCheckFlagsSomethingToReport) { // the premise of the tests below
  ASSERT_EQ(checks_->size(), 2u);
  for (const check::ModelCheck& c : *checks_) {
    EXPECT_FALSE(flagged_of(c).empty()) << c.model->name;
    EXPECT_TRUE(c.disagreements.empty()) << c.model->name;
  }
  bool hybrid = false;
  for (const check::ModelCheck& c : *checks_)
    for (const prover::Row& r : c.classification.rows) hybrid |= r.flagged(vmm::Strategy::Hybrid) == Tri::Yes;
  EXPECT_TRUE(hybrid) << "pg_lra should have an instruction the hybrid VMM flags";
}

TEST_F(ReportTest, JsonHasTheSchemaEveryModelVerdictInstructionAndFlaggedInstruction) {
  json j = json::parse(report::to_json(*report_).dump());
  EXPECT_EQ(j.at("schema"), "popek-report/1");
  ASSERT_EQ(j.at("models").size(), checks_->size());
  for (size_t k = 0; k < checks_->size(); ++k) {
    const check::ModelCheck& c = (*checks_)[k];
    const json& jm = j["models"][k];
    EXPECT_EQ(jm.at("name"), c.model->name);
    EXPECT_EQ(jm.at("status"), "agree");
    const std::vector<const prover::ModelVerdict*> verdicts = c.classification.verdicts.in_order();
    ASSERT_EQ(jm.at("verdicts").size(), verdicts.size());
    for (size_t v = 0; v < verdicts.size(); ++v) {
      const prover::ModelVerdict& mv = *verdicts[v];
      EXPECT_EQ(jm["verdicts"][v].at("name"), mv.name);
      EXPECT_EQ(jm["verdicts"][v].at("holds"), prover::tri_name(mv.holds));
      EXPECT_EQ(jm["verdicts"][v].at("against").get<std::vector<std::string>>(), mv.against);
    }
    // Theorem 2's evidence: its hosting answers and the nested flagged instructions.
    ASSERT_TRUE(c.nesting);
    EXPECT_EQ(jm["nesting"]["hosting"].at("answer"), prover::tri_name(prover::of(c.nesting->hosting)));
    EXPECT_EQ(jm["nesting"]["hosts_none"].at("verdict"), smt::verdict_name(c.nesting->hosts_none.answer.verdict));
    EXPECT_EQ(jm["nesting"].at("flagged").get<std::vector<std::string>>(), c.nesting->flagged);
    // Every instruction, every finding, with the classification's answers.
    ASSERT_EQ(jm.at("instructions").size(), c.classification.rows.size());
    for (size_t i = 0; i < c.classification.rows.size(); ++i) {
      const prover::Row& r = c.classification.rows[i];
      const json& ji = jm["instructions"][i];
      EXPECT_EQ(ji.at("name"), c.model->insns[static_cast<size_t>(r.insn)].name);
      EXPECT_EQ(ji["flagged"].at("trap-emulate"), prover::tri_name(r.flagged(vmm::Strategy::TrapAndEmulate)));
      ASSERT_EQ(ji.at("findings").size(), r.findings.size());
      for (size_t f = 0; f < r.findings.size(); ++f) {
        EXPECT_EQ(ji["findings"][f].at("query"), r.findings[f].name);
        EXPECT_EQ(ji["findings"][f].at("has_witness_case"), r.findings[f].witness_case.has_value());
      }
    }
    // The flagged instructions, each with its witness replayed to a divergence.
    std::set<std::string> flagged;
    for (const json& f : jm.at("flagged")) {
      flagged.insert(f.at("instruction").get<std::string>());
      ASSERT_FALSE(f.at("replays").empty()) << f.dump();
      for (const json& w : f["replays"]) {
        EXPECT_TRUE(w.at("diverged").get<bool>()) << w.dump();
        EXPECT_FALSE(w.at("components").empty()) << w.dump();
      }
    }
    EXPECT_EQ(flagged, flagged_of(c));
    // Both campaigns, with their coverage of this model.
    ASSERT_EQ(jm.at("campaigns").size(), 2u);
    for (const json& jc : jm["campaigns"]) {
      EXPECT_EQ(jc.at("runs"), 2000u);
      EXPECT_EQ(jc["coverage"].at("instructions"), c.model->insns.size());
      EXPECT_GT(jc["coverage"].at("instructions_executed").get<size_t>(), 0u);
    }
  }
}

// Every element name, in document order (the HTML parser's tree against the XML parser's).
void element_names(xmlNodePtr n, std::vector<std::string>& out) {
  for (; n; n = n->next)
    if (n->type == XML_ELEMENT_NODE) {
      out.push_back(reinterpret_cast<const char*>(n->name));
      element_names(n->children, out);
    }
}

std::vector<xmlNodePtr> xpath(xmlDocPtr doc, const std::string& expr, xmlNodePtr at = nullptr) {
  std::vector<xmlNodePtr> out;
  xmlXPathContextPtr cx = xmlXPathNewContext(doc);
  if (at) cx->node = at;
  xmlXPathObjectPtr r = xmlXPathEvalExpression(reinterpret_cast<const xmlChar*>(expr.c_str()), cx);
  EXPECT_TRUE(r) << expr;
  if (r && r->nodesetval)
    for (int i = 0; i < r->nodesetval->nodeNr; ++i) out.push_back(r->nodesetval->nodeTab[i]);
  xmlXPathFreeObject(r);
  xmlXPathFreeContext(cx);
  return out;
}

std::string text_of(xmlNodePtr n) {
  xmlChar* t = xmlNodeGetContent(n);
  std::string s = t ? reinterpret_cast<const char*>(t) : "";
  xmlFree(t);
  return s;
}

TEST_F(ReportTest, HtmlIsWellFormedSelfContainedAndShowsEveryFlaggedWitness) {
  std::string html = report::to_html(*report_);
  // Well-formed: libxml2's XML parser, without recovery, rejects any unbalanced tag or bad entity.
  xmlDocPtr doc = xmlReadMemory(html.data(), static_cast<int>(html.size()), "report.html", nullptr, XML_PARSE_NONET);
  ASSERT_TRUE(doc) << "report.html is not well-formed";
  // A browser reads the same tree: the HTML parser (which closes what it
  // thinks is left open, and moves what it thinks misplaced) builds the same elements.
  htmlDocPtr hdoc = htmlReadMemory(html.data(), static_cast<int>(html.size()), "report.html", "utf-8",
                                   HTML_PARSE_NOERROR | HTML_PARSE_NOWARNING | HTML_PARSE_NONET);
  ASSERT_TRUE(hdoc);
  std::vector<std::string> xml_names, html_names;
  element_names(xmlDocGetRootElement(doc), xml_names);
  element_names(xmlDocGetRootElement(hdoc), html_names);
  EXPECT_EQ(xml_names, html_names);
  xmlFreeDoc(hdoc);

  // Nothing from outside: no link, no script or image source, no url() or @import in the style.
  EXPECT_TRUE(xpath(doc, "//link | //script[@src] | //img | //iframe | //object").empty());
  for (xmlNodePtr a : xpath(doc, "//@href | //@src")) EXPECT_EQ(text_of(a).rfind('#', 0), 0u) << text_of(a);
  EXPECT_EQ(html.find("url("), std::string::npos);
  EXPECT_EQ(html.find("@import"), std::string::npos);

  for (const report::ModelReport& mr : report_->models) {
    const model::Model& m = *mr.check->model;
    auto section = xpath(doc, "//*[@id='model-" + m.name + "']");
    ASSERT_EQ(section.size(), 1u) << m.name;
    // Every verdict as a badge card, with its state.
    for (const prover::ModelVerdict* v : mr.check->classification.verdicts.in_order()) {
      std::string state = v->holds == Tri::Yes ? "holds" : v->holds == Tri::No ? "fails" : "unknown";
      EXPECT_EQ(xpath(doc,
                      ".//div[contains(@class,'verdict ')][div[@class='vname']='" + v->name +
                          "']/div[@class='vstate'][.='" + state + "']",
                      section[0])
                    .size(),
                1u)
          << v->name;
    }
    // The matrix: a row per instruction, a cell per column, flagged cells where the classification says.
    auto rows = xpath(doc, ".//table[@class='matrix']/tbody/tr", section[0]);
    ASSERT_EQ(rows.size(), mr.check->classification.rows.size());
    for (size_t i = 0; i < rows.size(); ++i) {
      const prover::Row& r = mr.check->classification.rows[i];
      auto cells = xpath(doc, "./td", rows[i]);
      ASSERT_EQ(cells.size(), mr.columns.size());
      for (size_t k = 0; k < cells.size(); ++k) {
        report::Cell x = report::cell(*mr.check, r.insn, mr.columns[k]);
        xmlChar* prop = xmlGetProp(cells[k], BAD_CAST "class");
        std::string cls = prop ? reinterpret_cast<const char*>(prop) : "";
        xmlFree(prop);
        EXPECT_EQ(cls == "f", x.flagged) << m.insns[static_cast<size_t>(r.insn)].name << " " << mr.columns[k].title();
      }
    }
    // Each flagged instruction: its card, its witness in words, and its
    // states side by side, every differing cell marked with both values.
    for (const std::string& name : flagged_of(*mr.check)) {
      auto card = xpath(doc, "//*[@id='w-" + m.name + "-" + name + "']");
      ASSERT_EQ(card.size(), 1u) << name;
      const report::Flagged* f = nullptr;
      for (const report::Flagged& x : mr.flagged)
        if (x.name == name) f = &x;
      ASSERT_TRUE(f);
      ASSERT_FALSE(f->witnesses.empty()) << name;
      std::string words = f->words;
      words.erase(std::remove(words.begin(), words.end(), '`'), words.end()); // backticks become <code>
      EXPECT_NE(text_of(card[0]).find(words), std::string::npos) << name;
      // One witness block per replayed case, in order, each with its own differing cells.
      auto blocks = xpath(doc, ".//div[@class='witness']", card[0]);
      ASSERT_EQ(blocks.size(), f->witnesses.size()) << name;
      size_t differing = 0;
      for (size_t k = 0; k < blocks.size(); ++k)
        for (const auto* cells : {&f->witnesses[k].registers, &f->witnesses[k].memory})
          for (const report::StateCell& s : *cells) {
            if (!s.differs) continue;
            ++differing;
            auto tr = xpath(doc, ".//table[@class='states']/tbody/tr[@class='d'][th='≠ " + s.name + "']", blocks[k]);
            ASSERT_EQ(tr.size(), 1u) << name << " " << s.name;
            auto side = xpath(doc, "./td[@class='side']", tr[0]);
            ASSERT_EQ(side.size(), 2u);
            EXPECT_EQ(text_of(side[0]), s.native);
            EXPECT_EQ(text_of(side[1]), s.vmm);
          }
      EXPECT_GT(differing, 0u) << name << ": a witness whose states show no difference";
    }
  }
  xmlFreeDoc(doc);
}

TEST_F(ReportTest, MarkdownNamesEveryFlaggedInstructionWithItsWitness) {
  std::string md = report::to_markdown(*report_);
  for (const report::ModelReport& mr : report_->models) {
    EXPECT_NE(md.find("## " + mr.check->model->name + "\n"), std::string::npos);
    for (const prover::Row& r : mr.check->classification.rows)
      EXPECT_NE(md.find("\n| " + mr.check->model->insns[static_cast<size_t>(r.insn)].name + " |"), std::string::npos);
    for (const report::Flagged& f : mr.flagged) {
      EXPECT_TRUE(flagged_of(*mr.check).count(f.name));
      EXPECT_NE(md.find("- **" + f.name + "** ["), std::string::npos) << f.name;
      EXPECT_NE(md.find(f.words), std::string::npos) << f.name;
    }
    EXPECT_EQ(mr.flagged.size(), flagged_of(*mr.check).size());
  }
}

// Verdicts are rendered as the classification has them, whatever their
// names (another verdict may be added), and a disagreement or a failed part
// is in every file.
TEST_F(ReportTest, AnyVerdictAndEveryProblemIsInEveryFile) {
  std::vector<check::ModelCheck> cs = {checks_->front()};
  cs[0].classification.verdicts.theorem2 =
      prover::ModelVerdict{"Theorem 9 <&>", Tri::No, {"rtu"}, "a verdict the renderers never saw", {}, {}};
  cs[0].disagreements.push_back("fuzzing found <x> divergent & the prover did not");
  cs[0].errors.push_back("fuzz (hybrid): the worker failed");
  report::Report r = report::prepare(cs, test::path("models"));
  EXPECT_EQ(r.models[0].status(), "disagree");
  json j = report::to_json(r);
  EXPECT_EQ(j["models"][0]["verdicts"].back().at("name"), "Theorem 9 <&>");
  EXPECT_EQ(j["models"][0]["status"], "disagree");
  EXPECT_EQ(j["models"][0]["cross_check"]["disagreements"].back(), cs[0].disagreements.back());
  EXPECT_EQ(j["models"][0]["errors"].back(), cs[0].errors.back());
  std::string md = report::to_markdown(r), html = report::to_html(r);
  EXPECT_NE(md.find("**Theorem 9 <&>**: fails against 1: rtu"), std::string::npos);
  EXPECT_NE(md.find("DISAGREE: fuzzing found <x> divergent"), std::string::npos);
  EXPECT_NE(html.find("<div class=\"vname\">Theorem 9 &lt;&amp;&gt;</div>"), std::string::npos);
  EXPECT_NE(html.find("fuzzing found &lt;x&gt; divergent &amp; the prover did not"), std::string::npos);
  EXPECT_NE(html.find("fuzz (hybrid): the worker failed"), std::string::npos);
  xmlDocPtr doc = xmlReadMemory(html.data(), static_cast<int>(html.size()), "report.html", nullptr, XML_PARSE_NONET);
  EXPECT_TRUE(doc) << "the escaped text keeps the page well-formed";
  xmlFreeDoc(doc);
}

// A verdict's statement is what holding means: a verdict that fails or is
// unknown says what it means instead (issue 16: a failing trap-and-emulate
// equivalence printed "no instruction is flagged").
TEST_F(ReportTest, AVerdictThatDoesNotHoldDoesNotPrintItsStatement) {
  std::vector<check::ModelCheck> cs = {checks_->front()};
  prover::Verdicts& v = cs[0].classification.verdicts;
  ASSERT_EQ(v.trap_emulate.holds, Tri::No); // pg_jrst: rtu
  v.hybrid.holds = Tri::Unknown;
  v.hybrid.against.clear();
  v.hybrid.unanswered = {"lra", "(fetch)"};
  report::Report r = report::prepare(cs, test::path("models"));
  std::string md = report::to_markdown(r), html = report::to_html(r);
  for (const prover::ModelVerdict* failing : {&v.trap_emulate, &v.hybrid}) {
    EXPECT_EQ(md.find(failing->statement), std::string::npos) << failing->name;
    EXPECT_EQ(html.find(failing->statement), std::string::npos) << failing->name;
  }
  EXPECT_NE(md.find("- **trap-and-emulate equivalence**: fails against 1: rtu. _the instructions listed break it_\n"),
            std::string::npos);
  EXPECT_NE(md.find("- **hybrid equivalence**: unknown (a query the solver could not answer). _undecided: no answer "
                    "for lra (fetch)_\n"),
            std::string::npos);
  EXPECT_NE(html.find("<div class=\"vstmt\">undecided: no answer for lra (fetch)</div>"), std::string::npos);
  // A verdict that holds still says what holding means.
  ASSERT_EQ(v.theorem3.holds, Tri::Yes);
  EXPECT_NE(md.find("- **Theorem 3**: holds. _" + v.theorem3.statement + "_\n"), std::string::npos);
}

TEST_F(ReportTest, TheFilesAreWrittenAtomicallyAndReplaced) {
  std::string dir = dir_ + "/new/report", err;
  put("new/report/report.md", "an old report\n");
  ASSERT_TRUE(report::write_report(dir, *report_, err)) << err;
  std::set<std::string> names;
  for (const fs::directory_entry& e : fs::directory_iterator(dir)) names.insert(e.path().filename().string());
  EXPECT_EQ(names, (std::set<std::string>{"report.html", "report.json", "report.md"})); // no temporary left
  EXPECT_EQ(written(dir, "report.md"), report::to_markdown(*report_));
  EXPECT_EQ(written(dir, "report.html"), report::to_html(*report_));
  EXPECT_EQ(json::parse(written(dir, "report.json")), report::to_json(*report_));
}

TEST_F(ReportTest, AFolderThatCannotBeWrittenIsAnErrorNotACrash) {
  std::string err;
  put("file", "not a folder\n");
  EXPECT_FALSE(report::write_report(dir_ + "/file/report", *report_, err));
  EXPECT_NE(err.find("file/report"), std::string::npos) << err;
  // A file that cannot be replaced (a folder in its place): an error naming
  // it, and no temporary file left beside it.
  fs::create_directories(dir_ + "/r/report.html/x");
  err.clear();
  EXPECT_FALSE(report::write_report(dir_ + "/r", *report_, err));
  EXPECT_NE(err.find("report.html"), std::string::npos) << err;
  for (const fs::directory_entry& e : fs::directory_iterator(dir_ + "/r"))
    EXPECT_EQ(e.path().filename().string().find(".tmp."), std::string::npos) << e.path();
}

// The command line: --report keeps the exit code (1 here: a stale finding
// the prover contradicts) and writes the report anyway; a folder that cannot
// be made is bad input before anything is checked.
TEST_F(ReportTest, CheckWritesTheReportWhatEverItConcludes) {
  put("findings/pg_jrst/trap-emulate/stale.case", "model pg_jrst\nvmm trap-emulate\nmax-steps 10\nprogram\n"
                                                  "  start: halt\nexpect divergent at halt in mode kind equivalence\n");
  test::CliResult r =
      test::run_popek("check pg_jrst --fuzz-runs 500 --findings " + dir_ + "/findings --report " + dir_ + "/out");
  EXPECT_EQ(r.rc, 1) << r.out << r.err;
  EXPECT_NE(r.out.find("DISAGREE"), std::string::npos) << r.out; // the atlas as before
  json j = json::parse(written(dir_ + "/out", "report.json"));
  EXPECT_EQ(j["models"][0]["status"], "disagree");
  EXPECT_NE(written(dir_ + "/out", "report.html").find("stale.case"), std::string::npos);
  EXPECT_NE(r.err.find("report written to " + dir_ + "/out"), std::string::npos) << r.err;

  put("file", "not a folder\n");
  r = test::run_popek("check pg_jrst --report " + dir_ + "/file/out");
  EXPECT_EQ(r.rc, 2) << r.out << r.err;
  EXPECT_NE(r.err.find("--report " + dir_ + "/file/out"), std::string::npos) << r.err;
  EXPECT_EQ(r.out, ""); // nothing was checked
}

} // namespace
} // namespace popek
