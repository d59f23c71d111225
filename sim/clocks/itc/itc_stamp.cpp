#include "hbsim/clocks/itc/itc_stamp.hpp"

#include <algorithm>
#include <stdexcept>

namespace hbsim {

namespace {

using id_tree = itc_id_tree;
using ev_tree = itc_event_tree;

// The grow cost of expanding a leaf into a node: large, so that grow prefers any path that does not
// (§5.3.3 "N"; 1000 in the authors' itc.erl).
constexpr std::uint64_t expand_cost = 1000;

// norm of an id (§5.1): (0, 0) = 0, (1, 1) = 1.
id_tree norm_id(id_tree i) {
  if (!i.leaf() && i.halves[0].leaf() && i.halves[1].leaf() && i.halves[0].one == i.halves[1].one)
    return itc_id_leaf(i.halves[0].one);
  return i;
}

// norm of an event node whose halves are normal (§5.1): (n, m, m) = n + m for leaves; otherwise the
// smaller base lifted into n. For normal halves min(e) is their base (as in the authors' norm_ev).
ev_tree norm_event(ev_tree e) {
  ev_tree& l = e.halves[0];
  ev_tree& r = e.halves[1];
  if (l.leaf() && r.leaf() && l.n == r.n) return itc_event_leaf(e.n + l.n);
  const std::uint64_t m = std::min(l.n, r.n);
  e.n += m;
  l.n -= m;
  r.n -= m;
  return e;
}

ev_tree lift(ev_tree e, std::uint64_t m) {
  e.n += m;
  return e;
}

// max(e) of §5.1: the highest value the function reaches.
std::uint64_t height(const ev_tree& e) {
  return e.leaf() ? e.n : e.n + std::max(height(e.halves[0]), height(e.halves[1]));
}

// split (§5.3.1): split(0) = (0, 0); split(1) = ((1, 0), (0, 1)); split((0, i)) = ((0, i1), (0, i2));
// split((i, 0)) = ((i1, 0), (i2, 0)); split((i1, i2)) = ((i1, 0), (0, i2)).
std::pair<id_tree, id_tree> split(const id_tree& i) {
  const id_tree zero = itc_id_leaf(false);
  if (i.leaf()) {
    if (!i.one) return {zero, zero};
    return {itc_id_node(itc_id_leaf(true), zero), itc_id_node(zero, itc_id_leaf(true))};
  }
  const id_tree& l = i.halves[0];
  const id_tree& r = i.halves[1];
  if (l.is(false)) {
    auto halves = split(r);
    return {itc_id_node(zero, std::move(halves.first)), itc_id_node(zero, std::move(halves.second))};
  }
  if (r.is(false)) {
    auto halves = split(l);
    return {itc_id_node(std::move(halves.first), zero), itc_id_node(std::move(halves.second), zero)};
  }
  return {itc_id_node(l, zero), itc_id_node(zero, r)};
}

// sum (§5.3.2): sum(0, i) = i; sum(i, 0) = i; sum((l1, r1), (l2, r2)) = norm((sum(l1, l2), sum(r1, r2))).
// Ids of live stamps never overlap, so a 1 only meets a 0.
id_tree sum(const id_tree& a, const id_tree& b) {
  if (a.is(false)) return b;
  if (b.is(false)) return a;
  if (a.leaf() || b.leaf()) throw std::logic_error("itc: sum of overlapping ids");
  return norm_id(itc_id_node(sum(a.halves[0], b.halves[0]), sum(a.halves[1], b.halves[1])));
}

// join of event trees (§5.3.2): join(n1, n2) = max(n1, n2); a leaf joins as (n, 0, 0); the node of the
// smaller base first; join((n1, l1, r1), (n2, l2, r2)) = norm((n1, join(l1, l2↑(n2−n1)), join(r1, r2↑(n2−n1)))).
ev_tree join_events(const ev_tree& a, const ev_tree& b) {
  if (a.leaf() && b.leaf()) return itc_event_leaf(std::max(a.n, b.n));
  if (a.leaf()) return join_events(itc_event_node(a.n, itc_event_leaf(0), itc_event_leaf(0)), b);
  if (b.leaf()) return join_events(a, itc_event_node(b.n, itc_event_leaf(0), itc_event_leaf(0)));
  if (a.n > b.n) return join_events(b, a);
  const std::uint64_t d = b.n - a.n;
  return norm_event(itc_event_node(a.n, join_events(a.halves[0], lift(b.halves[0], d)),
                                   join_events(a.halves[1], lift(b.halves[1], d))));
}

// leq (§5.2) of a↑da and b↑db, the lifts passed down instead of copying subtrees:
// leq(n1, n2) and leq(n1, (n2, l2, r2)) = n1 ≤ n2; leq((n1, l1, r1), n2) = n1 ≤ n2 ∧ leq(l1↑n1, n2) ∧ leq(r1↑n1, n2);
// leq((n1, l1, r1), (n2, l2, r2)) = n1 ≤ n2 ∧ leq(l1↑n1, l2↑n2) ∧ leq(r1↑n1, r2↑n2).
bool leq(const ev_tree& a, std::uint64_t da, const ev_tree& b, std::uint64_t db) {
  const std::uint64_t na = a.n + da, nb = b.n + db;
  if (na > nb) return false;
  if (a.leaf()) return true;
  if (b.leaf()) return leq(a.halves[0], na, b, db) && leq(a.halves[1], na, b, db);
  return leq(a.halves[0], na, b.halves[0], nb) && leq(a.halves[1], na, b.halves[1], nb);
}

// grow (§5.3.3) with its cost: grow(1, n) = (n + 1, 0); a leaf under a node id grows as (n, 0, 0) at
// cost N; under (0, i) or (i, 0) the owned half grows; under (il, ir) the cheaper half (the right on a
// tie, as the paper's "cl < cr" picks the left only when strictly cheaper).
std::pair<ev_tree, std::uint64_t> grow(const id_tree& i, const ev_tree& e) {
  if (e.leaf()) {
    if (i.is(true)) return {itc_event_leaf(e.n + 1), 0};
    auto grown = grow(i, itc_event_node(e.n, itc_event_leaf(0), itc_event_leaf(0)));
    return {std::move(grown.first), grown.second + expand_cost};
  }
  if (i.leaf()) throw std::logic_error("itc: grow where fill would have changed the stamp");
  const id_tree& il = i.halves[0];
  const id_tree& ir = i.halves[1];
  const ev_tree& el = e.halves[0];
  const ev_tree& er = e.halves[1];
  if (il.is(false)) {
    auto right = grow(ir, er);
    return {itc_event_node(e.n, el, std::move(right.first)), right.second + 1};
  }
  if (ir.is(false)) {
    auto left = grow(il, el);
    return {itc_event_node(e.n, std::move(left.first), er), left.second + 1};
  }
  auto left = grow(il, el);
  auto right = grow(ir, er);
  if (left.second < right.second) return {itc_event_node(e.n, std::move(left.first), er), left.second + 1};
  return {itc_event_node(e.n, el, std::move(right.first)), right.second + 1};
}

bool normal(const id_tree& i) {
  if (i.leaf()) return true;
  const id_tree& l = i.halves[0];
  const id_tree& r = i.halves[1];
  return !(l.leaf() && r.leaf() && l.one == r.one) && normal(l) && normal(r);
}

bool normal(const ev_tree& e) {
  if (e.leaf()) return true;
  const ev_tree& l = e.halves[0];
  const ev_tree& r = e.halves[1];
  return !(l.leaf() && r.leaf() && l.n == r.n) && std::min(l.n, r.n) == 0 && normal(l) && normal(r);
}

void deal(const id_tree& i, std::size_t processes, std::vector<id_tree>& out) {
  if (processes == 1) {
    out.push_back(i);
    return;
  }
  auto halves = split(i);
  deal(halves.first, (processes + 1) / 2, out);
  deal(halves.second, processes / 2, out);
}

void encode(const id_tree& i, std::vector<std::uint64_t>& words) {
  words.push_back(i.leaf() ? (i.one ? 1 : 0) : 2);
  for (const id_tree& h : i.halves) encode(h, words);
}

void encode(const ev_tree& e, std::vector<std::uint64_t>& words) {
  words.push_back(2 * e.n + (e.leaf() ? 0 : 1));
  for (const ev_tree& h : e.halves) encode(h, words);
}

std::uint64_t next(std::span<const std::uint64_t> words, std::size_t& at) {
  if (at >= words.size()) throw std::logic_error("itc: stamp words end too early");
  return words[at++];
}

id_tree decode_id(std::span<const std::uint64_t> words, std::size_t& at) {
  const std::uint64_t w = next(words, at);
  if (w < 2) return itc_id_leaf(w == 1);
  id_tree l = decode_id(words, at);
  return itc_id_node(std::move(l), decode_id(words, at));
}

ev_tree decode_event(std::span<const std::uint64_t> words, std::size_t& at) {
  const std::uint64_t w = next(words, at);
  if (w % 2 == 0) return itc_event_leaf(w / 2);
  ev_tree l = decode_event(words, at);
  return itc_event_node(w / 2, std::move(l), decode_event(words, at));
}

// encn of the authors' itc.erl: 2k bits, from k = 2, each k taking the next 2^k numbers.
std::uint64_t number_bits(std::uint64_t n) {
  std::uint64_t k = 2;
  while (k < 63 && n >= (std::uint64_t{1} << k)) n -= std::uint64_t{1} << k++;
  return 2 * k;
}

}  // namespace

itc_id_tree itc_id_leaf(bool one) { return {one, {}}; }
itc_id_tree itc_id_node(itc_id_tree left, itc_id_tree right) {
  itc_id_tree out;
  out.halves.reserve(2);
  out.halves.push_back(std::move(left));
  out.halves.push_back(std::move(right));
  return out;
}
itc_event_tree itc_event_leaf(std::uint64_t n) { return {n, {}}; }
itc_event_tree itc_event_node(std::uint64_t n, itc_event_tree left, itc_event_tree right) {
  itc_event_tree out{n, {}};
  out.halves.reserve(2);
  out.halves.push_back(std::move(left));
  out.halves.push_back(std::move(right));
  return out;
}

itc_stamp itc_seed() { return {itc_id_leaf(true), itc_event_leaf(0)}; }

std::pair<itc_stamp, itc_stamp> itc_fork(const itc_stamp& s) {
  auto ids = split(s.id);
  return {{std::move(ids.first), s.event}, {std::move(ids.second), s.event}};
}

itc_stamp itc_peek(const itc_stamp& s) { return {itc_id_leaf(false), s.event}; }

// fill (§5.3.3): fill(0, e) = e; fill(1, e) = max(e); fill(i, n) = n;
// fill((1, ir), (n, el, er)) = norm((n, max(max(el), min(er')), er')) with er' = fill(ir, er);
// fill((il, 1), (n, el, er)) = norm((n, el', max(max(er), min(el')))) with el' = fill(il, el);
// fill((il, ir), (n, el, er)) = norm((n, fill(il, el), fill(ir, er))).
itc_event_tree itc_fill(const itc_id_tree& i, const itc_event_tree& e) {
  if (i.is(false)) return e;
  if (i.is(true)) return itc_event_leaf(height(e));
  if (e.leaf()) return e;
  const id_tree& il = i.halves[0];
  const id_tree& ir = i.halves[1];
  const ev_tree& el = e.halves[0];
  const ev_tree& er = e.halves[1];
  if (il.is(true)) {
    ev_tree right = itc_fill(ir, er);
    const std::uint64_t d = std::max(height(el), right.n);
    return norm_event(itc_event_node(e.n, itc_event_leaf(d), std::move(right)));
  }
  if (ir.is(true)) {
    ev_tree left = itc_fill(il, el);
    const std::uint64_t d = std::max(height(er), left.n);
    return norm_event(itc_event_node(e.n, std::move(left), itc_event_leaf(d)));
  }
  return norm_event(itc_event_node(e.n, itc_fill(il, el), itc_fill(ir, er)));
}

itc_event_tree itc_grow(const itc_id_tree& id, const itc_event_tree& e) { return grow(id, e).first; }

// event (§5.3.3): event(i, e) = (i, fill(i, e)) if that differs from e, else (i, e') with (e', c) = grow(i, e).
itc_stamp itc_event(const itc_stamp& s) {
  if (s.id.is(false)) throw std::logic_error("itc: the anonymous id 0 cannot register an event");
  ev_tree filled = itc_fill(s.id, s.event);
  if (!(filled == s.event)) return {s.id, std::move(filled)};
  return {s.id, itc_grow(s.id, s.event)};
}

itc_stamp itc_join(const itc_stamp& a, const itc_stamp& b) {
  return {sum(a.id, b.id), join_events(a.event, b.event)};
}

bool itc_leq(const itc_event_tree& a, const itc_event_tree& b) { return leq(a, 0, b, 0); }

bool itc_normal(const itc_stamp& s) { return normal(s.id) && normal(s.event); }

std::vector<itc_id_tree> itc_ids(std::size_t processes) {
  std::vector<itc_id_tree> out;
  if (processes > 0) deal(itc_id_leaf(true), processes, out);
  return out;
}

void itc_encode(const itc_stamp& s, std::vector<std::uint64_t>& words) {
  words.clear();
  encode(s.id, words);
  encode(s.event, words);
}

itc_stamp itc_decode(std::span<const std::uint64_t> words) {
  std::size_t at = 0;
  itc_stamp s;
  s.id = decode_id(words, at);
  s.event = decode_event(words, at);
  return s;
}

// enci: a leaf 3 bits; a node 2 bits and its halves, a half that is the leaf 0 left out.
std::uint64_t itc_id_bits(const itc_id_tree& id) {
  if (id.leaf()) return 3;
  std::uint64_t bits = 2;
  for (const id_tree& h : id.halves)
    if (!h.is(false)) bits += itc_id_bits(h);
  return bits;
}

// ence: a leaf n 1 + encn; (0, l, r) 3 bits, (n, l, r) 5 (4 when neither half is the leaf 0) and n;
// a half that is the leaf 0 is left out.
std::uint64_t itc_event_bits(const itc_event_tree& e) {
  if (e.leaf()) return number_bits(e.n);
  const ev_tree& l = e.halves[0];
  const ev_tree& r = e.halves[1];
  const auto zero = [](const ev_tree& h) { return h.leaf() && h.n == 0; };
  const std::uint64_t halves = (zero(l) ? 0 : itc_event_bits(l)) + (zero(r) ? 0 : itc_event_bits(r));
  if (e.n == 0) return 3 + halves;
  return (zero(l) || zero(r) ? 5 : 4) + number_bits(e.n) + halves;
}

// Built by append: GCC 12 warns falsely (-Wrestrict) on "(" + std::string.
std::string itc_text(const itc_id_tree& id) {
  if (id.leaf()) return id.one ? "1" : "0";
  return std::string("(").append(itc_text(id.halves[0])).append(",").append(itc_text(id.halves[1])).append(")");
}

std::string itc_text(const itc_event_tree& e) {
  if (e.leaf()) return std::to_string(e.n);
  return std::string("(")
      .append(std::to_string(e.n))
      .append(",")
      .append(itc_text(e.halves[0]))
      .append(",")
      .append(itc_text(e.halves[1]))
      .append(")");
}

std::string itc_text(const itc_stamp& s) {
  return std::string("(").append(itc_text(s.id)).append(", ").append(itc_text(s.event)).append(")");
}

}  // namespace hbsim
