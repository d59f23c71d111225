// The trace (scenarios/FORMAT.md §11): JSON Lines, streamed while the run proceeds. A file is written under a
// temporary name and renamed by commit() (output_file), so a failed run never leaves a half-written
// trace. Every byte also goes through SHA-256: the trace's fingerprint, which a run reports whether or not the trace
// is written.
#pragma once

#include <cstdint>
#include <cstdio>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "hbsim/clocks/stamp_index.hpp"
#include "hbsim/core/output_file.hpp"
#include "hbsim/kernel/observer.hpp"

namespace hbsim {

class clock_kind;
class sha256;

class trace_writer final : public event_observer {
 public:
  /// `path` "-" writes to standard output, "" nowhere (the trace is only hashed).
  /// `hash_on_own_thread`: the SHA-256 goes on a thread of its own (for a second core), the bytes the same.
  explicit trace_writer(std::string path, bool hash_on_own_thread = false);
  ~trace_writer() override;
  trace_writer(const trace_writer&) = delete;
  trace_writer& operator=(const trace_writer&) = delete;

  void on_start(const run_header& h) override;
  void on_event(const event_record& e) override;
  void ahead(const event_record& next) const override;
  void on_drop(const drop_record& d) override;
  void on_fault(const fault_record& f) override;

  /// Flushes and puts the file in place. Throws output_error when the output cannot be written.
  void commit();
  /// After commit(): the SHA-256 of the trace's bytes, 64 lowercase hex digits (sha256sum of the file).
  const std::string& trace_sha256() const { return digest_; }
  std::uint64_t bytes_written() const { return out_.bytes_written(); }

 private:
  // Lines are formatted through a raw cursor: reserve() returns room for an upper bound of the line,
  // the line is written without per-piece checks, end_line() takes the cursor back.
  char* reserve(std::size_t bound);
  void end_line(char* end);
  char* name(char* p, process_id q) const;
  char* vector(char* p, vector_stamp v) const;
  // An event line's parts: its bound (after formatting the fields that modules write as text), its clocks'
  // fields, its messages' (a send's, or a receive's or reject's own).
  std::size_t event_bound(const event_record& e);
  char* clock_fields(char* p, const event_record& e) const;
  char* message_fields(char* p, const event_record& e) const;

  std::unique_ptr<sha256> hash_;
  std::string digest_;
  output_file out_;
  // JSON strings, quoted. A short name is inside its std::string, so that one cache line holds it: a
  // buffer of all the names with their offsets took less memory, but its two reads per name (the
  // offset, then the text) made the writer's copies of names a tenth of the judges' thread at 2^20
  // processes.
  std::vector<std::string> names_;
  std::size_t longest_name_ = 0;
  // "name": prefixes of vector entries, each in a block of key_stride_ bytes, so one fixed-size copy
  // writes a key (the cursor then advances by its real length).
  std::vector<char> key_blocks_;
  std::vector<std::uint8_t> key_length_;
  std::size_t key_stride_ = 16;
  // The chosen clocks: where their stamps sit, and the other kinds' modules with their fields.
  stamp_index places_;
  std::vector<const clock_kind*> extra_;
  std::vector<std::string> extra_text_;
  std::string data_text_;  // an event's replicated-data fields (data/data_note.hpp)
  std::string ntp_text_;   // an event's NTP exchange (kernel/ntp_note.hpp)
  std::span<const std::string> plain_names_;  // the run header's, read until on_finish
};

/// Writes s as a JSON string literal (quoted and escaped) at p, which has room for 6·size + 2 bytes;
/// returns the end.
char* write_json_string(char* p, std::string_view s);
/// Appends s as a JSON string literal.
void append_json_string(std::string& out, std::string_view s);

}  // namespace hbsim
