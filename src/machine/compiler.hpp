// Compiles the model's routines (typed IR) into the machine's operations.
// Every routine gets cells of its own; constants are shared.
#pragma once

#include "machine/bytecode.hpp"
#include "model/model.hpp"

#include <map>
#include <vector>

namespace popek::machine {

class Compiler {
public:
  Compiler(const model::Model& m, std::vector<uint64_t>& cells, const std::vector<uint64_t>& mem_base)
      : m_(m), cells_(cells), mem_base_(mem_base) {}

  // `nfields`: operand fields of an instruction (0 for other routines).
  Compiled compile(const model::Routine& r, unsigned nfields = 0);

private:
  uint32_t alloc();
  uint32_t constant(uint64_t v);
  uint32_t expr(model::ExprId e);
  void stmt(model::StmtId s);
  void block(const std::vector<model::StmtId>& b);
  void emit(model::Op) = delete;
  uint32_t emit(Code c, unsigned width, uint32_t a, uint32_t b = 0, uint64_t k = 0, uint8_t w = 0);

  const model::Model& m_;
  std::vector<uint64_t>& cells_;
  const std::vector<uint64_t>& mem_base_;
  std::map<uint64_t, uint32_t> consts_;
  Compiled* out_ = nullptr;
  std::vector<uint32_t> locals_;
};

} // namespace popek::machine
