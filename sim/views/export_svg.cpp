// `--to svg`: the space-time diagram as a standalone SVG file, events labelled with the first clock
// of --clocks.
#include <algorithm>

#include "views/export_formats.hpp"
#include "views/space_time_diagram.hpp"

namespace hbsim {

namespace {

class svg_exporter final : public diagram_exporter {
 public:
  svg_exporter(std::string path, const export_options& options) : diagram_exporter(std::move(path), options, "svg") {}

  void commit() override {
    check_size();
    const std::vector<shown_clock>& clocks = this->clocks();
    out_.write("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    out_.write(svg(std::span(clocks).first(std::min<std::size_t>(clocks.size(), 1))));
    out_.commit();
  }
};

}  // namespace

std::unique_ptr<exporter> make_svg_exporter(std::string path, const export_options& options) {
  return std::make_unique<svg_exporter>(std::move(path), options);
}

}  // namespace hbsim
