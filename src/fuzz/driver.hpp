// A worker of `popek fuzz`: the popek executable, started again by the
// campaign (campaign.hpp) with $POPEK_FUZZ_WORKER naming the campaign's
// settings, runs libFuzzer in-process (LLVMFuzzerRunDriver) over the session.
// In libFuzzer's fork mode the worker's job processes are the same program,
// started the same way, so they come here too.
#pragma once

namespace popek::fuzz {

// The environment variable that makes popek a worker.
constexpr const char* kWorkerEnv = "POPEK_FUZZ_WORKER";

// Runs libFuzzer with argv (libFuzzer's flags and corpus folders); returns its exit status.
int run_worker(const char* config_path, int argc, char** argv);

} // namespace popek::fuzz
