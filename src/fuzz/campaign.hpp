// A fuzz campaign, as `popek fuzz` runs it: this process supervises; the
// fuzzing happens in a worker (this program again, driver.hpp) that runs
// libFuzzer, in-process for one job or in libFuzzer's fork mode for several.
// The supervisor shows progress from the workers' statistics files, ends the
// campaign on time, on the run budget, on a strict divergence or on SIGINT /
// SIGTERM (forwarded to the workers, which save their statistics; findings
// are already on disk), and reads the findings folder for the summary.
#pragma once

#include "fuzz/coverage.hpp"
#include "fuzz/findings.hpp"
#include "fuzz/session.hpp"

#include <functional>
#include <map>
#include <set>
#include <string>

namespace popek::fuzz {

struct CampaignOptions {
  SessionConfig session; // model, strategy, allocation, findings folder, strict...
  std::string exe;       // this program (the workers run it); "" for /proc/self/exe
  double seconds = 0;    // 0: until stopped
  uint64_t runs = 0;     // 0: no budget
  unsigned jobs = 1;
  std::string corpus;   // folder of inputs kept (libFuzzer's corpus); "" for a temporary one
  uint64_t seed = 0;    // 0: libFuzzer picks
  bool verbose = false; // libFuzzer's own output to stderr (otherwise to a log, shown on failure)
  // Benchmarks: end the campaign once each of these instructions has a finding.
  std::set<std::string> until_found;
};

struct Progress {
  double elapsed = 0;
  Stats total;
  size_t findings = 0;
};

struct CampaignResult {
  enum End { Finished, Interrupted, StrictStop, WorkerFailed } end = Finished;
  double seconds = 0;
  Stats total;
  std::vector<Found> findings;           // every case in the findings folder
  std::set<std::string> new_findings;    // paths written by this campaign
  std::vector<std::string> bad_findings; // cases that do not read
  int worker_status = 0;
  std::string log_tail;      // the worker's last output lines, when it failed
  double libfuzzer_rate = 0; // libFuzzer's own execs/s (stat::average_exec_per_sec), when it printed it
  // When each instruction's first new finding appeared (seconds into the campaign, 0.1 s resolution).
  std::map<std::string, double> first_found;
};

// Runs a campaign; `progress` is called about four times a second. False
// with `error` when it cannot start (folders, the worker).
bool run_campaign(const CampaignOptions& o, const std::function<void(const Progress&)>& progress,
                  CampaignResult& result, std::string& error);

// Sums every statistics file of a folder (counts added, coverage united).
Stats sum_stats(const std::string& dir, size_t counters);

} // namespace popek::fuzz
