// A fuzz input: the bytes libFuzzer mutates, read as an initial virtual state
// (a mode, a few register cells, a few storage units) and a guest program for
// one model. Every byte string reads as some input, so libFuzzer's own byte
// mutations never produce something unusable; the structure-aware mutator
// (mutator.hpp) works on the parsed form and writes it back.
//
// Layout (docs/fuzzing.md): a 3-byte header (mode, cell count, unit count),
// the cells (2-byte index, 8-byte value), the units (1-byte memory, 3-byte
// address, 8-byte value), then the program, 8 bytes per fetch unit. Numbers
// are little-endian; indices wrap and values are cut to their widths.
#pragma once

#include "machine/machine.hpp"
#include "model/model.hpp"
#include "vmm/allocator.hpp"

#include <cstdint>
#include <memory>
#include <span>
#include <vector>

namespace popek::fuzz {

struct Input {
  unsigned mode = 0; // 0: the mode a new VM starts in; then the model's other modes in order
  struct Cell {
    uint32_t cell = 0;
    uint64_t value = 0;
    bool operator==(const Cell&) const = default;
  };
  std::vector<Cell> cells;
  struct Unit {
    unsigned mem = 0;
    uint64_t addr = 0; // virtual address
    uint64_t value = 0;
    bool operator==(const Unit&) const = default;
  };
  std::vector<Unit> units;
  std::vector<uint64_t> program; // fetch units, placed from the program's address on
  bool operator==(const Input&) const = default;
};

constexpr size_t kMaxCells = 8, kMaxUnits = 8;
constexpr size_t kHeaderBytes = 3, kCellBytes = 10, kUnitBytes = 12, kFetchUnitBytes = 8;

// Reads any bytes as an input of model `m` with `a` as the VM's allocation.
Input parse_input(const model::Model& m, const vmm::Allocation& a, std::span<const uint8_t> bytes);
// The same, into `in` (keeping its vectors' capacity).
void parse_input(const model::Model& m, const vmm::Allocation& a, std::span<const uint8_t> bytes, Input& in);
// The bytes of an input (parse_input gives it back for a normalized input).
std::vector<uint8_t> write_input(const Input& in);
// The same, into `out` (keeping its capacity).
void write_input(const Input& in, std::vector<uint8_t>& out);

// Where the program goes: the pc of a new VM (the model's reset state under
// its `vmm reset`), as a code-memory address inside the VM's storage.
uint64_t program_address(const std::shared_ptr<const model::Model>& m, const vmm::Allocation& a);

// Builds the initial virtual state in `out`: a new VM's state (as
// diff::initial_state makes it), the program from `at` on (units past the VM's
// storage are dropped), then the mode, the cells and the units, in that order.
// `zeroed`: out's memory is already all zero (see erase), so only its registers are reset.
void apply(const Input& in, const vmm::Allocation& a, uint64_t at, machine::Machine& out, bool zeroed = false);
// apply() without the reset: for an `out` that already holds a new VM's
// registers, places the program, the mode, the cells and the units.
void place(const Input& in, const vmm::Allocation& a, uint64_t at, machine::Machine& out);
// Zeroes the memory units apply(in, ...) wrote: cheaper than clearing all memory for the next input.
void erase(const Input& in, const vmm::Allocation& a, uint64_t at, machine::Machine& out);
// Appends the memory units apply(in, ...) may write (memory, address), the
// ones erase zeroes; the program's from the `skip`th fetch unit on.
void units_of(const Input& in, const model::Model& m, const vmm::Allocation& a, uint64_t at,
              std::vector<std::pair<unsigned, uint64_t>>& out, size_t skip = 0);

} // namespace popek::fuzz
