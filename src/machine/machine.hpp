// The bare-metal reference machine: executes any model concretely, one
// instruction at a time. An instruction either completes or traps with no
// partial effects (writes are logged and rolled back); the model's trap entry
// is applied afterwards, as a separate step.
#pragma once

#include "machine/bytecode.hpp"
#include "machine/compiler.hpp"
#include "machine/context.hpp"
#include "model/decoder.hpp"
#include "model/model.hpp"

#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <vector>

namespace popek::machine {

struct Outcome {
  enum Kind { Completed, Trapped, Halted } kind = Completed;
  // Where a trap arose: while fetching, because no instruction has the fetched
  // encoding, or while executing the instruction.
  enum Stage { Fetch, Decode, Execute } stage = Execute;
  int insn = -1;       // instruction index; -1 when fetch trapped or the encoding is undefined
  unsigned units = 0;  // instruction length in fetch units (0 if not decoded)
  model::Bits raw = 0; // the fetched bits
  unsigned cause = 0;  // Trapped: index into model.traps
  uint64_t arg = 0;    // Trapped: the trap's argument
  bool memory = false; // Trapped: raised by address translation (a memory trap)
};

// Which engine runs the model's routines: native code generated at build
// time for bundled models (when this exact model text was compiled in), or
// the interpreter. Both give the same results (tests/engines_test.cpp).
enum class Engine { Auto, Interpreter };

class Machine {
public:
  explicit Machine(std::shared_ptr<const model::Model> m, Engine engine = Engine::Auto);
  bool native() const { return native_ != nullptr; }

  const model::Model& model() const { return *m_; }

  // Registers take their reset values, memory is zeroed.
  void reset();
  // Registers only: for callers that then write every memory unit themselves.
  void reset_registers();

  // -- state access (register r, entry i for files) --
  uint64_t reg(unsigned r, unsigned i = 0) const { return cells_[m_->regs[r].slot + i]; }
  void set_reg(unsigned r, uint64_t v, unsigned i = 0);
  uint64_t mode() const { return reg(m_->mode_reg); }
  uint64_t pc() const { return reg(m_->pc_reg); }
  uint64_t mem(unsigned memory, uint64_t addr) const { return mem_[layout_.mem_base[memory] + addr]; }
  void set_mem(unsigned memory, uint64_t addr, uint64_t v) { // inline: a fuzz run makes dozens
    const model::Memory& mem = m_->mems[memory];
    mem_[layout_.mem_base[memory] + (addr & (mem.size - 1))] = v & model::width_mask(mem.unit);
  }
  // A whole memory's units, for bulk copies (values must fit the memory's unit width).
  std::span<const uint64_t> mem_units(unsigned memory) const {
    return {mem_.data() + layout_.mem_base[memory], m_->mems[memory].size};
  }
  std::span<uint64_t> mem_units(unsigned memory) {
    return {mem_.data() + layout_.mem_base[memory], m_->mems[memory].size};
  }
  // The register cells (every register and file entry, in slot order).
  std::span<const uint64_t> reg_cells() const { return {cells_.data(), m_->nslots}; }

  // -- execution --
  // Fetches, decodes and executes one instruction. On a trap the state is as
  // before the instruction and the trap entry has NOT been applied.
  Outcome execute();
  // Executes instruction `insn` with the operand fields of `raw` (its encoding)
  // on the current state, as if it had just been fetched: same rollback and pc
  // advance, no fetch. The VMM's interpreter and the engine tests use it.
  Outcome execute_insn(int insn, model::Bits raw);
  // -- the model's vmm block (docs/theory.md §5), for a VM at real [base, base+size) --
  // Sets this machine's system state and mode to the real ones of the virtual
  // state it holds (the deprivileging map).
  void apply_vmm_map(uint64_t base, uint64_t size);
  // Sets the virtual system state a new VM starts with.
  void apply_vmm_reset(uint64_t base, uint64_t size);
  // Whether the state this machine holds is a well-formed virtual state.
  bool vmm_wellformed(uint64_t base, uint64_t size);
  // Copies every register (and the mode) from another machine of the same model.
  void copy_registers(const Machine& from);
  // Sets every register cell (reg_cells() order), as copy_registers does.
  void set_register_cells(std::span<const uint64_t> cells);
  // Makes this machine use `other`'s decoded-instruction cache (the same
  // model's decodings: the same content). Machines that run the same guest
  // side by side, as the lockstep runner's do, then keep one copy in the
  // processor's caches instead of three. Not for machines used by different threads.
  void share_decode_cache(const Machine& other);
  // Whether the vmm map or `wellformed` reads memory: if not, both are
  // functions of the register cells alone (the VMM's allocator may remember them).
  bool vmm_reads_memory() const { return vmm_reads_memory_; }
  // Writes one register cell (a register, or an entry of a file).
  void set_cell(uint32_t cell, uint64_t v);
  // Per register cell: the bits that are system state (all bits of the mode).
  uint64_t system_mask(uint32_t cell) const { return system_mask_[cell]; }

  // Applies the model's trap entry for a trapped outcome.
  void enter_trap(const Outcome& o);
  // execute() followed by enter_trap() when it trapped.
  Outcome step();
  // execute() and step() returning the machine's own record of the outcome,
  // valid until it executes again. Copying an outcome just written stalls
  // the processor (its fields were stored one by one); the per-step paths of
  // the VMM and the lockstep runner read the record in place.
  const Outcome& execute_in_place() {
    execute_kind();
    return last_;
  }
  const Outcome& step_in_place() {
    if (execute_kind() == Outcome::Trapped) enter_trap(last_);
    return last_;
  }
  // The outcome of the last execution.
  const Outcome& last() const { return last_; }

  struct RunResult {
    Outcome last;
    uint64_t steps = 0;
    bool halted = false; // false: stopped by the step budget
  };
  RunResult run(uint64_t max_steps);

  // -- coverage of the model's semantics (model/branches.hpp) --
  // While `counters` is set, each time an arm of a branch of the fetch
  // function, the trap entry or an instruction runs, counters[arm] is bumped
  // (wrapping); the vmm routines are not counted. `counters` must hold at
  // least number_branches(model()).arms() bytes; null turns counting off.
  // Results are the same either way. The interpreter recompiles the routines
  // on the first call, so that code without counters stays as fast as before.
  void set_coverage(uint8_t* counters);

  // Locations changed by the last execute()/step(), oldest first (may repeat).
  std::span<const Change> changes() const { return {log_.data(), ctx_.log_n}; }
  // Memory number and address of a Change::loc for memory.
  std::pair<unsigned, uint64_t> locate(uint64_t flat) const {
    unsigned i = 0;
    while (i + 1 < layout_.mem_base.size() && flat >= layout_.mem_base[i + 1]) ++i;
    return {i, flat - layout_.mem_base[i]};
  }
  // The register and entry that own a register cell.
  std::pair<unsigned, unsigned> reg_of_cell(uint64_t cell) const;

private:
  // execute() without building an Outcome: details stay in last_.
  Outcome::Kind execute_kind();
  Outcome::Kind execute_native_one_unit();        // the fast path: native code, one-unit instructions
  Outcome::Kind finish(int insn, unsigned units); // run a decoded instruction
  Outcome::Kind trapped_in(Outcome::Stage stage); // roll back and record the trap
  void advance_pc(unsigned units);
  Status exec(const Compiled& c);
  Status run_fetch(unsigned offset_units); // result in ctx_.result
  Status run_insn(int insn);               // fields: ctx_.fields (native) or cells (interpreter)
  void rollback();
  // Field shadows: only the interpreter reads them. Native code neither reads
  // nor keeps them, so a native machine brings them up to date only before it
  // interprets a vmm routine (run_vmm).
  void refresh(unsigned reg);
  void refresh_all();
  void sync_shadows() {
    if (!native_) refresh_all();
  }
  int decode_cached(uint64_t raw);
  void load_fields(int insn, model::Bits raw);
  void use_fields(int insn, const uint64_t* fields, size_t n);

  std::shared_ptr<const model::Model> m_;
  model::Decoder decoder_;
  std::vector<uint64_t> cells_; // registers, constants, fields, locals, temporaries
  std::vector<uint64_t> mem_;   // every memory, one after another
  Layout layout_;
  struct Shadow {
    uint32_t cell;
    unsigned lo;
    uint64_t mask;
  };
  std::vector<std::vector<Shadow>> shadows_; // per register
  std::vector<unsigned> shadowed_;           // the registers that have shadows
  unsigned max_fields_ = 0;
  // The routines the machine counts branches of: compiled with or without coverage.
  struct Counted {
    Compiled fetch, fetch0, trap_entry; // fetch0: fetch at offset 0, for one-unit machines
    std::vector<Compiled> insns;
  };
  Counted compile_counted(Compiler& c);
  Counted code_;                   // the code run
  std::unique_ptr<Counted> other_; // the interpreter's other variant, once compiled
  bool counting_ = false;          // code_ counts branches
  Compiled vmm_map_, vmm_reset_, vmm_wellformed_;
  bool vmm_reads_memory_ = false;
  std::vector<uint64_t> system_mask_; // per register cell
  std::vector<uint32_t> reg_of_cell_; // per register cell: the register owning it
  void run_vmm(const Compiled& c, uint64_t base, uint64_t size);
  std::vector<Change> log_; // sized for the most writes one step can make
  Context ctx_;             // shared with native code
  const NativeModel* native_ = nullptr;

  Outcome last_;                    // details of the last execute_kind()
  std::vector<uint64_t> field_buf_; // fields of an uncached instruction

  // Decoded-instruction cache for single-unit machines: raw unit -> instruction and fields.
  static constexpr unsigned kCacheSize = 4096;
  static constexpr unsigned kCacheFields = 6; // instructions with more fields are not cached
  struct CacheEntry {
    uint64_t raw = 0;
    int32_t insn = -2; // -2 empty, -1 undefined
    uint32_t nfields = 0;
    uint64_t fields[kCacheFields] = {};
  };
  std::shared_ptr<std::vector<CacheEntry>> cache_owner_;
  CacheEntry* cache_ = nullptr;
  bool single_unit_ = true;
  // Precomputed for the per-step path.
  uint32_t pc_slot_ = 0;
  uint64_t pc_mask_ = 0;
  bool pc_has_fields_ = false;
};

} // namespace popek::machine
