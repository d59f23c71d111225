#include "export_formats.hpp"
#include "hbsim/input_error.hpp"

namespace hbsim {

std::unique_ptr<exporter> make_shiviz_exporter(std::string, const export_options&) {
  throw input_error("--to", "", "a format this build implements", "\"shiviz\" (not written yet)");
}

}  // namespace hbsim
