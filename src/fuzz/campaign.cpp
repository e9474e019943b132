#include "fuzz/campaign.hpp"

#include "corpus/replay.hpp"
#include "fuzz/driver.hpp"
#include "lang/load.hpp"
#include "util/files.hpp"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <chrono>
#include <cmath>
#include <csignal>
#include <cstdlib>
#include <cstring>
#include <fcntl.h>
#include <filesystem>
#include <fstream>
#include <sys/wait.h>
#include <thread>
#include <unistd.h>

extern char** environ;

namespace popek::fuzz {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

namespace {

volatile std::sig_atomic_t g_stop = 0;
extern "C" void on_signal(int) { g_stop = 1; }

std::string self_exe() {
  std::error_code ec;
  fs::path p = fs::read_symlink("/proc/self/exe", ec);
  return ec ? "popek" : p.string();
}

// The campaign's scratch folder (settings, statistics, log and, without
// --corpus, the corpus): $TMPDIR, else memory (/dev/shm) where there is one,
// else /tmp. libFuzzer creates a file for every input it keeps and deletes
// one for every input it replaces by a smaller one; on a disk file system
// (ext4) creating them cost about 7% of a campaign's time.
std::string temp_root() {
  const char* tmp = std::getenv("TMPDIR");
  if (tmp && *tmp) return tmp;
  std::error_code ec;
  if (fs::is_directory("/dev/shm", ec) && access("/dev/shm", W_OK | X_OK) == 0) return "/dev/shm";
  return "/tmp";
}

std::string make_state_dir(std::string& error) {
  std::string pattern = temp_root() + "/popek-fuzz.XXXXXX";
  std::vector<char> buf(pattern.begin(), pattern.end());
  buf.push_back('\0');
  if (!mkdtemp(buf.data())) {
    error = "cannot create a temporary folder " + pattern + ": " + std::strerror(errno);
    return "";
  }
  return buf.data();
}

std::set<std::string> case_names(const std::string& dir) {
  std::set<std::string> out;
  std::error_code ec;
  if (dir.empty() || !fs::is_directory(dir, ec)) return out;
  for (const auto& e : fs::directory_iterator(dir, ec))
    if (e.path().extension() == ".case") out.insert(e.path().filename().string());
  return out;
}

std::string tail(const std::string& path, size_t lines) {
  std::string error;
  auto text = read_file(path, error);
  if (!text) return "";
  size_t at = text->size();
  for (size_t n = 0; n <= lines && at > 0;) {
    at = text->rfind('\n', at - 1);
    if (at == std::string::npos) return *text;
    ++n;
  }
  return text->substr(at + 1);
}

double libfuzzer_rate(const std::string& log) {
  std::ifstream in(log);
  std::string line;
  double rate = 0;
  const std::string key = "stat::average_exec_per_sec:";
  while (std::getline(in, line))
    if (line.rfind(key, 0) == 0) rate = std::atof(line.c_str() + key.size());
  return rate;
}

// Starts the worker in a process group of its own, so that the whole group
// (fork mode's job processes too) can be told to stop.
pid_t spawn(const std::vector<std::string>& args, const std::vector<std::string>& env_add, const std::string& log,
            bool verbose, std::string& error) {
  std::vector<char*> argv;
  for (const std::string& a : args) argv.push_back(const_cast<char*>(a.c_str()));
  argv.push_back(nullptr);
  std::vector<std::string> env_store = env_add;
  for (char** e = environ; *e; ++e) {
    bool replaced = false;
    for (const std::string& a : env_add) replaced |= std::strncmp(*e, a.c_str(), a.find('=') + 1) == 0;
    if (!replaced) env_store.push_back(*e);
  }
  std::vector<char*> envp;
  for (const std::string& e : env_store) envp.push_back(const_cast<char*>(e.c_str()));
  envp.push_back(nullptr);
  int fd = verbose ? -1 : open(log.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (!verbose && fd < 0) {
    error = "cannot write " + log + ": " + std::strerror(errno);
    return -1;
  }
  pid_t pid = fork();
  if (pid < 0) {
    error = std::string("cannot start the worker: ") + std::strerror(errno);
    if (fd >= 0) close(fd);
    return -1;
  }
  if (pid == 0) {
    setpgid(0, 0);
    std::signal(SIGINT, SIG_DFL);
    std::signal(SIGTERM, SIG_DFL);
    if (fd >= 0) {
      dup2(fd, 1);
      dup2(fd, 2);
    }
    execve(argv[0], argv.data(), envp.data());
    _exit(127);
  }
  setpgid(pid, pid);
  if (fd >= 0) close(fd);
  return pid;
}

// Asks the worker's group to stop, then insists.
int stop_group(pid_t pid) {
  kill(-pid, SIGTERM);
  int status = 0;
  for (int i = 0; i < 100; ++i) {
    if (waitpid(pid, &status, WNOHANG) == pid) return status;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  kill(-pid, SIGKILL);
  waitpid(pid, &status, 0);
  return status;
}

} // namespace

Stats sum_stats(const std::string& dir, size_t counters) {
  Stats total;
  total.seen.assign(counters, 0);
  std::error_code ec;
  for (const auto& e : fs::directory_iterator(dir, ec)) {
    if (e.path().extension() != ".json") continue;
    std::string error;
    auto text = read_file(e.path().string(), error);
    Stats s;
    if (!text || !read_stats(*text, s)) continue; // a worker's file is replaced atomically: never half-written
    total.runs += s.runs;
    total.rejected += s.rejected;
    total.outgrown += s.outgrown;
    total.divergent += s.divergent;
    for (size_t i = 0; i < s.seen.size() && i < counters; ++i) total.seen[i] |= s.seen[i];
  }
  return total;
}

bool run_campaign(const CampaignOptions& o, const std::function<void(const Progress&)>& progress,
                  CampaignResult& result, std::string& error) {
  const SessionConfig& sc = o.session;
  lang::LoadResult lr = lang::load_model_file(lang::find_model(sc.model, sc.models_dir).path);
  if (!lr.model) {
    error = lr.error;
    return false;
  }
  const size_t counters = CoverageMap(*lr.model).size();
  std::error_code ec;
  if (!sc.findings.empty() && !fs::create_directories(sc.findings, ec) && ec) {
    error = "cannot create the findings folder " + sc.findings + ": " + ec.message();
    return false;
  }
  if (!o.corpus.empty() && !fs::create_directories(o.corpus, ec) && ec) {
    error = "cannot create the corpus folder " + o.corpus + ": " + ec.message();
    return false;
  }
  std::string state = make_state_dir(error);
  if (state.empty()) return false;
  struct Cleanup {
    std::string dir;
    ~Cleanup() {
      std::error_code e;
      fs::remove_all(dir, e);
    }
  } cleanup{state};
  SessionConfig wc = sc;
  wc.stats = state + "/stats";
  fs::create_directories(wc.stats, ec);
  std::string corpus = o.corpus.empty() ? state + "/corpus" : o.corpus;
  fs::create_directories(corpus, ec);
  const std::string config = state + "/config.json", dict = state + "/model.dict", log = state + "/libfuzzer.log";
  if (!write_file_atomic(config, nlohmann::json(wc).dump(2), error) ||
      !write_file_atomic(dict, dictionary(*lr.model), error))
    return false;

  unsigned units = lr.model->max_insn_units();
  size_t max_len = kHeaderBytes + kMaxCells * kCellBytes + kMaxUnits * kUnitBytes +
                   size_t{std::max(sc.max_insns, sc.exact_insns)} * units * kFetchUnitBytes;
  std::vector<std::string> args = {o.exe.empty() ? self_exe() : o.exe,
                                   "-max_len=" + std::to_string(max_len),
                                   "-dict=" + dict,
                                   "-handle_int=0",
                                   "-handle_term=0",
                                   "-timeout=300",
                                   "-print_final_stats=1",
                                   "-artifact_prefix=" + state + "/"};
  if (o.seed) args.push_back("-seed=" + std::to_string(o.seed));
  if (o.runs) args.push_back("-runs=" + std::to_string(o.runs));
  if (o.seconds > 0) args.push_back("-max_total_time=" + std::to_string(static_cast<long>(std::ceil(o.seconds))));
  if (o.jobs > 1) args.push_back("-fork=" + std::to_string(o.jobs));
  // Rereading a corpus folder nobody else writes only costs time.
  if (o.jobs == 1 && o.corpus.empty()) args.push_back("-reload=0");
  args.push_back(corpus);

  const std::set<std::string> before = case_names(sc.findings);
  g_stop = 0;
  auto old_int = std::signal(SIGINT, on_signal), old_term = std::signal(SIGTERM, on_signal);
  pid_t pid = spawn(args, {std::string(kWorkerEnv) + "=" + config, "TMPDIR=" + state}, log, o.verbose, error);
  if (pid < 0) {
    std::signal(SIGINT, old_int);
    std::signal(SIGTERM, old_term);
    return false;
  }
  const auto start = Clock::now();
  auto elapsed = [&] { return std::chrono::duration<double>(Clock::now() - start).count(); };
  int status = 0;
  result.end = CampaignResult::Finished;
  std::set<std::string> noted; // new finding files already read
  for (;;) {
    if (waitpid(pid, &status, WNOHANG) == pid) break;
    Progress p;
    p.elapsed = elapsed();
    p.total = sum_stats(wc.stats, counters);
    std::set<std::string> now = case_names(sc.findings);
    p.findings = now.size();
    if (progress) progress(p);
    bool fresh = false;
    for (const std::string& n : now) {
      if (before.count(n)) continue;
      fresh = true;
      if (!noted.insert(n).second) continue;
      std::string e;
      if (auto c = corpus::load_case(sc.findings + "/" + n, e)) result.first_found.emplace(c->expect.insn, p.elapsed);
    }
    bool all_found = !o.until_found.empty();
    for (const std::string& i : o.until_found) all_found &= result.first_found.count(i) > 0;
    const bool late = o.seconds > 0 && p.elapsed > o.seconds + 5; // libFuzzer's own limit comes first
    const bool spent = o.runs && o.jobs > 1 && p.total.runs >= o.runs;
    if (g_stop || late || spent || all_found || (sc.strict && fresh)) {
      if (g_stop) result.end = CampaignResult::Interrupted;
      status = stop_group(pid);
      break;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  kill(-pid, SIGTERM); // any job process fork mode left behind
  std::signal(SIGINT, old_int);
  std::signal(SIGTERM, old_term);

  result.seconds = elapsed();
  result.total = sum_stats(wc.stats, counters);
  result.findings = read_findings(sc.findings, result.bad_findings);
  for (const Found& f : result.findings)
    if (!before.count(fs::path(f.path).filename().string())) result.new_findings.insert(f.path);
  result.worker_status = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  result.libfuzzer_rate = o.verbose ? 0 : libfuzzer_rate(log);
  if (sc.strict && (!result.new_findings.empty() || result.worker_status == kStrictStop))
    result.end = CampaignResult::StrictStop;
  else if (result.end == CampaignResult::Finished && result.worker_status != 0 &&
           !(WIFSIGNALED(status) && WTERMSIG(status) == SIGTERM)) {
    result.end = CampaignResult::WorkerFailed;
    if (!o.verbose) result.log_tail = tail(log, 30);
  }
  return true;
}

} // namespace popek::fuzz
