#include "model/ir.hpp"

namespace popek::model {

const char* op_name(Op op) {
  switch (op) {
  case Op::Const: return "const";
  case Op::Field: return "field";
  case Op::Local: return "local";
  case Op::Reg: return "reg";
  case Op::FileRead: return "file";
  case Op::MemRead: return "mem";
  case Op::Not: return "~";
  case Op::Neg: return "-";
  case Op::Add: return "+";
  case Op::Sub: return "-";
  case Op::Mul: return "*";
  case Op::UDiv: return "/";
  case Op::URem: return "%";
  case Op::SDiv: return "/_s";
  case Op::SRem: return "%_s";
  case Op::And: return "&";
  case Op::Or: return "|";
  case Op::Xor: return "^";
  case Op::Shl: return "<<";
  case Op::LShr: return ">>";
  case Op::AShr: return ">>_s";
  case Op::Eq: return "==";
  case Op::Ne: return "!=";
  case Op::Ult: return "<";
  case Op::Ule: return "<=";
  case Op::Slt: return "<_s";
  case Op::Sle: return "<=_s";
  case Op::Extract: return "extract";
  case Op::Concat: return "++";
  case Op::ZExt: return "zext";
  case Op::SExt: return "sext";
  case Op::Ite: return "ite";
  }
  return "?";
}

} // namespace popek::model
