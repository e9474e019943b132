// The untyped syntax tree of a model file, as written. The checker turns it into
// the typed internal representation in src/model/.
#pragma once

#include "util/diag.hpp"

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace popek::lang {

struct Expr;
using ExprP = std::unique_ptr<Expr>;

struct Expr {
  enum Kind {
    Int,    // value
    Name,   // name
    Unary,  // op, args[0]
    Binary, // op, args[0], args[1]
    Index,  // args[0][args[1]] or args[0][args[1], args[2]] (file, memory, bit)
    Slice,  // args[0][args[1] : args[2]]
    Member, // args[0].name
    Call,   // name(args...)
    Ite,    // if args[0] then args[1] else args[2]
  } kind;
  Loc loc;          // the operator (Binary), the '[' (Index, Slice), the '.' (Member), else the start
  Loc start;        // where the whole expression starts
  int depth = 1;    // height of the tree, bounded by the parser
  std::string op;   // Unary, Binary
  std::string name; // Name, Member, Call
  uint64_t value = 0;
  std::vector<ExprP> args;
};

struct Stmt;
using StmtP = std::unique_ptr<Stmt>;
using Block = std::vector<StmtP>;

struct Stmt {
  enum Kind {
    Let,     // let name [: width] = expr
    Assign,  // target = expr
    If,      // if cond { body } else { orelse }
    Require, // require cond [else cause[(arg)]]
    Trap,    // trap cause[(arg)]
    Halt,
    Return, // return expr
    Call,   // f(args) as a statement
  } kind;
  Loc loc;
  std::string name; // Let: local; Require/Trap: cause
  ExprP width;      // Let (optional)
  ExprP target;     // Assign
  ExprP expr;       // Let/Assign value, If/Require condition, Trap/Require argument (arg), Return, Call
  ExprP arg;        // Trap/Require argument
  Loc cause_loc;
  Block body, orelse;
};

struct Param {
  std::string name;
  Loc loc;
  ExprP width;
};

struct FieldDecl {
  std::string name;
  Loc loc;
  ExprP hi, lo; // lo null: single bit
  bool system = false;
};

struct EncToken {
  enum Kind { Bits, Field, Slice } kind;
  Loc loc;
  std::string text;   // Bits: the 0/1 (or hex) digits as written
  unsigned nbits = 0; // Bits: how many bits; Field: its width
  std::string name;   // Field/Slice
  unsigned hi = 0, lo = 0;
  std::vector<std::pair<uint64_t, Loc>> excluded; // Field: `name:W != V ...`, values that select another encoding
};

struct Decl {
  enum Kind {
    Machine,     // name, text
    Word,        // width
    Memory,      // name, size, width, endian
    Modes,       // names/values
    Const,       // name, value [, width]
    Register,    // name, count?, width, attrs, fields
    Trap,        // name = code [ (argwidth) ]
    DefaultTrap, // name
    Undefined,   // name
    Function,    // name(params) [-> width] body
    Fetch,       // (params) -> width body
    TrapEntry,   // (params) body
    Vmm,         // (params) body (assignments and `wellformed`)
    Insn,        // name, encoding, text (syntax), body
    Extends,     // text: the path of the model this one extends
  } kind;
  Loc loc;
  std::string name;
  std::string text;
  ExprP width, size, count, value, result;
  std::string endian;
  bool system = false, pc = false;
  bool overrides = false; // Insn: `override insn`, replacing the extended model's instruction of that name
  ExprP reset;
  std::vector<ExprP> resets;      // Register: `reset (V0, V1, ...)`, one value per entry of a file
  std::vector<std::string> names; // Modes: mode names; Register: assembler names
  std::vector<ExprP> codes;       // Modes: encodings
  std::vector<Loc> name_locs;
  std::vector<FieldDecl> fields;
  std::vector<Param> params;
  std::vector<EncToken> encoding;
  Loc syntax_loc;
  Block body;
  ExprP wellformed; // Vmm
  Loc wellformed_loc;
  ExprP alloc_base, alloc_size; // Vmm: `allocate BASE, SIZE`, the VMM's default allocation
  Loc alloc_loc;
  Block vmm_reset; // Vmm: the virtual system state a new VM starts with
};

struct File {
  std::string path;
  std::vector<Decl> decls;
};

} // namespace popek::lang
