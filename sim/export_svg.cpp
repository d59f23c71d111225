#include "export_formats.hpp"
#include "hbsim/input_error.hpp"

namespace hbsim {

std::unique_ptr<exporter> make_svg_exporter(std::string, const export_options&) {
  throw input_error("--to", "", "a format this build implements", "\"svg\" (not written yet)");
}

}  // namespace hbsim
