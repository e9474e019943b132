// The machine-level routines (fetch, trap entry, the vmm's deprivileging map)
// and instructions: encodings, assembly syntax, and the overlap check.
#include "lang/check_internal.hpp"

#include <algorithm>
#include <cctype>
#include <fmt/format.h>

namespace popek::lang {

using namespace model;

void Checker::check_trap_entry(const Decl& d) {
  if (d.params.size() != 2) fail(d.loc, "the trap entry takes two parameters: (cause : WIDTH, arg : WIDTH)");
  m_->cause_width = width_of(*d.params[0].width, "cause width");
  m_->arg_width = width_of(*d.params[1].width, "argument width");
  for (const Decl& t : file_.decls)
    if (t.kind == Decl::Trap && (cexpr(*t.value) & ~width_mask(m_->cause_width)))
      fail(t.value->loc, "code of trap cause '" + t.name + "' does not fit the trap entry's " +
                             std::to_string(m_->cause_width) + "-bit cause");
  begin_routine(m_->trap_entry, "trap entry");
  writes_allowed_ = true;
  traps_allowed_ = halts_allowed_ = false;
  context_ = "the trap entry";
  for (const Param& p : d.params) new_local(p.name, width_of(*p.width, "parameter width"), p.loc);
  m_->trap_entry.nparams = 2;
  block(d.body);
  end_routine();
}

void Checker::check_fetch(const Decl& d) {
  if (d.params.size() != 1)
    fail(d.loc, "fetch takes one parameter: the offset, in address units from the start of the instruction, of the "
                "unit to fetch");
  m_->fetch_unit = width_of(*d.result, "fetch width");
  begin_routine(m_->fetch, "fetch");
  writes_allowed_ = halts_allowed_ = false;
  traps_allowed_ = true;
  context_ = "fetch";
  unsigned w = width_of(*d.params[0].width, "parameter width");
  new_local(d.params[0].name, w, d.params[0].loc);
  m_->fetch.nparams = 1;
  // The body is a function body: statements, then `return`.
  const Block& b = d.body;
  if (b.empty() || b.back()->kind != lang::Stmt::Return)
    fail(d.loc, "fetch must end with 'return' of the fetched unit");
  bool ended = false;
  for (size_t i = 0; i < b.size(); ++i) {
    if (ended) fail(b[i]->loc, "unreachable statement after 'trap' or 'halt'");
    if (i + 1 == b.size()) break;
    if (b[i]->kind == lang::Stmt::Return) fail(b[i]->loc, "'return' may only be the last statement");
    stmt(*b[i]);
    ended = b[i]->kind == lang::Stmt::Trap;
  }
  ExprId r = elab_as(*b.back()->expr, m_->fetch_unit, "the fetched unit");
  m_->fetch.result = r;
  m_->fetch.result_width = m_->fetch_unit;
  end_routine();
  if (fetch_mem_ < 0) fail(d.loc, "fetch must read the instruction from a memory");
  const Memory& cm = m_->mems[static_cast<size_t>(fetch_mem_)];
  if (m_->fetch_unit % cm.unit != 0)
    fail(d.result->loc, "fetch returns " + std::to_string(m_->fetch_unit) + " bits, not a whole number of the " +
                            std::to_string(cm.unit) + "-bit units of memory '" + cm.name + "'");
  m_->code_mem = static_cast<unsigned>(fetch_mem_);
  m_->fetch_step = m_->fetch_unit / cm.unit;
}

void Checker::check_insn(const Decl& d) {
  Instruction insn;
  insn.name = d.name;
  insn.loc = d.loc;
  encoding(d, insn);
  syntax(d, insn);
  begin_routine(insn.sem, d.name);
  frames_.back().insn = &insn;
  writes_allowed_ = traps_allowed_ = halts_allowed_ = true;
  context_ = "an instruction";
  block(d.body);
  end_routine();
  m_->insns.push_back(std::move(insn));
}

void Checker::encoding(const Decl& d, Instruction& insn) {
  Encoding& enc = insn.enc;
  unsigned total = 0;
  for (const EncToken& t : d.encoding) total += t.nbits;
  const unsigned U = m_->fetch_unit;
  if (total % U != 0)
    fail(d.encoding.front().loc, "encoding of '" + d.name + "' has " + std::to_string(total) +
                                     " bits, not a whole number of " + std::to_string(U) + "-bit fetch units");
  if (total > 128)
    fail(d.encoding.front().loc,
         "encoding of '" + d.name + "' has " + std::to_string(total) + " bits; the limit is 128");
  enc.bits = total;
  enc.units = total / U;
  unsigned pos = total;
  std::vector<bool> whole; // per field: declared as name:width
  for (const EncToken& t : d.encoding) {
    pos -= t.nbits;
    if (!enc.pattern.empty()) enc.pattern += ' ';
    if (t.kind == EncToken::Bits) {
      enc.pattern += t.text;
      for (unsigned i = 0; i < t.nbits; ++i) {
        Bits bit = Bits{1} << (pos + t.nbits - 1 - i);
        enc.mask |= bit;
        if (t.text[i] == '1') enc.match |= bit;
      }
      continue;
    }
    if (t.kind == EncToken::Field)
      enc.pattern += fmt::format("{}:{}", t.name, t.nbits);
    else if (t.hi == t.lo)
      enc.pattern += fmt::format("{}[{}]", t.name, t.hi);
    else
      enc.pattern += fmt::format("{}[{}:{}]", t.name, t.hi, t.lo);
    int fi = enc.find_field(t.name);
    if (fi < 0) {
      if (names_.count(t.name))
        fail(t.loc, "field '" + t.name + "' has the name of a declaration (" + first_at(names_[t.name], t.loc) + ")");
      if (t.name == "mode" || t.name == "word") fail(t.loc, "'" + t.name + "' is a reserved word");
      enc.fields.push_back({t.name, 0, {}});
      whole.push_back(t.kind == EncToken::Field);
      fi = static_cast<int>(enc.fields.size() - 1);
    } else if (t.kind == EncToken::Field || whole[static_cast<size_t>(fi)]) {
      fail(t.loc, "field '" + t.name + "' appears twice in the encoding of '" + d.name +
                      "' (use slices name[hi:lo] to split a field)");
    }
    EncField& f = enc.fields[static_cast<size_t>(fi)];
    unsigned hi = t.kind == EncToken::Field ? t.nbits - 1 : t.hi;
    unsigned lo = t.kind == EncToken::Field ? 0 : t.lo;
    if (hi >= kMaxWidth) fail(t.loc, "field '" + t.name + "' is wider than 64 bits");
    for (const Slice& s : f.slices)
      if (!(hi < s.lo || lo > s.hi))
        fail(t.loc, "bits of field '" + t.name + "' appear twice in the encoding of '" + d.name + "'");
    f.slices.push_back({hi, lo, pos});
    f.width = std::max(f.width, hi + 1);
    for (const auto& [v, at] : t.excluded) {
      if (v & ~width_mask(t.nbits))
        fail(at, "excluded value " + std::to_string(v) + " does not fit the " + std::to_string(t.nbits) +
                     "-bit field '" + t.name + "'");
      enc.excluded.push_back({static_cast<unsigned>(fi), v});
      enc.pattern += fmt::format("!={}", v);
    }
  }
}

void Checker::syntax(const Decl& d, Instruction& insn) {
  Syntax& syn = insn.syntax;
  syn.text = d.text;
  const std::string& s = d.text;
  const Loc& at = d.syntax_loc;
  // The position of character i of the string (just after the opening quote).
  auto at_char = [&](size_t i) { return Loc{at.file, at.line, at.col + 1 + static_cast<int>(i)}; };
  std::vector<int> uses(insn.enc.fields.size(), 0);
  std::string text;
  auto flush = [&] {
    if (!text.empty()) syn.pieces.push_back({SyntaxPiece::Text, text, 0, SyntaxPiece::Unsigned, 0});
    text.clear();
  };
  for (size_t i = 0; i < s.size(); ++i) {
    char c = s[i];
    if (c == '}') fail(at_char(i), "unbalanced '}' in the syntax of '" + d.name + "'");
    if (c != '{') {
      if (std::isspace(static_cast<unsigned char>(c))) {
        if (!text.empty() && text.back() != ' ')
          text += ' ';
        else if (text.empty() && !syn.pieces.empty())
          text += ' ';
      } else {
        text += c;
      }
      continue;
    }
    size_t j = s.find('}', i);
    if (j == std::string::npos) fail(at_char(i), "unclosed '{' in the syntax of '" + d.name + "'");
    if (!syn.pieces.empty() && syn.pieces.back().kind == SyntaxPiece::Operand && text.empty())
      fail(at_char(i), "two operands in the syntax of '" + d.name + "' need text between them");
    std::string inner = s.substr(i + 1, j - i - 1);
    const Loc here = at_char(i);
    i = j;
    std::string name = inner, fmt;
    size_t colon = inner.find(':');
    if (colon != std::string::npos) {
      name = inner.substr(0, colon);
      fmt = inner.substr(colon + 1);
    }
    int fi = insn.enc.find_field(name);
    if (fi < 0)
      fail(here, "the syntax of '" + d.name + "' names '{" + name + "}', which is not a field of its encoding");
    flush();
    SyntaxPiece p;
    p.kind = SyntaxPiece::Operand;
    p.field = static_cast<unsigned>(fi);
    if (fmt == "s") {
      p.format = SyntaxPiece::Signed;
    } else if (!fmt.empty() && fmt != "u") {
      int r = m_->find_reg(fmt);
      if (r < 0 || !m_->regs[static_cast<size_t>(r)].file)
        fail(here, "unknown operand format '" + fmt + "' in the syntax of '" + d.name +
                       "' (use s, u, or the name of a register file)");
      const Register& reg = m_->regs[static_cast<size_t>(r)];
      if (insn.enc.fields[static_cast<size_t>(fi)].width != reg.index_width)
        fail(here, "field '" + name + "' has " + std::to_string(insn.enc.fields[static_cast<size_t>(fi)].width) +
                       " bits but register file '" + reg.name + "' is indexed by " + std::to_string(reg.index_width));
      p.format = SyntaxPiece::RegName;
      p.file = static_cast<unsigned>(r);
    }
    syn.pieces.push_back(p);
    ++uses[static_cast<size_t>(fi)];
  }
  while (!text.empty() && text.back() == ' ') text.pop_back();
  flush();
  if (syn.pieces.empty() || syn.pieces[0].kind != SyntaxPiece::Text ||
      !std::isalpha(static_cast<unsigned char>(syn.pieces[0].text[0])))
    fail(at, "the syntax of '" + d.name + "' must start with a mnemonic (a word)");
  for (size_t f = 0; f < uses.size(); ++f) {
    if (uses[f] == 0)
      fail(at, "field '" + insn.enc.fields[f].name + "' of '" + d.name + "' does not appear in its syntax");
    if (uses[f] > 1)
      fail(at, "field '" + insn.enc.fields[f].name + "' appears twice in the syntax of '" + d.name + "'");
  }
  auto shape = [](const Syntax& x) {
    std::string k;
    for (const SyntaxPiece& p : x.pieces)
      k += p.kind == SyntaxPiece::Text ? p.text : (p.format == SyntaxPiece::RegName ? "{r}" : "{}");
    return k;
  };
  // Register operands of two files with no name in common can be told apart
  // by the names written (push es / push eax), so the shapes still differ.
  auto same_name = [](const std::string& x, const std::string& y) { // the assembler ignores case
    return std::equal(x.begin(), x.end(), y.begin(), y.end(), [](char c, char d) {
      return std::tolower(static_cast<unsigned char>(c)) == std::tolower(static_cast<unsigned char>(d));
    });
  };
  auto files_disjoint = [&](const Syntax& a, const Syntax& b) {
    for (size_t k = 0; k < a.pieces.size(); ++k) {
      const SyntaxPiece &p = a.pieces[k], &q = b.pieces[k];
      if (p.kind != SyntaxPiece::Operand || p.format != SyntaxPiece::RegName || p.file == q.file) continue;
      bool common = false;
      for (const std::string& x : m_->regs[p.file].asm_names)
        for (const std::string& y : m_->regs[q.file].asm_names) common = common || same_name(x, y);
      if (!common) return true;
    }
    return false;
  };
  std::string mine = shape(syn);
  for (const Instruction& o : m_->insns)
    if (shape(o.syntax) == mine && !files_disjoint(syn, o.syntax))
      fail(at, "the syntax of '" + d.name + "' is the same as that of '" + o.name + "' (" + first_at(o.loc, at) +
                   "): the assembler could not tell them apart");
}

namespace {
// Whether the fixed bits `cm`/`ck` (the n most significant bits of both
// encodings) force field `x.field` of `e` to its excluded value, so that no
// bits match both encodings.
bool forced(const Encoding& e, const Exclusion& x, unsigned n, Bits cm, Bits ck) {
  uint64_t covered = 0;
  for (const Slice& s : e.fields[x.field].slices) {
    unsigned w = s.hi - s.lo + 1;
    if (s.pos < e.bits - n) return false; // beyond the shorter encoding: free
    unsigned at = s.pos - (e.bits - n);
    Bits m = static_cast<Bits>(width_mask(w)) << at;
    if ((cm & m) != m || (static_cast<uint64_t>(ck >> at) & width_mask(w)) != ((x.value >> s.lo) & width_mask(w)))
      return false;
    covered |= width_mask(w) << s.lo;
  }
  return (x.value & ~covered) == 0;
}
} // namespace

void Checker::check_overlaps() {
  const auto& v = m_->insns;
  for (size_t j = 0; j < v.size(); ++j) {
    for (size_t i = 0; i < j; ++i) {
      const Encoding& a = v[i].enc;
      const Encoding& b = v[j].enc;
      // Compare over the shorter length: a shorter encoding must not be a prefix of a longer one.
      unsigned n = std::min(a.bits, b.bits);
      Bits am = a.mask >> (a.bits - n), ak = a.match >> (a.bits - n);
      Bits bm = b.mask >> (b.bits - n), bk = b.match >> (b.bits - n);
      if (((ak ^ bk) & am & bm) != 0) continue;
      Bits example = ak | bk;
      auto apart = [&](const Encoding& e) {
        return std::any_of(e.excluded.begin(), e.excluded.end(),
                           [&](const Exclusion& x) { return forced(e, x, n, am | bm, example); });
      };
      if (apart(a) || apart(b)) continue;
      fail(v[j].loc, "encodings of '" + v[j].name + "' and '" + v[i].name + "' (" + first_at(v[i].loc, v[j].loc) +
                         ") overlap: both match " + bits_to_hex(example, n));
    }
  }
}

} // namespace popek::lang
