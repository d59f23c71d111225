// hbsim_bench's command line.
#pragma once

#include <algorithm>
#include <array>
#include <charconv>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <iterator>
#include <string>
#include <string_view>

#include "hbsim/scenario/scenario.hpp"

namespace bench {

struct options {
  bool quick = false;
  bool callgrind = false;  // only the instruction counts of hbsim run (bench_callgrind.hpp)
  // [A], [B]: the default pipeline (issue 11's PHOLD; shorter than its 2.5M messages, to keep the bench short).
  std::uint32_t pipeline_processes = 1000;
  std::uint64_t pipeline_messages = 250'000;
  std::uint32_t pipeline_small_processes = 64;
  std::uint64_t pipeline_small_messages = 1'000'000;
  // [C]: Lamport + HLC beside ROSS, at 1,024 and 1,048,576 processes.
  std::uint32_t ross_processes = 1024;
  std::uint64_t ross_messages = 1'000'000;
  std::uint32_t ross_large_processes = 1u << 20;
  std::uint64_t ross_large_messages = 4'000'000;
  bool pipeline_messages_set = false;
  bool pipeline_small_messages_set = false;
  bool ross_messages_set = false;
  bool ross_large_messages_set = false;
  std::uint32_t processes = 1000;
  std::uint64_t messages = 2'000'000;
  std::uint32_t trace_processes = 64;
  std::uint64_t trace_messages = 1'000'000;
  std::uint64_t seed = 1;
  std::string trace_path = "/dev/null";
  std::uint64_t report_messages = 500'000;  // the clock report's run: 1M events
  std::uint64_t export_messages = 500'000;  // the exported run: 1M events
  std::string export_dir = "/tmp";
  std::uint64_t replay_messages = 5'000'000;  // the trace read back: 10M events
  std::string replay_path = "/tmp/hbsim-bench-replay.jsonl";
  std::uint64_t sweep_seeds = 1000;  // [9]
  std::string only;  // "" or one of parts
  int repeat = 3;    // timed comparisons: best of this many interleaved runs
  bool repeat_set = false;
  bool strict = false;
  bool messages_set = false;
  bool trace_messages_set = false;
  bool report_messages_set = false;
  bool export_messages_set = false;
  bool replay_messages_set = false;
  bool sweep_seeds_set = false;
};

inline constexpr std::string_view parts[] = {"default", "ross",   "hbsim",  "minimal", "trace", "memory",
                                             "check",   "report", "export", "replay",  "sweep"};

inline constexpr const char* usage_text =
    "usage: bench [--quick] [--callgrind] [--pipeline-messages N] [--pipeline-small-messages N] [--ross-messages N]\n"
    "             [--ross-large-messages N] [--messages N] [--processes N] [--trace-messages N]\n"
    "             [--trace-processes N] [--trace-path FILE] [--report-messages N] [--export-messages N]\n"
    "             [--export-dir DIR] [--replay-messages N] [--replay-path FILE] [--sweep-seeds N] [--seed N]\n"
    "             [--repeat N] [--only default|ross|hbsim|minimal|trace|memory|check|report|export|replay|sweep]\n"
    "             [--strict]\n"
    "  --quick            small sizes, a smoke run of under a minute\n"
    "  --callgrind        only count the instructions of hbsim run --one-thread (with and without\n"
    "                     --no-compare) on PHOLD, 64 processes, 200k messages, under valgrind's callgrind\n"
    "  --pipeline-messages N        [A] hbsim run on 1000 processes (default 250000)\n"
    "  --pipeline-small-messages N  [B] the same on 64 processes (default 1000000)\n"
    "  --ross-messages N        [C] Lamport + HLC on 1,024 processes (default 1000000)\n"
    "  --ross-large-messages N  [C] on 1,048,576 processes (default 4000000; --quick: 8,192 processes)\n"
    "  --messages N       PHOLD messages of the 1000-process runs (default 2000000; the memory\n"
    "                     comparison runs N/2 and 2N)\n"
    "  --processes N      processes of those runs (default 1000)\n"
    "  --trace-messages N, --trace-processes N   the traced run (default 1000000 messages, 64 processes)\n"
    "  --trace-path FILE  where the trace goes (default /dev/null)\n"
    "  --report-messages N   the clock report's run, with --trace-processes (default 500000: 1M events)\n"
    "  --export-messages N   the exported run, with --trace-processes (default 500000: 1M events)\n"
    "  --export-dir DIR      where the exports are written, then removed (default /tmp)\n"
    "  --replay-messages N   the trace read back, with --trace-processes (default 5000000: 10M events;\n"
    "                        the file takes about 950 bytes per event)\n"
    "  --replay-path FILE    where that trace is written, then removed (default /tmp/hbsim-bench-replay.jsonl)\n"
    "  --sweep-seeds N       [9] the sweep's seeds, 8 processes x 500 events each (default 1000; --quick: 100)\n"
    "  --repeat N         timed comparisons keep the best of N interleaved runs (default 3; --quick: 1)\n"
    "  --only PART        run one part, once (for profiling)\n"
    "  --strict           exit 1 when a target is not met\n";

inline bool parse_u64(std::string_view s, std::uint64_t& out) {
  const auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
  return ec == std::errc() && p == s.data() + s.size();
}

// The command line, an option at a time: the option's name and its value, if it takes one.
class option_reader {
 public:
  option_reader(int argc, char** argv) : argc_(argc), argv_(argv) {}

  bool next() { return ++i_ < argc_; }
  std::string_view name() const { return argv_[i_]; }

  /// The value, an integer in [min, max]; false after a message.
  bool number(std::uint64_t& out, std::uint64_t min, std::uint64_t max) {
    if (i_ + 1 >= argc_ || !parse_u64(argv_[i_ + 1], out) || out < min || out > max) {
      std::fprintf(stderr, "bench: %s needs an integer in [%llu, %llu]\n", std::string(name()).c_str(),
                   static_cast<unsigned long long>(min), static_cast<unsigned long long>(max));
      return false;
    }
    ++i_;
    return true;
  }
  /// The value, any text; false after "bench: NAME needs WHAT".
  bool text(std::string& out, const char* what) {
    if (i_ + 1 >= argc_) {
      std::fprintf(stderr, "bench: %s needs %s\n", std::string(name()).c_str(), what);
      return false;
    }
    out = argv_[++i_];
    return true;
  }
  /// The value, "" when the option is the last argument.
  std::string optional_text() { return i_ + 1 < argc_ ? argv_[++i_] : ""; }

 private:
  int argc_;
  char** argv_;
  int i_ = 0;
};

// The runs' message counts: the option, where it goes, whether it was given (--quick keeps given sizes),
// its largest value and its size with --quick.
struct message_option {
  std::string_view name;
  std::uint64_t options::*value;
  bool options::*given;
  std::uint64_t max;
  std::uint64_t quick;
};
inline constexpr std::uint64_t run_max = hbsim::limits::max_events / 2;
inline constexpr std::array<message_option, 10> message_options{{
    {"--pipeline-messages", &options::pipeline_messages, &options::pipeline_messages_set, run_max, 20'000},
    {"--pipeline-small-messages", &options::pipeline_small_messages, &options::pipeline_small_messages_set, run_max,
     100'000},
    {"--ross-messages", &options::ross_messages, &options::ross_messages_set, run_max, 50'000},
    {"--ross-large-messages", &options::ross_large_messages, &options::ross_large_messages_set, run_max, 50'000},
    {"--messages", &options::messages, &options::messages_set, hbsim::limits::max_events / 4, 100'000},
    {"--trace-messages", &options::trace_messages, &options::trace_messages_set, run_max, 100'000},
    {"--report-messages", &options::report_messages, &options::report_messages_set, run_max, 50'000},
    {"--export-messages", &options::export_messages, &options::export_messages_set, run_max, 50'000},
    {"--replay-messages", &options::replay_messages, &options::replay_messages_set, run_max, 100'000},
    {"--sweep-seeds", &options::sweep_seeds, &options::sweep_seeds_set, 10'000'000, 100},
}};

// The option `in` is at; false after a message.
inline bool parse_option(option_reader& in, options& o) {
  const std::string_view a = in.name();
  for (const message_option& m : message_options) {
    if (a != m.name) continue;
    if (!in.number(o.*m.value, 1, m.max)) return false;
    o.*m.given = true;
    return true;
  }
  std::uint64_t v = 0;
  if (a == "--quick") {
    o.quick = true;
  } else if (a == "--callgrind") {
    o.callgrind = true;
  } else if (a == "--strict") {
    o.strict = true;
  } else if (a == "--processes" || a == "--trace-processes") {
    if (!in.number(v, 1, hbsim::limits::processes)) return false;
    (a == "--processes" ? o.processes : o.trace_processes) = static_cast<std::uint32_t>(v);
  } else if (a == "--export-dir" || a == "--replay-path") {
    return in.text(a == "--export-dir" ? o.export_dir : o.replay_path, "a path");
  } else if (a == "--trace-path") {
    return in.text(o.trace_path, "a file");
  } else if (a == "--repeat") {
    if (!in.number(v, 1, 100)) return false;
    o.repeat = static_cast<int>(v);
    o.repeat_set = true;
  } else if (a == "--seed") {
    return in.number(o.seed, 0, ~std::uint64_t{0});
  } else if (a == "--only") {
    o.only = in.optional_text();
    if (std::find(std::begin(parts), std::end(parts), o.only) != std::end(parts)) return true;
    std::fprintf(stderr, "bench: --only needs one of default, ross, hbsim, minimal, trace, memory, check, report, export, "
                         "replay, sweep\n");
    return false;
  } else if (a == "--help" || a == "-h") {
    std::fputs(usage_text, stdout);
    std::exit(0);
  } else {
    std::fprintf(stderr, "bench: unknown option '%s'\n%s", std::string(a).c_str(), usage_text);
    return false;
  }
  return true;
}

// Smaller sizes with --quick, and a single run of a part asked for alone, unless given.
inline void apply_defaults(options& o) {
  if (o.quick) {
    for (const message_option& m : message_options)
      if (!(o.*m.given)) o.*m.value = m.quick;
    o.ross_large_processes = 8192;
    if (!o.repeat_set) o.repeat = 1;
  }
  if (!o.only.empty() && !o.repeat_set) o.repeat = 1;
}

inline bool parse_options(int argc, char** argv, options& o) {
  option_reader in(argc, argv);
  while (in.next())
    if (!parse_option(in, o)) return false;
  apply_defaults(o);
  return true;
}


}  // namespace bench
