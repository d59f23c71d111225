#include "hbsim/views/explained_stamps.hpp"

#include <algorithm>
#include <stdexcept>
#include <string>
#include <utility>

#include "hbsim/scenario/scenario.hpp"

namespace hbsim {

namespace {

// hbsim check judges the data invariants; an explanation reads only the writes' causality.
class unreported final : public clock_findings {
 public:
  void violated(std::size_t, const std::function<std::string()>&) override {}
};

}  // namespace

explained_stamps::explained_stamps(std::optional<std::vector<event_id>> wanted) : wanted_(std::move(wanted)) {
  if (wanted_) std::sort(wanted_->begin(), wanted_->end());
}
explained_stamps::~explained_stamps() = default;

void explained_stamps::on_start(const run_header& h) {
  config_ = h.source != nullptr ? h.source->logical : logical_config{};
  times_ = !h.vectors_only;
  if (h.vectors_only) config_.clocks = {"vector"};
  places_ = stamp_index(config_);
  processes_ = h.process_names.size();
  fresh_.clear();
  fresh_.resize(config_.extra.size());
  stamps_.clear();
  names_.assign(h.process_names.begin(), h.process_names.end());
  writes_.reset();
}

void explained_stamps::on_event(const event_record& e) {
  if (e.data) {
    if (!writes_) writes_ = std::make_unique<data_judge>(names_);
    unreported ignored;
    writes_->judge(e, ignored);
  }
  if (config_.extra.empty() || (wanted_ && !std::binary_search(wanted_->begin(), wanted_->end(), e.id))) return;
  std::vector<std::vector<std::uint64_t>>& kept = stamps_[e.id];
  for (const std::size_t k : places_.extra) kept.emplace_back(e.stamps[k].begin(), e.stamps[k].end());
}

explained_clocks explained_stamps::clocks() const {
  return {times_, config_.shown(), config_.extra.empty() ? nullptr : this, writes_.get()};
}

stamp_words explained_stamps::stamp(std::size_t k, event_id e, process_id p) const {
  if (e == 0) {
    std::unique_ptr<logical_clock>& fresh = fresh_.at(k);
    if (!fresh) fresh = config_.extra[k].make(processes_);
    return fresh->stamp(p);
  }
  const auto it = stamps_.find(e);
  if (it == stamps_.end() || k >= it->second.size())
    throw std::out_of_range("explained_stamps: event " + std::to_string(e) + " was not kept");
  return it->second[k];
}

}  // namespace hbsim
