#include "corpus/case.hpp"

#include "util/numbers.hpp"

#include <cctype>
#include <fmt/format.h>
#include <sstream>

namespace popek::corpus {

namespace {

std::string trim(const std::string& s) {
  size_t b = s.find_first_not_of(" \t\r");
  if (b == std::string::npos) return "";
  return s.substr(b, s.find_last_not_of(" \t\r") - b + 1);
}

bool indented(const std::string& l) { return !l.empty() && (l[0] == ' ' || l[0] == '\t'); }

const char* const kKinds[] = {"equivalence", "resource-control", "isolation", "allocation"};

// A component is named as the lockstep runner names it: `halt`, a register
// (`pc`, `R.l`) or an element of a file or memory (`r[3]`, `E[70]`). Checking
// the shape keeps the list unambiguous, so a written case reads back the same.
bool component_name(const std::string& s) {
  size_t i = 0;
  auto word = [&](char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '.'; };
  if (s.empty() || !(std::isalpha(static_cast<unsigned char>(s[0])) || s[0] == '_')) return false;
  while (i < s.size() && word(s[i])) ++i;
  if (i == s.size()) return true;
  if (s[i] != '[' || s.back() != ']' || i + 2 >= s.size()) return false;
  for (size_t j = i + 1; j + 1 < s.size(); ++j)
    if (!std::isdigit(static_cast<unsigned char>(s[j]))) return false;
  return true;
}

class Parser {
public:
  Parser(std::string path, const std::string& text) : path_(std::move(path)) {
    std::istringstream in(text);
    std::string l;
    while (std::getline(in, l)) {
      if (!l.empty() && l.back() == '\r') l.pop_back();
      lines_.push_back(l);
    }
  }

  Case parse() {
    Case c;
    c.path = path_;
    bool have_model = false, have_vmm = false, have_program = false, have_expect = false, leading = true;
    bool have_allocation = false, have_steps = false, have_state = false;
    for (size_t i = 0; i < lines_.size(); ++i) {
      const std::string& l = lines_[i];
      int ln = static_cast<int>(i) + 1;
      std::string t = trim(l);
      if (t.empty()) continue;
      if (t[0] == '#') {
        if (leading) c.comment += trim(t.substr(1)) + "\n";
        continue;
      }
      leading = false;
      if (indented(l)) fail(ln, 1, "an indented line belongs under 'state' or 'program'");
      std::istringstream words(t);
      std::string kw;
      words >> kw;
      std::string rest = trim(t.substr(kw.size()));
      size_t hash = rest.find('#');
      if (hash != std::string::npos) rest = trim(rest.substr(0, hash));
      int rest_col = static_cast<int>(l.find_first_not_of(" \t", kw.size())) + 1;
      if (kw == "model") {
        once(have_model, ln, "model");
        if (rest.empty()) fail(ln, 1, "'model' needs a bundled model's name or a path");
        c.model = rest;
        c.model_loc = {path_, ln, rest_col};
      } else if (kw == "vmm") {
        once(have_vmm, ln, "vmm");
        if (rest != "trap-emulate" && rest != "hybrid")
          fail(ln, rest_col, "the vmm strategy is 'trap-emulate' or 'hybrid', not '" + rest + "'");
        c.strategy = rest;
      } else if (kw == "allocation") {
        once(have_allocation, ln, "allocation");
        std::istringstream nums(rest);
        std::string b, s, inside, ob, os, extra;
        nums >> b >> s >> inside >> ob >> os >> extra;
        if (s.empty() || !extra.empty() || (!inside.empty() && (inside != "inside" || os.empty())))
          fail(ln, rest_col, "'allocation' takes BASE SIZE, or BASE SIZE inside OUTER_BASE OUTER_SIZE");
        c.allocation = vmm::Allocation{number(b, ln, rest_col), number(s, ln, rest_col)};
        if (!inside.empty()) {
          c.allocation->outer_base = number(ob, ln, rest_col);
          c.allocation->outer_size = number(os, ln, rest_col);
          if (c.allocation->outer_size == 0) fail(ln, rest_col, "the outer allocation's size must be at least 1");
        }
        c.allocation_loc = {path_, ln, rest_col};
      } else if (kw == "max-steps") {
        once(have_steps, ln, "max-steps");
        c.max_steps = number(rest, ln, rest_col);
        if (c.max_steps == 0) fail(ln, rest_col, "'max-steps' must be at least 1");
      } else if (kw == "state") {
        once(have_state, ln, "state");
        if (!rest.empty()) fail(ln, rest_col, "'state' stands alone; its settings follow on indented lines");
        i = state_block(c, i + 1) - 1;
      } else if (kw == "program") {
        once(have_program, ln, "program");
        if (!rest.empty()) fail(ln, rest_col, "'program' stands alone; the assembly follows on indented lines");
        c.program_line = ln + 1;
        size_t j = i + 1;
        // '#' comment lines inside the block are kept as blank lines, so the
        // assembler's line numbers stay the case file's.
        for (; j < lines_.size() && in_block(lines_[j]); ++j) c.program += (comment(lines_[j]) ? "" : lines_[j]) + "\n";
        i = j - 1;
      } else if (kw == "expect") {
        once(have_expect, ln, "expect");
        c.expect = expectation(rest, ln, rest_col);
        c.expect_loc = {path_, ln, 1};
      } else {
        fail(ln, 1, "unknown directive '" + kw + "' (model, vmm, allocation, max-steps, state, program, expect)");
      }
    }
    int end = static_cast<int>(lines_.size()) + 1;
    if (!have_model) fail(end, 1, "the case names no model ('model NAME')");
    if (!have_program) fail(end, 1, "the case has no program");
    if (!have_expect) fail(end, 1, "the case has no expectation ('expect equivalent' or 'expect divergent at ...')");
    return c;
  }

private:
  std::string path_;
  std::vector<std::string> lines_;

  static bool comment(const std::string& l) { return trim(l).rfind('#', 0) == 0; }
  // A block (state or program) runs on over indented, blank and comment lines.
  static bool in_block(const std::string& l) { return indented(l) || trim(l).empty() || comment(l); }

  [[noreturn]] void fail(int line, int col, const std::string& msg) const { throw InputError({path_, line, col}, msg); }
  void once(bool& seen, int ln, const char* what) {
    if (seen) fail(ln, 1, std::string("a second '") + what + "' line");
    seen = true;
  }
  uint64_t number(const std::string& s, int ln, int col) const {
    auto v = parse_number(s);
    if (!v) fail(ln, col, "'" + s + "' is not a number");
    return *v;
  }

  size_t state_block(Case& c, size_t i) {
    for (; i < lines_.size() && in_block(lines_[i]); ++i) {
      const std::string& l = lines_[i];
      std::string t = trim(l);
      if (t.empty() || t[0] == '#') continue;
      size_t hash = t.find('#');
      if (hash != std::string::npos) t = trim(t.substr(0, hash));
      int ln = static_cast<int>(i) + 1;
      int col = static_cast<int>(l.find_first_not_of(" \t")) + 1;
      size_t eq = t.find('=');
      if (eq == std::string::npos) fail(ln, col, "a state line is NAME = VALUE");
      StateLine s{trim(t.substr(0, eq)), trim(t.substr(eq + 1)), {path_, ln, col}};
      if (s.name.empty() || s.value.empty()) fail(ln, col, "a state line is NAME = VALUE");
      c.state.push_back(s);
    }
    return i;
  }

  Expectation expectation(const std::string& rest, int ln, int col) {
    Expectation e;
    std::istringstream w(rest);
    std::string word;
    w >> word;
    if (word == "equivalent") {
      if (w >> word) fail(ln, col, "'expect equivalent' takes nothing more");
      return e;
    }
    if (word != "divergent") fail(ln, col, "expected 'equivalent' or 'divergent at INSN in COMPONENTS'");
    e.divergent = true;
    std::string at;
    if (!(w >> at) || at != "at" || !(w >> e.insn))
      fail(ln, col, "'expect divergent' continues with 'at INSTRUCTION in COMPONENT, ...'");
    std::string in;
    if (!(w >> in) || in != "in")
      fail(ln, col, "'expect divergent at " + e.insn + "' continues with 'in COMPONENT, ...'");
    std::string tail;
    std::getline(w, tail);
    size_t k = tail.find(" kind ");
    if (k != std::string::npos) {
      e.kind = trim(tail.substr(k + 6));
      tail = tail.substr(0, k);
      bool known = false;
      for (const char* x : kKinds) known |= e.kind == x;
      if (!known) fail(ln, col, "unknown kind '" + e.kind + "' (equivalence, resource-control, isolation, allocation)");
    }
    std::istringstream comps(tail);
    std::string part;
    while (std::getline(comps, part, ',')) {
      part = trim(part);
      if (part.empty()) continue;
      if (!component_name(part)) fail(ln, col, "'" + part + "' is not a component name (like pc, halt, r[3] or E[70])");
      e.components.push_back(part);
    }
    if (e.components.empty()) fail(ln, col, "name at least one differing component after 'in'");
    return e;
  }
};

} // namespace

Case parse_case(const std::string& path, const std::string& text) { return Parser(path, text).parse(); }

std::string describe(const Expectation& e) {
  if (!e.divergent) return "equivalent";
  std::string s = "divergent at " + e.insn + " in ";
  for (size_t i = 0; i < e.components.size(); ++i) s += (i ? ", " : "") + e.components[i];
  if (!e.kind.empty()) s += " kind " + e.kind;
  return s;
}

std::string write_case(const Case& c) {
  std::string out;
  std::istringstream comment(c.comment);
  std::string l;
  // Trailing blanks and carriage returns carry nothing, and the reader drops a
  // line's last '\r' (CRLF files): written as they are, they would not read back.
  auto rstrip = [](std::string& x) { x.erase(x.find_last_not_of(" \t\r") + 1); };
  while (std::getline(comment, l)) {
    rstrip(l);
    out += l.empty() ? "#\n" : "# " + l + "\n";
  }
  out += "model " + c.model + "\n";
  out += "vmm " + c.strategy + "\n";
  if (c.allocation) {
    const vmm::Allocation& a = *c.allocation;
    out += fmt::format("allocation {} {}", a.base, a.size);
    if (a.nested()) out += fmt::format(" inside {} {}", a.outer_base, a.outer_size);
    out += "\n";
  }
  out += fmt::format("max-steps {}\n", c.max_steps);
  if (!c.state.empty()) {
    out += "state\n";
    for (const StateLine& s : c.state) out += "  " + s.name + " = " + s.value + "\n";
  }
  out += "program\n";
  std::istringstream prog(c.program);
  while (std::getline(prog, l)) {
    rstrip(l);
    if (l.find_first_not_of(" \t") == std::string::npos) continue;
    out += (l[0] == ' ' || l[0] == '\t' ? "" : "  ") + l + "\n";
  }
  out += "expect " + describe(c.expect) + "\n";
  return out;
}

} // namespace popek::corpus
