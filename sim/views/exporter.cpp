#include "hbsim/views/exporter.hpp"

#include "hbsim/scenario/scenario.hpp"

#include <algorithm>
#include <array>
#include <stdexcept>

#include "hbsim/core/input_error.hpp"
#include "hbsim/core/json_text.hpp"
#include "hbsim/truth/causality.hpp"
#include "views/data_marks.hpp"
#include "views/export_formats.hpp"

namespace hbsim {

namespace {

constexpr std::array<std::string_view, 3> clock_names{"lamport", "vector", "hlc"};

struct format_entry {
  std::string_view name;
  std::unique_ptr<exporter> (*make)(std::string, const export_options&);
};
constexpr std::array<format_entry, 7> formats{{
    {"dot", make_dot_exporter},
    {"graphml", make_graphml_exporter},
    {"json", make_json_exporter},
    {"shiviz", make_shiviz_exporter},
    {"perfetto", make_perfetto_exporter},
    {"svg", make_svg_exporter},
    {"html", make_html_exporter},
}};
constexpr std::array<std::string_view, formats.size()> format_names = [] {
  std::array<std::string_view, formats.size()> n{};
  for (std::size_t i = 0; i < formats.size(); ++i) n[i] = formats[i].name;
  return n;
}();

}  // namespace

exporter::exporter(export_options options) : options_(std::move(options)) {}
exporter::~exporter() = default;

std::string_view to_string(export_clock c) { return clock_names[static_cast<std::size_t>(c)]; }

bool exporter::shows(export_clock c) const {
  return std::any_of(clocks_.begin(), clocks_.end(), [&](const shown_clock& s) { return s.standard == c; });
}

std::vector<std::string> parse_clocks(std::string_view text, std::span<const std::string> kinds,
                                      const std::string& origin) {
  if (text == "all") return {};
  const std::vector<std::string_view> known(kinds.begin(), kinds.end());
  std::vector<std::string> out;
  while (true) {
    const std::size_t comma = text.find(',');
    const std::string_view name = text.substr(0, comma);
    if (std::find(known.begin(), known.end(), name) == known.end())
      throw input_error(origin, "", "clock names separated by commas (" + join_names(known) + ") or \"all\"",
                        quoted_excerpt(name),
                        name == "all" ? "\"all\" stands alone: it names them all" : did_you_mean(name, known));
    if (std::find(out.begin(), out.end(), name) == out.end()) out.emplace_back(name);
    if (comma == std::string_view::npos) break;
    text.remove_prefix(comma + 1);
  }
  return out;
}

// The clocks chosen, or all the run's; one the run does not have is refused, naming those it has.
void exporter::choose_clocks(const run_header& h) {
  const logical_config run = h.source ? h.source->logical : logical_config{};
  const std::vector<std::string>& wanted = options_.clocks.empty() ? run.clocks : options_.clocks;
  places_ = stamp_index(run);
  clocks_.clear();
  for (const std::string& name : wanted) {
    if (!run.has(name)) {
      const std::vector<std::string_view> has(run.clocks.begin(), run.clocks.end());
      throw input_error("--clocks", "", "clocks of the run (" + join_names(has) + ") or \"all\"", quoted_excerpt(name));
    }
    shown_clock c{name, std::nullopt, nullptr, static_cast<std::size_t>(std::find(run.clocks.begin(), run.clocks.end(), name) - run.clocks.begin())};
    if (const auto* it = std::find(clock_names.begin(), clock_names.end(), name); it != clock_names.end())
      c.standard = static_cast<export_clock>(it - clock_names.begin());
    for (std::size_t k = 0; k < run.extra.size(); ++k)
      if (run.extra[k].kind->name() == name) c = {name, std::nullopt, run.extra[k].kind.get(), places_.extra[k]};
    clocks_.push_back(std::move(c));
  }
}

void exporter::on_start(const run_header& h) {
  if (!truth_) throw std::logic_error("exporter: give it the ground truth of the run (read) before it starts");
  choose_clocks(h);
  run_names_.assign(h.process_names.begin(), h.process_names.end());
  sends_.clear();
  shown_.clear();
  data_.reset();
  data_mark_.reset();
  if (!options_.processes.empty()) {
    shown_.assign(h.process_names.size(), false);
    for (const std::string& name : options_.processes) {
      const auto it = std::find(h.process_names.begin(), h.process_names.end(), name);
      if (it == h.process_names.end()) {
        std::vector<std::string_view> names(h.process_names.begin(), h.process_names.end());
        throw input_error("--processes", "", "names of the run's processes (" + join_names(names) + ")",
                          quoted_excerpt(name), did_you_mean(name, names));
      }
      shown_[static_cast<std::size_t>(it - h.process_names.begin())] = true;
    }
  }
  start(h);
}

bool exporter::send_selected() const {
  const causality::send_slot slot = truth_->slot();
  return slot != causality::no_slot && sends_[slot] != 0;
}

void exporter::on_event(const event_record& e) {
  if (truth_->latest() != e.id)
    throw std::logic_error("exporter: observe the run with its causality first, then the exporter");
  const bool selected = shown(e.process) && (!options_.from || e.time >= *options_.from) &&
                        (!options_.to || e.time <= *options_.to);
  if (truth_->sent_slot() != causality::no_slot) {
    if (sends_.size() < truth_->slots()) sends_.resize(truth_->slots());
    sends_[truth_->sent_slot()] = selected ? e.id : 0;
  }
  data_mark_.reset();
  if (e.data) {
    if (!data_) data_ = std::make_unique<data_marks>(run_names_);
    data_mark_ = std::make_unique<data_mark>(data_->read(e));
  }
  if (!selected) return;
  if (message_arrived(e.kind) && !send_selected()) {
    event_record r = e;
    r.send_event = 0;
    event(r);
    return;
  }
  event(e);
}

void exporter::on_drop(const drop_record& d) {
  if (options_.to && d.time > *options_.to) return;  // after the window, as an event then would be
  const causality::send_slot slot = truth_->dropped();
  if (slot != causality::no_slot && sends_[slot] != 0) drop(d, sends_[slot]);
}

void exporter::on_fault(const fault_record& f) {
  if (options_.to && f.time > *options_.to) return;
  if (options_.from && f.end >= 0 && f.end < *options_.from) return;
  fault(f);
}

void exporter::on_finish(const run_end& end) { finish(end); }

std::span<const std::string_view> export_formats() { return format_names; }

std::unique_ptr<exporter> make_exporter(std::string_view format, std::string path, const export_options& options,
                                        std::string_view option) {
  for (const format_entry& f : formats)
    if (f.name == format) return f.make(std::move(path), options);
  throw input_error(std::string(option), "", "an export format (" + join_names(format_names) + ")", quoted_excerpt(format),
                    did_you_mean(format, format_names));
}

}  // namespace hbsim
