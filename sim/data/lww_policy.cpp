// Last writer wins: one value per key, the one with the largest (stamp, writer). The stamp is the
// writer's physical clock in whole ms (floored), its HLC (l, c) or its Lamport value; the writer is its
// index in `processes`. Without the tie break (option "tie_break": "none", or the no-tie-break variant)
// an equal stamp keeps what the replica holds, so replicas that saw two writes in different orders
// keep different values.
#include <algorithm>
#include <array>
#include <nlohmann/json.hpp>

#include "data/policies.hpp"

namespace hbsim::data_internal {

namespace {

constexpr std::uint64_t sign_bit = std::uint64_t{1} << 63;  // a signed ms as an order-keeping word

class lww_policy final : public data_policy {
 public:
  explicit lww_policy(const data_config& c) : stamp_(c.stamp), tie_break_(c.tie_break && c.variant == 0) {}

  std::string_view name() const override { return "lww"; }
  std::span<const std::string_view> variants() const override {
    static constexpr std::array<std::string_view, 2> v{"canonical", "no-tie-break"};
    return v;
  }
  std::span<const std::string_view> options() const override {
    static constexpr std::array<std::string_view, 2> o{"stamp", "tie_break"};
    return o;
  }

  version put(key_state& s, const write_request& w) const override {
    version v;
    switch (stamp_) {
      case lww_stamp::physical: {
        const sim_time ms = w.pt >= 0 ? w.pt / ns_per_ms : -((-w.pt + ns_per_ms - 1) / ns_per_ms);
        v.stamp.push_back(static_cast<std::uint64_t>(ms) ^ sign_bit);
        break;
      }
      case lww_stamp::hlc:
        v.stamp.push_back(static_cast<std::uint64_t>(w.hlc_l) ^ sign_bit);
        v.stamp.push_back(w.hlc_c);
        break;
      case lww_stamp::lamport: v.stamp.push_back(w.lamport); break;
    }
    v.stamp.push_back(w.replica);
    offer(s, {w.write, w.value, v});
    return v;
  }

  void merge(key_state& s, const key_state& incoming) const override {
    for (const stored_value& x : incoming) offer(s, x);
  }

  void join(version&, const version&) const override {}  // a context tells last-writer-wins nothing

  std::string write(const version& v, std::span<const std::string> names) const override {
    nlohmann::json out = nlohmann::json::array();
    for (std::size_t i = 0; i + 1 < v.stamp.size(); ++i) {
      const bool is_signed = i == 0 && stamp_ != lww_stamp::lamport;
      if (is_signed)
        out.push_back(static_cast<std::int64_t>(v.stamp[i] ^ sign_bit));
      else
        out.push_back(v.stamp[i]);
    }
    out.push_back(names[v.stamp.back()]);
    return out.dump();
  }


 private:
  // Whether a wins over b: the larger stamp, then (with the tie break) the larger writer index.
  bool wins(const version& a, const version& b) const {
    const auto stamp_end = [](const version& v) { return v.stamp.end() - 1; };
    if (!std::equal(a.stamp.begin(), stamp_end(a), b.stamp.begin(), stamp_end(b)))
      return std::lexicographical_compare(b.stamp.begin(), stamp_end(b), a.stamp.begin(), stamp_end(a));
    return tie_break_ && a.stamp.back() > b.stamp.back();
  }

  void offer(key_state& s, const stored_value& x) const {
    if (s.empty()) {
      s.push_back(x);
    } else if (s.front().write != x.write && wins(x.v, s.front().v)) {
      s.front() = x;
    }
  }

  lww_stamp stamp_;
  bool tie_break_;
};

}  // namespace

std::unique_ptr<data_policy> make_lww(const data_config& c) { return std::make_unique<lww_policy>(c); }

}  // namespace hbsim::data_internal
