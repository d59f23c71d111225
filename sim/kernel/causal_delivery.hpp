// A `causal` delivery group's layer: Birman–Schiper–Stephenson over the layer's own broadcast vector,
// whatever the clocks under test are. A member's vector counts, per member, the broadcasts it has
// delivered (its own: those it has sent); a broadcast carries its sender's vector; a member delivers
// the broadcast of j with vector W when W[j] is the next of j's and W[k] ≤ V[k] for every other k,
// and holds it back until then. One layer serves the whole group.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "hbsim/kernel/delivery_group.hpp"
#include "hbsim/kernel/delivery_policy.hpp"

namespace hbsim {

class causal_delivery final : public delivery_policy {
 public:
  explicit causal_delivery(const delivery_group& g);

  void on_send(const send_notice& s, std::vector<process_id>& to) override;
  sim_time on_sent(const arrived_copy& c) override;
  void on_arrival(delivery_context& ctx, const arrived_copy& c) override;
  void held(std::vector<arrived_copy>& out) const override;
  bool orders() const override { return true; }

 private:
  using vec = std::vector<std::uint32_t>;
  struct member {
    vec v;
    std::vector<arrived_copy> waiting;  // in arrival order
  };
  struct stamp {
    vec w;
    std::uint32_t copies = 0;  // announced to members, not yet delivered
  };
  static constexpr std::uint32_t none = ~std::uint32_t{0};
  std::uint32_t index(process_id p) const;
  bool deliverable(const vec& v, const vec& w, std::uint32_t j) const;
  /// Delivers c at member q (whose vector takes it in), then whatever it was holding that can follow.
  void deliver(delivery_context& ctx, member& q, const arrived_copy& c);
  void consume(event_id send);
  /// Why the broadcast of j stamped w waits at a member with vector v, in words.
  std::string missing(const vec& v, const vec& w, std::uint32_t j, std::span<const std::string> names) const;

  delivery_group group_;
  std::vector<member> members_;
  std::map<event_id, stamp> stamps_;  // broadcasts with copies still to deliver, by send event
  event_id last_send_ = 0;
};

}  // namespace hbsim
