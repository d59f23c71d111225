#include "hbsim/clocks/clock_set.hpp"

#include "hbsim/clocks/clock_registry.hpp"
#include "hbsim/clocks/stamp_index.hpp"

namespace hbsim {

bool logical_config::standard() const {
  return std::equal(clocks.begin(), clocks.end(), std::begin(standard_clock_names), std::end(standard_clock_names));
}

namespace {
template <class Clock>
Clock* keep(std::vector<std::unique_ptr<logical_clock>>& clocks, std::unique_ptr<Clock> c) {
  Clock* raw = c.get();
  clocks.push_back(std::move(c));
  return raw;
}
}  // namespace

clock_set::clock_set(std::size_t processes, const logical_config& config) {
  if (config.has("lamport")) lamport_ = keep(clocks_, std::make_unique<lamport_clock>(processes, config.lamport));
  if (config.has("vector")) vector_ = keep(clocks_, std::make_unique<vector_clock>(processes, config.vector, config.vector_opts));
  if (config.has("hlc"))
    hlc_ = keep(clocks_, std::make_unique<hybrid_logical_clock>(processes, config.hlc, config.hlc_max_offset));
  for (const chosen_clock& c : config.extra) clocks_.push_back(c.make(processes));
  extra_ = config.extra.size();
  const stamp_index index(config);
  for (const std::size_t k : {index.lamport, index.vector, index.hlc})
    if (k != stamp_index::none) place_.push_back(k);
  place_.insert(place_.end(), index.extra.begin(), index.extra.end());
  stamps_.resize(clocks_.size());
  for (auto& c : clocks_) {
    if (c->reads_true_time()) timed_.push_back(c.get());
    if (const auto* tt = dynamic_cast<const truetime_clock*>(c.get())) truetime_ = &tt->options();
  }
}

void clock_set::tick(process_id p, event_kind kind, sim_time pt) {
  for (auto& c : clocks_) c->tick(p, kind, pt);
}
void clock_set::receive(process_id p, message_slot slot, sim_time pt) {
  for (auto& c : clocks_) c->receive(p, slot, pt);
}
void clock_set::prefetch(process_id p, message_slot slot) const {
  for (const auto& c : clocks_) c->prefetch(p, slot);
}
void clock_set::capture(process_id p, message_slot slot) {
  for (auto& c : clocks_) c->capture(p, slot);
}
void clock_set::address(process_id p, message_slot slot, std::span<const process_id> to) {
  for (auto& c : clocks_) c->address(p, slot, to);
}
bool clock_set::accepts(process_id p, message_slot slot, sim_time pt) const {
  for (auto& c : clocks_)
    if (!c->accepts(p, slot, pt)) return false;
  return true;
}
void clock_set::at_time(process_id p, sim_time t, sim_time last_sync) {
  for (logical_clock* c : timed_) c->at_time(p, t, last_sync);
}
void clock_set::reserve_slots(std::size_t count) {
  for (auto& c : clocks_) c->reserve_slots(count);
}
void clock_set::checkpoint(process_id p) {
  for (auto& c : clocks_) c->checkpoint(p);
}
void clock_set::restore(process_id p) {
  for (auto& c : clocks_) c->restore(p);
}
void clock_set::reset(process_id p) {
  for (auto& c : clocks_) c->reset(p);
}
void clock_set::describe(process_id p, event_record& record) {
  for (std::size_t i = 0; i < clocks_.size(); ++i) {
    clocks_[i]->describe(p, record);
    stamps_[place_[i]] = clocks_[i]->stamp(p);
  }
  record.stamps = stamps_;
}

}  // namespace hbsim
