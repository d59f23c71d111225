#include "hbsim/engine/builtin_behaviours.hpp"

#include "hbsim/engine/simulation.hpp"

namespace hbsim {

event_id perform(process_context& ctx, const action& a, process_id sender) {
  switch (a.kind) {
    case action_kind::local: return ctx.local(a.label);
    case action_kind::broadcast: return ctx.broadcast(a.label);
    case action_kind::send:
      if (a.to_sender) return ctx.send(sender, a.label);
      return ctx.send(a.to, a.label);
    case action_kind::put:
    case action_kind::get: return ctx.data(a.data, a.label);
    case action_kind::sync:
      if (a.to_sender) {
        data_action reply = a.data;
        reply.to = {sender};
        return ctx.data(reply, a.label);
      }
      return ctx.data(a.data, a.label);
    case action_kind::ntp: return ctx.ntp(a.ntp);
    case action_kind::commit: return ctx.commit(a.label);
  }
  return 0;
}

process_id pick_other(random_stream& rng, process_id self, std::size_t processes) {
  if (processes < 2) return self;
  const auto r = static_cast<process_id>(rng.below(processes - 1));
  return r >= self ? r + 1 : r;
}

script_behaviour::script_behaviour(simulation& sim, const std::vector<script_action>& actions, std::size_t index)
    : sim_(&sim), actions_(&actions), index_(index) {
  for (std::size_t i = 0; i < actions.size(); ++i) {
    remaining_.push_back(actions[i].repeat_count);
    if (actions[i].after) {
      after_.push_back(i);
      trackers_.emplace_back(*actions[i].after);
    }
  }
}

void script_behaviour::on_start(process_context& ctx) {
  for (std::size_t i = 0; i < actions_->size(); ++i) {
    const script_action& a = (*actions_)[i];
    if (a.process == ctx.self() && a.at) ctx.set_timer(*a.at - ctx.now(), i);
  }
}

void script_behaviour::on_timer(process_context& ctx, std::uint64_t i) {
  const script_action& a = (*actions_)[i];
  perform(ctx, a.what);
  if (--remaining_[i] > 0) ctx.set_timer(a.repeat_every, i);
}

void script_behaviour::on_event(const event_record& e) {
  for (std::size_t k = 0; k < after_.size(); ++k) {
    if (!trackers_[k].offer(e)) continue;
    const script_action& a = (*actions_)[after_[k]];
    process_context(*sim_, a.process, index_).set_timer(a.delay, after_[k]);
  }
}

std::pair<std::string, std::string> script_behaviour::unsound_reference(std::span<const std::string> names) const {
  for (std::size_t k = 0; k < after_.size(); ++k)
    if (!trackers_[k].sound()) return {(*actions_)[after_[k]].path + "/after", trackers_[k].problem(names)};
  return {};
}

void reactive_rules::on_receive(process_context& ctx, const delivered_message& m) {
  for (std::size_t i = 0; i < rules_->size(); ++i) {
    const reactive_rule& r = (*rules_)[i];
    if ((r.process && *r.process != ctx.self()) || (r.label && *r.label != m.label)) continue;
    if (r.delay == 0)
      perform(ctx, r.what, m.from);
    else
      ctx.set_timer(r.delay, (std::uint64_t{i} << 32) | m.from);  // rule and sender in one token
  }
}

void reactive_rules::on_timer(process_context& ctx, std::uint64_t token) {
  perform(ctx, (*rules_)[token >> 32].what, static_cast<process_id>(token & 0xffffffffu));
}

void random_workload::on_start(process_context& ctx) {
  if (g_.events > 0) ctx.set_timer(g_.interval.sample_delay(ctx.rng()), 0);
}

void random_workload::on_timer(process_context& ctx, std::uint64_t done) {
  random_stream& rng = ctx.rng();
  if (ctx.process_count() > 1 && rng.chance(g_.send_ratio))
    ctx.send(pick_other(rng, ctx.self(), ctx.process_count()), "gen-send");
  else
    ctx.local("gen-local");
  if (done + 1 < g_.events) ctx.set_timer(g_.interval.sample_delay(rng), done + 1);
}

void phold_workload::on_start(process_context& ctx) {
  for (std::uint64_t i = 0; i < g_.population; ++i) ctx.set_timer(g_.think.sample_delay(ctx.rng()), 0);
}

void phold_workload::on_receive(process_context& ctx, const delivered_message&) {
  ctx.set_timer(g_.think.sample_delay(ctx.rng()), 0);
}

void phold_workload::on_timer(process_context& ctx, std::uint64_t) {
  if (sends_left_ == 0) return;
  random_stream& rng = ctx.rng();
  const process_id to = rng.chance(g_.remote) ? pick_other(rng, ctx.self(), ctx.process_count()) : ctx.self();
  if (ctx.send(to, "phold") != 0) --sends_left_;
}

}  // namespace hbsim
