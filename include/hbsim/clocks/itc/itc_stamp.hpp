// Interval tree clock stamps (Almeida, Baquero, Fonte, "Interval Tree Clocks: A Logical Clock for
// Dynamic Systems", OPODIS 2008). A stamp is an id tree, the part of [0, 1) its holder owns, and an
// event tree, a function over [0, 1) counting what the stamp has seen. fork, event, join, peek and leq
// are the paper's §5, every result in its normal form (§5.1); each function below names the equations
// it follows. The authors' reference implementation (github.com/ricardobcl/Interval-Tree-Clocks,
// erlang/itc.erl) was read beside the paper to check them.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <utility>
#include <vector>

namespace hbsim {

/// An id: a leaf 0 or 1, or a node (left half, right half).
struct itc_id_tree {
  bool one = false;                 // a leaf's value
  std::vector<itc_id_tree> halves;  // empty for a leaf, else two
  bool leaf() const { return halves.empty(); }
  bool is(bool value) const { return leaf() && one == value; }
  bool operator==(const itc_id_tree&) const = default;
};

/// An event tree: a leaf n, or a node (n, left, right) whose halves count above n.
struct itc_event_tree {
  std::uint64_t n = 0;
  std::vector<itc_event_tree> halves;  // empty for a leaf, else two
  bool leaf() const { return halves.empty(); }
  bool operator==(const itc_event_tree&) const = default;
};

struct itc_stamp {
  itc_id_tree id;
  itc_event_tree event;
  bool operator==(const itc_stamp&) const = default;
};

itc_id_tree itc_id_leaf(bool one);
itc_id_tree itc_id_node(itc_id_tree left, itc_id_tree right);
itc_event_tree itc_event_leaf(std::uint64_t n);
itc_event_tree itc_event_node(std::uint64_t n, itc_event_tree left, itc_event_tree right);

/// The seed (1, 0), which owns the whole interval.
itc_stamp itc_seed();
/// split of the id (§5.3), the event tree copied to both.
std::pair<itc_stamp, itc_stamp> itc_fork(const itc_stamp& s);
/// (0, e): the event tree without the id, what a message carries (§5.3).
itc_stamp itc_peek(const itc_stamp& s);
/// fill, or grow when fill changes nothing (§5.3.3); throws std::logic_error on the anonymous id 0.
itc_stamp itc_event(const itc_stamp& s);
/// sum of the ids, join of the event trees (§5.3.2).
itc_stamp itc_join(const itc_stamp& a, const itc_stamp& b);
/// leq of the event trees (§5.2): a's history is contained in b's.
bool itc_leq(const itc_event_tree& a, const itc_event_tree& b);

/// The two halves of event: fill inflates what the id owns without adding to the history; grow adds one
/// event where it costs least (§5.3.3).
itc_event_tree itc_fill(const itc_id_tree& id, const itc_event_tree& e);
itc_event_tree itc_grow(const itc_id_tree& id, const itc_event_tree& e);

/// Whether every node is in the paper's normal form (§5.1): no id node (0, 0) or (1, 1), no event node
/// whose halves are equal leaves, and in every event node one half's base 0.
bool itc_normal(const itc_stamp& s);

/// The ids of `processes` processes: the seed's id split in halves recursively, the left half to the
/// first ⌈n/2⌉ processes.
std::vector<itc_id_tree> itc_ids(std::size_t processes);

/// As words, in preorder: an id node 0, 1 or 2 (a node, then its halves), then an event node 2n (a leaf)
/// or 2n + 1 (a node, then its halves).
void itc_encode(const itc_stamp& s, std::vector<std::uint64_t>& words);
itc_stamp itc_decode(std::span<const std::uint64_t> words);

/// Size in bits in the paper's binary encoding (§6; encode/1 of the authors' itc.erl): an id node 2 or
/// 3 bits, an event node 3 to 5 bits, a number n 2k bits for the smallest k ≥ 2 with n < 2^(k+1) − 4.
std::uint64_t itc_id_bits(const itc_id_tree& id);
std::uint64_t itc_event_bits(const itc_event_tree& e);

/// In the paper's notation, "((1,0), (0,1,0))": an id pair (l,r), an event node (n,l,r).
std::string itc_text(const itc_id_tree& id);
std::string itc_text(const itc_event_tree& e);
std::string itc_text(const itc_stamp& s);

}  // namespace hbsim
