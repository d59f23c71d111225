#include "views/data_marks.hpp"

#include <algorithm>

#include "hbsim/data/data_note.hpp"
#include "hbsim/trace/trace_writer.hpp"

namespace hbsim {

namespace {

// Keeps the witnesses of data.no_lost_update, the marks' losses.
class lost_writes final : public clock_findings {
 public:
  void violated(std::size_t which, const std::function<std::string()>& rule) override {
    if (data_invariant_names()[which] == "data.no_lost_update") witnesses.push_back(rule());
  }
  std::vector<std::string> witnesses;
};

}  // namespace

std::size_t data_mark::siblings() const {
  std::size_t most = 0;
  for (const key_metadata& k : keys) most = std::max(most, k.values);
  return most;
}

std::string key_metadata::text() const {
  return std::string(key).append(" holds ").append(std::to_string(values)).append(values == 1 ? " value, " : " values, ")
      .append(std::to_string(bytes)).append(" bytes of versions");
}

std::string data_mark::tooltip() const {
  std::string out = std::string("\ndata: ").append(story);
  for (const key_metadata& k : keys) out.append("\n").append(k.text());
  return out;
}

void data_mark::append_json(std::string& out) const {
  if (!keys.empty()) {
    out.append(", \"metadata_bytes\": {");
    for (std::size_t i = 0; i < keys.size(); ++i) {
      if (i) out.append(", ");
      append_json_string(out, keys[i].key);
      out.append(": ").append(std::to_string(keys[i].bytes));
    }
    out.push_back('}');
  }
  if (lost.empty()) return;
  out.append(", \"lost\": [");
  for (std::size_t i = 0; i < lost.size(); ++i) {
    if (i) out.append(", ");
    append_json_string(out, lost[i]);
  }
  out.push_back(']');
}

data_mark data_marks::read(const event_record& e) {
  const data_note& n = *e.data;
  data_mark m;
  m.write = n.op == data_op::put;
  if (m.write) bytes_[e.id] = n.version_bytes;
  lost_writes lost;
  m.story = judge_.tell(e, lost);
  m.lost = std::move(lost.witnesses);
  for (const auto& [key, writes] : n.state) {
    key_metadata k{key, writes.size(), 0};
    for (event_id w : writes)
      if (const auto it = bytes_.find(w); it != bytes_.end()) k.bytes += it->second;
    m.keys.push_back(std::move(k));
  }
  return m;
}

}  // namespace hbsim
