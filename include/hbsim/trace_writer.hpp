// The trace (SPEC §6): JSON Lines, streamed while the run proceeds. A file is written under a
// temporary name and renamed by commit(), so a failed run never leaves a half-written trace.
#pragma once

#include <cstdio>
#include <string>
#include <vector>

#include "hbsim/observer.hpp"

namespace hbsim {

class trace_writer final : public event_observer {
 public:
  /// `path` "-" writes to standard output.
  explicit trace_writer(std::string path);
  ~trace_writer() override;
  trace_writer(const trace_writer&) = delete;
  trace_writer& operator=(const trace_writer&) = delete;

  void on_start(const run_header& h) override;
  void on_event(const event_record& e) override;
  void on_drop(const drop_record& d) override;
  void on_fault(const fault_record& f) override;

  /// Flushes and puts the file in place. Throws std::runtime_error when the output cannot be written.
  void commit();
  std::uint64_t bytes_written() const { return bytes_; }

 private:
  void line_end();
  void flush();

  std::string path_;
  std::string temp_path_;
  std::FILE* out_ = nullptr;
  std::string buf_;
  std::uint64_t bytes_ = 0;
  const scenario* scenario_ = nullptr;
  std::vector<std::string> names_;     // JSON strings, quoted
  std::vector<std::string> keys_;      // "name": prefixes for vector entries
};

/// Appends s as a JSON string literal (quoted and escaped).
void append_json_string(std::string& out, std::string_view s);

}  // namespace hbsim
