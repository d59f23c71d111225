#include "hbsim/clocks/clock_set.hpp"

namespace hbsim {

clock_set::clock_set(std::size_t processes, const logical_config& config) {
  auto lamport = std::make_unique<lamport_clock>(processes, config.lamport);
  auto vector = std::make_unique<vector_clock>(processes, config.vector);
  auto hlc = std::make_unique<hybrid_logical_clock>(processes, config.hlc, config.hlc_max_offset);
  lamport_ = lamport.get();
  vector_ = vector.get();
  hlc_ = hlc.get();
  clocks_.push_back(std::move(lamport));
  clocks_.push_back(std::move(vector));
  clocks_.push_back(std::move(hlc));
}

void clock_set::add(std::unique_ptr<logical_clock> clock) {
  clock->reserve_slots(slots_);
  clocks_.push_back(std::move(clock));
}

void clock_set::tick(process_id p, event_kind kind, sim_time pt) {
  for (auto& c : clocks_) c->tick(p, kind, pt);
}
void clock_set::receive(process_id p, message_slot slot, sim_time pt) {
  for (auto& c : clocks_) c->receive(p, slot, pt);
}
void clock_set::capture(process_id p, message_slot slot) {
  for (auto& c : clocks_) c->capture(p, slot);
}
bool clock_set::accepts(process_id p, message_slot slot, sim_time pt) const {
  for (auto& c : clocks_)
    if (!c->accepts(p, slot, pt)) return false;
  return true;
}
void clock_set::reserve_slots(std::size_t count) {
  slots_ = count;
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
void clock_set::describe(process_id p, event_record& record) const {
  for (auto& c : clocks_) c->describe(p, record);
}

}  // namespace hbsim
