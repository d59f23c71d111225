// The contexts through which behaviours and delivery layers act on a run (kernel/behaviour.hpp,
// kernel/delivery_policy.hpp): each call goes to the run's state.
#include "engine/simulation_state.hpp"

namespace hbsim {

std::string_view process_context::name() const { return sim_->s_->names[self_]; }
std::size_t process_context::process_count() const { return sim_->s_->procs.size(); }
std::string_view process_context::process_name(process_id p) const { return sim_->s_->names.at(p); }
sim_time process_context::now() const { return sim_->s_->now; }
sim_time process_context::clock() const { return sim_->s_->procs[self_].clock.read(sim_->s_->now); }
bool process_context::is_up() const { return sim_->s_->procs[self_].up; }
random_stream& process_context::rng() { return sim_->s_->procs[self_].rng; }

event_id process_context::local(std::string_view label) {
  auto& s = *sim_->s_;
  return s.local(self_, s.intern(label));
}

event_id process_context::send(process_id to, std::string_view label) { return send(std::span(&to, 1), label); }

event_id process_context::send(std::span<const process_id> to, std::string_view label) {
  return sim_->s_->send(self_, to, label);
}

event_id process_context::commit(std::string_view label) { return sim_->s_->commit(self_, label); }

event_id process_context::broadcast(std::string_view label) {
  auto& s = *sim_->s_;
  std::vector<process_id> to;
  for (process_id p = 0; p < s.procs.size(); ++p)
    if (p != self_) to.push_back(p);
  return s.send(self_, to, s.intern(label));
}

event_id process_context::data(const data_action& a, std::string_view label) {
  auto& s = *sim_->s_;
  if (!s.data) throw std::logic_error("hbsim: a put, get or sync in a run without data");
  return s.data->perform(*this, a, label);
}

event_id process_context::ntp(const ntp_request& r) {
  auto& s = *sim_->s_;
  if (!s.ntp) throw std::logic_error("hbsim: an NTP exchange in a run without NTP");
  process_context own(*sim_, self_, s.ntp_behaviour);
  return s.ntp->start(own, r);
}

timer_handle process_context::set_timer(sim_time delay, std::uint64_t token) {
  return sim_->s_->set_timer(self_, behaviour_, delay, token);
}

void process_context::cancel_timer(timer_handle t) { sim_->s_->cancel_timer(t); }

sim_time delivery_context::now() const { return sim_->s_->now; }
void delivery_context::deliver(const arrived_copy& c, bool ordered) { sim_->s_->deliver(c.handle, layer_, ordered); }
void delivery_context::deliver_in_turn(const arrived_copy& c) { sim_->s_->deliver(c.handle, layer_, true, true); }

void delivery_context::hold(const arrived_copy& c, const hold_reason& why) {
  const hold_record r{c.message, c.from, c.to, now(), &why};
  sim_->s_->notify([&](event_observer& o) { o.on_hold(r); });
}

event_id delivery_context::send(std::span<const process_id> to, std::string_view label) {
  return sim_->s_->send(self_, to, label);
}

}  // namespace hbsim
