// Declarations: machine parameters, memories, modes, constants, registers and
// trap causes. Also the checker's entry point.
#include "lang/check_internal.hpp"
#include "lang/checker.hpp"

#include <filesystem>

namespace popek::lang {

using namespace model;

namespace {
bool is_pow2(uint64_t v) { return v != 0 && (v & (v - 1)) == 0; }
unsigned log2_exact(uint64_t v) {
  unsigned n = 0;
  while ((uint64_t{1} << n) < v) ++n;
  return n;
}
unsigned bits_for(uint64_t v) {
  unsigned n = 1;
  while (n < 64 && (v >> n) != 0) ++n;
  return n;
}
constexpr uint64_t kMaxMemoryUnits = uint64_t{1} << 24;
constexpr unsigned kMaxFileSize = 1024;
} // namespace

Checker::Checker(const File& f) : file_(f), m_(std::make_unique<Model>()) { m_->path = f.path; }

void Checker::fail(const Loc& loc, const std::string& msg) const { throw InputError(loc, msg); }

std::unique_ptr<Model> check(const File& file) { return Checker(file).run(); }

std::unique_ptr<Model> Checker::run() {
  declare_all();
  finish_registers();
  require_basics();
  check_trap_entry(*trap_entry_); // first: trap statements need its parameter widths
  check_fetch(*fetch_);
  if (vmm_) check_vmm(*vmm_);
  for (const Decl* d : insn_decls_) check_insn(*d);
  check_unused_functions();
  check_overlaps();
  return std::move(m_);
}

bool is_reserved(const std::string& name) {
  static const std::set<std::string> reserved = {"mode", "word",    "if",         "then",  "else",
                                                 "let",  "require", "trap",       "halt",  "return",
                                                 "zext", "sext",    "wellformed", "entry", "allocate"};
  return reserved.count(name) != 0;
}

std::string first_at(const Loc& first, const Loc& here) {
  std::string line = "line " + std::to_string(first.line);
  if (first.file == here.file) return line;
  return std::filesystem::path(first.file).filename().string() + " " + line;
}

void Checker::claim_name(const std::string& name, const Loc& loc) {
  if (is_reserved(name)) fail(loc, "'" + name + "' is a reserved word");
  auto [it, fresh] = names_.emplace(name, loc);
  if (!fresh) fail(loc, "'" + name + "' is already declared (first at " + first_at(it->second, loc) + ")");
}

uint64_t Checker::cexpr(const Expr& e) {
  switch (e.kind) {
  case Expr::Int: return e.value;
  case Expr::Name: {
    if (e.name == "word") {
      if (m_->word == 0) fail(e.loc, "'word' is used before the 'word' declaration");
      return m_->word;
    }
    auto it = consts_.find(e.name);
    if (it == consts_.end()) {
      if (names_.count(e.name)) fail(e.loc, "'" + e.name + "' is not a constant");
      fail(e.loc, "unknown name '" + e.name + "'");
    }
    return it->second.value;
  }
  case Expr::Binary: {
    uint64_t a = cexpr(*e.args[0]), b = cexpr(*e.args[1]);
    const std::string& o = e.op;
    auto overflow = [&] { fail(e.loc, "constant expression overflows 64 bits"); };
    if (o == "+") {
      if (a + b < a) overflow();
      return a + b;
    }
    if (o == "-") {
      if (b > a) fail(e.loc, "constant expression is negative");
      return a - b;
    }
    if (o == "*") {
      if (a != 0 && (a * b) / a != b) overflow();
      return a * b;
    }
    if (o == "/" || o == "%") {
      if (b == 0) fail(e.loc, "division by zero in a constant expression");
      return o == "/" ? a / b : a % b;
    }
    if (o == "<<") {
      if (b >= 64 || (a << b) >> b != a) overflow();
      return a << b;
    }
    if (o == ">>") return b >= 64 ? 0 : a >> b;
    if (o == "&") return a & b;
    if (o == "|") return a | b;
    if (o == "^") return a ^ b;
    fail(e.loc, "operator '" + o + "' is not allowed in a constant expression");
  }
  case Expr::Unary:
    if (e.op == "-") fail(e.loc, "constants here are not negative");
    fail(e.loc, "operator '" + e.op + "' is not allowed in a constant expression");
  default: break;
  }
  fail(e.start, "expected a constant");
}

uint64_t Checker::reset_value(const Expr& e, unsigned width) {
  uint64_t v = cexpr(e);
  if (v & ~width_mask(width))
    fail(e.loc, "reset value " + std::to_string(v) + " does not fit in " + std::to_string(width) + " bits");
  return v;
}

unsigned Checker::width_of(const Expr& e, const char* what) {
  uint64_t w = cexpr(e);
  if (w == 0 || w > kMaxWidth)
    fail(e.loc, std::string(what) + " " + std::to_string(w) + " is not between 1 and 64 bits");
  return static_cast<unsigned>(w);
}

void Checker::declare_all() {
  for (const Decl& d : file_.decls) declare(d);
}

void Checker::declare(const Decl& d) {
  auto once = [&](const Decl*& slot, const char* what) {
    if (slot)
      fail(d.loc, std::string("duplicate ") + what + " declaration (first at " + first_at(slot->loc, d.loc) + ")");
    slot = &d;
  };
  switch (d.kind) {
  case Decl::Machine:
    once(machine_, "'machine'");
    m_->name = d.name;
    m_->description = d.text;
    break;
  case Decl::Word:
    if (word_decl_) fail(d.loc, "duplicate 'word' declaration (first at " + first_at(word_decl_->loc, d.loc) + ")");
    word_decl_ = &d;
    m_->word = width_of(*d.width, "word width");
    break;
  case Decl::Memory: {
    claim_name(d.name, d.loc);
    Memory mem;
    mem.name = d.name;
    mem.loc = d.loc;
    mem.size = cexpr(*d.size);
    if (!is_pow2(mem.size) || mem.size < 2)
      fail(d.size->loc, "memory size " + std::to_string(mem.size) + " is not a power of two of at least 2");
    if (mem.size > kMaxMemoryUnits)
      fail(d.size->loc, "memory size " + std::to_string(mem.size) + " exceeds the limit of " +
                            std::to_string(kMaxMemoryUnits) + " units");
    mem.unit = width_of(*d.width, "memory unit width");
    mem.addr_width = log2_exact(mem.size);
    mem.endian_given = !d.endian.empty();
    mem.endian = d.endian == "little" ? Endian::Little : Endian::Big;
    m_->mems.push_back(mem);
    break;
  }
  case Decl::Modes: {
    if (modes_decl_) fail(d.loc, "duplicate 'modes' declaration (first at " + first_at(modes_decl_->loc, d.loc) + ")");
    modes_decl_ = &d;
    for (size_t i = 0; i < d.names.size(); ++i) {
      claim_name(d.names[i], d.name_locs[i]);
      uint64_t code = cexpr(*d.codes[i]);
      for (const Mode& o : m_->modes)
        if (o.code == code)
          fail(d.codes[i]->loc,
               "modes '" + o.name + "' and '" + d.names[i] + "' have the same encoding " + std::to_string(code));
      m_->modes.push_back({d.names[i], code});
    }
    break;
  }
  case Decl::Const: {
    claim_name(d.name, d.loc);
    ConstInfo c{cexpr(*d.value), 0};
    if (d.width) {
      c.width = width_of(*d.width, "constant width");
      if (c.value & ~width_mask(c.width))
        fail(d.value->loc,
             "constant " + std::to_string(c.value) + " does not fit in " + std::to_string(c.width) + " bits");
    }
    consts_[d.name] = c;
    break;
  }
  case Decl::Register: {
    claim_name(d.name, d.loc);
    Register r;
    r.name = d.name;
    r.loc = d.loc;
    r.width = width_of(*d.width, "register width");
    r.system = d.system;
    r.kind = d.pc ? RegKind::Pc : RegKind::Plain;
    if (d.count) {
      uint64_t n = cexpr(*d.count);
      if (!is_pow2(n) || n < 2 || n > kMaxFileSize)
        fail(d.count->loc, "register file size " + std::to_string(n) + " is not a power of two from 2 to " +
                               std::to_string(kMaxFileSize));
      r.file = true;
      r.count = static_cast<unsigned>(n);
      r.index_width = log2_exact(n);
      if (d.pc) fail(d.loc, "the pc cannot be a register file");
      if (d.system) fail(d.loc, "a register file cannot be system state; declare the system registers one by one");
      if (!d.names.empty() && d.names.size() != n)
        fail(d.name_locs[0], "register file '" + d.name + "' has " + std::to_string(n) + " entries but " +
                                 std::to_string(d.names.size()) + " names");
      for (unsigned i = 0; i < n; ++i) r.asm_names.push_back(d.names.empty() ? d.name + std::to_string(i) : d.names[i]);
    } else if (!d.names.empty()) {
      fail(d.name_locs[0], "'names' is only for register files");
    }
    if (d.pc && d.system) fail(d.loc, "the pc cannot be system state");
    if (d.reset) r.reset = reset_value(*d.reset, r.width);
    if (!d.resets.empty()) {
      if (!r.file)
        fail(d.resets[0]->loc, "a list of reset values is for register files; '" + d.name + "' is one register");
      if (d.resets.size() != r.count)
        fail(d.resets[0]->loc, "register file '" + d.name + "' has " + std::to_string(r.count) + " entries but " +
                                   std::to_string(d.resets.size()) + " reset values");
      for (const ExprP& e : d.resets) r.resets.push_back(reset_value(*e, r.width));
      r.reset = r.resets[0];
    }
    uint64_t used = 0;
    for (const FieldDecl& fd : d.fields) {
      RegField f;
      f.name = fd.name;
      uint64_t hi = cexpr(*fd.hi), lo = fd.lo ? cexpr(*fd.lo) : hi;
      if (lo > hi)
        fail(fd.loc,
             "field '" + f.name + "' [" + std::to_string(hi) + ":" + std::to_string(lo) + "] has its bounds reversed");
      f.hi = static_cast<unsigned>(std::min<uint64_t>(hi, 64));
      f.lo = static_cast<unsigned>(std::min<uint64_t>(lo, 64));
      f.system = fd.system;
      if (hi >= r.width)
        fail(fd.loc, "field '" + f.name + "' [" + std::to_string(hi) + ":" + std::to_string(lo) +
                         "] does not fit in the " + std::to_string(r.width) + "-bit register '" + r.name + "'");
      if (r.find_field(f.name) >= 0) fail(fd.loc, "duplicate field '" + f.name + "'");
      uint64_t bits = width_mask(f.hi - f.lo + 1) << f.lo;
      if (used & bits) fail(fd.loc, "field '" + f.name + "' overlaps another field of '" + r.name + "'");
      used |= bits;
      if (fd.system && d.system)
        fail(fd.loc, "'" + r.name + "' is already system state as a whole; drop 'system' on its fields");
      r.fields.push_back(f);
    }
    m_->regs.push_back(std::move(r));
    break;
  }
  case Decl::Trap: {
    claim_name(d.name, d.loc);
    uint64_t code = cexpr(*d.value);
    for (const TrapCause& t : m_->traps)
      if (t.code == code)
        fail(d.value->loc,
             "trap causes '" + t.name + "' and '" + d.name + "' have the same code " + std::to_string(code));
    traps_[d.name] = static_cast<unsigned>(m_->traps.size());
    m_->traps.push_back({d.name, code});
    break;
  }
  case Decl::DefaultTrap:
  case Decl::Undefined: {
    int& slot = d.kind == Decl::DefaultTrap ? m_->default_trap : m_->undefined_trap;
    const Decl*& first = d.kind == Decl::DefaultTrap ? default_decl_ : undefined_decl_;
    if (first)
      fail(d.loc, std::string("duplicate '") + (d.kind == Decl::DefaultTrap ? "default" : "undefined") +
                      " trap' declaration (first at " + first_at(first->loc, d.loc) + ")");
    first = &d;
    auto it = traps_.find(d.name);
    if (it == traps_.end()) fail(d.name_locs[0], "unknown trap cause '" + d.name + "' (declare it first)");
    slot = static_cast<int>(it->second);
    break;
  }
  case Decl::Function:
    claim_name(d.name, d.loc);
    funcs_[d.name] = FuncInfo{&d};
    break;
  case Decl::Fetch: once(fetch_, "'fetch'"); break;
  case Decl::TrapEntry: once(trap_entry_, "'trap entry'"); break;
  case Decl::Vmm: once(vmm_, "'vmm'"); break;
  case Decl::Extends: fail(d.loc, "'extends' must be the first declaration");
  case Decl::Insn:
    for (const Decl* o : insn_decls_)
      if (o->name == d.name)
        fail(d.loc, "duplicate mnemonic '" + d.name + "' (first at " + first_at(o->loc, d.loc) + ")" +
                        (o->loc.file != d.loc.file ? "; to replace it, write 'override insn " + d.name + "'" : ""));
    insn_decls_.push_back(&d);
    break;
  }
}

void Checker::finish_registers() {
  Loc top{file_.path, 0, 0}; // no line: the whole file lacks something
  if (m_->modes.empty()) fail(top, "missing 'modes' declaration");
  uint64_t maxc = 0;
  for (const Mode& md : m_->modes) maxc = std::max(maxc, md.code);
  Register mode;
  mode.name = "mode";
  mode.kind = RegKind::Mode;
  mode.width = bits_for(maxc);
  mode.reset = m_->modes[0].code; // machines start in their most privileged mode
  m_->mode_reg = static_cast<unsigned>(m_->regs.size());
  m_->regs.push_back(mode);
  int pcs = 0;
  unsigned slot = 0;
  for (size_t i = 0; i < m_->regs.size(); ++i) {
    Register& r = m_->regs[i];
    r.slot = slot;
    slot += r.count;
    if (r.kind == RegKind::Pc) {
      if (pcs++) fail(r.loc, "a second register marked 'pc' (only one program counter)");
      m_->pc_reg = static_cast<unsigned>(i);
    }
  }
  m_->nslots = slot;
  if (pcs == 0) fail(top, "no register is marked 'pc'");
}

void Checker::require_basics() {
  Loc top{file_.path, 0, 0};
  if (!machine_) fail(top, "missing 'machine NAME \"description\"' declaration");
  if (!m_->word) fail(top, "missing 'word' declaration");
  if (m_->mems.empty()) fail(top, "missing 'memory' declaration");
  for (const Memory& mem : m_->mems)
    if (!mem.endian_given && mem.unit < m_->word)
      fail(mem.loc, "memory '" + mem.name + "' has units narrower than a word: say 'little' or 'big'");
  if (!fetch_) fail(top, "missing 'fetch' declaration: how the machine reads an instruction");
  if (!trap_entry_) fail(top, "missing 'trap entry' declaration: what a trap does to the state");
  if (m_->undefined_trap < 0) fail(top, "missing 'undefined trap CAUSE' declaration: what an undefined encoding does");
  if (insn_decls_.empty()) fail(top, "the model declares no instructions");
}

} // namespace popek::lang
