// The wall time check and report take to re-judge a trace, printed in their results.
#pragma once

#include <chrono>
#include <ostream>

namespace hbsim::cli {

class stopwatch {
 public:
  double seconds() const { return std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count(); }

 private:
  std::chrono::steady_clock::time_point start_ = std::chrono::steady_clock::now();
};

// A blank line, then "wall       0.123 s".
void print_wall(std::ostream& out, double seconds);

}  // namespace hbsim::cli
