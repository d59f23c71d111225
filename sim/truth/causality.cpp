#include "hbsim/truth/causality.hpp"

#include <algorithm>
#include <tuple>

#include "core/concat.hpp"
#include "core/prefetch.hpp"
#include "hbsim/core/input_error.hpp"

namespace hbsim {

void causality::on_start(const run_header& h) {
  n_ = h.process_names.size();
  width_ = n_ <= rows_most_ || h.vectors ? n_ : 0;
  sparse_ = width_ && h.sparse_rows;
  // Each process starts on a row of zeros of its own, that its events will add themselves to.
  pool_.assign(sparse_ ? 0 : width_ * width_, 0);
  rows_.assign(sparse_ ? width_ : 0, counter_row(width_, false));
  written_for_ = no_process;
  written_.assign(sparse_ ? width_ : 0, 0);
  written_entries_.clear();
  pool_most_ = width_ && !sparse_ && h.in_flight_memory_most
                   ? width_ + h.in_flight_memory_most / (width_ * sizeof(std::uint32_t))
                   : 0;
  bytes_most_ = sparse_ ? h.in_flight_memory_most : 0;
  held_bytes_ = 0;
  refs_.assign(width_, 1);
  free_rows_.clear();
  procs_.assign(n_, {});
  for (process_id p = 0; p < width_; ++p) procs_[p].row = p;
  sends_.clear();
  free_sends_.clear();
  messages_.clear();
  sends_.reserve(h.pending_at_start);
  free_sends_.reserve(h.pending_at_start);
  messages_.reserve(h.pending_at_start);
  latest_ = 0;
  before_ = sent_ = {};
  merged_ = false;
  slot_ = sent_slot_ = dropped_ = no_slot;
  pending_rows_.clear();
  pending_slots_.clear();
}

std::uint32_t causality::take_row() {
  std::uint32_t r;
  if (free_rows_.empty()) {
    if (pool_most_ && refs_.size() >= pool_most_) refuse_row();
    r = static_cast<std::uint32_t>(refs_.size());
    refs_.push_back(0);
    if (sparse_)
      rows_.emplace_back(width_, false);
    else
      pool_.resize(pool_.size() + width_);
  } else {
    r = free_rows_.back();
    free_rows_.pop_back();
  }
  refs_[r] = 1;
  return r;
}

std::uint32_t causality::take_row(std::span<const std::uint32_t> counters) {
  const std::uint32_t r = take_row();
  if (sparse_) {
    const std::size_t before = rows_[r].bytes();
    rows_[r].assign(counters);
    grew(r, before);
  } else {
    std::copy(counters.begin(), counters.end(), data(r));
  }
  return r;
}

void causality::grew(std::uint32_t r, std::size_t before) {
  held_bytes_ += rows_[r].bytes() - before;  // modulo 2^64: a row that shrank subtracts
  if (bytes_most_ && held_bytes_ > bytes_most_) refuse_row();
}

void causality::refuse_row() const {
  const std::uint64_t held = refs_.size() - width_;  // rows beyond the processes' first: held for sends
  const std::uint64_t bytes = sparse_ ? bytes_most_ : held * width_ * sizeof(std::uint32_t);
  const std::string found =
      sparse_ ? concat(held, " earlier causal pasts held at once (for sends not yet received, and by the judges), "
                             "their entries growing past that")
              : concat(held, " earlier causal pasts of ", width_,
                       " counters each held at once (for sends not yet received, and by the judges), and one more needed");
  throw input_error("", "",
                    concat("sends in flight whose ground truth fits in the memory left (",
                           bytes >= (1u << 20) ? concat(bytes >> 20, " MiB") : concat(bytes, " bytes"), ")"),
                    found, "a machine with more memory, or a trace with fewer messages in flight at once");
}

void causality::release(const row_ref& r) {
  if (width_ && --refs_[r.row] == 0) free_rows_.push_back(r.row);
}

causality::row causality::view(const row_ref& r, std::vector<std::uint32_t>& scratch) const {
  if (!width_) return {};
  if (sparse_) {
    scratch.resize(width_);
    rows_[r.row].write(scratch);
  } else {
    const std::uint32_t* d = data(r.row);
    scratch.assign(d, d + width_);
  }
  scratch[r.owner] = r.own;
  return scratch;
}

causality::row causality::values(std::uint32_t r, std::vector<std::uint32_t>& scratch) const {
  if (!sparse_) return {data(r), width_};
  scratch.resize(width_);
  rows_[r].write(scratch);
  return scratch;
}

void causality::ahead(const event_record& next) const {
  prefetch(&procs_[next.process], sizeof(process));
  if (message_arrived(next.kind)) messages_.prefetch(next.message);
  for (const sent_message& m : next.messages) messages_.prefetch(m.id);
}

void causality::on_event(const event_record& e) {
  for (const std::uint32_t r : pending_rows_) release({r, 0, 0});
  pending_rows_.clear();
  free_sends_.insert(free_sends_.end(), pending_slots_.begin(), pending_slots_.end());
  pending_slots_.clear();

  const process_id p = e.process;
  process& me = procs_[p];
  latest_ = e.id;
  before_ = current(p);
  slot_ = sent_slot_ = no_slot;
  if (message_arrived(e.kind))
    if (const message* m = messages_.find(e.message)) slot_ = m->send;
  merged_ = e.kind == event_kind::receive && slot_ != no_slot;  // a reject is no happens-before edge
  ++me.count;
  const auto own = static_cast<std::uint32_t>(me.count);
  if (merged_) sent_ = sends_[slot_].truth;
  // A message p sent itself brings nothing p did not know (PHOLD's are mostly such): no merge.
  if (width_ && merged_ && sent_.owner != p) {
    merge(me, p, own);
  } else if (sparse_) {
    counter_row& mine = rows_[me.row];
    me.nonzero += own == 1;
    ++me.past;
    const std::size_t before = mine.bytes();
    mine.set(p, own);
    grew(me.row, before);
  } else if (width_) {
    // Any other event adds itself to p's row in place. That entry is p's count so far, always: it is
    // written, not read (with many processes the row is rarely in the cache, and a load would stall).
    data(me.row)[p] = own;
    me.nonzero += own == 1;
    ++me.past;
  }
  if (slot_ != no_slot) resolve(e.message);
  if (!e.messages.empty()) take_slot(e);
}

void causality::merge(process& me, process_id p, std::uint32_t own) {
  // A merge writes p's new truth into a fresh row, leaving the old one as its holders captured it.
  // The sender's entry is as the send saw it (its owner has added later events to the row in place).
  if (sparse_) {
    const std::uint32_t fresh = take_row();
    const std::uint32_t sender = std::max(rows_[me.row].at(sent_.owner), sent_.own);
    counter_row& t = rows_[fresh];
    const std::size_t before = t.bytes();
    t.assign(rows_[me.row]);
    t.merge(rows_[sent_.row], merge_scratch_);
    t.set(sent_.owner, sender);
    t.set(p, own);
    grew(fresh, before);
    pending_rows_.push_back(me.row);
    me.row = fresh;
    std::tie(me.past, me.nonzero) = t.totals();
    return;
  }
  const std::uint32_t fresh = take_row();
  const std::uint32_t* old = data(me.row);
  const std::uint32_t* from = data(sent_.row);
  std::uint32_t* t = data(fresh);
  std::uint64_t past = 0;
  std::uint32_t nonzero = 0;
  for (std::size_t k = 0; k < width_; ++k) {  // branch-free, so that it vectorises: the hot loop of receives
    t[k] = std::max(old[k], from[k]);
    past += t[k];
    nonzero += t[k] != 0;
  }
  // The sender's entry as the send saw it, and p's own: set apart from the loop.
  const auto set = [&](process_id k, std::uint32_t value) {
    past = past + value - t[k];
    nonzero = nonzero + (value != 0) - (t[k] != 0);
    t[k] = value;
  };
  set(sent_.owner, std::max(old[sent_.owner], sent_.own));
  set(p, own);
  pending_rows_.push_back(me.row);
  me.row = fresh;
  me.past = past;
  me.nonzero = nonzero;
}

void causality::take_slot(const event_record& e) {
  if (free_sends_.empty()) {
    sent_slot_ = static_cast<send_slot>(sends_.size());
    sends_.emplace_back();
  } else {
    sent_slot_ = free_sends_.back();
    free_sends_.pop_back();
  }
  std::uint32_t copies = 0;
  for (const sent_message& m : e.messages) {
    const std::uint32_t c = std::max<std::uint32_t>(m.copies, 1);
    const message entry{m.id, sent_slot_, c};
    *messages_.add(entry).first = entry;  // an id sent again stands for the latest send
    copies += c;
  }
  sends_[sent_slot_] = {share(current(e.process)), copies};
}

causality::send_slot causality::resolve(message_id id) {
  message* const m = messages_.find(id);
  if (!m) return no_slot;
  const send_slot s = m->send;
  if (--m->copies_left == 0) messages_.remove(*m);
  if (--sends_[s].copies_left == 0) {
    pending_rows_.push_back(sends_[s].truth.row);
    pending_slots_.push_back(s);
  }
  return s;
}

void causality::on_drop(const drop_record& d) { dropped_ = resolve(d.message); }

}  // namespace hbsim
