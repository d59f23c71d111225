// The processes with an event of the largest pt reading in a causal past: the only ones whose events
// can tie with an event reading that much, so the clock report's count of ties looks at them, not at
// every process. Carried along edges as the largest reading is; past `most` of them, all processes.
#pragma once

#include <algorithm>
#include <cstddef>
#include <vector>

#include "hbsim/core/ids.hpp"

namespace hbsim {

struct max_holders {
  static constexpr std::size_t most = 64;
  std::vector<process_id> list;  // sorted
  bool all = false;

  void assign(const max_holders& o) {
    list.assign(o.list.begin(), o.list.end());
    all = o.all;
  }
  void only(process_id p) {
    list.assign(1, p);
    all = false;
  }
  void add(process_id p) {
    if (all) return;
    const auto at = std::lower_bound(list.begin(), list.end(), p);
    if (at != list.end() && *at == p) return;
    if (list.size() == most) {
      all = true;
      list.clear();
      return;
    }
    list.insert(at, p);
  }
  void merge(const max_holders& o) {
    if (o.all) {
      all = true;
      list.clear();
    }
    for (const process_id p : o.list) add(p);
  }
};

}  // namespace hbsim
