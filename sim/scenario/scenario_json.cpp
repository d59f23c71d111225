// Scenario files as JSON text to a document: strict (no duplicate keys, bounded nesting, no NUL
// byte), every syntax error with its line and column.
#include <algorithm>
#include <cstddef>
#include <iterator>

#include "hbsim/core/input_error.hpp"
#include "scenario/scenario_reader.hpp"

namespace hbsim::scenario_internal {

namespace {

// 1-based line and column (in characters, not bytes) of the byte at `offset`.
std::pair<std::size_t, std::size_t> locate(std::string_view text, std::size_t offset) {
  offset = std::min(offset, text.size());
  std::size_t line = 1, column = 1;
  for (std::size_t i = 0; i < offset; ++i) {
    if (text[i] == '\n') {
      ++line;
      column = 1;
    } else if ((static_cast<unsigned char>(text[i]) & 0xC0) != 0x80) {  // not a UTF-8 continuation byte
      ++column;
    }
  }
  return {line, column};
}

// nlohmann's SAX interface does not tell where a value is; this iterator remembers the furthest
// character the lexer has read, which is the end of the token just delivered.
class tracking_iterator {
 public:
  using iterator_category = std::forward_iterator_tag;
  using value_type = char;
  using difference_type = std::ptrdiff_t;
  using pointer = const char*;
  using reference = const char&;

  tracking_iterator() = default;
  tracking_iterator(const char* p, const char** furthest) : p_(p), furthest_(furthest) {}
  reference operator*() const {
    *furthest_ = p_;
    return *p_;
  }
  tracking_iterator& operator++() {
    ++p_;
    return *this;
  }
  tracking_iterator operator++(int) {
    tracking_iterator old = *this;
    ++p_;
    return old;
  }
  friend bool operator==(const tracking_iterator& a, const tracking_iterator& b) { return a.p_ == b.p_; }

 private:
  const char* p_ = nullptr;
  const char** furthest_ = nullptr;
};

class dom_builder final : public nlohmann::json_sax<json> {
 public:
  dom_builder(std::string_view text, const std::string& file, const char** furthest)
      : text_(text), file_(file), furthest_(furthest) {}

  json take() { return std::move(root_); }

  bool null() override { return put(nullptr); }
  bool boolean(bool v) override { return put(v); }
  bool number_integer(number_integer_t v) override { return put(v); }
  bool number_unsigned(number_unsigned_t v) override { return put(v); }
  bool number_float(number_float_t v, const string_t&) override { return put(v); }
  bool string(string_t& v) override { return put(std::move(v)); }
  bool binary(binary_t& v) override { return put(json::binary(std::move(v))); }
  bool start_object(std::size_t) override { return open(json::object()); }
  bool start_array(std::size_t) override { return open(json::array()); }
  bool end_object() override { return close(); }
  bool end_array() override { return close(); }

  bool key(string_t& k) override {
    if (open_.back().value->contains(k))
      fail_here(child(path(), k), "each field at most once in an object", "\"" + k + "\" a second time");
    key_ = std::move(k);
    return true;
  }

  bool parse_error(std::size_t position, const std::string&, const nlohmann::detail::exception& e) override {
    // "[json.exception.parse_error.101] parse error at line 1, column 5: syntax error while parsing
    // array - unexpected end of input; expected ']'": keep what follows " - ", split at "; expected ".
    // A number too large for a double comes as "[json.exception.out_of_range.406] number overflow ...".
    auto [expected, found] = json_syntax_error(e.what());
    // position counts the characters read, the offending one included.
    const auto [line, column] = locate(text_, position == 0 ? 0 : position - 1);
    throw input_error(file_, "", expected, found, "JSON syntax error", line, column);
  }

 private:
  struct open_container {
    json* value;
    std::string segment;  // its last path token
  };

  std::string path() const {
    std::string out;
    for (std::size_t i = 1; i < open_.size(); ++i) out += '/' + open_[i].segment;
    return out;
  }

  [[noreturn]] void fail_here(const std::string& path, const std::string& expected, const std::string& found) const {
    const auto [line, column] = locate(text_, static_cast<std::size_t>(*furthest_ - text_.data()));
    throw input_error(file_, path, expected, found, "", line, column);
  }

  // Stores a value where the parser is, returning it. Pointers to open containers stay valid: only
  // the innermost one grows, and a std::map or the end of a vector never moves what it holds.
  json* place(json&& v, std::string* segment) {
    if (open_.empty()) {
      root_ = std::move(v);
      return &root_;
    }
    json& top = *open_.back().value;
    if (top.is_array()) {
      if (segment) *segment = std::to_string(top.size());
      top.push_back(std::move(v));
      return &top.back();
    }
    if (segment) *segment = pointer_token(key_);
    json& slot = top[key_];
    slot = std::move(v);
    return &slot;
  }

  bool put(json&& v) {
    place(std::move(v), nullptr);
    return true;
  }

  bool open(json&& v) {
    if (open_.size() >= static_cast<std::size_t>(limits::nesting_depth))
      fail_here(path(), "at most " + std::to_string(limits::nesting_depth) + " levels of nested objects and arrays",
                "a deeper nesting");
    std::string segment;
    json* placed = place(std::move(v), &segment);
    open_.push_back({placed, std::move(segment)});
    return true;
  }

  bool close() {
    open_.pop_back();
    return true;
  }

  std::string_view text_;
  const std::string& file_;
  const char** furthest_;
  json root_;
  std::vector<open_container> open_;
  std::string key_;
};

}  // namespace

json parse_json(std::string_view text, const std::string& file) {
  if (text.size() > limits::file_bytes)
    throw input_error(file, "", "at most " + std::to_string(limits::file_bytes) + " bytes",
                      std::to_string(text.size()) + " bytes");
  // nlohmann's lexer takes a NUL byte for the end of the input, and would ignore what follows it.
  if (const std::size_t nul = text.find('\0'); nul != std::string_view::npos) {
    const auto [line, column] = locate(text, nul);
    throw input_error(file, "", "JSON text", "a NUL byte, byte " + std::to_string(nul + 1) + " of the file",
                      "JSON text holds none; inside a string, write \\u0000", line, column);
  }
  const char* furthest = text.data();
  dom_builder builder(text, file, &furthest);
  json::sax_parse(tracking_iterator(text.data(), &furthest), tracking_iterator(text.data() + text.size(), &furthest),
                  &builder);
  return builder.take();
}

}  // namespace hbsim::scenario_internal
