#include "hbsim/data/data_note.hpp"

#include <nlohmann/json.hpp>

namespace hbsim {

namespace {

std::string quoted(const std::string& s) { return nlohmann::json(s).dump(); }

template <class T, class F>
std::string list(const std::vector<T>& items, F&& one) {
  std::string out = "[";
  for (std::size_t i = 0; i < items.size(); ++i) {
    if (i) out += ',';
    out += one(items[i]);
  }
  out += ']';
  return out;
}

std::string ids(const std::vector<event_id>& v) {
  return list(v, [](event_id id) { return std::to_string(id); });
}

}  // namespace

std::string trace_fields(const data_note& n, event_id write) {
  std::string out = R"(,"data":{"op":)";
  switch (n.op) {
    case data_op::put:
      out += R"("put","key":)" + quoted(n.key) + R"(,"value":)" + n.value + R"(,"client":)" + quoted(n.client) +
             R"(,"write":)" + std::to_string(write) + R"(,"context":)" + ids(n.context) + R"(,"version":)" +
             n.version;
      break;
    case data_op::get:
      out += R"("get","key":)" + quoted(n.key) + R"(,"client":)" + quoted(n.client) + R"(,"values":)" +
             list(n.values, [](const std::string& v) { return v; }) + R"(,"writes":)" + ids(n.writes);
      break;
    case data_op::sync: out += R"("sync","keys":)" + list(n.keys, quoted); break;
  }
  out += '}';
  if (n.state.empty()) return out;
  out += R"(,"state":{)";
  for (std::size_t i = 0; i < n.state.size(); ++i) {
    if (i) out += ',';
    out.append(quoted(n.state[i].first)).append(":").append(ids(n.state[i].second));
  }
  out += '}';
  return out;
}

}  // namespace hbsim
