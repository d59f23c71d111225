#include "kernel/ntp_exchanges.hpp"

#include <limits>

namespace hbsim {

namespace {

constexpr std::uint64_t periodic_token = std::numeric_limits<std::uint64_t>::max();
constexpr unsigned sample_bits = 16;  // a timeout's token: the exchange's serial, then the sample (samples ≤ 65535)

}  // namespace

ntp_exchanges::ntp_exchanges(std::vector<std::optional<ntp_sync>> syncs, clock_of clocks)
    : syncs_(std::move(syncs)), clocks_(std::move(clocks)), clients_(syncs_.size()) {}

ntp_exchanges::sample* ntp_exchanges::find(const sample_ref& r) {
  exchange& x = clients_[r.client];
  if (!x.running || x.serial != r.serial || r.sample >= x.samples.size()) return nullptr;
  return &x.samples[r.sample];
}

event_id ntp_exchanges::start(process_context& ctx, const ntp_request& r) {
  exchange& x = clients_[ctx.self()];
  forget(x);
  ctx.cancel_timer(x.timeout);
  x.request = r;
  ++x.serial;
  x.samples.clear();
  x.best.reset();
  x.answered = 0;
  x.running = true;
  return send_sample(ctx);
}

event_id ntp_exchanges::send_sample(process_context& ctx) {
  exchange& x = clients_[ctx.self()];
  x.samples.emplace_back();
  making_ = making::request;
  making_for_ = {ctx.self(), x.serial, x.samples.size() - 1};
  const event_id id = ctx.send(x.request.server, "ntp:req");
  making_ = making::nothing;
  if (id == 0) {  // the client is down: the exchange ends with nothing to apply
    forget(x);
    return 0;
  }
  x.timeout = ctx.set_timer(x.request.timeout, (x.serial << sample_bits) | (x.samples.size() - 1));
  return id;
}

void ntp_exchanges::forget(exchange& x) {
  for (const sample& s : x.samples) {
    requests_.erase(s.request);
    responses_.erase(s.response);
  }
  x.running = false;
}

const ntp_note* ntp_exchanges::on_event(const event_record& e) {
  if (making_ == making::request || making_ == making::response) {
    sample& s = *find(making_for_);
    if (making_ == making::request) {
      s.t1 = e.pt;
      s.true_t1 = e.time;
      s.request = e.messages.front().id;
      requests_[s.request] = making_for_;
    } else {
      s.t3 = e.pt;
      s.true_t3 = e.time;
      s.response = e.messages.front().id;
      responses_[s.response] = making_for_;
    }
    return nullptr;
  }
  if (making_ == making::timeout) return finish(e.process, e.time);
  if (e.kind != event_kind::receive) return nullptr;
  if (auto it = requests_.find(e.message); it != requests_.end()) {
    sample& s = *find(it->second);
    if (s.request_received == 0) {
      s.t2 = e.pt;
      s.true_t2 = e.time;
      s.request_received = e.id;
      due_at_ = e.id;
      due_ = it->second;
    }
    return nullptr;
  }
  const auto it = responses_.find(e.message);
  if (it == responses_.end()) return nullptr;
  const sample_ref r = it->second;
  exchange& x = clients_[r.client];
  sample& s = x.samples[r.sample];
  if (s.answered || r.sample + 1 != x.samples.size()) return nullptr;  // a duplicate, or late: its sample timed out
  s.t4 = e.pt;
  s.true_t4 = e.time;
  s.true_offset = clocks_(x.request.server).read(e.time) - e.pt;
  s.answered = true;
  ++x.answered;
  answered_at_ = e.id;
  if (!x.best || ntp_delay(s.t1, s.t2, s.t3, s.t4) < ntp_delay(x.samples[*x.best].t1, x.samples[*x.best].t2,
                                                             x.samples[*x.best].t3, x.samples[*x.best].t4))
    x.best = r.sample;
  if (x.samples.size() < x.request.samples) {
    due_at_ = e.id;
    due_ = r;
    return nullptr;
  }
  return finish(r.client, e.time);
}

// Keeps the sample of least δ (the first of equals) and applies its θ to the client's clock now.
const ntp_note* ntp_exchanges::finish(process_id client, sim_time now) {
  exchange& x = clients_[client];
  note_ = ntp_note{};
  note_.samples = x.request.samples;
  note_.answered = x.answered;
  note_.apply = x.request.apply;
  if (x.best) {
    const sample& s = x.samples[*x.best];
    note_.t1 = s.t1;
    note_.t2 = s.t2;
    note_.t3 = s.t3;
    note_.t4 = s.t4;
    note_.offset = ntp_offset(s.t1, s.t2, s.t3, s.t4);
    note_.delay = ntp_delay(s.t1, s.t2, s.t3, s.t4);
    note_.true_offset = s.true_offset;
    note_.true_t1 = s.true_t1;
    note_.true_t2 = s.true_t2;
    note_.true_t3 = s.true_t3;
    note_.true_t4 = s.true_t4;
    physical_clock& c = clocks_(client);
    if (x.request.apply == ntp_apply::step) c.step(now, note_.offset);
    if (x.request.apply == ntp_apply::slew) c.slew(now, note_.offset);
  }
  forget(x);
  return &note_;
}

void ntp_exchanges::on_start(process_context& ctx) {
  if (const auto& sync = syncs_[ctx.self()]) ctx.set_timer(sync->every, periodic_token);
}

void ntp_exchanges::on_receive(process_context& ctx, const delivered_message& m) {
  if (m.receive_event == answered_at_) ctx.cancel_timer(clients_[ctx.self()].timeout);
  if (m.receive_event != due_at_) return;
  due_at_ = 0;
  if (due_.client != ctx.self()) {  // the server answers
    sample* s = find(due_);
    if (!s) return;
    making_ = making::response;
    making_for_ = due_;
    ctx.send(m.from, "ntp:resp");
    making_ = making::nothing;
  } else if (find(due_)) {
    send_sample(ctx);
  }
}

void ntp_exchanges::on_timer(process_context& ctx, std::uint64_t token) {
  if (token == periodic_token) {
    const ntp_sync& sync = *syncs_[ctx.self()];
    start(ctx, sync);
    // The next multiple of `every`, whenever this one ran (a pause defers timers).
    ctx.set_timer((ctx.now() / sync.every + 1) * sync.every - ctx.now(), periodic_token);
    return;
  }
  const sample_ref r{ctx.self(), token >> sample_bits, static_cast<std::size_t>(token & ((1u << sample_bits) - 1))};
  exchange& x = clients_[ctx.self()];
  const sample* s = find(r);
  if (!s || s->answered || r.sample + 1 != x.samples.size()) return;
  if (x.samples.size() < x.request.samples) {  // lost: on to the next sample
    send_sample(ctx);
    return;
  }
  making_ = making::timeout;
  making_for_ = r;
  if (ctx.local("ntp:timeout") == 0) forget(x);
  making_ = making::nothing;
}

}  // namespace hbsim
