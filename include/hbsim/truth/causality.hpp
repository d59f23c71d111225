// The ground truth of a run or a replay: each event's causal past by process order and message edges
// alone, whatever the clocks say. Computed once; the judges and views that need it (invariants,
// expectations, the clock comparison) read it while they see the same event, so it is observed before
// them. Memory follows the processes and the sends in flight, never the length of the run.
//
// The truth is kept as rows (vectors of processes entries) up to row_max_processes processes, and at
// any size in a run with vector clocks. Beyond, without them (such a run may have a million processes),
// only its edges are: which send each receive merges, and each process's count. Rows are then empty,
// and the judges check what edges decide (every clock condition of a scalar clock holds for all pairs
// when it holds on each edge). Rows are dense (a counter per process) up to dense_rows_most processes
// and sparse beyond (counter_row.hpp), or as the run's logical.vector.representation says; a sparse row
// is read as a dense one written out on demand, so its readers see the same counters either way.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "hbsim/core/counter_row.hpp"
#include "hbsim/core/id_table.hpp"
#include "hbsim/kernel/observer.hpp"
#include "hbsim/truth/row_limit.hpp"

namespace hbsim {

class causality final : public event_observer {
 public:
  using row = std::span<const std::uint32_t>;
  /// A ground-truth vector (or a copy of a recorded one) as its holder captured it. Rows are shared,
  /// not copied: a process's truth is a row that its own events after a merge add themselves to in
  /// place (only its own entry changes), so a holder records what the owner's entry was for it.
  struct row_ref {
    std::uint32_t row = 0;
    process_id owner = 0;
    std::uint32_t own = 0;  // what entry `owner` reads for this holder
  };
  /// A send whose messages are still travelling has a slot, recycled once its last copy is received,
  /// rejected or dropped. Observers keep what they need of a send in vectors indexed by slot (of size
  /// slots()), instead of tables of their own.
  using send_slot = std::uint32_t;
  static constexpr send_slot no_slot = ~send_slot{0};

  /// Rows are kept up to `rows_most` processes, and at any number for a run with vector clocks.
  explicit causality(std::size_t rows_most = row_max_processes) : rows_most_(rows_most) {}

  void on_start(const run_header& h) override;
  void on_event(const event_record& e) override;
  void ahead(const event_record& next) const override;
  void on_drop(const drop_record& d) override;

  std::size_t processes() const { return n_; }
  /// Whether the truth is kept as rows (see above); otherwise every row is empty, past sizes are 0.
  bool keeps_rows() const { return width_ != 0 || n_ == 0; }
  /// Events of p so far.
  std::uint64_t count(process_id p) const { return procs_[p].count; }
  /// Ground truth after p's latest event: entry j = events of j in its causal past, itself included.
  /// With sparse rows, written out for p, valid until truth() of another process or the next event.
  row truth(process_id p) const {
    if (!sparse_) return {data(procs_[p].row), width_};
    if (written_for_ != p || written_at_ != latest_) {
      write_over(written_, written_entries_, rows_[procs_[p].row]);
      written_for_ = p;
      written_at_ = latest_;
    }
    return written_;
  }
  /// With sparse rows, p's truth as it is kept (its non-zero entries, by process).
  const counter_row& sparse_truth(process_id p) const { return rows_[procs_[p].row]; }
  /// Entry k of p's truth.
  std::uint32_t truth_at(process_id p, process_id k) const {
    return sparse_ ? rows_[procs_[p].row].at(k) : data(procs_[p].row)[k];
  }
  bool sparse() const { return sparse_; }
  /// Events in that causal past (the row's sum), and the processes they come from (its non-zero entries).
  std::uint64_t past_size(process_id p) const { return procs_[p].past; }
  std::uint32_t past_processes(process_id p) const { return procs_[p].nonzero; }
  /// p's truth as a holder keeps it (see share()).
  row_ref current(process_id p) const {
    return {procs_[p].row, p, static_cast<std::uint32_t>(procs_[p].count)};
  }

  // The latest event, until the next one.
  /// The id of the latest event seen: a judge checks that it is the one it is looking at.
  event_id latest() const { return latest_; }
  /// Its process's truth before it.
  row_ref before() const { return before_; }
  /// Whether it is a receive whose send is known: a message edge, merged into its truth.
  bool merged() const { return merged_; }
  /// The send's truth, when merged().
  row_ref sent() const { return sent_; }
  /// For a receive or a reject, the slot of its message's send (no_slot when unknown).
  send_slot slot() const { return slot_; }
  /// When it sent messages, the slot they take; no_slot otherwise. A send, or in a ShiViz log an event
  /// that receives a message and sends some too.
  send_slot sent_slot() const { return sent_slot_; }
  /// Slots ever used.
  std::size_t slots() const { return sends_.size(); }
  /// For the latest drop (until the next event or drop), the slot of its message's send; no_slot when unknown.
  send_slot dropped() const { return dropped_; }

  // Rows, for holders of their own (a judge keeping past events' vectors).
  std::uint32_t at(const row_ref& r, process_id k) const {
    if (k == r.owner) return r.own;
    return sparse_ ? rows_[r.row].at(k) : data(r.row)[k];
  }
  /// The row as its holder saw it, written into `scratch`.
  row view(const row_ref& r, std::vector<std::uint32_t>& scratch) const;
  /// Row r's counters as they are: in place when dense, else written into `scratch`.
  row values(std::uint32_t r, std::vector<std::uint32_t>& scratch) const;
  row_ref share(const row_ref& r) {
    if (width_) ++refs_[r.row];
    return r;
  }
  void release(const row_ref& r);
  /// A fresh row holding `counters` (one per process), held once.
  std::uint32_t take_row(std::span<const std::uint32_t> counters);
  /// Room for `rows` rows, so that the pool seldom moves.
  void reserve_rows(std::size_t rows) {
    if (!sparse_) pool_.reserve(rows * width_);
  }

 private:
  struct process {
    std::uint32_t row = 0;
    std::uint64_t count = 0;
    std::uint64_t past = 0;
    std::uint32_t nonzero = 0;
  };
  struct send {
    row_ref truth;
    std::uint32_t copies_left = 0;
  };
  struct message {
    message_id id = 0;
    send_slot send = no_slot;
    std::uint32_t copies_left = 0;  // 2 for a message the network duplicated
    bool live() const { return copies_left != 0; }
  };
  /// One copy of message m has been received, rejected or dropped; the slot of its send (no_slot: unknown).
  send_slot resolve(message_id m);
  void take_slot(const event_record& e);
  /// A row past pool_most_, or sparse rows past bytes_most_: input_error (run_header::in_flight_memory_most).
  [[noreturn]] void refuse_row() const;
  /// Sparse row r has changed, from `before` bytes: counted against bytes_most_.
  void grew(std::uint32_t r, std::size_t before);
  /// A fresh row, held once, its counters as they were (pointers into dense rows stay valid until the next take).
  std::uint32_t take_row();
  std::uint32_t* data(std::uint32_t r) { return pool_.data() + std::size_t{r} * width_; }
  const std::uint32_t* data(std::uint32_t r) const { return pool_.data() + std::size_t{r} * width_; }
  /// A receive's merge: p's new truth in a fresh row, from its old row and the send's.
  void merge(process& me, process_id p, std::uint32_t own);

  std::size_t rows_most_;
  std::uint64_t pool_most_ = 0;  // dense rows the pool may reach (run_header::in_flight_memory_most); 0: any
  std::uint64_t bytes_most_ = 0;  // bytes sparse rows may take beyond their start, likewise
  std::uint64_t held_bytes_ = 0;  // what sparse rows take
  std::size_t n_ = 0;
  std::size_t width_ = 0;  // entries of a row: n_, or 0 when only edges are kept
  std::vector<process> procs_;
  bool sparse_ = false;
  std::vector<std::uint32_t> pool_;  // dense rows, width_ counters each
  std::vector<counter_row> rows_;     // sparse rows
  std::vector<std::uint32_t> merge_scratch_;
  mutable std::vector<std::uint32_t> written_;  // truth(written_for_) of a sparse row, at event written_at_
  mutable std::vector<std::uint32_t> written_entries_;  // the entries of written_ that may not be 0
  mutable process_id written_for_ = no_process;
  mutable event_id written_at_ = 0;
  std::vector<std::uint32_t> refs_;
  std::vector<std::uint32_t> free_rows_;
  std::vector<send> sends_;
  std::vector<send_slot> free_sends_;
  id_table<message> messages_;
  event_id latest_ = 0;
  row_ref before_;
  bool merged_ = false;
  row_ref sent_;
  send_slot slot_ = no_slot;
  send_slot sent_slot_ = no_slot;
  send_slot dropped_ = no_slot;
  // Released when the next event comes, so that observers of the latest one can still read them.
  std::vector<std::uint32_t> pending_rows_;
  std::vector<send_slot> pending_slots_;
};

}  // namespace hbsim
