// bench_kernels: the inner loops that bound hbsim's speed, each timed beside a bare baseline in the same
// run, with Google Benchmark (libbenchmark-dev). build/bench times whole commands in fresh processes; this
// times the kernels under them, which README (Performance) and tools/PERFORMANCE.md cite:
//   read_line      one event line of a trace (PHOLD, 64 processes, three clocks), as hbsim check reads it,
//                  with the 64-byte vector path and with the scalar loop; baseline: finding the line's end
//                  (memchr), all that `wc -l` does with it
//   sha256         the trace's fingerprint, through hbsim's sha256 in the 1 MiB pieces a trace hands it;
//                  baseline: OpenSSL's EVP called directly. Its bytes per second bound any default run:
//                  no run passes them divided by its trace's bytes per event
//   event_queue    PHOLD's hold pattern (pop the least, push it again a random delay later) on 1,024 and
//                  1,048,576 pending events; baseline: std::priority_queue on (time, insertion counter)
// After the table, each kernel's speed as a ratio to its baseline. Exit 1 when a kernel failed its check.
#include <benchmark/benchmark.h>
#include <openssl/evp.h>

#include <algorithm>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <functional>
#include <map>
#include <queue>
#include <string>
#include <string_view>
#include <tuple>
#include <vector>

#include <unistd.h>

#include "core/sha256.hpp"
#include "hbsim/core/random.hpp"
#include "hbsim/engine/simulation.hpp"
#include "hbsim/kernel/event_queue.hpp"
#include "hbsim/scenario/scenario.hpp"
#include "hbsim/trace/trace_writer.hpp"
#include "trace/line_codec.hpp"

namespace {

// ---------------------------------------------------------------------------------------------
// read_line

constexpr const char* traced_phold =
    R"({"name": "bench-kernels", "seed": 1, "processes": {"count": 64},
        "network": {"delay": {"dist": "exponential", "mean": "1ms"}},
        "generate": {"kind": "phold", "population": 1, "messages": 20000,
                     "think": {"dist": "exponential", "mean": "1ms"}, "remote": 0.9}})";

// 2,048 event lines of a trace hbsim wrote, from its second half (where every vector has all 64 entries),
// one after another with their newlines: few enough to stay in the cache, as a batch's lines do once the
// reading thread has cut them.
struct traced_lines {
  hbsim::scenario header = hbsim::parse_scenario(traced_phold, "bench-kernels.json");
  std::string text;
  std::vector<std::string_view> lines;

  traced_lines() {
    const std::string path =
        (std::filesystem::temp_directory_path() / ("hbsim-bench-kernels-" + std::to_string(::getpid()) + ".jsonl"))
            .string();
    {
      hbsim::simulation sim(header);
      hbsim::trace_writer trace(path);
      sim.observe(trace);
      sim.run();
      trace.commit();
    }
    std::ifstream in(path);
    std::vector<std::string> all;
    for (std::string line; std::getline(in, line);)
      if (line.starts_with("{\"type\":\"event\"")) all.push_back(line);
    std::filesystem::remove(path);
    const std::size_t from = all.size() / 2, count = std::min<std::size_t>(2048, all.size() - from);
    for (std::size_t i = from; i < from + count; ++i) text.append(all[i]).push_back('\n');
    for (std::size_t at = 0; at < text.size();) {
      const std::size_t end = text.find('\n', at);
      lines.emplace_back(text.data() + at, end - at);
      at = end + 1;
    }
  }
};

const traced_lines& lines() {
  static const traced_lines l;  // built once, by the first benchmark that needs it
  return l;
}

void read_line(benchmark::State& state, bool simd) {
  const traced_lines& l = lines();
  const hbsim::trace_internal::process_table table(l.header, simd);
  std::vector<hbsim::trace_internal::vector_value> vector(table.vector_width);
  std::vector<hbsim::sent_message> messages;
  hbsim::event_record r;
  hbsim::trace_internal::standard_values values;
  for (auto _ : state) {
    for (const std::string_view line : l.lines) {
      messages.clear();
      if (!table.fast_event(line, r, values, vector.data(), messages)) {
        state.SkipWithError("the fast path gave up on a line hbsim wrote");
        return;
      }
      benchmark::DoNotOptimize(vector.data());
    }
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * l.lines.size()));
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * l.text.size()));
}

void read_line_memchr(benchmark::State& state) {
  const traced_lines& l = lines();
  for (auto _ : state) {
    const char* p = l.text.data();
    const char* const end = p + l.text.size();
    std::size_t count = 0;
    while (const void* newline = std::memchr(p, '\n', static_cast<std::size_t>(end - p))) {
      p = static_cast<const char*>(newline) + 1;
      ++count;
    }
    benchmark::DoNotOptimize(count);
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * l.lines.size()));
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * l.text.size()));
}


// ---------------------------------------------------------------------------------------------
// sha256

constexpr std::size_t piece_bytes = std::size_t{1} << 20;  // what a trace hands its hash at a time
constexpr std::size_t hashed_pieces = 16;

const std::string& piece() {
  static const std::string p = [] {
    std::string s(piece_bytes, '\0');
    hbsim::random_stream r(7);
    for (char& c : s) c = static_cast<char>(' ' + r.below(95));  // printable, as trace lines are
    return s;
  }();
  return p;
}

void sha256_hbsim(benchmark::State& state) {
  const std::string& p = piece();
  for (auto _ : state) {
    hbsim::sha256 hash;
    for (std::size_t i = 0; i < hashed_pieces; ++i) hash.update(p);
    const std::string digest = hash.hex_digest();
    if (digest.size() != 64) state.SkipWithError("no digest");
    benchmark::DoNotOptimize(digest.data());
  }
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * hashed_pieces * piece_bytes));
}

void sha256_openssl(benchmark::State& state) {
  const std::string& p = piece();
  EVP_MD_CTX* const ctx = EVP_MD_CTX_new();
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int size = 0;
  for (auto _ : state) {
    EVP_DigestInit_ex(ctx, EVP_sha256(), nullptr);
    for (std::size_t i = 0; i < hashed_pieces; ++i) EVP_DigestUpdate(ctx, p.data(), p.size());
    EVP_DigestFinal_ex(ctx, digest, &size);
    benchmark::DoNotOptimize(digest);
  }
  EVP_MD_CTX_free(ctx);
  if (size != 32) state.SkipWithError("no digest");
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * hashed_pieces * piece_bytes));
}


// ---------------------------------------------------------------------------------------------
// event_queue

// One hold: the least entry popped, pushed again up to 2 µs later (as a PHOLD message is answered at once
// with a new one). Both queues see the same draws and hold the same entries.
constexpr std::uint64_t most_delay_ns = 2'000;

void event_queue_hold(benchmark::State& state) {
  const auto pending = static_cast<std::uint32_t>(state.range(0));
  hbsim::event_queue q;
  hbsim::random_stream r(1);
  for (std::uint32_t i = 0; i < pending; ++i) q.push(static_cast<hbsim::sim_time>(r.below(most_delay_ns)), 0, i);
  const auto hold = [&] {
    const hbsim::queue_entry e = q.pop();
    q.push(e.time + static_cast<hbsim::sim_time>(r.below(most_delay_ns)), e.type, e.payload);
  };
  for (std::uint32_t i = 0; i < pending; ++i) hold();  // past the first pops, which sort what was pushed
  for (auto _ : state) hold();
  if (q.size() != pending) state.SkipWithError("the queue lost entries");
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()));
}

void event_queue_std(benchmark::State& state) {
  const auto pending = static_cast<std::uint32_t>(state.range(0));
  using entry = std::tuple<hbsim::sim_time, std::uint64_t, std::uint32_t>;  // time, insertion counter, payload
  std::priority_queue<entry, std::vector<entry>, std::greater<>> q;
  hbsim::random_stream r(1);
  std::uint64_t order = 0;
  for (std::uint32_t i = 0; i < pending; ++i) q.emplace(static_cast<hbsim::sim_time>(r.below(most_delay_ns)), order++, i);
  const auto hold = [&] {
    const entry e = q.top();
    q.pop();
    q.emplace(std::get<0>(e) + static_cast<hbsim::sim_time>(r.below(most_delay_ns)), order++, std::get<2>(e));
  };
  for (std::uint32_t i = 0; i < pending; ++i) hold();  // as the queue above
  for (auto _ : state) hold();
  if (q.size() != pending) state.SkipWithError("the queue lost entries");
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()));
}


// ---------------------------------------------------------------------------------------------
// The table as Google Benchmark prints it, then each kernel against its baseline.

class reporter final : public benchmark::ConsoleReporter {
 public:
  reporter() : ConsoleReporter(::isatty(STDOUT_FILENO) ? OO_ColorTabular : OO_Tabular) {}
  void ReportRuns(const std::vector<Run>& runs) override {
    for (const Run& r : runs) {
      if (r.error_occurred) failed_ = true;
      else if (r.run_type == Run::RT_Iteration) seconds_[r.benchmark_name()] = r.GetAdjustedRealTime();
    }
    ConsoleReporter::ReportRuns(runs);
  }
  bool failed() const { return failed_; }
  // kernel's speed / baseline's speed, when both ran (a --benchmark_filter may leave one out). False when not.
  bool ratio(const std::string& kernel, const std::string& baseline, const std::string& what) const {
    const auto k = seconds_.find(kernel), b = seconds_.find(baseline);
    if (k == seconds_.end() || b == seconds_.end() || k->second <= 0) return false;
    std::printf("  %-28s %6.2fx  %s\n", kernel.c_str(), b->second / k->second, what.c_str());
    return true;
  }

 private:
  std::map<std::string, double> seconds_;
  bool failed_ = false;
};

}  // namespace

int main(int argc, char** argv) {
  const bool filtered = std::any_of(argv + 1, argv + argc, [](const char* a) {
    return std::string_view(a).starts_with("--benchmark_filter");
  });
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 2;
  const bool simd = hbsim::trace_internal::process_table(lines().header).simd_vectors();
  if (simd) benchmark::RegisterBenchmark("read_line/simd", read_line, true);
  benchmark::RegisterBenchmark("read_line/scalar", read_line, false);
  benchmark::RegisterBenchmark("read_line_memchr", read_line_memchr);
  benchmark::RegisterBenchmark("sha256_hbsim", sha256_hbsim)->Unit(benchmark::kMillisecond);
  benchmark::RegisterBenchmark("sha256_openssl", sha256_openssl)->Unit(benchmark::kMillisecond);
  benchmark::RegisterBenchmark("event_queue_hold", event_queue_hold)->Arg(1 << 10)->Arg(1 << 20);
  benchmark::RegisterBenchmark("event_queue_std", event_queue_std)->Arg(1 << 10)->Arg(1 << 20);
  reporter r;
  benchmark::RunSpecifiedBenchmarks(&r);
  benchmark::Shutdown();
  std::printf("\nSpeed against the baseline in the same run (above 1: faster than it):\n");
  bool all = !simd || r.ratio("read_line/simd", "read_line_memchr", "of memchr finding the same lines' ends");
  if (!simd) std::printf("  read_line/simd: not run, this processor has no AVX-512 VBMI2 (the scalar loop reads every vector)\n");
  all &= r.ratio("read_line/scalar", "read_line_memchr", "of memchr finding the same lines' ends");
  all &= r.ratio("sha256_hbsim", "sha256_openssl", "of OpenSSL's EVP called directly");
  for (const char* n : {"1024", "1048576"})
    all &= r.ratio(std::string("event_queue_hold/") + n, std::string("event_queue_std/") + n,
                   "of std::priority_queue on (time, insertion counter)");
  // Without a filter every kernel and baseline must have run.
  return r.failed() || (!filtered && !all) ? 1 : 0;
}
