#include "hbsim/clocks/vector/vector_stamp.hpp"

#include <algorithm>
#include <tuple>

namespace hbsim {

std::size_t vector_stamp::nonzero() const {
  if (sparse_) return entries_;
  return static_cast<std::size_t>(std::count_if(words_, words_ + n_, [](std::uint64_t x) { return x != 0; }));
}

std::vector<std::uint32_t> dense_row(vector_stamp v) {
  std::vector<std::uint32_t> row(v.size(), 0);
  v.for_each([&](std::size_t j, std::uint64_t count) { row[j] = static_cast<std::uint32_t>(count); });
  return row;
}

std::span<const std::uint64_t> dense_words(vector_stamp v, std::vector<std::uint64_t>& scratch) {
  if (!v.sparse()) return v.dense_words();
  scratch.assign(v.size(), 0);
  v.for_each([&](std::size_t j, std::uint64_t count) { scratch[j] = count; });
  return scratch;
}

namespace {
vector_order order_of(bool le, bool ge) {
  if (le && ge) return vector_order::equal;
  if (le) return vector_order::before;
  if (ge) return vector_order::after;
  return vector_order::concurrent;
}

template <class Counter>
vector_order dense_order(std::span<const Counter> a, std::span<const Counter> b) {
  bool le = true, ge = true;
  for (std::size_t i = 0; i < a.size(); ++i) {
    le = le && a[i] <= b[i];
    ge = ge && a[i] >= b[i];
  }
  return order_of(le, ge);
}

// "{A:1, C:2}" of what for_each(f) gives f, (process, count) by process.
template <class ForEach>
std::string text_of(ForEach for_each, std::span<const std::string> names, std::size_t shown) {
  std::string out = "{";
  std::size_t written = 0, nonzero = 0;
  for_each([&](std::size_t j, std::uint64_t count) {
    if (nonzero++ >= shown) return;
    if (written++) out.append(", ");
    out.append(names[j]).append(":").append(std::to_string(count));
  });
  if (nonzero > written) out.append(", ... ").append(std::to_string(nonzero - written)).append(" more");
  return out.append("}");
}

// The non-zero entries of a stamp, one after another, by process.
class entries {
 public:
  explicit entries(vector_stamp v) : v_(v) { advance(); }
  bool done() const { return j_ == none; }
  std::size_t process() const { return j_; }
  std::uint64_t count() const { return count_; }
  void next() {
    ++at_;
    advance();
  }

 private:
  static constexpr std::size_t none = ~std::size_t{0};
  void advance() {
    if (v_.sparse()) {
      if (at_ < v_.nonzero()) std::tie(j_, count_) = v_.entry(at_); else j_ = none;
      return;
    }
    while (at_ < v_.size() && v_[at_] == 0) ++at_;  // a dense stamp's zeros are passed over
    if (at_ < v_.size()) {
      j_ = at_;
      count_ = v_[at_];
    } else {
      j_ = none;
    }
  }
  vector_stamp v_;
  std::size_t at_ = 0;
  std::size_t j_ = none;
  std::uint64_t count_ = 0;
};
}  // namespace

vector_order compare(std::span<const std::uint32_t> a, std::span<const std::uint32_t> b) { return dense_order(a, b); }

vector_order compare(vector_stamp a, vector_stamp b) {
  if (!a.sparse() && !b.sparse()) return dense_order(a.dense_words(), b.dense_words());
  bool le = true, ge = true;
  // Walks the non-zero entries of both: an entry only one has is larger there.
  entries x(a), y(b);
  while (!x.done() || !y.done()) {
    if (y.done() || (!x.done() && x.process() < y.process())) {
      le = false;
      x.next();
    } else if (x.done() || y.process() < x.process()) {
      ge = false;
      y.next();
    } else {
      le = le && x.count() <= y.count();
      ge = ge && x.count() >= y.count();
      x.next();
      y.next();
    }
  }
  return order_of(le, ge);
}

std::string vector_text(vector_stamp v, std::span<const std::string> names, std::size_t shown) {
  return text_of([&](auto&& f) { v.for_each(f); }, names, shown);
}

std::string vector_text(std::span<const std::uint32_t> v, std::span<const std::string> names, std::size_t shown) {
  return text_of([&](auto&& f) { for_each(v, f); }, names, shown);
}

}  // namespace hbsim
