// Reading a trace ahead of its replay: batches of lines read and parsed by the line codec's fast path
// on threads of their own, handed back to the replay in file order.
#pragma once

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <exception>
#include <memory>
#include <mutex>
#include <span>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "hbsim/core/mapped_input.hpp"
#include "hbsim/kernel/observer.hpp"
#include "hbsim/trace/trace_reader.hpp"
#include "trace/line_codec.hpp"

namespace hbsim::trace_internal {

// One line of a batch, and what the fast path made of it.
struct parsed_line {
  enum class shape : std::uint8_t { blank, event, drop, other };  // other: for the general path
  shape what = shape::other;
  std::size_t number = 0;  // in its batch, from 1: the replay adds batch::line_base
  std::string_view text;  // in the batch
  event_record event;     // but its spans and label, which the replaying thread sets
  standard_values values;
  std::size_t vector_at = 0, messages_at = 0, messages = 0, label_at = 0;
  std::size_t sparse_words = 0;  // its vector's in batch::sparse, with sparse vectors
  drop_record drop{};
};

// Whole lines of the file, read straight into one buffer (or, from a mapped file, a range of it), and
// what the fast path made of them.
struct batch {
  std::size_t sequence = 0;      // in file order
  // A range of a mapped file with more lines than a batch holds goes in parts, in order, one batch each.
  std::size_t part = 0;
  bool more_parts = false;  // the range goes on in the next part
  bool held = false;        // its reading thread takes it back once replayed, for the next part
  bool returned = false;    // and it has come back
  std::size_t line_base = 0;  // lines before this batch's, set by the replay when it takes the batch
  std::unique_ptr<char[]> text;  // not a vector: growing it must not fill it with zeros first
  std::size_t capacity = 0, size = 0;
  // The lines cut: the first `count` slots. The slots stay from batch to batch rather than being built
  // again for each line (measured: building them was half the time of cutting); the fast path sets
  // every field it reads, and the others stay as built.
  std::vector<parsed_line> slots;
  std::size_t count = 0;
  std::unique_ptr<vector_value[]> vectors;  // n entries per line, written by the fast path
  std::size_t vector_entries = 0;            // allocated
  std::vector<vector_value> sparse;          // or the lines' sparse vectors, one after another
  std::vector<sent_message> messages;
  // The events' labels, each once in a row: the replaying thread reads them here, not from the text,
  // where each label would be a cache miss (measured: 13 % of hbsim check's time, copying the label).
  std::string labels;
  std::size_t last_label = 0;  // where the latest label starts in labels
  std::exception_ptr error;  // reading failed after the lines above (at a line number in the batch)
  bool last = false;
  // With the file mapped: the range of it whose lines the batch takes, cut apart by the thread that parses
  // them (not under the reading lock); whether the file was found cut short at its end; and the offset after
  // the lines taken so far, in the mapping (the pages before it can go once the batch is replayed).
  bool mapped = false;
  std::size_t begin = 0, end = 0;
  bool shrunk = false;
  std::size_t mapped_end = 0;

  std::span<parsed_line> lines() { return {slots.data(), count}; }
  std::span<const parsed_line> lines() const { return {slots.data(), count}; }
  parsed_line& add_line() {
    if (count == slots.size()) slots.emplace_back();
    return slots[count++];
  }
  void reserve(std::size_t bytes) {
    if (bytes <= capacity) return;
    capacity = std::max(bytes, 2 * capacity);
    auto bigger = std::make_unique_for_overwrite<char[]>(capacity);
    if (size != 0) std::memcpy(bigger.get(), text.get(), size);
    text = std::move(bigger);
  }
  /// Where `label` is in labels: the latest one's place when it is the same.
  std::size_t keep_label(std::string_view label) {
    if (std::string_view(labels).substr(last_label) != label) {
      last_label = labels.size();
      labels.append(label);
    }
    return last_label;
  }
  /// Where the batch is in the file: its range, when mapped, and how far its lines went.
  struct place {
    std::size_t sequence = 0, part = 0;
    bool mapped = false;
    std::size_t begin = 0, end = 0, mapped_end = 0;
    bool shrunk = false;
  };
  place where() const { return {sequence, part, mapped, begin, end, mapped_end, shrunk}; }
  /// Empties the batch for the lines at `p` (what it held has been replayed).
  void start(const place& p) {
    sequence = p.sequence;
    part = p.part;
    mapped = p.mapped;
    begin = p.begin;
    end = p.end;
    mapped_end = p.mapped_end;
    shrunk = p.shrunk;
    more_parts = held = returned = false;
    count = 0;
    messages.clear();
    sparse.clear();
    labels.clear();
    last_label = 0;
    error = nullptr;
    last = false;
  }
  void reserve_vectors(std::size_t entries) {
    if (entries <= vector_entries) return;
    vectors = std::make_unique_for_overwrite<vector_value[]>(entries);
    vector_entries = entries;
  }
};

// Reads batches of lines ahead of the replay and parses them, on threads of its own. Taking the next
// part of the file is sequential (one thread at a time, in file order): from a mapped file only a range's
// end is found then, and each thread cuts and parses its range's lines at once; from a pipe (or past the
// end of a mapping) the lines are read and cut then, and parsed after. The replay takes the batches back
// in file order. When the whole rest of the file is in memory already (a small file), threads would cost
// more than they save: the replaying thread cuts and parses each batch itself, in buffers the size of what
// is left.
class read_ahead {
 public:
  /// Reads on from where `in` stopped: the reader is spent.
  read_ahead(line_reader& in, const process_table& table);
  ~read_ahead() { stop(); }
  read_ahead(const read_ahead&) = delete;
  read_ahead& operator=(const read_ahead&) = delete;

  /// The next batch in file order; the last one has `last` set.
  batch& next();
  /// Gives a batch back for reuse.
  void done(batch& b);

 private:
  // A regular file is mapped, not read: the kernel's copy for read() was a fifth of hbsim check's time
  // (tools/PERFORMANCE.md). Its pages are made present ahead of the lines cut, which finds a file that shrank
  // (touching a page past its end would raise SIGBUS; mapped_input.hpp), and are let go behind the replay,
  // which keeps memory flat. A file that grew meanwhile is read on past the mapping; a pipe is read.
  static constexpr std::size_t read_size = 1 << 20;
  static constexpr std::size_t present_step = 4 << 20, release_step = 4 << 20;
  // How far ahead of the line being cut its bytes are asked for (measured on 10M events: 8 KB took 8 % off
  // the CPU time of hbsim check; 4 and 16 KB about as much).
  static constexpr std::size_t fetch_ahead = 8 << 10;
  static constexpr int reading_nice = 10;  // of the reading threads (run())
  // Lines a batch holds at most, whatever their length: a slot is about 300 bytes, so a file of blank
  // lines must not fill a megabyte's worth of them.
  static constexpr std::size_t most_lines_per_batch = 1 << 14;
  static constexpr std::size_t entries_per_batch = 1 << 18;  // vector entries, which bound a batch of many processes

  static bool later(const batch* a, const batch* b) {
    return a->sequence != b->sequence ? a->sequence > b->sequence : a->part > b->part;
  }

  void stop();
  void run();
  void cut_next(batch& b);
  void parse_all(batch& b) const;
  /// The lines of b's range from b.mapped_end on, cut and each parsed at once, as many as a batch holds;
  /// false when that was the range's last part.
  bool cut_and_parse(batch& b) const;
  /// Hands b to the replay (in the ready heap).
  void hand_over(batch& b);
  void size_ranges(const batch& b, bool more);
  /// The replay's side of taking b: its line numbers, and an error's, counted from the file's start.
  void number_lines(batch& b);
  void map_file();
  bool cut(batch& b);
  bool claim_mapped(batch& b);
  const char* present_through(std::size_t offset);
  bool read_on_if_grown(const char* p);
  std::size_t file_size(std::size_t otherwise) const;
  const char* take_line(batch& b, const char* p, const char* newline, const char* end) const;
  /// Refuses the line after b's lines, longer than the limit.
  [[noreturn]] void refuse_long_line(const batch& b) const;
  void read_more(batch& b);
  void parse(parsed_line& l, batch& b) const;

  const std::string path_;
  const process_table& table_;
  const std::size_t lines_per_batch_;
  // The reading side, under reading_.
  std::mutex reading_;
  std::vector<char> carry_;  // the bytes after the last line cut: a partial line, or lines left for the next batch
  std::FILE* file_;          // null once the whole file is in carry_
  bool eof_;
  const char* map_ = nullptr;  // the whole file as it was when mapped, until the end
  std::unique_ptr<mapped_input_range> registered_;  // map_, for the SIGBUS handler
  bool mapped_ = false;  // lines are cut from map_ (then from file_, once the file grew past it)
  // Offsets in map_: its end, the end that may be read (less once the file shrank), the lines cut, the pages
  // made present.
  std::size_t map_size_ = 0, limit_ = 0, cut_to_ = 0, present_to_ = 0;
  bool shrank_ = false;
  std::size_t released_ = 0;  // the pages let go, by the replaying thread
  std::size_t page_ = 1;
  bool cut_all_ = false;  // the last batch has been cut
  // Bytes a range is claimed with (size_ranges): from first_range_bytes, up to read_size, less while ranges hold
  // more lines than a batch. Set by the reading threads as they find how long the lines are.
  static constexpr std::size_t first_range_bytes = 64 << 10;
  std::atomic<std::size_t> range_bytes_{first_range_bytes};
  // The batches, under mutex_.
  std::vector<batch> pool_;
  std::mutex mutex_;
  // Each side waits on its own, and is woken only when what it waits for may have come: the replay for
  // its next batch, the reading threads for a free one (measured: a fifth fewer context switches).
  std::condition_variable ready_changed_, free_changed_;
  std::vector<batch*> free_;
  std::vector<batch*> ready_;  // a heap, earliest first
  std::size_t sequence_ = 0, next_ = 0, next_part_ = 0;
  std::size_t lines_handed_;  // lines of the batches the replay has taken, the header's included
  bool finished_ = false;  // no more batches to read: the threads end
  bool stop_ = false;
  std::vector<std::thread> threads_;  // last: started when everything above exists
};

}  // namespace hbsim::trace_internal
