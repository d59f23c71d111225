#include "wall_time.hpp"

#include <iomanip>

namespace hbsim::cli {

void print_wall(std::ostream& out, double seconds) {
  out << "\nwall       " << std::fixed << std::setprecision(3) << seconds << " s\n";
}

}  // namespace hbsim::cli
