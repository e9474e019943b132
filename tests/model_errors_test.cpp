// The model-error suite. Every tests/model-errors/*.isa is a small model with exactly
// one mistake, and starts with two header lines:
//
//   # checks: <what the file checks, in words>
//   # expect: LINE:COL: MESSAGE      (or `# expect: MESSAGE` for a whole-file diagnostic)
//
// The front end must reject the file with exactly `<path>:LINE:COL: MESSAGE` (or
// `<path>: MESSAGE` when nothing in the file can be pointed at, e.g. a missing
// declaration). Some
// messages quote the location of an earlier declaration, which contains the file's
// own path; the expect line writes that path as `{file}`.
#include "lang/load.hpp"
#include "test_util.hpp"

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <fstream>
#include <map>
#include <regex>
#include <sstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>

namespace popek {
namespace {

namespace fs = std::filesystem;

const std::string kChecks = "# checks: ";
const std::string kExpect = "# expect: ";

struct ModelErrorFile {
  std::string name; // file name, e.g. "width-mismatch-add.isa"
  std::string path; // absolute path, as given to the loader
  std::vector<std::string> lines;
  std::string checks; // line 1 after "# checks: " ("" if the header is missing)
  std::string expect; // line 2 after "# expect: " ("" if the header is missing)
};

// Failures name the file, not the bytes of the struct.
void PrintTo(const ModelErrorFile& c, std::ostream* os) { *os << c.name; }

std::string dir() { return test::path("tests/model-errors"); }

ModelErrorFile read_case(const fs::path& p) {
  ModelErrorFile c;
  c.name = p.filename().string();
  c.path = p.string();
  std::ifstream in(p, std::ios::binary);
  std::string line;
  while (std::getline(in, line)) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    c.lines.push_back(line);
  }
  if (c.lines.size() > 0 && c.lines[0].rfind(kChecks, 0) == 0) c.checks = c.lines[0].substr(kChecks.size());
  if (c.lines.size() > 1 && c.lines[1].rfind(kExpect, 0) == 0) c.expect = c.lines[1].substr(kExpect.size());
  return c;
}

// Every *.isa in the directory, sorted by name.
const std::vector<ModelErrorFile>& all_cases() {
  static const std::vector<ModelErrorFile> cases = [] {
    std::vector<fs::path> paths;
    std::error_code ec;
    for (const auto& e : fs::directory_iterator(dir(), ec))
      if (e.is_regular_file() && e.path().extension() == ".isa") paths.push_back(e.path());
    std::sort(paths.begin(), paths.end());
    std::vector<ModelErrorFile> out;
    for (const fs::path& p : paths) out.push_back(read_case(p));
    return out;
  }();
  return cases;
}

// The full diagnostic a file expects: its path, then the expect line with `{file}`
// standing for the path.
std::string expected_error(const ModelErrorFile& c) {
  std::string e = c.expect;
  const std::string token = "{file}";
  for (size_t at = e.find(token); at != std::string::npos; at = e.find(token, at + c.path.size()))
    e.replace(at, token.size(), c.path);
  bool located = !e.empty() && std::isdigit(static_cast<unsigned char>(e[0]));
  return c.path + (located ? ":" : ": ") + e;
}

const std::regex kExpectShape(R"(^([0-9]+):([0-9]+): (.+)$)");
const std::regex kWholeFileShape(R"(^([a-z'].+)$)");

// The MESSAGE part of an expect line ("" if it has neither shape).
std::string message_of(const ModelErrorFile& c) {
  std::smatch m;
  if (std::regex_match(c.expect, m, kExpectShape)) return m[3].str();
  if (std::regex_match(c.expect, m, kWholeFileShape)) return m[1].str();
  return "";
}

std::string test_name(const std::string& file_name) {
  std::string s = fs::path(file_name).stem().string();
  for (char& ch : s)
    if (!std::isalnum(static_cast<unsigned char>(ch))) ch = '_';
  return s;
}

// ---- one test per file -------------------------------------------------------

class ModelError : public ::testing::TestWithParam<ModelErrorFile> {};

TEST_P(ModelError, IsRejectedWithItsExpectedDiagnostic) {
  const ModelErrorFile& c = GetParam();
  ASSERT_FALSE(c.checks.empty()) << c.name << ": line 1 must be '# checks: ...'";
  ASSERT_FALSE(c.expect.empty()) << c.name << ": line 2 must be '# expect: LINE:COL: MESSAGE'";
  lang::LoadResult r = lang::load_model_file(c.path);
  EXPECT_FALSE(r.model) << c.name << " was accepted; it checks: " << c.checks;
  EXPECT_EQ(r.error, expected_error(c)) << c.name << " checks: " << c.checks;
}

INSTANTIATE_TEST_SUITE_P(ModelErrors, ModelError, ::testing::ValuesIn(all_cases()),
                         [](const ::testing::TestParamInfo<ModelErrorFile>& info) {
                           return test_name(info.param.name);
                         });

// ---- the suite as a whole ------------------------------------------------------

TEST(ModelErrorSuite, HoldsAtLeastFortyFiles) { EXPECT_GE(all_cases().size(), 40u) << "in " << dir(); }

TEST(ModelErrorSuite, EveryFileHasBothHeaderLines) {
  for (const ModelErrorFile& c : all_cases()) {
    SCOPED_TRACE(c.name);
    ASSERT_GE(c.lines.size(), 3u) << "a header of two lines, then the model";
    EXPECT_EQ(c.lines[0].rfind(kChecks, 0), 0u) << "line 1: " << c.lines[0];
    EXPECT_EQ(c.lines[1].rfind(kExpect, 0), 0u) << "line 2: " << c.lines[1];
    EXPECT_FALSE(c.checks.empty()) << "line 1 says nothing about what the file checks";
    std::smatch m;
    if (std::regex_match(c.expect, m, kWholeFileShape)) continue; // a whole-file diagnostic
    ASSERT_TRUE(std::regex_match(c.expect, m, kExpectShape))
        << "line 2 is not '# expect: LINE:COL: MESSAGE' or '# expect: MESSAGE': " << c.lines[1];
    // The diagnostic points into the file (or just past its end, for end-of-file errors).
    size_t line = std::stoul(m[1].str());
    EXPECT_GE(line, 1u);
    EXPECT_LE(line, c.lines.size() + 1);
    EXPECT_GE(std::stoul(m[2].str()), 1u);
  }
}

// Each file checks a different diagnostic. Two files may expect the same message
// only when they check genuinely different situations, and then each one's
// `# checks:` line must name the other file and say why.
TEST(ModelErrorSuite, NoTwoFilesExpectTheSameMessage) {
  std::map<std::string, std::vector<const ModelErrorFile*>> by_message;
  for (const ModelErrorFile& c : all_cases()) by_message[message_of(c)].push_back(&c);
  for (const auto& [msg, files] : by_message) {
    if (files.size() < 2) continue;
    for (const ModelErrorFile* a : files) {
      for (const ModelErrorFile* b : files) {
        if (a == b) continue;
        EXPECT_NE(a->checks.find(b->name), std::string::npos)
            << a->name << " and " << b->name << " both expect \"" << msg << "\"; " << a->name
            << "'s '# checks:' line must name " << b->name << " and say how the two differ";
      }
    }
  }
}

// ---- the command line ----------------------------------------------------------

// A handful of files, one from each stage of the front end (lexer, parser,
// declarations, expressions, statements, instructions, whole-file checks),
// through `popek show`: exit code 2, nothing on stdout, the same diagnostic on stderr.
class ModelErrorCli : public ::testing::TestWithParam<std::string> {};

TEST_P(ModelErrorCli, ShowRejectsTheFileWithExitCode2AndTheSameMessage) {
  fs::path p = fs::path(dir()) / GetParam();
  ASSERT_TRUE(fs::exists(p)) << p;
  ModelErrorFile c = read_case(p);
  ASSERT_FALSE(c.expect.empty()) << c.name;
  test::CliResult r = test::run_popek("show '" + c.path + "'");
  EXPECT_EQ(r.rc, 2) << r.err;
  EXPECT_EQ(r.out, "");
  EXPECT_EQ(r.err, expected_error(c) + "\n");
}

INSTANTIATE_TEST_SUITE_P(ModelErrors, ModelErrorCli,
                         ::testing::Values("lex-bad-character.isa", "parse-unclosed-brace.isa",
                                           "duplicate-declaration.isa", "width-mismatch-add.isa", "fetch-writes.isa",
                                           "overlapping-encodings-prefix.isa", "missing-machine.isa"),
                         [](const ::testing::TestParamInfo<std::string>& info) { return test_name(info.param); });

} // namespace
} // namespace popek
