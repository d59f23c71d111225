#include "export_formats.hpp"
#include "hbsim/input_error.hpp"

namespace hbsim {

std::unique_ptr<exporter> make_graphml_exporter(std::string, const export_options&) {
  throw input_error("--to", "", "a format this build implements", "\"graphml\" (not written yet)");
}

}  // namespace hbsim
