// The export formats behind make_exporter (exporter.hpp), one file each: sim/export_<format>.cpp.
#pragma once

#include <memory>
#include <string>

#include "hbsim/views/exporter.hpp"

namespace hbsim {

std::unique_ptr<exporter> make_dot_exporter(std::string path, const export_options& options);
std::unique_ptr<exporter> make_graphml_exporter(std::string path, const export_options& options);
std::unique_ptr<exporter> make_json_exporter(std::string path, const export_options& options);
std::unique_ptr<exporter> make_shiviz_exporter(std::string path, const export_options& options);
std::unique_ptr<exporter> make_perfetto_exporter(std::string path, const export_options& options);
std::unique_ptr<exporter> make_svg_exporter(std::string path, const export_options& options);
std::unique_ptr<exporter> make_html_exporter(std::string path, const export_options& options);

}  // namespace hbsim
