// bench --callgrind: the instructions `hbsim run` takes on issue 11's PHOLD (64 processes, 200k messages),
// judged on one thread, with and without --no-compare, counted by valgrind's callgrind (total Ir). Unlike
// timings, which move by tens of percent on a shared machine, these counts stay put from run to run.
// Valgrind hides the CPU's SHA extensions from OpenSSL, whose SHA-256 then takes many more instructions
// than it does natively: libcrypto's share is printed apart, from callgrind_annotate.
#pragma once

#include <unistd.h>

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <string>

#include "bench_options.hpp"
#include "bench_pipeline.hpp"
#include "bench_report.hpp"

namespace bench {

inline constexpr std::uint32_t callgrind_processes = 64;
inline constexpr std::uint64_t callgrind_messages = 200'000;

// callgrind's total instructions, from the "summary:" (or "totals:") line of its output file; 0 if none.
inline std::uint64_t callgrind_total(const std::string& path) {
  std::ifstream in(path);
  std::string line;
  while (std::getline(in, line))
    for (const std::string key : {"summary: ", "totals: "})
      if (line.rfind(key, 0) == 0) return std::strtoull(line.c_str() + key.size(), nullptr, 10);
  return 0;
}

inline std::string quoted(const std::string& s) {  // for sh -c: single quotes, ' as '\''
  std::string out = "'";
  for (const char c : s) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return out + "'";
}

// Instructions in libcrypto (the trace's SHA-256), summed from callgrind_annotate's per-function lines
// ("2,319,453,490 (69.96%)  ???:0x29ad80 [/usr/lib/.../libcrypto.so.3]"); 0 when it cannot be run.
inline std::uint64_t libcrypto_total(const std::string& path) {
  FILE* in = ::popen(("callgrind_annotate --auto=no --threshold=100 " + quoted(path) + " 2>/dev/null").c_str(), "r");
  if (!in) return 0;
  std::uint64_t total = 0;
  char line[4096];
  while (std::fgets(line, sizeof line, in)) {
    if (!std::strstr(line, "libcrypto") || std::strstr(line, "PROGRAM TOTALS")) continue;
    std::uint64_t v = 0;
    const char* p = line;
    while (*p == ' ') ++p;
    for (; (*p >= '0' && *p <= '9') || *p == ','; ++p)
      if (*p != ',') v = 10 * v + static_cast<std::uint64_t>(*p - '0');
    total += v;
  }
  ::pclose(in);
  return total;
}

// The hbsim binary built beside this bench.
inline std::string hbsim_beside_bench() {
  return (std::filesystem::read_symlink("/proc/self/exe").parent_path() / "hbsim").string();
}

// 0 when both counts were taken, else 3 (valgrind missing, or a run failed).
inline int callgrind_counts(const options& o) {
  namespace fs = std::filesystem;
  const fs::path dir = fs::temp_directory_path() / ("hbsim-bench-callgrind-" + std::to_string(::getpid()));
  fs::create_directories(dir);
  const std::string scenario = (dir / "phold.json").string();
  std::ofstream(scenario) << phold_json(pipeline_phold(callgrind_processes, callgrind_messages, o.seed)) << "\n";
  const std::string hbsim = hbsim_beside_bench();
  std::printf("callgrind: hbsim run on issue 11's PHOLD, %u processes, %s messages, Lamport + vector + HLC\n"
              "(%s, scenario written to %s, removed after)\n",
              callgrind_processes, short_count(callgrind_messages).c_str(), hbsim.c_str(), scenario.c_str());
  int code = 0;
  std::uint64_t counts[2] = {}, sha[2] = {};
  const char* flags[2] = {"--one-thread", "--one-thread --no-compare"};
  for (int i = 0; i < 2; ++i) {
    const std::string out = (dir / ("callgrind.out." + std::to_string(i))).string();
    const std::string command = "valgrind --tool=callgrind --callgrind-out-file=" + quoted(out) + " " + quoted(hbsim) +
                                " run " + quoted(scenario) + " " + flags[i] + " >/dev/null 2>" +
                                quoted((dir / "valgrind.log").string());
    std::fflush(stdout);
    const int rc = std::system(command.c_str());
    counts[i] = callgrind_total(out);
    if (rc != 0 || counts[i] == 0) {
      std::printf("  hbsim run %s: FAILED (exit status %d; valgrind installed? see %s)\n", flags[i], rc,
                  (dir / "valgrind.log").string().c_str());
      code = 3;
      continue;
    }
    sha[i] = libcrypto_total(out);
    std::printf("  %-40s%16s Ir, of which libcrypto (SHA-256) %s (%.1f%%)\n",
                ("hbsim run " + std::string(flags[i])).c_str(), group(static_cast<double>(counts[i])).c_str(),
                group(static_cast<double>(sha[i])).c_str(),
                100.0 * static_cast<double>(sha[i]) / static_cast<double>(counts[i]));
  }
  if (code != 0) return code;
  const double all = static_cast<double>(counts[0]), compare = all - static_cast<double>(counts[1]);
  const double deliveries = static_cast<double>(callgrind_messages);
  std::printf("  %-40s%16s Ir (%.1f%%)\n", "the clock comparison", group(std::max(0.0, compare)).c_str(),
              100.0 * compare / all);
  std::printf("  %-40s%16s Ir; %s without libcrypto\n", "per delivery, hbsim run --one-thread",
              group(all / deliveries).c_str(), group((all - static_cast<double>(sha[0])) / deliveries).c_str());
  fs::remove_all(dir);
  return 0;
}

}  // namespace bench
