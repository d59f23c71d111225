// NTP exchanges as simulated messages (FORMAT.md, NTP). One behaviour on every process: a client
// sends `ntp:req` to its server, the server answers each request with `ntp:resp` at once, samples one
// after the other; the exchange ends at the client's receive of the last sample's response (or, when
// that never comes, at its local event `ntp:timeout`), which keeps the sample of least δ, applies its
// θ and carries the note. The readings T1..T4 are the pt of those events: the kernel shows this
// behaviour each event as it is stamped (on_event), before the observers.
#pragma once

#include <functional>
#include <map>
#include <optional>
#include <span>
#include <vector>

#include "hbsim/kernel/behaviour.hpp"
#include "hbsim/kernel/ntp_note.hpp"
#include "hbsim/kernel/physical_clock.hpp"

namespace hbsim {

class ntp_exchanges final : public behaviour {
 public:
  using clock_of = std::function<physical_clock&(process_id)>;
  /// `syncs`: each process's periodic exchanges, if any.
  ntp_exchanges(std::vector<std::optional<ntp_sync>> syncs, clock_of clocks);

  /// Starts an exchange of the context's process (it abandons one in progress): the first request's id.
  event_id start(process_context& ctx, const ntp_request& r);
  /// As each event is stamped: the note of the exchange it ends, or null (valid until the next call).
  const ntp_note* on_event(const event_record& e);

  void on_start(process_context& ctx) override;
  void on_receive(process_context& ctx, const delivered_message& m) override;
  void on_timer(process_context& ctx, std::uint64_t token) override;

 private:
  struct sample {
    sim_time t1 = 0, t2 = 0, t3 = 0, t4 = 0;
    sim_time true_t1 = 0, true_t2 = 0, true_t3 = 0, true_t4 = 0, true_offset = 0;
    message_id request = 0, response = 0;
    event_id request_received = 0;  // the server's receive of the request (a duplicate is no new one)
    bool answered = false;
  };
  // A client's exchange: at most one at a time, so memory follows the processes, not the run.
  struct exchange {
    ntp_request request;
    std::uint64_t serial = 0;     // numbers the client's exchanges, so late timers and messages are told apart
    std::vector<sample> samples;  // sent so far; the last waits for its response
    std::optional<std::size_t> best;
    std::uint32_t answered = 0;
    bool running = false;
    timer_handle timeout;  // the last sample's: cancelled when it is answered, or the exchange abandoned
  };
  struct sample_ref {
    process_id client;
    std::uint64_t serial;
    std::size_t sample;
  };
  // What the event being stamped is to this behaviour, when it made it.
  enum class making : std::uint8_t { nothing, request, response, timeout };

  sample* find(const sample_ref& r);
  event_id send_sample(process_context& ctx);
  const ntp_note* finish(process_id client, sim_time now);
  void forget(exchange& x);

  std::vector<std::optional<ntp_sync>> syncs_;
  clock_of clocks_;
  std::vector<exchange> clients_;                          // per process
  std::map<message_id, sample_ref> requests_, responses_;  // looked up, never walked
  making making_ = making::nothing;
  sample_ref making_for_{};
  // The reply or next request that the receive just stamped calls for, made in on_receive.
  event_id due_at_ = 0;
  sample_ref due_{};
  event_id answered_at_ = 0;  // the receive that answered a sample, whose timeout on_receive cancels
  ntp_note note_;
};

}  // namespace hbsim
