// Version vectors: each stored value carries a vector; a write takes its context's vector with its own
// entry raised past every value of that entry the replica holds, and replaces the values it covers.
// Server-keyed (version_vector), the entry is the replica's: two writes through one replica that did
// not see each other still get ordered vectors, and the later silently replaces the earlier. Keyed by
// client (client_vector), each client has its entry and concurrent clients become siblings. A sync
// keeps what no other value dominates; the equal-is-concurrent variant's comparison lacks "equal", so
// the same write arriving twice is kept twice.
#include <algorithm>
#include <array>

#include "data/policies.hpp"
#include "data/vector_math.hpp"

namespace hbsim::data_internal {

namespace {

class vector_policy final : public data_policy {
 public:
  vector_policy(const data_config& c, bool by_client) : by_client_(by_client), equal_is_concurrent_(c.variant == 1) {}

  std::string_view name() const override { return by_client_ ? "client_vector" : "version_vector"; }
  std::span<const std::string_view> variants() const override {
    static constexpr std::array<std::string_view, 2> server{"canonical", "equal-is-concurrent"};
    static constexpr std::array<std::string_view, 1> client{"canonical"};
    if (by_client_) return client;
    return server;
  }

  version put(key_state& s, const write_request& w) const override {
    version v;
    v.vector = w.context.vector;
    const std::string& own = by_client_ ? w.client : w.replica_name;
    std::uint64_t top = entry(v.vector, own);
    for (const stored_value& x : s) top = std::max(top, entry(x.v.vector, own));
    v.vector[own] = top + 1;
    std::erase_if(s, [&](const stored_value& x) { return covers(v.vector, x.v.vector); });
    s.push_back({w.write, w.value, v});
    return v;
  }

  void merge(key_state& s, const key_state& incoming) const override {
    for (const stored_value& x : incoming) {
      const auto dominated = [&](const stored_value& y) {
        const vector_order o = compare(x.v.vector, y.v.vector);
        return o == vector_order::before || (o == vector_order::equal && !equal_is_concurrent_);
      };
      if (std::any_of(s.begin(), s.end(), dominated)) continue;
      std::erase_if(s, [&](const stored_value& y) { return compare(y.v.vector, x.v.vector) == vector_order::before; });
      s.push_back(x);
    }
    std::stable_sort(s.begin(), s.end(), [](const stored_value& a, const stored_value& b) { return a.write < b.write; });
  }

  void join(version& into, const version& v) const override { join_into(into.vector, v.vector); }

  std::string write(const version& v, std::span<const std::string>) const override { return vector_json(v.vector); }


 private:
  bool by_client_;
  bool equal_is_concurrent_;
};

}  // namespace

std::unique_ptr<data_policy> make_vector_policy(const data_config& c, bool by_client) {
  return std::make_unique<vector_policy>(c, by_client);
}

}  // namespace hbsim::data_internal
