// Reading a trace ahead of its replay (see read_ahead.hpp).
#include "trace/read_ahead.hpp"

#include <sys/mman.h>
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
      lines_(in.line_number()),
      file_(in.release(carry_)),
      eof_(file_ == nullptr),
      // Batches to spare beyond one a reading thread: the replay and the reading threads each run ahead
      // of the other in turns, and on two cores neither then waits as soon (measured: 0.62 s against
      // 0.64-0.74 for hbsim check of 1.9 GB with two to spare; 8 MB more memory, still flat).
      pool_(eof_ ? 1 : reading_threads() + 6) {
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
    return b;
  }
  std::unique_lock lock(mutex_);
  ready_changed_.wait(lock, [&] { return !ready_.empty() && ready_.front()->sequence == next_; });
  std::pop_heap(ready_.begin(), ready_.end(), later);
  batch* b = ready_.back();
  ready_.pop_back();
  ++next_;
  return *b;
}

void read_ahead::done(batch& b) {
  if (threads_.empty()) return;
  // Every batch before b is done too (they come back in file order): their pages can go.
  if (map_ && b.mapped_end >= released_ + release_step) {
    const std::size_t to = b.mapped_end / page_ * page_;
    ::madvise(const_cast<char*>(map_) + released_, to - released_, MADV_DONTNEED);
    released_ = to;
  }
  {
    const std::lock_guard lock(mutex_);
    free_.push_back(&b);
  }
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
// cut_mapped reports it. Returns the end of what is present.
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
    parse_all(*b);
    bool wanted = false;  // the batch the replay waits for: others would wake it for nothing
    {
      const std::lock_guard lock(mutex_);
      finished_ = finished_ || b->last;
      wanted = b->sequence == next_;
      ready_.push_back(b);
      std::push_heap(ready_.begin(), ready_.end(), later);
    }
    if (wanted) ready_changed_.notify_one();
    if (b->last) free_changed_.notify_all();  // the threads waiting for a batch end
  }
}

// The next lines of the file into b, in file order; an error goes with the lines read before it.
void read_ahead::cut_next(batch& b) {
  b.sequence = sequence_++;
  b.count = 0;
  b.messages.clear();
  b.sparse.clear();
  b.labels.clear();
  b.last_label = 0;
  b.error = nullptr;
  try {
    b.mapped_end = 0;
    b.last = !(mapped_ ? cut_mapped(b) : cut(b));
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
    if (b.size > limits::file_bytes) refuse_long_line();
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

// As cut, from the mapping: about read_size bytes of whole lines, with nothing copied. At its end, a file that
// shrank is an error on the line where it now ends; one that grew is read on.
bool read_ahead::cut_mapped(batch& b) {
  const char* p = map_ + cut_to_;
  const char* const start = p;
  const char* present = present_through(cut_to_ + read_size);
  bool more = true;
  while (b.count < lines_per_batch_ && static_cast<std::size_t>(p - start) < read_size) {
    const char* scanned = p;
    const char* newline = nullptr;
    while (!(newline = static_cast<const char*>(std::memchr(scanned, '\n', static_cast<std::size_t>(present - scanned))))
           && present != map_ + limit_) {
      if (static_cast<std::size_t>(present - p) > limits::file_bytes) refuse_long_line();
      scanned = present;
      present = present_through(static_cast<std::size_t>(present - map_) + present_step);
    }
    if (!newline) {  // the end of the mapping, or of what is left of the file
      cut_to_ = static_cast<std::size_t>(p - map_);
      if (shrank_)
        throw input_error(path_, "", "a file that keeps its length while it is read",
                          "a file cut short to " + std::to_string(limit_) + " bytes while hbsim read it", "",
                          lines_ + 1);
      more = read_on_if_grown(p);
      if (!more && p != map_ + limit_) p = take_line(b, p, nullptr, map_ + limit_);
      break;
    }
    p = take_line(b, p, newline, nullptr);
  }
  cut_to_ = static_cast<std::size_t>(p - map_);
  b.mapped_end = cut_to_;
  return more;
}

// Adds the line from p to its newline (null: the last line, to the end) to b; returns where the next begins.
const char* read_ahead::take_line(batch& b, const char* p, const char* newline, const char* end) {
  if (static_cast<std::size_t>((newline ? newline : end) - p) > limits::file_bytes) refuse_long_line();
  parsed_line& l = b.add_line();
  l.what = parsed_line::shape::other;
  l.text = {p, static_cast<std::size_t>((newline ? newline : end) - p)};
  if (!l.text.empty() && l.text.back() == '\r') l.text.remove_suffix(1);
  l.number = ++lines_;
  return newline ? newline + 1 : end;
}

void read_ahead::refuse_long_line() const { trace_internal::refuse_long_line(path_, lines_ + 1); }

void read_ahead::read_more(batch& b) {
  b.reserve(b.size + read_size);
  const std::size_t n = std::fread(b.text.get() + b.size, 1, read_size, file_);
  if (n < read_size) {  // fread stops short only at the end of the file or on an error
    if (std::ferror(file_)) throw input_error(path_, "", "a readable file", "a read error", "", lines_ + 1);
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
