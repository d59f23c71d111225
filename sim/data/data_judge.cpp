#include "hbsim/data/data_judge.hpp"

#include <algorithm>
#include <array>

#include "core/concat.hpp"

namespace hbsim {

namespace {

enum which : std::size_t { no_lost_update, siblings_concurrent, convergence };

bool contains(const std::set<event_id>& s, event_id w) { return s.count(w) != 0; }

}  // namespace

std::span<const std::string_view> data_invariant_names() {
  static constexpr std::array<std::string_view, 3> names{"data.no_lost_update", "data.siblings_concurrent",
                                                         "data.convergence"};
  return names;
}

data_judge::data_judge(std::span<const std::string> processes)
    : names_(processes.begin(), processes.end()), replicas_(processes.size()) {}

void data_judge::see(replica_key& r, event_id w) const {
  r.seen.insert(w);
  if (const auto it = writes_.find(w); it != writes_.end()) r.seen.insert(it->second.past.begin(), it->second.past.end());
}

void data_judge::judge(const event_record& e, clock_findings& out) {
  const data_note& n = *e.data;
  auto& replica = replicas_.at(e.process);
  std::vector<std::string> touched;
  if (n.op == data_op::put) {
    write_info w{e.process, n.key, n.value, n.client, n.version, n.context, e.pt, e.time, {}};
    for (event_id c : n.context) {
      w.past.insert(c);
      if (const auto it = writes_.find(c); it != writes_.end()) w.past.insert(it->second.past.begin(), it->second.past.end());
    }
    writes_[e.id] = std::move(w);
    see(replica[n.key], e.id);
    key_stats& k = stats_[n.key];
    ++k.writes;
    k.bytes += n.version_bytes;
    k.bytes_max = std::max(k.bytes_max, n.version_bytes);
    touched.push_back(n.key);
  } else if (n.op == data_op::sync && e.kind == event_kind::send) {
    auto& carried = carried_[e.id];
    for (const std::string& key : n.keys) carried.emplace_back(key, replica[key].state);
  } else if (n.op == data_op::sync && e.kind == event_kind::receive) {
    if (const auto it = carried_.find(e.send_event); it != carried_.end())
      for (const auto& [key, ids] : it->second)
        for (event_id w : ids) see(replica[key], w);
    touched = n.keys;
  }
  for (const auto& [key, ids] : n.state) replica[key].state = ids;
  for (const std::string& key : touched) check(e.process, key, out);
}

void data_judge::check(process_id p, const std::string& key, clock_findings& out) {
  replica_key& r = replicas_[p][key];
  key_stats& k = stats_[key];
  k.siblings = std::max<std::uint64_t>(k.siblings, r.state.size());
  const auto in_past = [&](event_id w, event_id of) { return this->in_past(w, of) == true; };
  for (event_id w : r.seen) {
    const bool kept = std::any_of(r.state.begin(), r.state.end(), [&](event_id s) { return s == w || in_past(w, s); });
    if (kept || !r.lost.insert(w).second) continue;
    k.lost.insert(w);
    out.violated(no_lost_update, [&] {
      const std::string text = concat(describe(w), " is lost at ", names_[p], ": ", names_[p], " holds ");
      if (r.state.empty()) return concat(text, "no value of \"", key, "\"");
      return concat(text, "\"", key, "\" = ", list(r.state), r.state.size() == 1 ? ", which does not have" : ", none of which has",
                    " write ", w, " in its causal past: ", why_kept(r.state.front(), w));
    });
  }
  for (std::size_t i = 0; i < r.state.size(); ++i)
    for (std::size_t j = 0; j < r.state.size(); ++j) {
      const event_id a = r.state[i], b = r.state[j];
      if (i == j || !(a == b || in_past(a, b))) continue;
      out.violated(siblings_concurrent, [&] {
        if (a == b) return names_[p] + " holds " + describe(a) + " twice: a write is not concurrent with itself";
        return concat(names_[p], " holds ", describe(a), " as a sibling of ", describe(b), ", whose causal past holds it (",
                      context_path(a, b), "): write ", b, " supersedes it, and a sibling must be concurrent");
      });
      return;
    }
}

void data_judge::finish(clock_findings& out) {
  for (const auto& entry : stats_) {
    const std::string& key = entry.first;
    for (process_id a = 0; a < replicas_.size(); ++a)
      for (process_id b = a + 1; b < replicas_.size(); ++b) {
        const auto ra = replicas_[a].find(key), rb = replicas_[b].find(key);
        if (ra == replicas_[a].end() || rb == replicas_[b].end()) continue;
        if (ra->second.seen != rb->second.seen || ra->second.state == rb->second.state) continue;
        out.violated(convergence, [&] {
          return names_[a] + " and " + names_[b] + " have seen the same writes of \"" + key + "\" but hold " +
                 list(ra->second.state) + " and " + list(rb->second.state);
        });
      }
  }
}

std::string data_judge::describe(event_id w) const {
  const auto it = writes_.find(w);
  if (it == writes_.end()) return concat("write ", w);
  const write_info& x = it->second;
  return concat("write ", w, " (", x.key, " = ", x.value, " put at ", names_[x.replica], ", pt ", format_duration(x.pt), ")");
}

std::optional<bool> data_judge::in_past(event_id w, event_id of) const {
  const auto it = writes_.find(of);
  if (it == writes_.end() || !writes_.count(w)) return std::nullopt;
  return contains(it->second.past, w);
}

std::string data_judge::context_path(event_id w, event_id of) const {
  if (in_past(w, of) != true) return {};
  // Back from `of` through an earlier context write whose past still holds w. A context names earlier
  // writes only, unless a trace was edited: then the path stops where it would turn forward.
  std::string out;
  for (event_id at = of; at != w;) {
    const std::vector<event_id>& context = writes_.at(at).context;
    const auto next = std::find_if(context.begin(), context.end(),
                                   [&](event_id c) { return c < at && (c == w || in_past(w, c) == true); });
    if (next == context.end()) break;
    out.insert(0, concat(*next, " in ", at, "'s context", out.empty() ? "" : ", "));
    at = *next;
  }
  return out;
}

std::string data_judge::list(const std::vector<event_id>& ids) const {
  std::string out = "[";
  for (std::size_t i = 0; i < ids.size(); ++i) {
    if (i) out += ", ";
    out += describe(ids[i]);
  }
  out += ']';
  return out;
}

std::vector<data_key_summary> data_judge::keys() const {
  std::vector<data_key_summary> out;
  for (const auto& [key, k] : stats_) out.push_back({key, k.writes, k.lost.size(), k.siblings, k.bytes, k.bytes_max});
  return out;
}

std::uint64_t data_judge::lost_updates() const {
  std::uint64_t n = 0;
  for (const auto& [key, k] : stats_) n += k.lost.size();
  return n;
}

}  // namespace hbsim
