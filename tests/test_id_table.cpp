// The table of entries by id (messages in flight) against std::map, over random adds, finds and
// removes, with ids that collide in the table's home slots (multiples of a power of two) and a run of
// removals that shifts entries back across the table's end.
#include <doctest/doctest.h>

#include <cstdint>
#include <map>

#include "hbsim/core/id_table.hpp"
#include "hbsim/core/random.hpp"

namespace {

struct entry {
  std::uint64_t id = 0;
  std::uint32_t value = 0;  // 0: a free slot
  bool live() const { return value != 0; }
};

}  // namespace

TEST_CASE("id_table: finds, adds and removes as a map does") {
  for (const std::uint64_t stride : {1ull, 1024ull, 1ull << 40}) {
    hbsim::id_table<entry> table;
    std::map<std::uint64_t, std::uint32_t> truth;
    hbsim::random_stream rng(stride);
    for (std::uint32_t step = 1; step <= 60000; ++step) {
      // Few distinct ids, so that adds meet present ids and removes meet absent ones.
      const std::uint64_t id = rng.below(step < 40000 ? 3000 : 40) * stride;
      const std::uint64_t op = rng.below(3);
      entry* found = table.find(id);
      const auto it = truth.find(id);
      REQUIRE((found != nullptr) == (it != truth.end()));
      if (found) REQUIRE(found->value == it->second);
      if (op == 0) {
        const auto [e, fresh] = table.add({id, step});
        CHECK(fresh == (it == truth.end()));
        CHECK(e->id == id);
        CHECK(e->value == (fresh ? step : it->second));  // a present id stays as it was
        truth.emplace(id, step);
      } else if (op == 1 && found) {
        table.remove(*found);
        truth.erase(it);
      }
    }
    for (std::uint64_t id = 0; id < 3000; ++id) {
      const entry* e = table.find(id * stride);
      CHECK((e != nullptr) == truth.contains(id * stride));
    }
  }
}

TEST_CASE("id_table: clear forgets every entry") {
  hbsim::id_table<entry> table;
  for (std::uint64_t id = 1; id <= 100; ++id) table.add({id, 7});
  CHECK(table.find(50) != nullptr);
  table.clear();
  for (std::uint64_t id = 1; id <= 100; ++id) CHECK(table.find(id) == nullptr);
  CHECK(table.add({50, 9}).second);
}
