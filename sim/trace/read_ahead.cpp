// Reading a trace ahead of its replay (see read_ahead.hpp).
#include "trace/read_ahead.hpp"

#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include "hbsim/core/input_error.hpp"
#include "trace/json_lines.hpp"

namespace hbsim::trace_internal {

namespace {
// Two even on two cores: the replaying thread waits for them part of the time.
std::size_t reading_threads() { return std::clamp<std::size_t>(std::thread::hardware_concurrency(), 2, 4); }
}  // namespace

read_ahead::read_ahead(line_reader& in, const process_table& table)
    : path_(in.path()),
      table_(table),
      lines_per_batch_(std::clamp<std::size_t>(entries_per_batch / std::max<std::size_t>(1, table.vector_width), 1,
                                               most_lines_per_batch)),
      file_(in.release(carry_)),
      eof_(file_ == nullptr),
      // Batches to spare beyond one a reading thread: the replay and the reading threads each run ahead
      // of the other in turns, and on two cores neither then waits as soon (measured: 0.62 s against
      // 0.64-0.74 for hbsim check of 1.9 GB with two to spare; 8 MB more memory, still flat).
      pool_(eof_ ? 1 : reading_threads() + 6),
      lines_handed_(in.line_number()) {
  for (auto& b : pool_) free_.push_back(&b);
  if (eof_) return;
  map_file();
  try {
    for (std::size_t i = 0; i < reading_threads(); ++i) threads_.emplace_back([this] { run(); });
  } catch (...) {  // no thread to be had: stop those started
    stop();
    throw;
  }
}

batch& read_ahead::next() {
  if (threads_.empty()) {  // everything is in memory: cut and parse here
    batch& b = pool_.front();
    cut_next(b);
    parse_all(b);
    number_lines(b);
    return b;
  }
  batch* b = nullptr;
  {
    std::unique_lock lock(mutex_);
    ready_changed_.wait(lock, [&] {
      return !ready_.empty() && ready_.front()->sequence == next_ && ready_.front()->part == next_part_;
    });
    std::pop_heap(ready_.begin(), ready_.end(), later);
    b = ready_.back();
    ready_.pop_back();
    if (b->more_parts) {
      ++next_part_;
    } else {
      ++next_;
      next_part_ = 0;
    }
  }
  number_lines(*b);
  return *b;
}

void read_ahead::number_lines(batch& b) {
  b.line_base = lines_handed_;
  lines_handed_ += b.count;
  if (!b.error) return;
  try {
    std::rethrow_exception(b.error);
  } catch (const input_error& e) {
    if (e.line() != 0)
      b.error = std::make_exception_ptr(
          input_error(e.file(), e.path(), e.expected(), e.found(), e.hint(), b.line_base + e.line(), e.column()));
  } catch (...) {  // not about a line: as it is
  }
}

void read_ahead::done(batch& b) {
  if (threads_.empty()) return;
  // Every batch before b is done too (they come back in file order): their pages can go.
  if (map_ && b.mapped_end >= released_ + release_step) {
    const std::size_t to = b.mapped_end / page_ * page_;
    ::madvise(const_cast<char*>(map_) + released_, to - released_, MADV_DONTNEED);
    released_ = to;
  }
  bool held = false;
  {
    const std::lock_guard lock(mutex_);
    held = b.held;
    if (held) {
      b.held = false;
      b.returned = true;
    } else {
      free_.push_back(&b);
    }
  }
  // One thread waiting for a free batch; or the one waiting for this batch back, which only waking all reaches.
  if (held)
    free_changed_.notify_all();
  else
    free_changed_.notify_one();
}

void read_ahead::stop() {
  {
    const std::lock_guard lock(mutex_);
    stop_ = true;
  }
  ready_changed_.notify_all();
  free_changed_.notify_all();
  for (std::thread& t : threads_) t.join();
  if (file_) std::fclose(file_);
  registered_.reset();
  if (map_) ::munmap(const_cast<char*>(map_), map_size_);
}

// Maps the file, if it is a regular one, and goes on from where the reader stopped (the bytes it read
// ahead are in the mapping too).
void read_ahead::map_file() {
  struct stat st {};
  const int fd = ::fileno(file_);
  const off_t at = ::ftello(file_);
  if (::fstat(fd, &st) != 0 || !S_ISREG(st.st_mode) || at < 0 || static_cast<std::size_t>(at) < carry_.size())
    return;
  const auto size = static_cast<std::size_t>(st.st_size);
  const std::size_t from = static_cast<std::size_t>(at) - carry_.size();
  if (size <= from) return;
  void* const m = ::mmap(nullptr, size, PROT_READ, MAP_PRIVATE, fd, 0);
  if (m == MAP_FAILED) return;
  page_ = static_cast<std::size_t>(::sysconf(_SC_PAGESIZE));
  map_ = static_cast<const char*>(m);
  registered_ = std::make_unique<mapped_input_range>(m, size);
  mapped_ = true;
  map_size_ = limit_ = size;
  cut_to_ = from;
  present_to_ = released_ = from / page_ * page_;
  carry_.clear();
}

// Makes the mapping's pages present through `offset` (or the end), a step at a time: touching a page past
// the end of a file that shrank would raise SIGBUS. A file found shorter is read to its new end, where
// claim_mapped reports it. Returns the end of what is present.
const char* read_ahead::present_through(std::size_t offset) {
#ifdef MADV_POPULATE_READ
  while (present_to_ < std::min(offset, limit_)) {
    const std::size_t length = std::min(present_step, limit_ - present_to_);
    // EFAULT: past the end of the file. Any other error (a kernel before Linux 5.14, memory short for now)
    // leaves the pages to come as they are touched.
    if (::madvise(const_cast<char*>(map_) + present_to_, length, MADV_POPULATE_READ) != 0 && errno == EFAULT) {
      limit_ = std::clamp(file_size(present_to_), cut_to_, limit_);
      shrank_ = true;
      break;
    }
    present_to_ += length;
  }
#else
  present_to_ = std::max(present_to_, std::min(offset, limit_));
#endif
  return map_ + std::min(present_to_, limit_);
}

// The file's size now, or `otherwise` when it cannot be had.
std::size_t read_ahead::file_size(std::size_t otherwise) const {
  struct stat st {};
  return ::fstat(::fileno(file_), &st) == 0 ? static_cast<std::size_t>(st.st_size) : otherwise;
}

// At the end of the mapping: when the file has grown since it was mapped, the lines from p on are read with
// fread, as a pipe's are (what is left of the mapping goes ahead of them). True then.
bool read_ahead::read_on_if_grown(const char* p) {
  if (file_size(map_size_) <= map_size_ || ::fseeko(file_, static_cast<off_t>(map_size_), SEEK_SET) != 0) return false;
  carry_.assign(p, map_ + map_size_);
  mapped_ = false;
  return true;
}

void read_ahead::run() {
  // The replay judges the lines in file order on one thread, the critical path; the reading threads, with
  // batches to spare, would otherwise take turns with it on its core. Lower priority (this thread's nice: with
  // autogroups, among the threads of this session, not against others) lets it run whenever it has a batch.
  // Measured, hbsim check of 10M events on 2 cores: 2.3 s against 2.9 s idle; beside a busy loop, 4.2 s
  // against 4.0 s. Added to the nice hbsim was started with. A hint: should it fail, the lines are the same.
  const auto self = static_cast<id_t>(::gettid());
  errno = 0;
  const int nice = ::getpriority(PRIO_PROCESS, self);
  if (errno == 0) ::setpriority(PRIO_PROCESS, self, std::min(nice + reading_nice, 19));
  for (;;) {
    batch* b = nullptr;
    {
      std::unique_lock lock(mutex_);
      free_changed_.wait(lock, [&] { return stop_ || finished_ || !free_.empty(); });
      if (stop_ || finished_) return;
      b = free_.back();
      free_.pop_back();
    }
    bool cut = false;
    {
      // The file and what is left of it go to one thread at a time, in file order. Never held
      // together with mutex_.
      const std::lock_guard reading(reading_);
      cut = !cut_all_;
      if (cut) cut_next(*b);
    }
    if (!cut) {  // another thread cut the last batch meanwhile
      {
        const std::lock_guard lock(mutex_);
        free_.push_back(b);
        finished_ = true;
      }
      free_changed_.notify_all();
      return;
    }
    if (!b->mapped) {
      parse_all(*b);
      hand_over(*b);
      continue;
    }
    // A mapped range: its lines are cut here, each parsed as soon as it is found, while its bytes are still
    // on their way from memory (measured: a third less time a line than cutting all of them first).
    const bool last_range = b->last;
    b->last = false;
    for (;;) {
      const bool more = cut_and_parse(*b);
      size_ranges(*b, more);
      b->last = b->last || (!more && last_range);  // set already after an error
      b->more_parts = b->held = more;
      const batch::place at = b->where();  // read before b is handed over: it may then be reused at once
      hand_over(*b);
      if (!more) break;
      // A range of more lines than a batch holds goes on in the next part, in whichever batch comes first: a
      // free one, or this one back once replayed (it always comes: the replay takes the parts in order).
      {
        std::unique_lock lock(mutex_);
        free_changed_.wait(lock, [&] { return stop_ || b->returned || !free_.empty(); });
        if (stop_) return;
        if (b->returned) {
          b->returned = false;
        } else {
          b->held = false;  // done() frees it
          b = free_.back();
          free_.pop_back();
        }
      }
      b->start({at.sequence, at.part + 1, true, at.begin, at.end, at.mapped_end, at.shrunk});
    }
  }
}

// Ranges are claimed with range_bytes_: after a range of more lines than a batch holds, seven eighths of what one
// batch took (a whole batch's worth would end a line too late, and take a part of one line), so that the next
// ranges are parsed on every thread at once rather than in parts by one thread, one after another (measured:
// twice as long); after one of less than half a batch's lines, twice as many, up to read_size.
void read_ahead::size_ranges(const batch& b, bool more) {
  if (b.part != 0 || b.shrunk || b.error) return;
  const std::size_t bytes = range_bytes_.load(std::memory_order_relaxed);
  if (more)
    range_bytes_.store(std::max<std::size_t>((b.mapped_end - b.begin) / 8 * 7, 4096), std::memory_order_relaxed);
  else if (b.count < lines_per_batch_ / 2)
    range_bytes_.store(std::min(2 * bytes, read_size), std::memory_order_relaxed);
}

void read_ahead::hand_over(batch& b) {
  bool wanted = false;  // the batch the replay waits for: others would wake it for nothing
  bool last = false;    // b itself may be taken, replayed, freed and cut again once the lock is let go
  {
    const std::lock_guard lock(mutex_);
    last = b.last;
    finished_ = finished_ || last;
    wanted = b.sequence == next_ && b.part == next_part_;
    ready_.push_back(&b);
    std::push_heap(ready_.begin(), ready_.end(), later);
  }
  if (wanted) ready_changed_.notify_one();
  if (last) free_changed_.notify_all();  // the threads waiting for a batch end
}

// The next lines of the file into b, in file order (from a mapped file, the range they are in); an error goes
// with the lines read before it.
void read_ahead::cut_next(batch& b) {
  b.start({.sequence = sequence_++});
  try {
    b.last = !(mapped_ ? claim_mapped(b) : cut(b));
  } catch (...) {  // handed to the replay, after the lines read before
    b.error = std::current_exception();
    b.last = true;
  }
  cut_all_ = b.last;
}

void read_ahead::parse_all(batch& b) const {
  try {
    b.reserve_vectors(b.count * table_.vector_width);
    for (parsed_line& l : b.lines()) parse(l, b);
  } catch (...) {  // out of memory: the lines not parsed go to the general path, then the error is thrown
    b.error = std::current_exception();
    b.last = true;
  }
}

// Reads whole lines into b, straight from the file after the lines left over from the previous
// batch, and cuts them apart. False when the file has no more lines.
bool read_ahead::cut(batch& b) {
  b.size = 0;
  b.reserve(carry_.size() + (eof_ ? 0 : read_size));
  if (!carry_.empty()) std::memcpy(b.text.get(), carry_.data(), carry_.size());
  b.size = carry_.size();
  carry_.clear();
  // Read (unless enough was left over), and go on while the buffer holds no whole line.
  if (!eof_ && b.size < read_size) read_more(b);
  for (std::size_t scanned = 0; !eof_ && !std::memchr(b.text.get() + scanned, '\n', b.size - scanned);) {
    scanned = b.size;
    if (b.size > limits::file_bytes) refuse_long_line(b);
    read_more(b);
  }
  // Whole lines end at the last newline; at the end of the file, what follows it is the last line.
  const char* const begin = b.text.get();
  const char* const end = eof_ ? begin + b.size : static_cast<const char*>(memrchr(begin, '\n', b.size)) + 1;
  const char* p = begin;
  while (p != end && b.count < lines_per_batch_) {
    const auto* newline = static_cast<const char*>(std::memchr(p, '\n', static_cast<std::size_t>(end - p)));
    p = take_line(b, p, newline, end);
  }
  carry_.assign(p, begin + b.size);
  return !eof_ || !carry_.empty();
}

// Claims the next range of the mapping for b: about read_size bytes, through the end of the line there. Only
// the range's end is looked for here, under the reading lock; the thread that parses its lines cuts them
// (cut_and_parse). At the end of the mapping, a file that shrank ends the range in an error; one that grew is
// read on. False when this is the last range.
bool read_ahead::claim_mapped(batch& b) {
  b.mapped = true;
  b.begin = b.mapped_end = cut_to_;
  const std::size_t target = cut_to_ + range_bytes_.load(std::memory_order_relaxed);
  // The range ends after the first newline from target's last byte on; none before the end of what there is:
  // the end of the file, or a line past the limit (which cut_and_parse then refuses).
  std::size_t from = target - 1;
  for (;;) {
    const auto have = static_cast<std::size_t>(present_through(from + 1) - map_);
    if (from >= have) break;
    if (const void* newline = std::memchr(map_ + from, '\n', have - from)) {
      cut_to_ = b.end = static_cast<std::size_t>(static_cast<const char*>(newline) - map_) + 1;
      return true;
    }
    if (have == limit_) break;
    if (have - target > limits::file_bytes) {
      cut_to_ = b.end = have;
      return false;
    }
    from = have;
  }
  // The end of the mapping, or of what is left of the file.
  cut_to_ = b.end = limit_;
  if (shrank_) {
    b.shrunk = true;
    return false;
  }
  // Past the last newline: the last line, or when the file has grown, the start of what is read on.
  const void* last = memrchr(map_ + b.begin, '\n', b.end - b.begin);
  const std::size_t tail = last ? static_cast<std::size_t>(static_cast<const char*>(last) - map_) + 1 : b.begin;
  if (read_on_if_grown(map_ + tail)) {
    cut_to_ = b.end = tail;
    return true;
  }
  return false;
}

bool read_ahead::cut_and_parse(batch& b) const {
  const char* p = map_ + b.mapped_end;
  const char* const end = map_ + b.end;
  const char* fetched = p;  // asked for from memory up to here
  try {
    b.reserve_vectors(lines_per_batch_ * table_.vector_width);
    while (p != end && b.count < lines_per_batch_) {
      for (const char* const want = std::min(end, p + fetch_ahead); fetched < want; fetched += 64) __builtin_prefetch(fetched);
      const auto* newline = static_cast<const char*>(std::memchr(p, '\n', static_cast<std::size_t>(end - p)));
      if (!newline && b.shrunk) break;  // the line where the file now ends: the error below
      p = take_line(b, p, newline, end);  // without a newline: the last line, or one past the limit (refused)
      parse(b.slots[b.count - 1], b);
    }
    b.mapped_end = static_cast<std::size_t>(p - map_);
    if (b.count == lines_per_batch_ && p != end) return true;
    if (b.shrunk)
      throw input_error(path_, "", "a file that keeps its length while it is read",
                        "a file cut short to " + std::to_string(b.end) + " bytes while hbsim read it", "", b.count + 1);
  } catch (...) {  // handed to the replay, after the lines parsed before
    b.error = std::current_exception();
    b.last = true;
  }
  return false;
}

// Adds the line from p to its newline (null: the last line, to the end) to b; returns where the next begins.
const char* read_ahead::take_line(batch& b, const char* p, const char* newline, const char* end) const {
  if (static_cast<std::size_t>((newline ? newline : end) - p) > limits::file_bytes) refuse_long_line(b);
  parsed_line& l = b.add_line();
  l.what = parsed_line::shape::other;
  l.text = {p, static_cast<std::size_t>((newline ? newline : end) - p)};
  if (!l.text.empty() && l.text.back() == '\r') l.text.remove_suffix(1);
  l.number = b.count;
  return newline ? newline + 1 : end;
}

void read_ahead::refuse_long_line(const batch& b) const { trace_internal::refuse_long_line(path_, b.count + 1); }

void read_ahead::read_more(batch& b) {
  b.reserve(b.size + read_size);
  const std::size_t n = std::fread(b.text.get() + b.size, 1, read_size, file_);
  if (n < read_size) {  // fread stops short only at the end of the file or on an error
    if (std::ferror(file_)) throw input_error(path_, "", "a readable file", "a read error", "", b.count + 1);
    eof_ = true;
  }
  b.size += n;
}

void read_ahead::parse(parsed_line& l, batch& b) const {
  const std::string_view text = l.text;
  l.vector_at = table_.sparse_vectors ? b.sparse.size() : static_cast<std::size_t>(&l - b.slots.data()) * table_.vector_width;
  if (blank(text)) {
    l.what = parsed_line::shape::blank;
  } else if (text.starts_with("{\"type\":\"event\",")) {
    l.messages_at = b.messages.size();
    vector_value* const dense = table_.sparse_vectors ? nullptr : b.vectors.get() + l.vector_at;
    if (table_.fast_event(text, l.event, l.values, dense, b.messages, &b.sparse)) {
      l.what = parsed_line::shape::event;
      l.messages = b.messages.size() - l.messages_at;
      l.label_at = b.keep_label(l.event.label);
      if (table_.sparse_vectors) l.sparse_words = b.sparse.size() - l.vector_at;
    } else {
      b.messages.resize(l.messages_at);
      if (table_.sparse_vectors) b.sparse.resize(l.vector_at);
    }
  } else if (text.starts_with("{\"type\":\"drop\",") && table_.fast_drop(text, l.drop)) {
    l.what = parsed_line::shape::drop;
  }
}

}  // namespace hbsim::trace_internal
