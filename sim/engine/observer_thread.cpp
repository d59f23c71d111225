#include "engine/observer_thread.hpp"

#include <sched.h>

#include <algorithm>
#include <atomic>
#include <exception>
#include <string>
#include <thread>

#include "hbsim/data/data_note.hpp"
#include "hbsim/kernel/ntp_note.hpp"

namespace hbsim {

namespace {

// One record in the ring, with storage for what its spans and views point to; the storage keeps
// its capacity from one use to the next, so a run in its stride allocates nothing.
struct slot {
  enum class kind : std::uint8_t { event, route, drop, fault, stop } what = kind::stop;
  event_record event;  // its spans point into this slot
  std::string label;
  std::vector<sent_message> messages;
  std::vector<process_id> pruned;
  std::vector<std::vector<std::uint64_t>> words;  // its stamps
  std::vector<stamp_words> stamps;
  data_note data;  // what the event did to replicated data, when it did
  ntp_note ntp;    // the NTP exchange it ended, when it did
  commit_note commit;
  route_record route{};
  drop_record drop{};
  fault_record fault{};
};

}  // namespace

// A single-producer, single-consumer ring. Each side counts the records it has handled; the
// counters sit on cache lines of their own, and a side reads the other's only when the ring looks
// full (producer) or empty (consumer), sleeping in atomic wait when it is.
struct observer_thread::ring {
  explicit ring(std::size_t count) : batch(count / 4), slots(count) {}

  slot& claim() {
    if (produced - seen_consumed == slots.size()) {
      share();  // the worker may be waiting for these
      for (;;) {
        seen_consumed = consumed.load(std::memory_order_acquire);
        if (produced - seen_consumed < slots.size()) break;
        consumed.wait(seen_consumed, std::memory_order_acquire);
      }
    }
    return slots[produced % slots.size()];
  }
  // Records are shared with the worker by batches of a quarter of the ring: waking it costs a system
  // call whenever it keeps up, too much to pay for each record.
  void publish() {
    if (++produced % batch == 0) share();
  }
  void share() {
    published.store(produced, std::memory_order_release);
    published.notify_one();
  }

  // A record without spans: copied as it is.
  template <class Record>
  void push(slot::kind what, Record slot::*field, const Record& r) {
    slot& s = claim();
    s.what = what;
    s.*field = r;
    publish();
  }

  void work(const std::vector<event_observer*>& observers) {
    std::uint64_t done = 0;
    for (;;) {
      std::uint64_t available = published.load(std::memory_order_acquire);
      // Yield a while before sleeping: a sleeping worker costs the run a system call to wake, and
      // the next batch is usually a few microseconds away.
      for (int i = 0; available == done && i < yields_before_sleep; ++i) {
        std::this_thread::yield();
        available = published.load(std::memory_order_acquire);
      }
      while (available == done) {
        published.wait(done, std::memory_order_acquire);
        available = published.load(std::memory_order_acquire);
      }
      for (; done < available; ++done) {
        slot& s = slots[done % slots.size()];
        if (s.what == slot::kind::stop) return;
        if (failure || discarding.load(std::memory_order_relaxed)) {
        } else {
          if (done + 1 < available) ahead(slots[(done + 1) % slots.size()], observers);
          deliver(s, s.event, observers);
        }
        if ((done + 1) % batch == 0) {
          consumed.store(done + 1, std::memory_order_release);
          consumed.notify_one();
        }
      }
      consumed.store(done, std::memory_order_release);
      consumed.notify_one();
    }
  }

  // The next record is published: its event can be read ahead.
  static void ahead(const slot& next, const std::vector<event_observer*>& observers) {
    if (next.what != slot::kind::event) return;
    for (const event_observer* o : observers) o->ahead(next.event);
  }

  void deliver(const slot& s, const event_record& e, const std::vector<event_observer*>& observers) {
    try {
      for (event_observer* o : observers) switch (s.what) {
          case slot::kind::event: o->on_event(e); break;
          case slot::kind::route: o->on_route(s.route); break;
          case slot::kind::drop: o->on_drop(s.drop); break;
          case slot::kind::fault: o->on_fault(s.fault); break;
          case slot::kind::stop: break;
        }
    } catch (...) {
      failure = std::current_exception();  // read by the caller's thread only after join()
    }
  }

  void stop() {
    claim().what = slot::kind::stop;
    ++produced;
    share();
    worker.join();
  }

  static constexpr std::size_t min_slots = 16;
  static constexpr int yields_before_sleep = 256;
  const std::uint64_t batch;
  std::vector<slot> slots;
  alignas(64) std::atomic<std::uint64_t> published{0};
  std::uint64_t produced = 0;       // the producer's own count
  std::uint64_t seen_consumed = 0;  // the consumer's count as the producer last read it
  alignas(64) std::atomic<std::uint64_t> consumed{0};
  std::exception_ptr failure;
  std::atomic<bool> started{false};     // the observers' on_start is over; failure may then be read
  std::atomic<bool> discarding{false};  // the run failed: what is left is not delivered
  std::thread worker;
};

observer_thread::observer_thread(std::vector<event_observer*> observers, std::size_t ring_bytes)
    : observers_(std::move(observers)), ring_bytes_(ring_bytes) {}

observer_thread::~observer_thread() {
  if (!ring_ || !ring_->worker.joinable()) return;
  ring_->discarding.store(true, std::memory_order_relaxed);
  ring_->stop();
}

bool observer_thread::worthwhile(bool vector_sized, std::size_t processes) {
  return (vector_sized || processes > many_processes) && second_cpu();
}

bool observer_thread::second_cpu() {
  // The CPUs this process may run on (taskset, a container's cpuset), not those the machine has.
  cpu_set_t cpus;
  if (sched_getaffinity(0, sizeof cpus, &cpus) == 0) return CPU_COUNT(&cpus) > 1;
  return std::thread::hardware_concurrency() > 1;
}

void observer_thread::on_start(const run_header& h) {
  if (ring_ && ring_->worker.joinable()) ring_->stop();
  const std::size_t n = h.vectors ? h.process_names.size() : 0;  // entries of an event's vector
  const std::size_t count = std::max<std::size_t>(ring::min_slots, ring_bytes_ / (sizeof(slot) + n * sizeof(std::uint64_t)));
  ring_ = std::make_unique<ring>(count);
  started_ = false;
  // The observers start on the worker too: their tables (a million processes' entries) are set up while
  // the run sets up its own, instead of before. The first record waits for them (started()).
  ring_->worker = std::thread([this, h] {
    try {
      for (event_observer* o : observers_) o->on_start(h);
    } catch (...) {
      ring_->failure = std::current_exception();
    }
    ring_->started.store(true, std::memory_order_release);
    ring_->started.notify_one();
    ring_->work(observers_);
  });
}

// Before the first record: the observers have started, or one refused the run, which then stops here,
// before any record, as if on_start had run on this thread.
void observer_thread::started() {
  if (started_) return;
  ring_->started.wait(false, std::memory_order_acquire);
  started_ = true;
  if (ring_->failure) {
    ring_->stop();
    std::rethrow_exception(ring_->failure);
  }
}

void observer_thread::on_event(const event_record& e) {
  started();
  slot& s = ring_->claim();
  s.what = slot::kind::event;
  s.event = e;
  s.label.assign(e.label);
  s.messages.assign(e.messages.begin(), e.messages.end());
  s.event.label = s.label;
  s.event.messages = s.messages;
  s.pruned.assign(e.pruned.begin(), e.pruned.end());
  s.event.pruned = s.pruned;
  s.words.resize(e.stamps.size());
  s.stamps.resize(e.stamps.size());
  for (std::size_t k = 0; k < e.stamps.size(); ++k) {
    s.words[k].assign(e.stamps[k].begin(), e.stamps[k].end());
    s.stamps[k] = s.words[k];
  }
  s.event.stamps = s.stamps;
  if (e.data) {
    s.data = *e.data;
    s.event.data = &s.data;
  }
  if (e.ntp) {
    s.ntp = *e.ntp;
    s.event.ntp = &s.ntp;
  }
  if (e.commit) {
    s.commit = *e.commit;
    s.event.commit = &s.commit;
  }
  ring_->publish();
}

void observer_thread::on_route(const route_record& r) {
  started();
  ring_->push(slot::kind::route, &slot::route, r);
}
void observer_thread::on_drop(const drop_record& d) {
  started();
  ring_->push(slot::kind::drop, &slot::drop, d);
}
void observer_thread::on_fault(const fault_record& f) {
  started();
  ring_->push(slot::kind::fault, &slot::fault, f);
}

void observer_thread::on_finish(const run_end& end) {
  ring_->stop();
  if (ring_->failure) std::rethrow_exception(ring_->failure);
  for (event_observer* o : observers_) o->on_finish(end);
}

}  // namespace hbsim
