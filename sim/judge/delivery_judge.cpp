#include "judge/delivery_judge.hpp"

#include <algorithm>

#include "core/concat.hpp"

namespace hbsim {

namespace {
constexpr std::size_t fifo_invariant = 0, causal_invariant = 1, total_invariant = 2;
std::string nth(std::uint64_t k) { return concat("#", k); }
}  // namespace

void delivery_judge::received::add(std::uint32_t k) {
  if (k != contiguous + 1) {
    ahead.insert(k);
    return;
  }
  ++contiguous;
  for (auto it = ahead.begin(); it != ahead.end() && *it == contiguous + 1; it = ahead.erase(it)) ++contiguous;
}

delivery_judge::delivery_judge(const delivery_config& c, std::span<const std::string> names) : names_(names) {
  for (const delivery_group& g : c.groups) {
    const std::size_t m = g.order == delivery_order::causal ? g.members.size() : 0;
    group x;
    x.g = g;
    x.sent_seqs.resize(m);
    x.got.assign(m, std::vector<received>(m));
    groups_.push_back(std::move(x));
  }
}

std::uint32_t delivery_judge::index(const group& x, process_id p) const {
  const auto it = std::lower_bound(x.g.members.begin(), x.g.members.end(), p);
  return static_cast<std::uint32_t>(it - x.g.members.begin());
}

void delivery_judge::judge(const event_record& e, const causality& truth, const findings& violated) {
  if (e.kind != event_kind::send && e.kind != event_kind::receive) return;
  for (group& x : groups_) {
    if (x.g.order == delivery_order::total && x.g.via == total_via::lamport) {
      if (e.kind == event_kind::send) on_stamped(x, e);
      if (e.kind == event_kind::receive && is_member(x.g, e.process)) check_agreement(x, e, violated);
      continue;
    }
    if (x.g.order == delivery_order::total) {
      if (e.kind == event_kind::send && e.process == x.g.sequencer) on_relay(x, e);
      if (e.kind == event_kind::receive && e.process != x.g.sequencer && is_member(x.g, e.process))
        check_total(x, e, violated);
      continue;
    }
    if (!is_member(x.g, e.process)) continue;
    if (e.kind == event_kind::send) {
      if (x.g.order == delivery_order::causal) on_send(x, e);
      continue;
    }
    if (!is_member(x.g, e.from)) continue;
    if (x.g.order == delivery_order::fifo) check_fifo(x, e, violated);
    if (x.g.order == delivery_order::causal) check_causal(x, e, truth, violated);
  }
}

void delivery_judge::on_send(group& x, const event_record& e) {
  to_.clear();
  for (const sent_message& m : e.messages) to_.push_back(m.to);
  if (!addresses_group(x.g, e.process, to_)) return;
  const std::uint32_t j = index(x, e.process);
  x.sent_seqs[j].push_back(e.seq);
  x.broadcasts[e.id] = {j, static_cast<std::uint32_t>(x.sent_seqs[j].size())};
}

// A relay: the sequencer's send labelled seq:LABEL to every member but itself, numbered in send order.
void delivery_judge::on_relay(group& x, const event_record& e) {
  to_.clear();
  for (const sent_message& m : e.messages) to_.push_back(m.to);
  if (!is_relay(x.g, e.process, to_, e.label)) return;
  const std::uint64_t k = x.relays.size() + 1;
  x.relays[e.id] = k;
}

// Each member delivers the relays in their numbering, from the first, none skipped.
void delivery_judge::check_total(group& x, const event_record& e, const findings& violated) {
  const auto it = x.relays.find(e.send_event);
  if (it == x.relays.end()) return;
  auto& [next, seen] = x.due.try_emplace(e.process, 1, std::set<message_id>{}).first->second;
  if (!seen.insert(e.message).second) return;  // the network's duplicate
  const std::uint64_t k = it->second;
  if (k != next) {
    const std::uint64_t due = next;
    violated(total_invariant, [&, due] {
      return concat(names_[e.process], " delivers the sequencer's message ", nth(k), " while ", nth(due),
                    " is due");
    });
  }
  next = std::max(next, k + 1);
}

void delivery_judge::on_stamped(group& x, const event_record& e) {
  to_.clear();
  for (const sent_message& m : e.messages) to_.push_back(m.to);
  if (is_stamped_broadcast(x.g, e.process, to_)) x.stamped.insert(e.id);
}

// Every member's deliveries are the one sequence the members agree on: the i-th delivery of each is
// the i-th of the first member that got so far.
void delivery_judge::check_agreement(group& x, const event_record& e, const findings& violated) {
  if (!x.stamped.count(e.send_event)) return;
  auto& [count, seen] = x.delivered[e.process];
  if (!seen.insert(e.send_event).second) return;  // the network's duplicate
  const std::size_t i = count++;
  if (i == x.agreed.size()) {
    x.agreed.push_back(e.send_event);
    return;
  }
  if (x.agreed[i] == e.send_event) return;
  const event_id expected = x.agreed[i];
  violated(total_invariant, [&, i, expected] {
    return concat(names_[e.process], " delivers send #", e.send_event, " as its delivery ", nth(i + 1),
                  ", where another member delivered send #", expected);
  });
}

// Message ids grow in send order, so each link's deliveries must have growing ids.
void delivery_judge::check_fifo(group& x, const event_record& e, const findings& violated) {
  message_id& latest = x.last[{e.from, e.process}];
  if (e.message == latest) return;  // a duplicate right after its original
  if (e.message < latest) {
    violated(fifo_invariant, [&] {
      return concat(names_[e.process], " delivers message ", e.message, " from ", names_[e.from],
                    " after message ", latest, ", which was sent later");
    });
    return;
  }
  latest = e.message;
}

// Every broadcast of the group in the causal past of this one's send must be delivered here first:
// the past holds truth[s] events of member s, and so the broadcasts of s sent at or before that one.
void delivery_judge::check_causal(group& x, const event_record& e, const causality& truth, const findings& violated) {
  const auto it = x.broadcasts.find(e.send_event);
  if (it == x.broadcasts.end()) return;
  const broadcast b = it->second;
  const std::uint32_t q = index(x, e.process);
  received& from = x.got[q][b.sender];
  if (from.has(b.number)) return;  // the network's duplicate
  if (truth.merged() && truth.keeps_rows()) {
    const causality::row_ref sent = truth.sent();
    for (std::uint32_t s = 0; s < x.g.members.size(); ++s) {
      if (s == q) continue;
      const std::vector<std::uint64_t>& seqs = x.sent_seqs[s];
      auto seen = static_cast<std::uint32_t>(
          std::upper_bound(seqs.begin(), seqs.end(), truth.at(sent, x.g.members[s])) - seqs.begin());
      if (s == b.sender) --seen;  // the broadcast itself
      if (x.got[q][s].contiguous >= seen) continue;
      std::uint32_t missing = x.got[q][s].contiguous + 1;
      while (x.got[q][s].has(missing)) ++missing;
      if (missing > seen) continue;
      violated(causal_invariant, [&] {
        return concat(names_[e.process], " delivers ", names_[e.from], "'s broadcast ", nth(b.number), " before ",
                      names_[x.g.members[s]], "'s broadcast ", nth(missing), ", which its send had seen");
      });
      break;
    }
  }
  from.add(b.number);
}

}  // namespace hbsim
