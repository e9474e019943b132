// Parsing declarations: machine parameters, registers, traps, functions, the
// vmm block, and instructions with their encodings.
#include "lang/parser.hpp"
#include "lang/parser_internal.hpp"

#include <cctype>

namespace popek::lang {

Decl Parser::decl() {
  Decl d;
  d.loc = here();
  const Token& k = peek();
  if (k.kind != Tok::Ident) fail_here("expected a declaration, found " + describe(k));
  std::string kw = k.text;
  ++p_;
  if (kw == "extends") {
    d.kind = Decl::Extends;
    d.text = expect_string("the path of a model in quotes").text;
  } else if (kw == "machine") {
    d.kind = Decl::Machine;
    d.name = expect_ident("a machine name").text;
    d.text = expect_string("a one-line description in quotes").text;
  } else if (kw == "word") {
    d.kind = Decl::Word;
    d.width = expr();
  } else if (kw == "memory") {
    d.kind = Decl::Memory;
    d.name = expect_ident("a memory name").text;
    expect_punct("[");
    d.size = expr();
    expect_punct("]");
    expect_punct(":");
    d.width = expr();
    if (is_kw("little") || is_kw("big")) d.endian = t_[p_++].text;
  } else if (kw == "modes") {
    d.kind = Decl::Modes;
    do {
      const Token& n = expect_ident("a mode name");
      d.names.push_back(n.text);
      d.name_locs.push_back(loc_of(n));
      expect_punct("=");
      d.codes.push_back(expr());
    } while (accept_punct(","));
  } else if (kw == "const") {
    d.kind = Decl::Const;
    d.name = expect_ident("a constant name").text;
    if (accept_punct(":")) d.width = expr();
    expect_punct("=");
    d.value = expr();
  } else if (kw == "register") {
    register_decl(d);
  } else if (kw == "trap") {
    if (accept_kw("entry")) {
      d.kind = Decl::TrapEntry;
      params(d);
      d.body = block();
    } else {
      d.kind = Decl::Trap;
      d.name = expect_ident("a trap cause name").text;
      expect_punct("=");
      d.value = expr();
    }
  } else if (kw == "default" || kw == "undefined") {
    d.kind = kw == "default" ? Decl::DefaultTrap : Decl::Undefined;
    expect_kw("trap");
    d.name_locs.push_back(here());
    d.name = expect_ident("a trap cause name").text;
  } else if (kw == "function") {
    d.kind = Decl::Function;
    d.name = expect_ident("a function name").text;
    params(d);
    if (accept_punct("->")) d.result = expr();
    d.body = block();
  } else if (kw == "fetch") {
    d.kind = Decl::Fetch;
    params(d);
    expect_punct("->");
    d.result = expr();
    d.body = block();
  } else if (kw == "vmm") {
    vmm_decl(d);
  } else if (kw == "insn") {
    insn_decl(d);
  } else if (kw == "override") {
    expect_kw("insn");
    insn_decl(d);
    d.overrides = true;
  } else {
    fail(k, "unknown declaration '" + kw + "'");
  }
  return d;
}

void Parser::register_decl(Decl& d) {
  d.kind = Decl::Register;
  d.name = expect_ident("a register name").text;
  if (accept_punct("[")) {
    d.count = expr();
    expect_punct("]");
  }
  expect_punct(":");
  d.width = expr();
  for (;;) {
    if (accept_kw("system")) {
      d.system = true;
    } else if (accept_kw("pc")) {
      d.pc = true;
    } else if (accept_kw("reset")) {
      reset_values(d);
    } else if (accept_kw("names")) {
      expect_punct("(");
      while (!accept_punct(")")) {
        const Token& n = expect_ident("a register name");
        d.names.push_back(n.text);
        d.name_locs.push_back(loc_of(n));
        accept_punct(",");
      }
    } else {
      break;
    }
  }
  if (accept_punct("{")) {
    while (!accept_punct("}")) {
      FieldDecl f;
      f.loc = here();
      f.name = expect_ident("a field name").text;
      expect_punct("[");
      f.hi = expr();
      if (accept_punct(":")) f.lo = expr();
      expect_punct("]");
      f.system = accept_kw("system");
      d.fields.push_back(std::move(f));
    }
  }
}

// `reset V` or, for a file, `reset (V0, V1, ...)`: a parenthesized list with
// a comma; `reset (V)` stays one expression.
void Parser::reset_values(Decl& d) {
  const size_t start = p_;
  if (accept_punct("(")) {
    ExprP first = expr();
    if (accept_punct(",")) {
      d.resets.push_back(std::move(first));
      do d.resets.push_back(expr());
      while (accept_punct(","));
      expect_punct(")");
      return;
    }
    p_ = start; // not a list: parse it again as an expression
  }
  d.reset = expr();
}

void Parser::params(Decl& d) {
  expect_punct("(");
  if (accept_punct(")")) return;
  do {
    Param p;
    p.loc = here();
    p.name = expect_ident("a parameter name").text;
    expect_punct(":");
    p.width = expr();
    d.params.push_back(std::move(p));
  } while (accept_punct(","));
  expect_punct(")");
}

void Parser::vmm_decl(Decl& d) {
  d.kind = Decl::Vmm;
  params(d);
  Loc open = here();
  expect_punct("{");
  while (!accept_punct("}")) {
    if (at_end()) fail(open, "'{' is never closed");
    if (is_kw("let") || is_kw("if") || is_kw("require") || is_kw("trap") || is_kw("halt") || is_kw("return"))
      fail_here("a vmm block holds only assignments to real system state, 'reset' assignments, one 'wellformed' "
                "and one 'allocate'");
    bool reset = accept_kw("reset");
    if (!reset && is_kw("allocate")) {
      d.alloc_loc = here();
      ++p_;
      if (d.alloc_base) fail(t_[p_ - 1], "a vmm block has one 'allocate'");
      d.alloc_base = expr();
      expect_punct(",");
      d.alloc_size = expr();
      continue;
    }
    if (!reset && is_kw("wellformed")) {
      d.wellformed_loc = here();
      ++p_;
      if (d.wellformed) fail(t_[p_ - 1], "a vmm block has one 'wellformed' condition");
      d.wellformed = expr();
      continue;
    }
    auto s = std::make_unique<Stmt>();
    s->kind = Stmt::Assign;
    s->loc = here();
    s->target = expr();
    expect_punct("=");
    s->expr = expr();
    (reset ? d.vmm_reset : d.body).push_back(std::move(s));
  }
}

void Parser::insn_decl(Decl& d) {
  d.kind = Decl::Insn;
  d.name = expect_ident("an instruction mnemonic").text;
  while (peek().kind != Tok::String) {
    if (peek().kind == Tok::End || is_punct("{"))
      fail_here("expected the assembly syntax in quotes after the encoding of '" + d.name + "'");
    d.encoding.push_back(enc_token());
    while (is_punct("!=")) excluded_value(d.encoding.back());
  }
  if (d.encoding.empty()) fail_here("instruction '" + d.name + "' has no encoding");
  d.syntax_loc = here();
  d.text = t_[p_++].text;
  d.body = block();
}

EncToken Parser::enc_token() {
  EncToken e;
  e.loc = here();
  const Token& t = peek();
  if (t.kind == Tok::Int) {
    ++p_;
    e.kind = EncToken::Bits;
    std::string s = t.text;
    std::string bits;
    if (s.size() > 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
      for (char c : s.substr(2)) {
        if (c == '_') continue;
        int v = std::isdigit(static_cast<unsigned char>(c)) ? c - '0' : std::tolower(c) - 'a' + 10;
        for (int b = 3; b >= 0; --b) bits.push_back(((v >> b) & 1) ? '1' : '0');
      }
    } else {
      if (s.size() > 2 && s[0] == '0' && (s[1] == 'b' || s[1] == 'B')) s = s.substr(2);
      for (char c : s) {
        if (c == '_') continue;
        if (c != '0' && c != '1')
          fail(t, "encoding bits must be written in binary (or 0x hex), found '" + t.text + "'");
        bits.push_back(c);
      }
    }
    e.text = bits;
    e.nbits = static_cast<unsigned>(bits.size());
    return e;
  }
  if (t.kind != Tok::Ident) fail_here("expected encoding bits or a field, found " + describe(t));
  e.name = t.text;
  ++p_;
  if (accept_punct(":")) {
    e.kind = EncToken::Field;
    e.nbits = small_int("field width", 64);
    if (e.nbits == 0) fail(t_[p_ - 1], "field '" + e.name + "' has width 0");
    return e;
  }
  if (accept_punct("[")) {
    e.kind = EncToken::Slice;
    e.hi = small_int("bit index", 63);
    e.lo = e.hi;
    if (accept_punct(":")) e.lo = small_int("bit index", 63);
    expect_punct("]");
    if (e.lo > e.hi)
      fail(e.loc,
           "slice " + e.name + "[" + std::to_string(e.hi) + ":" + std::to_string(e.lo) + "] has its bounds reversed");
    e.nbits = e.hi - e.lo + 1;
    return e;
  }
  fail(e.loc,
       "field '" + e.name + "' in an encoding needs a width ('" + e.name + ":8') or a slice ('" + e.name + "[7:0]')");
}

// `!= V` after a field: the encoding does not match when the field holds V
// (that value selects another instruction, as x86's mod 3 or RISC-V's rs1 0).
void Parser::excluded_value(EncToken& e) {
  const Token& op = t_[p_++];
  if (e.kind != EncToken::Field)
    fail(op, "'!=' excludes a value of a whole field ('" + (e.name.empty() ? std::string("name") : e.name) +
                 ":W != V'), not of bits or a slice");
  const Token& v = peek();
  if (v.kind != Tok::Int) fail_here("expected the excluded value of field '" + e.name + "', found " + describe(v));
  ++p_;
  e.excluded.push_back({v.value, loc_of(v)});
}

unsigned Parser::small_int(const char* what, unsigned most) {
  const Token& t = peek();
  if (t.kind != Tok::Int) fail_here(std::string("expected a ") + what + ", found " + describe(t));
  if (t.value > most)
    fail(t, std::string(what) + " " + t.text + " is too large (at most " + std::to_string(most) + ")");
  ++p_;
  return static_cast<unsigned>(t.value);
}

File parse(const std::string& path, const std::string& source) {
  Parser p(path, lex(path, source));
  return p.file();
}

} // namespace popek::lang
