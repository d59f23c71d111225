// Reading line-oriented files: lines through one buffer, and one line of JSON with the strictness of
// the scenario files (no duplicate keys, bounded nesting), errors naming file, line and column.
#include <sys/stat.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <unordered_set>

#include "hbsim/core/input_error.hpp"
#include "hbsim/core/json_text.hpp"
#include "hbsim/trace/trace_reader.hpp"
#include "trace/json_lines.hpp"

namespace hbsim {

using json = nlohmann::json;

line_reader::line_reader(std::string path) : path_(std::move(path)) {
  std::error_code ec;
  if (std::filesystem::is_directory(path_, ec)) throw input_error(path_, "", "a readable file", "a directory");
  errno = 0;
  in_ = std::fopen(path_.c_str(), "rb");
  if (!in_)
    throw input_error(path_, "", "a readable file", errno != 0 ? std::strerror(errno) : "a file that cannot be opened");
  // A small file is read whole by the first fill, which then sees its end.
  constexpr std::size_t most = 1 << 20;
  struct stat st {};
  const bool regular = ::fstat(::fileno(in_), &st) == 0 && S_ISREG(st.st_mode);
  buf_.resize(regular ? std::min(static_cast<std::size_t>(st.st_size) + 1, most) : most);
}

line_reader::~line_reader() {
  if (in_) std::fclose(in_);
}

void line_reader::refuse_long_line() const { trace_internal::refuse_long_line(path_, line_ + 1); }

bool line_reader::fill() {
  if (eof_) return false;
  if (begin_ > 0) {
    std::memmove(buf_.data(), buf_.data() + begin_, end_ - begin_);
    end_ -= begin_;
    begin_ = 0;
  }
  if (end_ > limits::file_bytes) refuse_long_line();  // a line so far, with no end yet
  if (end_ == buf_.size()) buf_.resize(buf_.size() * 2);
  const std::size_t wanted = buf_.size() - end_;
  const std::size_t n = std::fread(buf_.data() + end_, 1, wanted, in_);
  if (n < wanted) {  // fread stops short only at the end of the file or on an error
    if (std::ferror(in_)) throw input_error(path_, "", "a readable file", "a read error", "", line_ + 1);
    eof_ = true;
  }
  end_ += n;
  return n != 0;
}

bool line_reader::next(std::string_view& line) {
  std::size_t scanned = 0;  // bytes after begin_ known to hold no newline
  for (;;) {
    const char* start = buf_.data() + begin_;
    if (const void* nl = std::memchr(start + scanned, '\n', end_ - begin_ - scanned)) {
      const auto length = static_cast<std::size_t>(static_cast<const char*>(nl) - start);
      if (length > limits::file_bytes) refuse_long_line();
      begin_ += length + 1;
      line = {start, length};
      break;
    }
    scanned = end_ - begin_;
    if (!fill()) {
      if (begin_ == end_) return false;
      if (end_ - begin_ > limits::file_bytes) refuse_long_line();
      line = {buf_.data() + begin_, end_ - begin_};  // the last line has no newline
      begin_ = end_;
      break;
    }
  }
  if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
  if (line_ == 0 && line.starts_with(trace_internal::byte_order_mark))
    line.remove_prefix(trace_internal::byte_order_mark.size());
  ++line_;
  return true;
}

std::FILE* line_reader::release(std::vector<char>& ahead) {
  ahead.assign(buf_.data() + begin_, buf_.data() + end_);
  begin_ = end_ = 0;
  std::FILE* const rest = std::exchange(in_, nullptr);
  if (!eof_) return rest;
  std::fclose(rest);
  return nullptr;
}

namespace trace_internal {

void refuse_long_line(const std::string& path, std::size_t line) {
  throw input_error(path, "", "lines of at most " + std::to_string(limits::file_bytes) + " bytes", "a longer line",
                    "", line);
}

}  // namespace trace_internal

json parse_json_line(std::string_view text, const std::string& file, std::size_t line, std::size_t column) {
  // The parser's callback tracks where it is, to refuse duplicate keys and deep nesting with a path.
  struct frame {
    bool object;
    std::size_t index = 0;                // array: elements completed
    std::string key;                      // object: the key being read
    std::unordered_set<std::string> keys;  // object: the keys seen (looked up, never iterated)
  };
  std::vector<frame> frames;
  const auto path = [&](std::size_t depth) {
    std::string out;
    for (std::size_t i = 0; i < depth; ++i)
      out.append("/").append(frames[i].object ? pointer_token(frames[i].key) : std::to_string(frames[i].index));
    return out;
  };
  const auto completed = [&] {
    if (!frames.empty() && !frames.back().object) ++frames.back().index;
  };
  const json::parser_callback_t callback = [&](int, json::parse_event_t event, json& parsed) {
    switch (event) {
      case json::parse_event_t::object_start:
      case json::parse_event_t::array_start:
        if (frames.size() >= static_cast<std::size_t>(limits::nesting_depth))
          throw input_error(file, path(frames.size()),
                            "at most " + std::to_string(limits::nesting_depth) + " levels of nested objects and arrays",
                            "a deeper nesting", "", line);
        frames.push_back({event == json::parse_event_t::object_start, 0, {}, {}});
        break;
      case json::parse_event_t::key: {
        frame& f = frames.back();
        f.key = parsed.get<std::string>();
        if (!f.keys.insert(f.key).second)
          throw input_error(file, path(frames.size()), "each field at most once in an object",
                            quoted_excerpt(f.key).append(" a second time"), "", line);
        break;
      }
      case json::parse_event_t::object_end:
      case json::parse_event_t::array_end:
        frames.pop_back();
        completed();
        break;
      case json::parse_event_t::value:
        completed();
        break;
    }
    return true;
  };
  // nlohmann skips a byte order mark at the start of what it parses: here that is a line's start.
  if (text.starts_with(trace_internal::byte_order_mark))
    throw input_error(file, "", "a JSON value (a byte order mark may only begin the file)",
                      "a byte order mark (EF BB BF)", "", line, column + 1);
  try {
    return json::parse(text.begin(), text.end(), callback);
  } catch (const json::parse_error& e) {
    auto [expected, found] = json_syntax_error(e.what());
    throw input_error(file, "", expected, found, "JSON syntax error", line, column + e.byte);
  } catch (const json::exception& e) {  // a number too large for a double: nlohmann gives no position, but the
    // parser stopped at that value (its path) and the message quotes it ("... parsing '1e400'").
    auto [expected, found] = json_syntax_error(e.what());
    const std::string_view what = e.what();
    const auto open = what.find('\''), close = what.rfind('\'');
    const auto at = open < close ? text.find(what.substr(open + 1, close - open - 1)) : std::string_view::npos;
    throw input_error(file, path(frames.size()), expected, found, "JSON syntax error", line,
                      at == std::string_view::npos ? 0 : column + at + 1);
  }
}

}  // namespace hbsim
