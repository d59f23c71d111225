// The data judge's words for the narration and the witnesses: what an event did to the replicated
// data and why each write survived or was lost, told from the same ground truth the invariants read.
#include <algorithm>
#include <map>

#include "core/concat.hpp"
#include "hbsim/data/data_judge.hpp"

namespace hbsim {

namespace {

bool has(const std::vector<event_id>& v, event_id w) { return std::find(v.begin(), v.end(), w) != v.end(); }

// "[1, 2]".
std::string numbers(const std::vector<event_id>& ids) {
  std::string out = "[";
  for (std::size_t i = 0; i < ids.size(); ++i) out.append(concat(i ? ", " : "", ids[i]));
  return out.append("]");
}

}  // namespace

std::string data_judge::why_kept(event_id kept, event_id lost) const {
  const auto k = writes_.find(kept), l = writes_.find(lost);
  if (k == writes_.end() || l == writes_.end()) return concat("write ", lost, " never reached this run's puts");
  const write_info& a = k->second;
  const write_info& b = l->second;
  const bool lww = !a.version.empty() && a.version.front() == '[';
  std::string out = lww ? concat("write ", kept, " won by its stamp, ", a.version, " over ", b.version)
                        : concat("the policy kept write ", kept, " (version ", a.version, ") over write ", lost,
                                 " (version ", b.version, ")");
  if (in_past(kept, lost) == true)
    out.append(concat(", yet write ", lost, " is the later one: write ", kept, " is in its causal past"));
  else
    out.append(", and neither write is in the other's causal past: they are concurrent");
  // Under last-writer-wins a write put later in true time loses to an earlier one when its clock lags.
  const sim_time kept_offset = sub_sat(a.pt, a.time), lost_offset = sub_sat(b.pt, b.time);
  if (lww && b.time > a.time && lost_offset < kept_offset)
    out.append(concat("; write ", lost, " was put ", format_duration(sub_sat(b.time, a.time)), " later in true time, but ",
                      names_[b.replica], "'s clock was ", format_duration(sub_sat(kept_offset, lost_offset)), " behind ",
                      names_[a.replica], "'s (pt minus true time ", format_duration(lost_offset), " against ",
                      format_duration(kept_offset), ")"));
  return out;
}

std::string data_judge::fate(const std::string& key, const std::vector<event_id>& before,
                             const std::vector<event_id>& arrived, const std::vector<event_id>& after) const {
  std::string out;
  const auto part = [&](const std::string& text) { out.append(out.empty() ? "" : "; ").append(text); };
  std::vector<event_id> all = before;
  for (event_id w : arrived)
    if (!has(all, w)) all.push_back(w);
  for (event_id w : all) {
    const bool held = has(before, w);
    if (has(after, w)) {
      if (held || after.size() == 1) continue;
      std::vector<event_id> others;
      bool concurrent = true;
      for (event_id x : after)
        if (x != w) {
          others.push_back(x);
          concurrent = concurrent && in_past(x, w) != true && in_past(w, x) != true;
        }
      part(concat("keeps write ", w, " as a sibling of ", others.size() == 1 ? "write " : "writes ",
                  others.size() == 1 ? std::to_string(others.front()) : numbers(others),
                  !concurrent             ? ", though they are not all concurrent"
                  : others.size() == 1 ? ": neither is in the other's causal past"
                                          : ": none is in another's causal past"));
      continue;
    }
    const auto by = std::find_if(after.begin(), after.end(), [&](event_id x) { return in_past(w, x) == true; });
    if (by != after.end())
      part(held ? concat("write ", w, " gives way to write ", *by, ", whose causal past holds it")
                : concat("write ", w, " arrives already in the causal past of write ", *by));
    else if (after.empty())
      part(concat("write ", w, " is lost: nothing is kept"));
    else
      part(concat("write ", w, " is lost: ", why_kept(after.front(), w)));
  }
  part(after == before ? concat(key, " stays ", numbers(after)) : concat(key, " now holds ", numbers(after)));
  return out;
}

std::string data_judge::tell(const event_record& e, clock_findings& out) {
  const data_note& n = *e.data;
  const auto state_of = [&](const std::string& key) {
    const auto& replica = replicas_.at(e.process);
    const auto it = replica.find(key);
    return it == replica.end() ? std::vector<event_id>{} : it->second.state;
  };
  const auto carried = carried_.find(e.send_event);
  const bool merges = n.op == data_op::sync && e.kind == event_kind::receive && carried != carried_.end();
  std::map<std::string, std::vector<event_id>> before;  // of the keys the event may change
  if (n.op == data_op::put) before[n.key] = state_of(n.key);
  if (merges)
    for (const auto& [key, incoming] : carried->second) before[key] = state_of(key);
  judge(e, out);
  switch (n.op) {
    case data_op::put: {
      std::string text = concat("write ", e.id, ": ", n.client, " puts ", n.key, " = ", n.value, ", context ",
                                n.context.empty() ? std::string("empty") : numbers(n.context), ", version ", n.version);
      if (n.version_bytes != 0) text.append(concat(" (", n.version_bytes, " B)"));
      return text.append("; ").append(fate(n.key, before[n.key], {e.id}, state_of(n.key)));
    }
    case data_op::get: {
      std::string text = concat(n.client, " gets ", n.key, ": ");
      if (n.writes.empty()) return text.append("no value");
      if (n.writes.size() > 1) text.append(concat(n.writes.size(), " siblings, "));
      for (std::size_t i = 0; i < n.writes.size() && i < n.values.size(); ++i)
        text.append(concat(i ? ", " : "", n.values[i], " (write ", n.writes[i], ")"));
      return text;
    }
    case data_op::sync: break;
  }
  std::string text;
  if (e.kind != event_kind::receive) {
    for (const std::string& key : n.keys)
      text.append(concat(text.empty() ? "sends " : ", ", key, " = ", numbers(state_of(key))));
    return text.empty() ? std::string("sends no key") : text;
  }
  if (!merges) return "merges a state whose send is not in this run";
  for (const auto& [key, incoming] : carried->second)
    text.append(concat(text.empty() ? "" : "; ", "merges ", names_.at(e.from), "'s ", key, " = ", numbers(incoming),
                       " into ", numbers(before[key]), ": ", fate(key, before[key], incoming, state_of(key))));
  return text.empty() ? std::string("merges no key") : text;
}

}  // namespace hbsim
