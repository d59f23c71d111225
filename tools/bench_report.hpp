// hbsim_bench's report: numbers as the tables print them, rows, and the targets met or not.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <fstream>
#include <string>
#include <vector>

#include "bench_child.hpp"

namespace bench {

inline std::string group(double v) {  // 1234567.8 -> "1,234,568"
  std::string digits = std::to_string(static_cast<unsigned long long>(std::llround(v)));
  std::string out;
  for (std::size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (digits.size() - i) % 3 == 0) out += ',';
    out += digits[i];
  }
  return out;
}

inline std::string short_count(std::uint64_t v) {  // 2000000 -> "2M", 50000 -> "50k", 1500000 -> "1.5M"
  const auto scaled = [&](std::uint64_t unit, const char* suffix) {
    std::string text = std::to_string(v / unit);
    if (v % unit != 0) {
      text += '.';
      text += std::to_string((v % unit) * 10 / unit);
    }
    return text + suffix;
  };
  if (v >= 1'000'000 && v % 100'000 == 0) return scaled(1'000'000, "M");
  if (v >= 1'000 && v % 100 == 0) return scaled(1'000, "k");
  return std::to_string(v);
}

inline std::string fixed(double v, int decimals) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.*f", decimals, v);
  return buf;
}

inline std::string mib(long kb) { return fixed(static_cast<double>(kb) / 1024.0, 1); }

inline double per_second(std::uint64_t count, double seconds) {
  return seconds > 0 ? static_cast<double>(count) / seconds : 0.0;
}

inline double bytes_per_event(const result& r) {
  return r.events ? static_cast<double>(r.peak_kb - r.rss_start_kb) * 1024.0 / static_cast<double>(r.events) : 0;
}

inline void row(const std::string& name, const std::vector<std::string>& cells) {
  std::printf("  %-34s", name.c_str());
  for (const std::string& c : cells) std::printf("%16s", c.c_str());
  std::printf("\n");
}

inline void header_row(const std::string& title, const std::vector<std::string>& columns) {
  std::printf("\n%s\n", title.c_str());
  row("", columns);
}

struct verdicts {
  int met = 0;
  int not_met = 0;
  int failed = 0;
  void target(bool ok, const std::string& text) {
    std::printf("  target: %s: %s\n", text.c_str(), ok ? "MET" : "NOT MET");
    (ok ? met : not_met) += 1;
  }
  bool check(const result& r, const char* what) {
    if (r.ok) return true;
    std::printf("  %s FAILED: %s\n", what, r.error);
    ++failed;
    return false;
  }
};

inline void engine_rows(const std::vector<const result*>& rs) {
  auto cells = [&](auto f) {
    std::vector<std::string> out;
    for (const result* r : rs) out.push_back(f(*r));
    return out;
  };
  row("setup wall (s)", cells([](const result& r) { return fixed(r.setup_seconds, 3); }));
  row("run wall, best (s)", cells([](const result& r) { return fixed(r.run_seconds, 3); }));
  if (std::any_of(rs.begin(), rs.end(), [](const result* r) { return r->runs > 1; })) {
    row("run wall, slowest (s)", cells([](const result& r) { return fixed(r.slowest_seconds, 3); }));
    row("runs (interleaved)", cells([](const result& r) { return std::to_string(r.runs); }));
  }
  row("events", cells([](const result& r) { return group(static_cast<double>(r.events)); }));
  row("deliveries/s", cells([](const result& r) { return group(per_second(r.deliveries, r.run_seconds)); }));
  row("events/s", cells([](const result& r) { return group(per_second(r.events, r.run_seconds)); }));
  row("ns/event", cells([](const result& r) {
        return r.events ? fixed(r.run_seconds * 1e9 / static_cast<double>(r.events), 1) : std::string("-");
      }));
  row("RSS at child start (MiB)", cells([](const result& r) { return mib(r.rss_start_kb); }));
  row("RSS built, before run (MiB)", cells([](const result& r) { return mib(r.rss_built_kb); }));
  row("peak RSS, VmHWM (MiB)", cells([](const result& r) { return mib(r.peak_kb); }));
  row("peak - start (MiB)", cells([](const result& r) { return mib(r.peak_kb - r.rss_start_kb); }));
  row("peak - built: growth in run (MiB)", cells([](const result& r) { return mib(r.peak_kb - r.rss_built_kb); }));
  row("bytes/event ((peak - start)/events)", cells([](const result& r) { return fixed(bytes_per_event(r), 2); }));
  row("bytes/event ((peak - built)/events)", cells([](const result& r) {
        return r.events ? fixed(static_cast<double>(r.peak_kb - r.rss_built_kb) * 1024.0 / static_cast<double>(r.events), 2)
                        : std::string("-");
      }));
}

inline std::string load_average() {
  std::ifstream in("/proc/loadavg");
  std::string a, b, c;
  in >> a >> b >> c;
  return a + " " + b + " " + c;
}

}  // namespace bench
