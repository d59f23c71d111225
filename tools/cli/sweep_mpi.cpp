#include "sweep_mpi.hpp"

#include "hbsim/core/input_error.hpp"

#if HBSIM_WITH_MPI
#include <fcntl.h>
#include <mpi.h>
#include <unistd.h>

#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <exception>
#include <mutex>
#include <string>
#include <thread>
#include <utility>

#include <nlohmann/json.hpp>
#endif

namespace hbsim::cli {

#if HBSIM_WITH_MPI

namespace {

using json = nlohmann::json;
using finished_runs = std::vector<std::pair<std::size_t, sweep_result>>;

// A rank sends results, then done; rank 0 may send stop while it runs, and sends bye once every rank is done, so
// that no message is left unreceived at MPI_Finalize.
enum message_tag : int { results_tag = 1, done_tag = 2, stop_tag = 3, bye_tag = 4 };

json encode(const finished_runs& runs) {
  json out = json::array();
  for (const auto& [i, r] : runs)
    out.push_back({{"cell", i}, {"ok", r.ok}, {"exit", r.exit}, {"violations", r.violations}, {"unmet", r.unmet},
                   {"events", r.events}, {"epsilon_ns", r.epsilon_ns ? json(*r.epsilon_ns) : json()},
                   {"lost_updates", r.lost_updates ? json(*r.lost_updates) : json()},
                   {"held_back_ns", r.held_back_ns ? json(*r.held_back_ns) : json()}, {"trace_sha256", r.trace_sha256}, {"wall_seconds", r.wall_seconds}, {"failures", r.failures}});
  return out;
}

finished_runs decode(const std::string& text) {
  finished_runs out;
  for (const json& j : json::parse(text)) {
    sweep_result r;
    r.ok = j.at("ok").get<bool>();
    r.exit = j.at("exit").get<int>();
    r.violations = j.at("violations").get<std::map<std::string, std::uint64_t>>();
    r.unmet = j.at("unmet").get<std::uint64_t>();
    r.events = j.at("events").get<std::uint64_t>();
    if (!j.at("epsilon_ns").is_null()) r.epsilon_ns = j.at("epsilon_ns").get<std::int64_t>();
    if (!j.at("lost_updates").is_null()) r.lost_updates = j.at("lost_updates").get<std::uint64_t>();
    if (!j.at("held_back_ns").is_null()) r.held_back_ns = j.at("held_back_ns").get<std::int64_t>();
    r.trace_sha256 = j.at("trace_sha256").get<std::string>();
    r.wall_seconds = j.at("wall_seconds").get<double>();
    r.failures = j.at("failures").get<std::vector<std::string>>();
    out.emplace_back(j.at("cell").get<std::size_t>(), std::move(r));
  }
  return out;
}

void send_text(const std::string& text, int to, int tag) {
  MPI_Send(text.data(), static_cast<int>(text.size()), MPI_CHAR, to, tag, MPI_COMM_WORLD);
}

// Receives the message `status` announced (from MPI_Probe or MPI_Iprobe).
std::string receive_text(MPI_Status status) {
  int size = 0;
  MPI_Get_count(&status, MPI_CHAR, &size);
  std::string text(static_cast<std::size_t>(size), '\0');
  MPI_Recv(text.data(), size, MPI_CHAR, status.MPI_SOURCE, status.MPI_TAG, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
  return text;
}

// The results this rank's threads have finished, handed to the main thread, which alone calls MPI.
struct finished_box {
  std::mutex mutex;
  std::condition_variable changed;
  finished_runs runs;
  bool over = false;

  // Waits up to `wait` for a result or the end of the threads; takes what there is, and whether they are over.
  std::pair<finished_runs, bool> take(std::chrono::milliseconds wait) {
    std::unique_lock<std::mutex> lock(mutex);
    changed.wait_for(lock, wait, [this] { return !runs.empty() || over; });
    return {std::exchange(runs, {}), over};
  }
};

}  // namespace

mpi_job::mpi_job() {
  int provided = 0;
  MPI_Init_thread(nullptr, nullptr, MPI_THREAD_FUNNELED, &provided);
  MPI_Comm_rank(MPI_COMM_WORLD, &rank_);
  MPI_Comm_size(MPI_COMM_WORLD, &ranks_);
  if (root()) return;
  std::fflush(stdout);
  std::fflush(stderr);
  saved_stderr_ = ::dup(STDERR_FILENO);
  const int null = ::open("/dev/null", O_WRONLY);
  ::dup2(null, STDOUT_FILENO);
  ::dup2(null, STDERR_FILENO);
  ::close(null);
}

mpi_job::~mpi_job() {
  MPI_Finalize();
  if (saved_stderr_ >= 0) ::close(saved_stderr_);
}

std::optional<sweep> mpi_job::make_sweep(const std::function<sweep()>& make) const {
  std::optional<sweep> sw;
  std::exception_ptr error;
  std::string what;
  try {
    sw.emplace(make());
  } catch (const std::exception& e) {
    error = std::current_exception();
    what = e.what();
  }
  int mine = error ? 1 : 0;
  std::vector<int> failed(static_cast<std::size_t>(ranks_));
  MPI_Allgather(&mine, 1, MPI_INT, failed.data(), 1, MPI_INT, MPI_COMM_WORLD);
  if (failed[0] && root()) std::rethrow_exception(error);
  std::string others;
  for (int r = 1; r < ranks_; ++r)
    if (failed[static_cast<std::size_t>(r)]) others += (others.empty() ? "" : ", ") + std::to_string(r);
  if (error && !root()) {
    char host[MPI_MAX_PROCESSOR_NAME] = {};
    int length = 0;
    MPI_Get_processor_name(host, &length);
    const std::string line = "hbsim: rank " + std::to_string(rank_) + " (" + host + "): " + what + "\n";
    [[maybe_unused]] const ssize_t written = failed[0] ? 0 : ::write(saved_stderr_, line.data(), line.size());
  }
  if (!root() && (failed[0] || !others.empty())) return std::nullopt;
  if (!others.empty())
    throw input_error("--mpi", "", "every rank to read the scenario and make its runs",
                      "rank " + others + " could not (its own message, on stderr too, says why)");
  return sw;
}

std::vector<std::optional<sweep_result>> mpi_job::run_all(
    const sweep& sw, unsigned jobs, std::atomic<bool>& stop, bool stop_on_failure,
    const std::function<void(std::size_t, const sweep_result&)>& done) {
  finished_box box;
  std::jthread threads([&] {
    sw.run_cells(jobs, stop, stop_on_failure, [&box](std::size_t i, sweep_result r) {
      const std::lock_guard<std::mutex> lock(box.mutex);
      box.runs.emplace_back(i, std::move(r));
      box.changed.notify_one();
    }, {static_cast<std::size_t>(rank_), static_cast<std::size_t>(ranks_)});
    const std::lock_guard<std::mutex> lock(box.mutex);
    box.over = true;
    box.changed.notify_one();
  });
  int flag = 0;
  MPI_Status status;
  if (!root()) {
    // Results go to rank 0 in batches of what finished meanwhile; rank 0 may ask to stop.
    for (bool over = false; !over;) {
      auto [runs, end] = box.take(std::chrono::milliseconds(20));
      over = end;
      if (!runs.empty()) send_text(encode(runs).dump(), 0, results_tag);
      while (MPI_Iprobe(0, stop_tag, MPI_COMM_WORLD, &flag, &status), flag) {
        receive_text(status);
        stop.store(true);
      }
    }
    send_text("", 0, done_tag);
    do {
      MPI_Probe(0, MPI_ANY_TAG, MPI_COMM_WORLD, &status);
      receive_text(status);
    } while (status.MPI_TAG != bye_tag);
    return {};
  }
  std::vector<std::optional<sweep_result>> results(sw.size());
  const auto take_in = [&](std::size_t i, sweep_result r) {
    if (!r.ok && stop_on_failure) stop.store(true);
    done(i, r);
    results[i] = std::move(r);
  };
  std::vector<bool> running(static_cast<std::size_t>(ranks_), true);
  std::size_t others = running.size() - 1;
  bool stop_sent = false;
  for (bool over = false; !over || others > 0;) {
    auto [runs, end] = box.take(std::chrono::milliseconds(2));
    over = end;
    for (auto& [i, r] : runs) take_in(i, std::move(r));
    while (MPI_Iprobe(MPI_ANY_SOURCE, MPI_ANY_TAG, MPI_COMM_WORLD, &flag, &status), flag) {
      const std::string text = receive_text(status);
      if (status.MPI_TAG == results_tag)
        for (auto& [i, r] : decode(text)) take_in(i, std::move(r));
      else if (status.MPI_TAG == done_tag && running[static_cast<std::size_t>(status.MPI_SOURCE)])
        running[static_cast<std::size_t>(status.MPI_SOURCE)] = false, --others;
    }
    if (stop.load() && !stop_sent)
      for (int r = 1; r < ranks_; ++r)
        if (running[static_cast<std::size_t>(r)]) send_text("", r, stop_tag);
    stop_sent = stop_sent || stop.load();
  }
  for (int r = 1; r < ranks_; ++r) send_text("", r, bye_tag);
  return results;
}

#else

mpi_job::mpi_job() {
  throw input_error("--mpi", "", "an hbsim built with MPI (install libopenmpi-dev, then build again)",
                    "this hbsim was built without MPI");
}

mpi_job::~mpi_job() = default;

std::optional<sweep> mpi_job::make_sweep(const std::function<sweep()>& make) const { return make(); }

std::vector<std::optional<sweep_result>> mpi_job::run_all(
    const sweep& sw, unsigned jobs, std::atomic<bool>& stop, bool stop_on_failure,
    const std::function<void(std::size_t, const sweep_result&)>& done) {
  return sw.run_all(jobs, stop, stop_on_failure, done);
}

#endif

}  // namespace hbsim::cli
