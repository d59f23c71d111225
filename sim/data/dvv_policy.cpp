// Dotted version vectors (Preguiça, Baquero et al.): each stored value has a dot (r, n), replica r's
// n-th write of the key, and a context, the vector its client had read; the dot is not in the context.
// A write at r with context C takes n one past the largest counter of r in the state's dots and
// contexts and in C, and replaces exactly the values whose dots C covers. A sync takes the union and
// drops the values whose dot a value's context covers: what remains are the siblings, exactly the
// pairwise-concurrent writes. The fold-dot variant folds the dot into the value's own context, so a
// merge finds every value covered and drops them all.
#include <algorithm>
#include <array>
#include <nlohmann/json.hpp>

#include "data/policies.hpp"
#include "data/vector_math.hpp"

namespace hbsim::data_internal {

namespace {

class dvv_policy final : public data_policy {
 public:
  explicit dvv_policy(const data_config& c) : fold_dot_(c.variant == 1) {}

  std::string_view name() const override { return "dvv"; }
  std::span<const std::string_view> variants() const override {
    static constexpr std::array<std::string_view, 2> v{"canonical", "fold-dot"};
    return v;
  }

  version put(key_state& s, const write_request& w) const override {
    const counters& c = w.context.vector;
    const std::string& r = w.replica_name;
    std::uint64_t top = entry(c, r);
    for (const stored_value& x : s) {
      top = std::max(top, entry(x.v.vector, r));
      if (x.v.dot_replica == r) top = std::max(top, x.v.dot_n);
    }
    version v;
    v.vector = c;
    v.dot_replica = r;
    v.dot_n = top + 1;
    if (fold_dot_) raise(v.vector, r, v.dot_n);
    std::erase_if(s, [&](const stored_value& x) { return x.v.dot_n <= entry(c, x.v.dot_replica); });
    s.push_back({w.write, w.value, v});
    return v;
  }

  void merge(key_state& s, const key_state& incoming) const override {
    for (const stored_value& x : incoming)
      if (std::none_of(s.begin(), s.end(), [&](const stored_value& y) { return y.write == x.write; })) s.push_back(x);
    const key_state all = s;
    std::erase_if(s, [&](const stored_value& x) {
      return std::any_of(all.begin(), all.end(),
                         [&](const stored_value& y) { return entry(y.v.vector, x.v.dot_replica) >= x.v.dot_n; });
    });
    std::sort(s.begin(), s.end(), [](const stored_value& a, const stored_value& b) { return a.write < b.write; });
  }

  void join(version& into, const version& v) const override {
    join_into(into.vector, v.vector);
    raise(into.vector, v.dot_replica, v.dot_n);
  }

  std::string write(const version& v, std::span<const std::string>) const override {
    return R"({"dot":[)" + nlohmann::json(v.dot_replica).dump() + ',' + std::to_string(v.dot_n) +
           R"(],"context":)" + vector_json(v.vector) + '}';
  }


 private:
  bool fold_dot_;
};

}  // namespace

std::unique_ptr<data_policy> make_dvv(const data_config& c) { return std::make_unique<dvv_policy>(c); }

}  // namespace hbsim::data_internal
