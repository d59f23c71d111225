// The happens-before graph of a run: the ground truth (process order plus send → receive
// edges, whatever the clocks say), built by an observer so that a live run and a replayed trace give
// the same graph. Answers "a → b?" without searching the graph, finds an HB path hop by hop, and
// resolves event references (scenarios/FORMAT.md §7).
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include <boost/graph/compressed_sparse_row_graph.hpp>

#include "hbsim/kernel/event.hpp"
#include "hbsim/kernel/observer.hpp"
#include "hbsim/scenario/event_ref.hpp"

namespace hbsim {

enum class hb_relation : std::uint8_t {
  same,        // a == b
  before,      // a → b
  after,       // b → a
  concurrent,  // neither
};
std::string_view to_string(hb_relation r);

/// One event as the graph keeps it; vectors are fetched apart (they are stored as changes).
struct hb_event {
  event_id id = 0;
  process_id process = 0;
  std::uint64_t seq = 0;
  event_kind kind = event_kind::local;
  std::string_view label;  // valid as long as the graph
  sim_time time = 0;
  sim_time pt = 0;
  std::uint64_t lamport = 0;
  hlc_stamp hlc;
  message_id message = 0;   // receive, reject
  event_id send_event = 0;  // receive, reject (a reject's is not an HB edge)
  sim_time arrived = no_arrival;  // a receive a delivery group ordered: when its copy arrived
};

/// Bytes held, by part (capacities, not sizes).
struct hb_graph_memory {
  std::size_t graph = 0;    // the CSR structure: row offsets, edge targets, Boost's placeholders
  std::size_t events = 0;   // per-event records, the (process, seq) index, messages, labels
  std::size_t vectors = 0;  // causal pasts and recorded vector clocks, stored as changes
  std::size_t total() const { return graph + events + vectors; }
};

class hb_graph {
 public:
  // Why compressed_sparse_row_graph: the graph is built once and then only read, which is what CSR
  // is for: one row offset per vertex and one target per edge, in two arrays, without the
  // per-vertex containers and per-edge nodes of adjacency_list. Vertices are 32-bit (a run has at
  // most limits::max_events = 4e9 < 2^32 events), edge offsets 64-bit (there can be up to twice as
  // many edges as events). Measured on PHOLD, 64 processes, 10M events, 14,999,936 edges, as heap
  // held: 11.0 bytes per edge (8 per vertex of offsets, 4 per edge of targets, and the 1-byte
  // no_property placeholder Boost 1.74 keeps per vertex and per edge), against 80 for
  // adjacency_list<vecS, vecS, directedS> and 139 for bidirectionalS built from the same edges.
  // Out-edges of an event are in increasing event id order: the next event of its process and the
  // receives of its messages. Nothing needs in-edges (path() searches forward), so directedS.
  using csr = boost::compressed_sparse_row_graph<boost::directedS, boost::no_property, boost::no_property,
                                                 boost::no_property, std::uint32_t, std::uint64_t>;
  /// Vertex v of graph() is event v + 1.
  static event_id event_of(csr::vertex_descriptor v) { return event_id{v} + 1; }
  static csr::vertex_descriptor vertex_of(event_id e) { return static_cast<csr::vertex_descriptor>(e - 1); }

  hb_graph();  // no processes, no events
  ~hb_graph();
  hb_graph(hb_graph&&) noexcept;
  hb_graph& operator=(hb_graph&&) noexcept;

  std::span<const std::string> process_names() const;
  std::optional<process_id> find_process(std::string_view name) const;
  std::uint64_t event_count() const;
  std::uint64_t edge_count() const;
  std::uint64_t events_of(process_id p) const;
  /// The seq-th event of p (from 1); 0 when p has fewer events.
  event_id event_at(process_id p, std::uint64_t seq) const;
  /// Event ids run from 1 to event_count(); others throw std::out_of_range (also below).
  hb_event event(event_id e) const;
  /// The vector clock the event recorded, dense (whatever the clock's variant did).
  std::vector<std::uint32_t> recorded_vector(event_id e) const;
  /// The vector entries the event pruned (logical.vector.prune), in process order.
  std::span<const process_id> pruned(event_id e) const;
  /// For a receive in a run with differential vector encoding (logical.vector.encoding): the vector its
  /// message carried, dense (the entries not carried read 0); nullopt for other events and runs.
  std::optional<std::vector<std::uint32_t>> carried_vector(event_id e) const;
  /// Ground truth: entry j is the number of j's events in e's causal past, e included, i.e. the seq
  /// of the latest one. It equals the recorded vector when vector.exact holds.
  std::vector<std::uint32_t> causal_past(event_id e) const;
  std::uint64_t causal_past(event_id e, process_id j) const;

  /// a → b. O(log) in the run's length: no graph search.
  bool happens_before(event_id a, event_id b) const;
  hb_relation relation(event_id a, event_id b) const;
  /// A path of fewest hops from a to b, a and b included, each hop a program-order or message
  /// edge; empty unless a → b. Searches only events between a and b.
  std::vector<event_id> path(event_id a, event_id b) const;

  /// The event a reference names (scenarios/FORMAT.md §7). Throws input_error naming `origin` (e.g. the command
  /// line argument) and listing candidates when it names no event or several.
  event_id resolve(const event_ref& ref, const std::string& origin = {}) const;
  /// The same from text ("A:ping", "A:ping#2", "A#3"), the process looked up by name.
  event_id resolve(std::string_view text, const std::string& origin = {}) const;

  const csr& graph() const;
  hb_graph_memory memory() const;

 private:
  friend class hb_graph_builder;
  struct data;
  std::unique_ptr<data> d_;
  std::uint32_t index(event_id e) const;  // e - 1, checked
};

/// Collects what the graph needs while a run or a trace replay proceeds. Events must come in
/// execution order (ids 1, 2, ...; each process's seq 1, 2, ...; a receive after its send), as the
/// kernel and the trace format give them; otherwise on_event throws input_error naming `origin`.
/// Memory while collecting: about 56 bytes per event, 8 per edge, and 3 per change of an entry of
/// a causal past (or of a wrong clock's recorded vector) along a process, plus two n × n rows;
/// about 130 bytes per event on PHOLD with 64 processes (see hb_graph.cpp).
class hb_graph_builder final : public event_observer {
 public:
  explicit hb_graph_builder(std::string origin = {});
  ~hb_graph_builder() override;
  hb_graph_builder(const hb_graph_builder&) = delete;
  hb_graph_builder& operator=(const hb_graph_builder&) = delete;

  /// Starts a new graph (dropping one not built yet).
  void on_start(const run_header& h) override;
  void on_event(const event_record& e) override;
  /// The graph of the events seen since on_start. Leaves the builder empty.
  hb_graph build();

 private:
  struct state;
  std::unique_ptr<state> s_;
  void reset();
};

}  // namespace hbsim
