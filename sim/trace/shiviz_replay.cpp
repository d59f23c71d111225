#include "hbsim/trace/shiviz_replay.hpp"

#include <algorithm>
#include <filesystem>
#include <functional>
#include <iterator>
#include <queue>
#include <stdexcept>
#include <vector>

#include "core/concat.hpp"
#include "hbsim/core/input_error.hpp"
#include "hbsim/scenario/scenario.hpp"
#include "hbsim/trace/shiviz_log.hpp"
#include "hbsim/truth/row_limit.hpp"
#include "trace/record_stamps.hpp"

namespace hbsim {

namespace {

constexpr std::int64_t none = -1;

// One execution of a sound log (every rule of check_shiviz_log holds, so a host's events in
// ShiViz's order have own entries 1, 2, 3, ... and the clocks are exactly those of the edges below).
class execution_replay {
 public:
  execution_replay(const std::string& path, const shiviz_execution& x) : path_(path), x_(x) {
    parent_.assign(x.events.size(), none);
    for (std::uint32_t i = 0; i < x.events.size(); ++i) parent_[i] = parent(i);
    // Children in file order, in one array (counting sort by parent).
    child_begin_.assign(x.events.size() + 1, 0);
    for (const std::int64_t p : parent_)
      if (p != none) ++child_begin_[static_cast<std::size_t>(p) + 1];
    for (std::size_t i = 1; i < child_begin_.size(); ++i) child_begin_[i] += child_begin_[i - 1];
    children_.resize(child_begin_.back());
    std::vector<std::uint32_t> fill(child_begin_.begin(), child_begin_.end() - 1);
    for (std::uint32_t i = 0; i < x.events.size(); ++i)
      if (parent_[i] != none) children_[fill[static_cast<std::size_t>(parent_[i])]++] = i;
  }

  void run(std::span<event_observer* const> observers) {
    scenario s;
    s.file = path_;
    s.name = x_.name.empty() ? std::filesystem::path(path_).filename().string() : x_.name;
    s.seed = 0;
    for (const std::string& h : x_.hosts) s.processes.push_back({h, {}});
    const run_header header{&s, 0, x_.hosts, true};
    for (event_observer* o : observers) o->on_start(header);

    id_.assign(x_.events.size(), 0);
    message_.assign(x_.events.size(), 0);
    emitted_.assign(x_.hosts.size(), 0);
    for (const auto& mine : x_.by_host)
      if (!mine.empty()) offer(mine.front());
    while (!ready_.empty()) {
      const std::uint32_t i = ready_.top();
      ready_.pop();
      emit(i, observers);
    }
    if (next_id_ != x_.events.size() + 1) throw std::logic_error("shiviz replay: a cycle in a checked log");
    for (event_observer* o : observers) o->on_finish(run_end{});
  }

 private:
  std::string name(const shiviz_event& e) const { return concat(x_.hosts[e.host], "#", std::to_string(e.own)); }

  // The event of another host whose message e receives: of the events e's clock learns of (the
  // entries that rose since the host's previous event), the one no other of them knew.
  std::int64_t parent(std::uint32_t i) const {
    const shiviz_event& e = x_.events[i];
    const shiviz_event* before = e.own > 1 ? &x_.events[x_.by_host[e.host][e.own - 2]] : nullptr;
    std::vector<std::uint32_t> learnt;
    for (const auto& [j, v] : x_.clock(e))
      if (j != e.host && (!before || x_.entry_of(*before, j) < v))
        learnt.push_back(static_cast<std::uint32_t>(x_.find(j, v)));
    const auto known_by_another = [&](std::uint32_t f) {
      return std::any_of(learnt.begin(), learnt.end(), [&](std::uint32_t g) {
        return g != f && x_.entry_of(x_.events[g], x_.events[f].host) >= x_.events[f].own;
      });
    };
    std::vector<std::uint32_t> direct;
    std::copy_if(learnt.begin(), learnt.end(), std::back_inserter(direct),
                 [&](std::uint32_t f) { return !known_by_another(f); });
    learnt = std::move(direct);
    if (learnt.size() <= 1) return learnt.empty() ? none : std::int64_t{learnt.front()};
    std::string found = concat(name(e), " learns at once of ");
    for (std::size_t k = 0; k < learnt.size(); ++k) {
      const shiviz_event& f = x_.events[learnt[k]];
      found.append(k == 0 ? "" : k + 1 == learnt.size() ? " and " : ", ")
          .append(concat(name(f), " (line ", std::to_string(f.line), ")"));
    }
    throw input_error(path_, "", "events that each learn of at most one event of another host that no other knew",
                      found, "an hbsim event receives one message; hbsim check judges such a log", e.line);
  }

  // Queues event i if both the events before it are out: its host's previous one and its send.
  void offer(std::uint32_t i) {
    const shiviz_event& e = x_.events[i];
    if (emitted_[e.host] + 1 != e.own) return;
    if (parent_[i] != none && id_[static_cast<std::size_t>(parent_[i])] == 0) return;
    ready_.push(i);
  }

  void emit(std::uint32_t i, std::span<event_observer* const> observers) {
    const shiviz_event& e = x_.events[i];
    id_[i] = next_id_++;
    event_record r;
    r.id = id_[i];
    r.process = e.host;
    r.seq = e.own;
    label_ = e.description;
    std::replace(label_.begin(), label_.end(), '\n', ' ');
    r.label = label_;
    vector_.assign(x_.hosts.size(), 0);
    for (const auto& [j, v] : x_.clock(e)) vector_[j] = v;
    stamps_.fill(r, {}, vector_);
    sent_.clear();
    for (std::size_t k = child_begin_[i]; k < child_begin_[i + 1]; ++k) {
      message_[children_[k]] = next_message_;
      sent_.push_back({next_message_++, x_.events[children_[k]].host});
    }
    r.messages = sent_;
    r.kind = sent_.empty() ? event_kind::local : event_kind::send;
    if (parent_[i] != none) {
      const auto p = static_cast<std::size_t>(parent_[i]);
      r.kind = event_kind::receive;
      r.message = message_[i];
      r.from = x_.events[p].host;
      r.send_event = id_[p];
    }
    for (event_observer* o : observers) o->on_event(r);

    ++emitted_[e.host];
    const auto& mine = x_.by_host[e.host];
    if (e.own < mine.size()) offer(mine[e.own]);
    for (std::size_t k = child_begin_[i]; k < child_begin_[i + 1]; ++k) offer(children_[k]);
  }

  const std::string& path_;
  const shiviz_execution& x_;
  std::vector<std::int64_t> parent_;       // per event: the event it receives from, or none
  std::vector<std::uint32_t> child_begin_;  // per event: its receivers are children_[begin[i], begin[i + 1])
  std::vector<std::uint32_t> children_;
  std::vector<event_id> id_;               // per event: its id once replayed, 0 before
  std::vector<message_id> message_;        // per receive: the message its send gave it
  std::vector<std::uint64_t> emitted_;     // per host: events replayed
  std::priority_queue<std::uint32_t, std::vector<std::uint32_t>, std::greater<>> ready_;  // by file order
  event_id next_id_ = 1;
  message_id next_message_ = 1;
  std::string label_;
  std::vector<std::uint64_t> vector_;
  trace_internal::record_stamps stamps_{logical_config{}};  // a log's run has the default clocks: lamport and HLC stay 0
  std::vector<sent_message> sent_;
};

}  // namespace

void replay_shiviz_log(const std::string& path, std::span<event_observer* const> observers,
                       const shiviz_replay_options& options) {
  std::size_t executions = 0;
  read_shiviz_log(path, {}, [&](const shiviz_execution& x) {
    if (options.one_execution && executions++ == 1)
      throw input_error(path, "", "a log of one execution", concat("a second one, \"", x.name, "\""),
                        "explain relates two events of one execution", x.line);
    if (x.hosts.size() > row_max_processes)
      throw input_error(path, "",
                        concat("at most ", std::to_string(row_max_processes),
                               " hosts in an execution, whose events are replayed with their causal past (hosts² counters)"),
                        concat(std::to_string(x.hosts.size()), " hosts"), "hbsim check judges such a log", x.line);
    shiviz_report report;
    check_shiviz_execution(x, report);
    if (!report.ok()) {
      const shiviz_problem& p = report.problems.front();
      throw input_error(path, "", "a log whose vector clocks hold together",
                        concat(to_string(p.rule), " broken by ", p.host, ": ", p.detail),
                        "hbsim check lists every problem", p.line);
    }
    execution_replay(path, x).run(observers);
  });
}

}  // namespace hbsim
