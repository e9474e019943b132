// One fuzzing process's state, behind the libFuzzer entry points: the target,
// the mutator, the campaign's settings and this process's statistics file.
// Shared by fuzz/diff_fuzzer.cpp (a plain libFuzzer target) and the workers
// of `popek fuzz` (driver.cpp); neither libFuzzer nor a CLI is needed here.
#pragma once

#include "fuzz/mutator.hpp"
#include "fuzz/target.hpp"

#include <nlohmann/json_fwd.hpp>

#include <chrono>
#include <csignal>
#include <memory>
#include <string>

namespace popek::fuzz {

// What a campaign's processes share (as JSON in the file $POPEK_FUZZ_WORKER names).
struct SessionConfig {
  std::string model = "pg"; // a bundled model's name or a path
  std::string models_dir;
  vmm::Strategy strategy = vmm::Strategy::TrapAndEmulate;
  std::optional<vmm::Allocation> allocation;
  uint64_t max_steps = 0;
  unsigned max_insns = 32;  // longest program the mutator makes
  unsigned exact_insns = 0; // benchmarks: programs of exactly this many instructions
  std::string findings;     // folder ("" none)
  std::string stats;        // folder for this process's statistics ("" none)
  bool strict = false;      // the first divergence ends the campaign
  bool empty = false;       // benchmarks: an empty target, the ceiling of libFuzzer's own speed
};
void to_json(nlohmann::json& j, const SessionConfig& c);
void from_json(const nlohmann::json& j, SessionConfig& c);

// A process's statistics, as the supervisor reads them.
struct Stats {
  uint64_t runs = 0, rejected = 0, outgrown = 0, divergent = 0;
  std::vector<uint8_t> seen; // one flag per coverage counter
};
std::string write_stats(const Stats& s);
bool read_stats(const std::string& text, Stats& s);

// The exit status of a worker that stopped at a divergence in strict mode.
constexpr int kStrictStop = 3;

class Session {
public:
  // Loads the model and builds the target; false with `error` when it cannot.
  static bool start(const SessionConfig& c, std::string& error);
  static Session* get(); // null before start()

  // LLVMFuzzerTestOneInput: 0, or -1 for an input not worth keeping (its
  // initial state is not a well-formed virtual state).
  int test_one_input(const uint8_t* data, size_t size);
  size_t mutate(uint8_t* data, size_t size, size_t max_size, unsigned seed, Mutator::ByteMutate bytes);
  size_t cross_over(const uint8_t* a, size_t na, const uint8_t* b, size_t nb, uint8_t* out, size_t max_size,
                    unsigned seed);

  // Where this run's counters go for libFuzzer (its extra-counters section).
  void set_sink(uint8_t* counters, size_t n) {
    sink_ = counters;
    sink_n_ = n;
  }
  // Writes this process's statistics now (atomically).
  void flush();
  // Asks the process to stop at the next input (async-signal-safe).
  static void request_stop() { stop_requested_ = 1; }

  const Target& target() const { return *target_; }
  Target::Result last_result() const { return last_; }
  const SessionConfig& config() const { return cfg_; }

private:
  Session(SessionConfig c, std::shared_ptr<const model::Model> m);
  void finish_run(Target::Result r);

  SessionConfig cfg_;
  std::shared_ptr<const model::Model> m_;
  std::unique_ptr<Target> target_;
  std::unique_ptr<Mutator> mutator_;
  Stats stats_;
  Target::Result last_ = Target::Agreed;
  std::string stats_path_;
  uint8_t* sink_ = nullptr;
  size_t sink_n_ = 0;
  std::chrono::steady_clock::time_point last_flush_;
  static volatile std::sig_atomic_t stop_requested_;
};

} // namespace popek::fuzz
