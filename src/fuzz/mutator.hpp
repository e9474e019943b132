// The structure-aware mutator: it reads libFuzzer's bytes as an Input
// (input.hpp) and changes whole instructions (insert, delete, duplicate,
// replace, swap; each with a valid encoding of a randomly chosen instruction),
// operand fields and state fields, preferring boundary values: 0, 1, the
// largest value, the VM's storage size and its neighbours, the other modes.
// Now and then it hands the bytes to libFuzzer's own mutations instead.
#pragma once

#include "fuzz/input.hpp"
#include "model/decoder.hpp"

#include <memory>
#include <string>

namespace popek::fuzz {

// The mutator's random numbers: splitmix64, because libFuzzer hands every
// mutation a new seed, and seeding a Mersenne twister costs more than a run.
struct Rng {
  uint64_t state;
  explicit Rng(uint64_t seed) : state(seed) {}
  uint64_t operator()() {
    uint64_t z = (state += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
  }
};

class Mutator {
public:
  // `max_insns`: longest program made. `exact_insns` (benchmarks): every
  // program has exactly this many instructions (0: any length).
  Mutator(std::shared_ptr<const model::Model> m, const vmm::Allocation& a, unsigned max_insns,
          unsigned exact_insns = 0);

  // libFuzzer's byte-level mutation (LLVMFuzzerMutate), or null.
  using ByteMutate = size_t (*)(uint8_t* data, size_t size, size_t max_size);

  // Mutates data[0, size) in place; returns the new size, at most `max_size`.
  // One call at a time (libFuzzer's fuzzing thread): both share scratch space.
  size_t mutate(uint8_t* data, size_t size, size_t max_size, unsigned seed, ByteMutate bytes = nullptr) const;
  // A child of two inputs: state from one, program spliced from both.
  size_t cross_over(std::span<const uint8_t> a, std::span<const uint8_t> b, uint8_t* out, size_t max_size,
                    unsigned seed) const;

  // One instruction's fetch units: instruction `insn` with boundary-biased operand fields.
  std::vector<uint64_t> random_insn(Rng& rng, size_t insn) const;
  // The program's instructions as [start, end) fetch-unit ranges.
  std::vector<std::pair<size_t, size_t>> split(const std::vector<uint64_t>& program) const;

private:
  void mutate_once(Input& in, Rng& rng) const;
  // random_insn and split into scratch space: a mutation is paid once per run,
  // so it allocates nothing once warm.
  const std::vector<uint64_t>& new_insn(Rng& rng, size_t insn) const; // into scratch_.units
  void split(const std::vector<uint64_t>& program, std::vector<std::pair<size_t, size_t>>& out) const;
  void change_field(Input& in, Rng& rng) const;
  void change_cell(Input& in, Rng& rng) const;
  void change_unit(Input& in, Rng& rng) const;
  uint64_t boundary(Rng& rng, unsigned width, uint64_t current) const;
  size_t fit(const Input& in, uint8_t* data, size_t max_size) const; // writes `in`, dropping what does not fit

  std::shared_ptr<const model::Model> m_;
  model::Decoder decoder_;
  vmm::Allocation alloc_;
  unsigned max_insns_, exact_;
  struct Scratch {
    Input in, other;
    std::vector<std::pair<size_t, size_t>> insns, more;
    std::vector<uint64_t> units, program;
    std::vector<uint8_t> bytes;
  };
  mutable Scratch scratch_;
};

// A libFuzzer dictionary (-dict) for model `m`: each instruction's fixed bits,
// as the 8 little-endian bytes of a fetch unit in the program.
std::string dictionary(const model::Model& m);

} // namespace popek::fuzz
