// hbsim_bench's baseline: the minimal engine, what a careful programmer writes by hand for the PHOLD
// workload alone. A binary heap of (time, counter, payload); dense per-process Lamport, vector (uint32
// entries; left out when phold_params::vector_clock is off) and HLC with the physical clock equal to true
// time; each message carries the sender's Lamport value, a copy of its vector and its HLC stamp, in a
// recycled slot.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <vector>

#include "bench_child.hpp"

namespace bench {

namespace minimal {

struct rng {
  std::uint64_t state;
  std::uint64_t next() {  // SplitMix64
    std::uint64_t z = (state += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
  }
  double unit() { return static_cast<double>(next() >> 11) * 0x1p-53; }  // [0, 1)
  std::uint32_t below(std::uint32_t n) { return static_cast<std::uint32_t>(((next() >> 32) * n) >> 32); }
  std::int64_t exponential(double mean) { return std::llround(-mean * std::log(1.0 - unit())); }
};

struct hlc {
  std::int64_t l = 0;
  std::uint64_t c = 0;
};

struct entry {
  std::int64_t time;
  std::uint64_t order;
  std::uint32_t payload;  // a process (timer) or a message slot | arrival_bit
};
inline constexpr std::uint32_t arrival_bit = 0x8000'0000u;

// A function object rather than a function pointer, so the heap code inlines the comparison.
struct later {
  bool operator()(const entry& a, const entry& b) const {
    return a.time != b.time ? a.time > b.time : a.order > b.order;
  }
};

struct message {
  std::uint32_t to;
  std::uint64_t lamport;
  hlc stamp;
};

class engine {
 public:
  explicit engine(const phold_params& p)
      : p_(p),
        n_(p.processes),
        vector_n_(p.vector_clock ? n_ : 0),
        think_(static_cast<double>(p.think_mean_ns)),
        delay_(static_cast<double>(p.delay_mean_ns)),
        lamport_(n_, 0),
        vector_(std::size_t{vector_n_} * n_, 0),
        hlc_(n_) {
    rng_.reserve(n_);
    for (std::uint32_t i = 0; i < n_; ++i) rng_.push_back(rng{p.seed * 0x100000001b3ull + i});
    heap_.reserve(2 * std::size_t{n_} + 16);
  }

  void run(result& r) {
    std::uint64_t sends_left = p_.messages;
    for (std::uint32_t i = 0; i < n_; ++i) push(rng_[i].exponential(think_), i);
    while (!heap_.empty()) {
      std::pop_heap(heap_.begin(), heap_.end(), later{});
      const entry e = heap_.back();
      heap_.pop_back();
      if ((e.payload & arrival_bit) == 0) {  // think time over: send
        if (sends_left == 0) continue;
        --sends_left;
        send(e.time, e.payload);
        ++r.sends;
      } else {  // arrival: receive
        receive(e.time, e.payload & ~arrival_bit);
        ++r.deliveries;
      }
      ++r.events;
    }
  }

  // Every event ticks its own vector entry once, so the diagonal adds up to the events, and Lamport
  // values are at least each process's count; without vectors, Lamport values add up to at least the events.
  bool consistent(std::uint64_t events) const {
    if (vector_n_ == 0) {
      std::uint64_t sum = 0;
      for (const std::uint64_t l : lamport_) sum += l;
      return sum >= events;
    }
    std::uint64_t diagonal = 0;
    for (std::uint32_t i = 0; i < n_; ++i) {
      const std::uint32_t own = vector_[std::size_t{i} * n_ + i];
      diagonal += own;
      if (lamport_[i] < own) return false;
    }
    return diagonal == events;
  }

 private:
  void send(std::int64_t now, std::uint32_t self) {
    rng& g = rng_[self];
    std::uint32_t to = self;
    if (n_ > 1 && g.unit() < p_.remote) {
      to = g.below(n_ - 1);
      if (to >= self) ++to;
    }
    ++lamport_[self];
    if (vector_n_ != 0) ++vector_[std::size_t{self} * n_ + self];
    hlc& h = hlc_[self];
    if (now > h.l) {
      h.l = now;
      h.c = 0;
    } else {
      ++h.c;
    }
    const std::uint32_t slot = take_slot();
    messages_[slot] = {to, lamport_[self], h};
    if (vector_n_ != 0)
      std::memcpy(&slots_[std::size_t{slot} * n_], &vector_[std::size_t{self} * n_], n_ * sizeof(std::uint32_t));
    push(now + g.exponential(delay_), slot | arrival_bit);
  }

  void receive(std::int64_t now, std::uint32_t slot) {
    const message& m = messages_[slot];
    const std::uint32_t self = m.to;
    lamport_[self] = std::max(lamport_[self], m.lamport) + 1;
    if (vector_n_ != 0) {
      std::uint32_t* v = &vector_[std::size_t{self} * n_];
      const std::uint32_t* w = &slots_[std::size_t{slot} * n_];
      for (std::uint32_t i = 0; i < n_; ++i) v[i] = v[i] < w[i] ? w[i] : v[i];
      ++v[self];
    }
    hlc& h = hlc_[self];
    const std::int64_t l = std::max({h.l, m.stamp.l, now});
    std::uint64_t c = 0;
    if (l == h.l && l == m.stamp.l)
      c = std::max(h.c, m.stamp.c) + 1;
    else if (l == h.l)
      c = h.c + 1;
    else if (l == m.stamp.l)
      c = m.stamp.c + 1;
    h = {l, c};
    free_.push_back(slot);
    push(now + rng_[self].exponential(think_), self);
  }

  void push(std::int64_t time, std::uint32_t payload) {
    heap_.push_back({time, order_++, payload});
    std::push_heap(heap_.begin(), heap_.end(), later{});
  }

  std::uint32_t take_slot() {
    if (free_.empty()) {
      const std::size_t old = messages_.size();
      const std::size_t grown = std::max<std::size_t>(16, 2 * old);
      messages_.resize(grown);
      slots_.resize(grown * vector_n_);
      for (std::size_t i = grown; i > old; --i) free_.push_back(static_cast<std::uint32_t>(i - 1));
    }
    const std::uint32_t s = free_.back();
    free_.pop_back();
    return s;
  }

  phold_params p_;
  std::uint32_t n_;
  std::uint32_t vector_n_;  // n_ with vector clocks, else 0
  double think_, delay_;  // means, in ns
  std::vector<rng> rng_;
  std::vector<std::uint64_t> lamport_;
  std::vector<std::uint32_t> vector_;
  std::vector<hlc> hlc_;
  std::vector<entry> heap_;
  std::uint64_t order_ = 0;
  std::vector<message> messages_;
  std::vector<std::uint32_t> slots_;
  std::vector<std::uint32_t> free_;
};

}  // namespace minimal

inline void run_minimal(result& r, const phold_params& p) {
  const auto t0 = clock_type::now();
  minimal::engine e(p);
  r.setup_seconds = seconds_since(t0);
  r.rss_built_kb = rss_kb();
  const auto t1 = clock_type::now();
  e.run(r);
  r.run_seconds = seconds_since(t1);
  if (r.deliveries != p.messages || r.sends != p.messages) {
    set_error(r, "minimal engine: unexpected counts");
    return;
  }
  if (!e.consistent(r.events)) {
    set_error(r, "minimal engine: clocks inconsistent after the run");
    return;
  }
  r.ok = true;
}

}  // namespace bench
