// Reading traces back (scenarios/FORMAT.md §11): a trace file is
// replayed to observers exactly as the live run was, so the checkers and exporters judge a file and a
// run alike. Lines are streamed; memory follows the number of processes, never the trace's length.
#pragma once

#include <cstdint>
#include <cstdio>
#include <functional>
#include <memory>
#include <nlohmann/json_fwd.hpp>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "hbsim/kernel/observer.hpp"
#include "hbsim/scenario/scenario.hpp"

namespace hbsim {

/// A file read line by line through one buffer (as large as the file, up to 1 MiB, then growing with
/// the longest line). Lines longer than limits::file_bytes are refused. A UTF-8 byte order mark at the
/// start of the file is skipped.
class line_reader {
 public:
  /// Throws input_error when the file cannot be read (or is a directory).
  explicit line_reader(std::string path);
  ~line_reader();
  line_reader(const line_reader&) = delete;
  line_reader& operator=(const line_reader&) = delete;

  /// The next line, without its "\n" or "\r\n"; valid until the next call. False at the end.
  bool next(std::string_view& line);
  /// 1-based number of the line last returned.
  std::size_t line_number() const { return line_; }
  const std::string& path() const { return path_; }
  /// Hands over the open file and the bytes read past the line last returned; the reader is spent.
  /// Null when the whole file has been read: `ahead` holds all the rest.
  std::FILE* release(std::vector<char>& ahead);

 private:
  bool fill();  // reads more; false at the end of the file
  [[noreturn]] void refuse_long_line() const;  // past limits::file_bytes

  std::string path_;
  std::FILE* in_ = nullptr;
  std::vector<char> buf_;
  std::size_t begin_ = 0, end_ = 0;
  bool eof_ = false;
  std::size_t line_ = 0;
};

/// Parses one line of JSON of a line-oriented file (or the part of a line after `column` bytes).
/// Syntax errors, duplicate keys and nesting deeper than limits::nesting_depth are input_errors naming
/// file, line and column.
nlohmann::json parse_json_line(std::string_view text, const std::string& file, std::size_t line,
                               std::size_t column = 0);

enum class trace_format { hbsim, shiviz };

/// hbsim when the first non-empty line is a JSON object with "type": "header"; shiviz when it is a
/// ShiViz/GoVector line (`host {clock}` or `=== name ===`). Throws input_error when it is neither.
trace_format detect_trace_format(const std::string& path);

/// An hbsim trace file. Every malformed line is an input_error naming the file, the line, the JSON
/// path inside the line, what was expected and what was found. Only the shape of the trace is checked
/// (types, ranges, names, ids, seq, and the links between records: a receive, reject or drop names a
/// message in flight, its sender and its destination, and a receive or reject the message's send
/// event); clock values are not, so that a trace edited by hand reaches the invariant checker.
class trace_reader {
 public:
  /// Opens the file and reads the header line; its `clocks` may name the kinds of `registry`.
  explicit trace_reader(std::string path, const clock_registry& registry = clock_registry::standard());
  ~trace_reader();
  trace_reader(const trace_reader&) = delete;
  trace_reader& operator=(const trace_reader&) = delete;

  /// The run as the header describes it: name, seed, processes and clock kinds (their variants are
  /// not recorded: canonical); no faults (the fault records replay() reports carry theirs).
  const scenario& header() const { return header_; }
  std::uint64_t seed() const { return header_.seed; }

  /// Replays every record in file order: on_start, then on_event, on_drop and on_fault, then
  /// on_finish (its time is the latest time in the file). Spans in records are valid during the
  /// call only. Observers are called on the calling thread; the file is read and parsed ahead on
  /// threads of the reader's own, unless it was small enough to be read whole with the header (then
  /// on the calling thread). Each call reads the file again from its start.
  void replay(std::span<event_observer* const> observers);
  /// Bounds what the observers may keep of sends in flight (run_header::in_flight_memory_most).
  void limit_in_flight_memory(std::uint64_t bytes) { in_flight_memory_most_ = bytes; }

 private:
  void read_clocks(const nlohmann::json& v, const clock_registry& registry,
                   const std::function<void(std::string, std::string, std::string)>& fail);
  /// The header's `logical`: the options some kinds of `clocks` recorded (clock_kind::recorded_options).
  void read_options(const nlohmann::json& v, const std::function<void(std::string, std::string, std::string)>& fail);

  std::string path_;
  scenario header_;
  std::size_t header_line_ = 0;
  std::unique_ptr<line_reader> after_header_;  // for the first replay, so that a pipe is read once
  std::uint64_t in_flight_memory_most_ = 0;
};

}  // namespace hbsim
