#include "fuzz/driver.hpp"

#include "fuzz/session.hpp"
#include "util/files.hpp"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <csignal>
#include <cstdlib>
#include <cstring>
#include <unistd.h>
#include <vector>

extern "C" {
int LLVMFuzzerRunDriver(int* argc, char*** argv, int (*cb)(const uint8_t* data, size_t size));
size_t LLVMFuzzerMutate(uint8_t* data, size_t size, size_t max_size);
void __sanitizer_cov_8bit_counters_init(uint8_t* start, uint8_t* stop);
}

namespace {

// The model's coverage counters (fuzz/coverage.hpp), registered with libFuzzer
// as a module of 8-bit counters of exactly the model's size: libFuzzer clears
// and scans every counter of every run, so a fixed, larger extra-counters
// section would cost more than the run itself (2 µs for 16 KiB).
std::vector<uint8_t>* g_counters = nullptr;

int test_one_input(const uint8_t* data, size_t size) { return popek::fuzz::Session::get()->test_one_input(data, size); }

extern "C" void on_stop(int) { popek::fuzz::Session::request_stop(); }
// libFuzzer's fork-mode parent runs no inputs and holds nothing to save.
extern "C" void on_stop_parent(int) { _exit(0); }

void flush_at_exit() {
  if (auto* s = popek::fuzz::Session::get()) s->flush();
}

} // namespace

extern "C" size_t LLVMFuzzerCustomMutator(uint8_t* data, size_t size, size_t max_size, unsigned seed) {
  auto* s = popek::fuzz::Session::get();
  if (!s || s->config().empty) return LLVMFuzzerMutate(data, size, max_size);
  return s->mutate(data, size, max_size, seed, &LLVMFuzzerMutate);
}

extern "C" size_t LLVMFuzzerCustomCrossOver(const uint8_t* a, size_t na, const uint8_t* b, size_t nb, uint8_t* out,
                                            size_t max_size, unsigned seed) {
  auto* s = popek::fuzz::Session::get();
  if (!s || s->config().empty) {
    size_t n = std::min(na, max_size);
    std::memcpy(out, a, n);
    return n;
  }
  return s->cross_over(a, na, b, nb, out, max_size, seed);
}

namespace popek::fuzz {

int run_worker(const char* config_path, int argc, char** argv) {
  std::string error;
  auto text = read_file(config_path, error);
  SessionConfig cfg;
  if (text) {
    nlohmann::json j = nlohmann::json::parse(*text, nullptr, false);
    try {
      cfg = j.get<SessionConfig>();
    } catch (const nlohmann::json::exception& e) {
      error = std::string(config_path) + ": " + e.what();
      text.reset();
    }
  }
  if (!text || !Session::start(cfg, error)) {
    fmt::print(stderr, "popek fuzz worker: {}\n", error);
    return 2;
  }
  g_counters = new std::vector<uint8_t>(std::max<size_t>(1, Session::get()->target().coverage().size()));
  __sanitizer_cov_8bit_counters_init(g_counters->data(), g_counters->data() + g_counters->size());
  Session::get()->set_sink(g_counters->data(), g_counters->size());
  bool parent = false;
  for (int i = 1; i < argc; ++i) parent |= std::strncmp(argv[i], "-fork=", 6) == 0;
  std::signal(SIGINT, parent ? on_stop_parent : on_stop);
  std::signal(SIGTERM, parent ? on_stop_parent : on_stop);
  std::atexit(flush_at_exit);
  return LLVMFuzzerRunDriver(&argc, &argv, test_one_input);
}

} // namespace popek::fuzz
