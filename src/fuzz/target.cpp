#include "fuzz/target.hpp"

#include <algorithm>
#include <cstring>

namespace popek::fuzz {

Target::Target(std::shared_ptr<const model::Model> m, const TargetOptions& o)
    : m_(std::move(m)), opts_(o), alloc_(o.allocation.value_or(vmm::default_allocation(*m_))), map_(*m_) {
  if (!vmm::usable(*m_, alloc_, error_)) return;
  diff::Options lo;
  lo.strategy = o.strategy;
  lo.allocation = alloc_;
  lockstep_.emplace(m_, lo);
  initial_.emplace(m_); // all zero, as erase() leaves it after each run
  // A new VM's registers, set for every run (cheaper than running the model's vmm reset again).
  initial_->reset_registers();
  if (m_->vmm.present) initial_->apply_vmm_reset(alloc_.base, alloc_.size);
  new_vm_.assign(initial_->reg_cells().begin(), initial_->reg_cells().end());
  program_at_ = program_address(m_, alloc_);
  counters_.assign(map_.size(), 0);
  seen_.assign(map_.size(), 0);
  lockstep_->set_coverage(counters_.data());
  findings_.emplace(o.findings, CaseContext{o.model_ref, o.models_dir, o.strategy, alloc_, program_at_});
}

Target::Result Target::run(std::span<const uint8_t> bytes) {
  std::memset(counters_.data(), 0, counters_.size());
  // The initial state differs from the last run's only at the units of both
  // inputs (the program's the longer one's: both start at the same address).
  changed_.clear();
  const Input& in = input_;
  const size_t last_program = in.program.size();
  units_of(in, *m_, alloc_, program_at_, changed_);
  erase(in, alloc_, program_at_, *initial_); // the last run's units: memory is all zero again
  parse_input(*m_, alloc_, bytes, input_);
  initial_->set_register_cells(new_vm_);
  place(in, alloc_, program_at_, *initial_); // apply(), from the new VM's registers
  units_of(in, *m_, alloc_, program_at_, changed_, last_program);
  ++runs_;
  if (!lockstep_->restart(*initial_, changed_, start_error_)) return Rejected;
  uint64_t budget = opts_.max_steps ? opts_.max_steps : in.program.size() + 8;
  Result result = Agreed;
  for (uint64_t n = 0; n < budget; ++n) {
    diff::Lockstep::Step s = lockstep_->step();
    const machine::Outcome& o = s.native;
    ++counters_[map_.outcome(o, s.vmm.how)];
    if (s.divergence) {
      ++counters_[map_.divergence(o, s.divergence->kind)];
      if (s.divergence->kind == diff::Divergence::Allocation) {
        result = Outgrown;
        break;
      }
      last_ = std::move(*s.divergence);
      sig_ = signature(*m_, last_);
      if (findings_->known(sig_)) {
        result = Known;
        break;
      }
      warning_.clear();
      if (!findings_->record(*m_, sig_, in, last_, path_, warning_) && warning_.empty())
        warning_ = "cannot write the finding";
      result = New;
      break;
    }
    if (o.kind == machine::Outcome::Halted) break;
  }
  // Flags, not counts: a counter that wrapped to 0 lost its run, a loss libFuzzer's counters share.
  uint8_t* __restrict seen = seen_.data(); // (restrict: lets the compiler vectorize)
  const uint8_t* __restrict now = counters_.data();
  for (size_t i = 0, n = counters_.size(); i < n; ++i) seen[i] |= now[i];
  return result;
}

} // namespace popek::fuzz
