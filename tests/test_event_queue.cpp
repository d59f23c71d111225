// The pending-event set against a sorted reference: entries come out by time, then by insertion
// order (ties among equal times included), over random pushes, pops and entries put back.
#include <doctest/doctest.h>

#include <cstdint>
#include <iterator>
#include <set>
#include <tuple>

#include "hbsim/core/random.hpp"
#include "hbsim/kernel/event_queue.hpp"

namespace {

using key = std::tuple<hbsim::sim_time, std::uint64_t, std::uint32_t, std::uint8_t>;

key key_of(const hbsim::queue_entry& e) { return {e.time, e.order, e.payload, e.type}; }

}  // namespace

TEST_CASE("event_queue: pops by time, then insertion order, as a sorted set would") {
  for (const std::uint64_t times : {3ull, 1000ull, 1ull << 40}) {  // few distinct times: many ties
    hbsim::event_queue q;
    std::set<key> truth;
    hbsim::random_stream rng(times);
    std::uint32_t payload = 0;
    for (int step = 0; step < 50000; ++step) {
      const std::uint64_t op = rng.below(step < 30000 ? 3 : 5);  // grow, then drain
      if (op < 2 || truth.empty()) {
        const auto time = static_cast<hbsim::sim_time>(rng.below(times));
        const auto type = static_cast<std::uint8_t>(rng.below(4));
        const std::uint64_t order = q.push(time, type, ++payload);
        truth.insert({time, order, payload, type});
      } else {
        REQUIRE(q.size() == truth.size());
        CHECK(key_of(q.top()) == *truth.begin());
        // second(): what runs after top(), the look-ahead's guess, exact while nothing is pushed.
        if (truth.size() > 1) CHECK(key_of(*q.second()) == *std::next(truth.begin()));
        else CHECK(q.second() == nullptr);
        const hbsim::queue_entry e = q.pop();
        REQUIRE(key_of(e) == *truth.begin());
        truth.erase(truth.begin());
        if (op == 4) {  // put it back later, in its old place among equal times
          const hbsim::sim_time later = e.time + static_cast<hbsim::sim_time>(rng.below(2));
          q.push_again(later, e.order, e.type, e.payload);
          truth.insert({later, e.order, e.payload, e.type});
        }
      }
    }
    while (!truth.empty()) {
      REQUIRE(key_of(q.pop()) == *truth.begin());
      truth.erase(truth.begin());
    }
    CHECK(q.empty());
  }
}
