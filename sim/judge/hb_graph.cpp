#include "hbsim/judge/hb_graph.hpp"

#include <algorithm>
#include <functional>
#include <limits>
#include <map>
#include <memory>
#include <stdexcept>
#include <unordered_map>
#include <utility>

#include "hbsim/clocks/vector/vector_changes.hpp"
#include "hbsim/clocks/vector/vector_clock.hpp"
#include "hbsim/core/input_error.hpp"
#include "hbsim/scenario/ref_tracker.hpp"
#include "hbsim/scenario/scenario.hpp"
#include "hbsim/truth/row_limit.hpp"
#include "judge/step_table.hpp"

// How "a → b?" is answered without a graph search: each process's events form a chain, so a → b
// iff a precedes b on its process, or the latest event of a's process in b's causal past is a or
// later. The builder computes, in execution order (a topological order), the ground-truth vector
// of every event: past(e)[j] = seq of the latest event of j in e's causal past. Dense, that is
// 4·n bytes per event (2.5 GB for 10M events of 64 processes); but along one process each entry is
// a step function of the seq that only rises at receives, so only the points where it changes are
// kept, per (process, entry), as varint deltas in blocks (step_table): a query is two binary
// searches and a short decode. The own entry is implicit (the event's seq). The vector clock each
// event recorded is kept the same way, as its difference from the ground truth (mod 2^32): zero
// for an exact clock, so it costs nothing unless the clock is wrong.
//
// Measured on PHOLD, 64 processes, 10M events: 10.6 changes per event, 2.9 bytes each, so 30.5
// bytes per event for the causal pasts (dense: 256; plain (seq, value) pairs: 85). The graph holds
// 115 bytes per event (68 of event records, 16.5 of CSR, 30.5 of vectors); collecting holds 130,
// and build() peaks at 166 (resident). 1M random relation() queries on a 1M-event run take 1.1 to
// 1.4 s on a shared 2-core machine (memory latency: the tables are 31 MB); path() between events
// 0 to 2000 apart, 0.1 ms.

namespace hbsim {

namespace {

using judge_internal::change_log;
using judge_internal::step_table;

constexpr std::uint32_t none = std::numeric_limits<std::uint32_t>::max();
// Event indices, seqs and vector entries are 32-bit, as in the kernel (limits::max_events).
constexpr std::uint64_t most_events = std::numeric_limits<std::uint32_t>::max();

struct event_info {
  sim_time time;
  sim_time pt;
  std::uint64_t lamport;
  hlc_stamp hlc;
  std::uint32_t seq;
  label_id label;
  process_id process;
  event_kind kind;
  bool sent;  // a send, or an event of a ShiViz log that receives and sends
};

// Append-only storage in fixed blocks: a long run grows it without reallocating and copying, and
// wastes at most one block.
template <class T>
class block_store {
 public:
  void push_back(const T& v) {
    if (size_ == blocks_.size() * per_block) blocks_.push_back(std::make_unique_for_overwrite<T[]>(per_block));
    blocks_[size_ / per_block][size_ % per_block] = v;
    ++size_;
  }
  const T& operator[](std::size_t i) const { return blocks_[i / per_block][i % per_block]; }
  std::size_t size() const { return size_; }
  std::size_t bytes() const { return blocks_.size() * per_block * sizeof(T) + blocks_.capacity() * sizeof(blocks_[0]); }

 private:
  static constexpr std::size_t per_block = 1 << 16;
  std::vector<std::unique_ptr<T[]>> blocks_;
  std::size_t size_ = 0;
};

// A receive or reject: its message, and the index of the send event it names.
struct message_info {
  std::uint32_t event;
  std::uint32_t send;  // `none` when a reject names no known send
  message_id message;
  sim_time arrived;    // a receive a delivery group ordered: when its copy arrived; no_arrival otherwise
};

struct string_hash {
  using is_transparent = void;
  std::size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
};

// Appends only: GCC 12 warns falsely (-Wrestrict) on "literal" + std::string at -O3.
std::string cat(std::string_view a, std::string_view b, std::string_view c = {}) {
  std::string out(a);
  out.append(b).append(c);
  return out;
}
std::string in_quotes(std::string_view s) { return cat("\"", s, "\""); }


}  // namespace

struct hb_graph::data {
  std::vector<std::string> names;
  std::vector<std::string> labels;
  block_store<event_info> events;                    // index = id - 1
  std::vector<message_info> messages;                 // by event index
  std::vector<std::vector<std::uint32_t>> by_process;  // event index by seq - 1
  step_table past;       // ground truth; own entry implicit
  step_table deviation;  // recorded vector minus ground truth, mod 2^32
  csr graph;
  // By event index, ascending: what vector options did (empty without them).
  std::vector<std::pair<std::uint32_t, std::vector<process_id>>> pruned;
  std::vector<std::pair<std::uint32_t, std::vector<std::uint32_t>>> carried;  // receives, differential encoding
};

namespace {
// The entry of an ascending (event index, value) table for index i, or null.
template <class T>
const T* entry_at(const std::vector<std::pair<std::uint32_t, T>>& table, std::uint32_t i) {
  const auto it = std::lower_bound(table.begin(), table.end(), i, [](const auto& x, std::uint32_t v) { return x.first < v; });
  return it != table.end() && it->first == i ? &it->second : nullptr;
}
}  // namespace

std::string_view to_string(hb_relation r) {
  switch (r) {
    case hb_relation::same: return "same";
    case hb_relation::before: return "before";
    case hb_relation::after: return "after";
    case hb_relation::concurrent: return "concurrent";
  }
  return "?";
}

hb_graph::hb_graph() : d_(std::make_unique<data>()) {}
hb_graph::~hb_graph() = default;
hb_graph::hb_graph(hb_graph&&) noexcept = default;
hb_graph& hb_graph::operator=(hb_graph&&) noexcept = default;

std::span<const std::string> hb_graph::process_names() const { return d_->names; }

std::optional<process_id> hb_graph::find_process(std::string_view name) const {
  const auto it = std::find(d_->names.begin(), d_->names.end(), name);
  if (it == d_->names.end()) return std::nullopt;
  return static_cast<process_id>(it - d_->names.begin());
}

std::uint64_t hb_graph::event_count() const { return d_->events.size(); }
std::uint64_t hb_graph::edge_count() const { return boost::num_edges(d_->graph); }
std::uint64_t hb_graph::events_of(process_id p) const {
  return p < d_->by_process.size() ? d_->by_process[p].size() : 0;
}

event_id hb_graph::event_at(process_id p, std::uint64_t seq) const {
  if (seq == 0 || seq > events_of(p)) return 0;
  return event_id{d_->by_process[p][seq - 1]} + 1;
}

std::uint32_t hb_graph::index(event_id e) const {
  if (e == 0 || e > d_->events.size())
    throw std::out_of_range(
        cat("hb_graph: no event ", std::to_string(e), cat(" of ", std::to_string(d_->events.size()))));
  return static_cast<std::uint32_t>(e - 1);
}

hb_event hb_graph::event(event_id e) const {
  const std::uint32_t i = index(e);
  const event_info& x = d_->events[i];
  hb_event out{e, x.process, x.seq, x.kind, d_->labels[x.label], x.time, x.pt, x.lamport, x.hlc, 0, 0};
  if (message_arrived(x.kind)) {
    const auto it = std::lower_bound(d_->messages.begin(), d_->messages.end(), i,
                                     [](const message_info& m, std::uint32_t v) { return m.event < v; });
    out.message = it->message;
    out.send_event = it->send == none ? 0 : event_id{it->send} + 1;
    out.arrived = it->arrived;
  }
  return out;
}

std::span<const process_id> hb_graph::pruned(event_id e) const {
  const auto* p = entry_at(d_->pruned, index(e));
  return p ? std::span<const process_id>(*p) : std::span<const process_id>();
}

std::optional<std::vector<std::uint32_t>> hb_graph::carried_vector(event_id e) const {
  const auto* c = entry_at(d_->carried, index(e));
  return c ? std::optional(*c) : std::nullopt;
}

std::uint64_t hb_graph::causal_past(event_id e, process_id j) const {
  const event_info& x = d_->events[index(e)];
  if (j >= d_->names.size()) throw std::out_of_range("hb_graph: no such process");
  return j == x.process ? x.seq : d_->past.at(x.process, x.seq, j);
}

std::vector<std::uint32_t> hb_graph::causal_past(event_id e) const {
  const event_info& x = d_->events[index(e)];
  std::vector<std::uint32_t> out(d_->names.size());
  d_->past.row(x.process, x.seq, out);
  out[x.process] = x.seq;
  return out;
}

std::vector<std::uint32_t> hb_graph::recorded_vector(event_id e) const {
  const event_info& x = d_->events[index(e)];
  std::vector<std::uint32_t> out = causal_past(e);
  std::vector<std::uint32_t> deviation(out.size());
  d_->deviation.row(x.process, x.seq, deviation);
  for (std::size_t j = 0; j < out.size(); ++j) out[j] += deviation[j];
  return out;
}

namespace {
// x → y for x ≠ y: x precedes y on their process, or y's causal past holds x's process up to x.
bool before(const step_table& past, const event_info& x, const event_info& y) {
  if (x.process == y.process) return x.seq < y.seq;
  return past.at(y.process, y.seq, x.process) >= x.seq;
}
}  // namespace

bool hb_graph::happens_before(event_id a, event_id b) const {
  const std::uint32_t ia = index(a);
  const std::uint32_t ib = index(b);
  return ia != ib && before(d_->past, d_->events[ia], d_->events[ib]);
}

hb_relation hb_graph::relation(event_id a, event_id b) const {
  const std::uint32_t ia = index(a);
  const std::uint32_t ib = index(b);
  if (ia == ib) return hb_relation::same;
  const event_info& x = d_->events[ia];
  const event_info& y = d_->events[ib];
  if (before(d_->past, x, y)) return hb_relation::before;
  if (before(d_->past, y, x)) return hb_relation::after;
  return hb_relation::concurrent;
}

std::vector<event_id> hb_graph::path(event_id a, event_id b) const {
  if (!happens_before(a, b)) return {};
  const std::uint32_t ia = index(a);
  const std::uint32_t ib = index(b);
  // Breadth-first from a, keeping only events that happen before b (or are b): every event kept
  // lies on a path from a to b, so the search stays among the events between them, and their ids
  // lie between a's and b's (ids are a topological order), which bounds the parent table.
  std::vector<std::uint32_t> parent(std::size_t{ib} - ia + 1, none);
  std::vector<std::uint32_t> queue{ia};
  parent[0] = ia;
  for (std::size_t head = 0; head < queue.size() && parent.back() == none; ++head) {
    const std::uint32_t v = queue[head];
    const auto [first, last] = boost::adjacent_vertices(v, d_->graph);
    for (auto it = first; it != last; ++it) {
      const std::uint32_t w = *it;
      if (w > ib || parent[w - ia] != none) continue;
      if (w != ib && !happens_before(event_of(w), b)) continue;
      parent[w - ia] = v;
      queue.push_back(w);
    }
  }
  if (parent.back() == none) throw std::logic_error("hb_graph: the causal pasts and the edges disagree");
  std::vector<event_id> out;
  for (std::uint32_t v = ib; v != ia; v = parent[v - ia]) out.push_back(event_of(v));
  out.push_back(a);
  std::reverse(out.begin(), out.end());
  return out;
}

event_id hb_graph::resolve(const event_ref& ref, const std::string& origin) const {
  if (ref.process >= d_->names.size()) {
    throw input_error(origin, "", "a process of the run", cat("process number ", std::to_string(ref.process)));
  }
  // ref_tracker decides what matches and words the problem, as for scenarios' references.
  ref_tracker tracker(ref);
  event_id found = 0;
  const auto offer = [&](std::uint32_t i) {
    const event_info& x = d_->events[i];
    event_record r;
    r.id = event_id{i} + 1;
    r.process = x.process;
    r.seq = x.seq;
    r.kind = x.kind;
    r.label = d_->labels[x.label];
    if (tracker.offer(r)) found = r.id;
  };
  const std::vector<std::uint32_t>& events = d_->by_process[ref.process];
  if (ref.by_seq) {
    if (const event_id e = event_at(ref.process, ref.index)) offer(index(e));
  } else {
    for (const std::uint32_t i : events) offer(i);
  }
  if (!tracker.sound()) {
    std::string problem = ref.text.empty() ? std::string() : in_quotes(ref.text).append(": ");
    problem.append(tracker.problem(d_->names));
    throw input_error(origin, "", "a reference that names exactly one event", problem);
  }
  return found;
}

event_id hb_graph::resolve(std::string_view text, const std::string& origin) const {
  std::string why;
  const auto parts = parse_event_ref(text, &why);
  if (!parts)
    throw input_error(origin, "", R"(an event reference "proc:label", "proc:label#k" or "proc#n")", in_quotes(text), why);
  const auto p = find_process(parts->process);
  if (!p) {
    constexpr std::size_t shown = 8;  // as the scenario loader lists them
    std::string hint = "known processes:";
    for (std::size_t i = 0; i < std::min(shown, d_->names.size()); ++i)
      hint.append(i ? ", " : " ").append(d_->names[i]);
    if (d_->names.size() > shown) hint.append(", ...");
    throw input_error(origin, "", "the name of a process of the run",
                      cat("the unknown process ", in_quotes(parts->process)), hint);
  }
  return resolve(event_ref{std::string(text), *p, parts->label, parts->by_seq, parts->index}, origin);
}

const hb_graph::csr& hb_graph::graph() const { return d_->graph; }

hb_graph_memory hb_graph::memory() const {
  const data& d = *d_;
  hb_graph_memory m;
  // Boost 1.74's CSR also keeps a vector of (1-byte) no_property per vertex and per edge.
  m.graph = d.graph.m_forward.m_rowstart.capacity() * sizeof(std::uint64_t) +
            d.graph.m_forward.m_column.capacity() * sizeof(std::uint32_t) +
            (boost::num_vertices(d.graph) + boost::num_edges(d.graph)) * sizeof(boost::no_property);
  m.events = d.events.bytes() + d.messages.capacity() * sizeof(message_info) +
             d.by_process.capacity() * sizeof(std::vector<std::uint32_t>);
  for (const auto& v : d.by_process) m.events += v.capacity() * sizeof(std::uint32_t);
  for (const auto& l : d.labels) m.events += sizeof(std::string) + l.capacity();
  m.vectors = d.past.bytes() + d.deviation.bytes();
  return m;
}

// ---------------------------------------------------------------------------------------------

struct hb_graph_builder::state {
  std::string origin;
  bool started = false;
  std::size_t n = 0;
  std::vector<std::string> names;
  std::vector<std::string> labels;
  std::unordered_map<std::string, label_id, string_hash, std::equal_to<>> label_index;  // looked up, never iterated
  block_store<event_info> events;
  std::vector<message_info> messages;
  std::vector<std::vector<std::uint32_t>> by_process;
  std::vector<std::pair<std::uint32_t, std::uint32_t>> edges;  // (source, target) indices
  // n × n: row q is the causal past of q's latest event (own entry: its seq), and the deviation of
  // its recorded vector from it; the logs hold every change of each row, in seq order.
  std::vector<std::uint32_t> past;
  std::vector<std::uint32_t> deviation;
  std::vector<change_log> past_log;
  std::vector<change_log> deviation_log;
  std::vector<std::uint32_t> scratch;
  std::vector<std::pair<std::uint32_t, std::vector<process_id>>> pruned;
  std::vector<std::pair<std::uint32_t, std::vector<std::uint32_t>>> carried;
  // Differential vector encoding: the senders' bookkeeping, and what each message in flight carries.
  std::unique_ptr<vector_changes> links;
  std::map<message_id, std::vector<std::uint32_t>> carrying;  // looked up, never iterated
  std::vector<std::uint64_t> carried_words;  // scratch: what one message carries
  std::vector<std::uint64_t> recorded_words;  // scratch: a sparse stamp made dense
  stamp_index places;

  [[noreturn]] void fail(const event_record& e, std::string expected, std::string found) const {
    throw input_error(origin, cat("event ", std::to_string(e.id)), std::move(expected), std::move(found));
  }

  label_id intern(std::string_view text) {
    if (const auto it = label_index.find(text); it != label_index.end()) return it->second;
    const auto id = static_cast<label_id>(labels.size());
    labels.emplace_back(text);
    label_index.emplace(labels.back(), id);
    return id;
  }

  std::span<std::uint32_t> row(std::vector<std::uint32_t>& rows, process_id q) { return {&rows[q * n], n}; }

  // Differential encoding: what e's messages carry (as the vector clock chose, from the recorded
  // vectors: vector_changes), and what e received.
  void track_links(const event_record& e, vector_stamp stamp, std::uint32_t index, bool merges) {
    const std::span<const std::uint64_t> v = stamp.dense_words();  // differential encoding keeps dense rows
    links->event(e.process, v, e.time);
    if (merges)
      if (const auto it = carrying.find(e.message); it != carrying.end()) carried.emplace_back(index, it->second);
    for (const sent_message& m : e.messages) {
      carried_words.assign(n, 0);
      carried_entries(v, links->changed_at(e.process), links->link(e.process, m.to), carried_words);
      carrying[m.id].assign(carried_words.begin(), carried_words.end());
    }
    for (const sent_message& m : e.messages) links->sent(e.process, m.to);
  }

  // The causal past of `send`, into scratch: its process's current row, with the changes made
  // since the send undone. A message usually arrives a few events after its send, so this walks
  // back over few changes; a message held a long time costs the changes of its sender meanwhile.
  void past_of_send(const event_info& send) {
    const auto current = row(past, send.process);
    std::copy(current.begin(), current.end(), scratch.begin());
    past_log[send.process].roll_back(scratch, send.seq);
    scratch[send.process] = send.seq;
  }

  void update_past(process_id q, std::uint32_t seq, std::uint32_t send) {
    const auto mine = row(past, q);
    mine[q] = seq;
    if (send == none) return;
    const event_info& s = events[send];
    if (s.process == q) return;  // q's own earlier send is already in its past
    past_of_send(s);
    for (process_id j = 0; j < n; ++j)
      if (j != q && scratch[j] > mine[j]) {
        past_log[q].add(seq, j, mine[j], scratch[j]);
        mine[j] = scratch[j];
      }
  }

  void update_deviation(process_id q, std::uint32_t seq, vector_stamp stamp) {
    const std::span<const std::uint64_t> recorded = dense_words(stamp, recorded_words);
    const std::uint32_t* truth = &past[q * n];
    std::uint32_t* dev = &deviation[q * n];
    const std::size_t m = recorded.size();  // entries past it read as 0
    // First a branch-free pass (it vectorizes): an exact clock changes no deviation.
    bool same = true;
    for (std::size_t j = 0; j < m; ++j) same &= static_cast<std::uint32_t>(recorded[j]) - truth[j] == dev[j];
    for (std::size_t j = m; j < n; ++j) same &= 0u - truth[j] == dev[j];
    if (same) return;
    for (process_id j = 0; j < n; ++j) {
      const std::uint32_t d = (j < m ? static_cast<std::uint32_t>(recorded[j]) : 0u) - truth[j];  // mod 2^32
      if (d != dev[j]) {
        deviation_log[q].add(seq, j, dev[j], d);
        dev[j] = d;
      }
    }
  }
};

hb_graph_builder::hb_graph_builder(std::string origin) : s_(std::make_unique<state>()) {
  s_->origin = std::move(origin);
}
hb_graph_builder::~hb_graph_builder() = default;

void hb_graph_builder::reset() {
  std::string origin = std::move(s_->origin);
  s_ = std::make_unique<state>();
  s_->origin = std::move(origin);
}

void hb_graph_builder::on_start(const run_header& h) {
  if (s_->started) reset();  // a new run: what was collected is dropped
  state& s = *s_;
  s.started = true;
  // Its per-process tables are processes² counters, as vector clocks are.
  if (h.process_names.size() > row_max_processes)
    throw input_error(h.source ? h.source->file : std::string(), "/processes",
                      cat("at most ", std::to_string(row_max_processes), " processes for the happens-before graph"),
                      cat(std::to_string(h.process_names.size()), " processes"),
                      "explain, the GraphML and JSON links need it; hbsim check judges a run of any size");
  s.names.assign(h.process_names.begin(), h.process_names.end());
  s.n = s.names.size();
  s.by_process.resize(s.n);
  s.past.assign(s.n * s.n, 0);
  s.deviation.assign(s.n * s.n, 0);
  s.past_log.resize(s.n);
  s.deviation_log.resize(s.n);
  s.scratch.resize(s.n);
  s.places = h.source ? stamp_index(h.source->logical) : stamp_index{};
  if (h.source && h.source->logical.has("vector") && h.source->logical.vector_opts.encoding == vector_encoding::differential)
    s.links = std::make_unique<vector_changes>(s.n);
}

void hb_graph_builder::on_event(const event_record& e) {
  state& s = *s_;
  if (!s.started) throw std::logic_error("hb_graph_builder: on_event before on_start");
  const std::uint64_t count = s.events.size();
  if (e.id != count + 1) {
    s.fail(e, cat("event ", std::to_string(count + 1), " (ids count 1, 2, 3, ... in execution order)"),
           cat("event ", std::to_string(e.id)));
  }
  if (count >= most_events) s.fail(e, "at most 4294967295 events", "more");
  if (e.process >= s.n) s.fail(e, "a process of the run", cat("process number ", std::to_string(e.process)));
  std::vector<std::uint32_t>& mine = s.by_process[e.process];
  if (e.seq != mine.size() + 1) {
    s.fail(e, cat("seq ", std::to_string(mine.size() + 1), cat(" on ", s.names[e.process])),
           cat("seq ", std::to_string(e.seq)));
  }
  const vector_stamp v = s.places.vector_of(e);
  if (v.size() > s.n) s.fail(e, "a vector with one entry per process", cat(std::to_string(v.size()), " entries"));
  const bool merges = e.kind == event_kind::receive;
  std::uint32_t send = none;
  if (merges || e.kind == event_kind::reject) {
    if (e.send_event >= 1 && e.send_event <= count && s.events[e.send_event - 1].sent)
      send = static_cast<std::uint32_t>(e.send_event - 1);
    else if (merges)
      s.fail(e, "a receive naming an earlier send event", cat("send ", std::to_string(e.send_event)));
  }

  const auto index = static_cast<std::uint32_t>(count);
  const auto seq = static_cast<std::uint32_t>(e.seq);
  s.events.push_back({e.time, e.pt, s.places.lamport_of(e), s.places.hlc_of(e), seq, s.intern(e.label), e.process, e.kind,
                      e.kind == event_kind::send || !e.messages.empty()});
  if (!mine.empty()) s.edges.emplace_back(mine.back(), index);
  if (merges) s.edges.emplace_back(send, index);  // a reject is no HB edge
  mine.push_back(index);
  if (merges || e.kind == event_kind::reject) s.messages.push_back({index, send, e.message, e.arrived});
  s.update_past(e.process, seq, merges ? send : none);
  s.update_deviation(e.process, seq, v);
  if (!e.pruned.empty()) s.pruned.emplace_back(index, std::vector<process_id>(e.pruned.begin(), e.pruned.end()));
  if (s.links) s.track_links(e, v, index, merges);
}

hb_graph hb_graph_builder::build() {
  state& s = *s_;
  hb_graph g;
  hb_graph::data& d = *g.d_;
  std::vector<std::uint64_t> start, cursor;
  std::vector<std::uint32_t> row;
  std::vector<step_table::point> sorted;
  for (process_id q = 0; q < s.n; ++q) {
    d.past.add_process(s.past_log[q], s.n, start, cursor, row, sorted);
    s.past_log[q] = {};  // frees as it goes, keeping the peak low
    d.deviation.add_process(s.deviation_log[q], s.n, start, cursor, row, sorted);
    s.deviation_log[q] = {};
  }
  d.past.finish();
  d.deviation.finish();
  d.graph = hb_graph::csr(boost::edges_are_unsorted_multi_pass, s.edges.begin(), s.edges.end(),
                          static_cast<hb_graph::csr::vertices_size_type>(s.events.size()));
  d.names = std::move(s.names);
  d.labels = std::move(s.labels);
  d.events = std::move(s.events);
  d.messages = std::move(s.messages);
  d.messages.shrink_to_fit();
  d.pruned = std::move(s.pruned);
  d.carried = std::move(s.carried);
  d.by_process = std::move(s.by_process);
  for (auto& v : d.by_process) v.shrink_to_fit();
  reset();
  return g;
}

}  // namespace hbsim
