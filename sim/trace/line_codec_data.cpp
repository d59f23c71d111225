// The replicated-data fields of a trace's event line (FORMAT.md, Replicated data): `data` and `state`
// back into the note the data judge reads, so that `hbsim check` judges a trace as it judged the run.
#include <nlohmann/json.hpp>

#include "hbsim/core/json_text.hpp"
#include "hbsim/data/written_version.hpp"
#include "trace/line_codec.hpp"

namespace hbsim::trace_internal {

using nlohmann::json;

std::vector<event_id> json_line_codec::write_ids(const json& v, const std::string& path) const {
  if (!v.is_array()) fail(path, "an array of write ids", describe_json(v));
  std::vector<event_id> out;
  for (std::size_t i = 0; i < v.size(); ++i) out.push_back(counter(v[i], path + "/" + std::to_string(i)));
  return out;
}

void json_line_codec::read_data(const json& d, const json* state) {
  data_.clear();
  const char* ops = "\"put\", \"get\" or \"sync\"";
  if (!d.is_object()) fail("/data", "an object {\"op\": ...}", describe_json(d));
  const std::string& op = string(*field(d, "op", ops), "/data/op", ops);
  const auto text = [&](const char* key) {
    return string(*field(d, key, "a string"), std::string("/data/").append(key), "a string");
  };
  if (op == "put") {
    data_.op = data_op::put;
    data_.key = text("key");
    data_.client = text("client");
    data_.value = field(d, "value", "the value written")->dump();
    const json& version = *field(d, "version", "the write's version");
    data_.version = version.dump();
    data_.version_bytes = written_version_bytes(version);
    if (const json* c = field(d, "context", "", false)) data_.context = write_ids(*c, "/data/context");
  } else if (op == "get") {
    data_.op = data_op::get;
    data_.key = text("key");
    data_.client = text("client");
    const json& values = *field(d, "values", "an array of values");
    if (!values.is_array()) fail("/data/values", "an array of values", describe_json(values));
    for (const json& v : values) data_.values.push_back(v.dump());
    data_.writes = write_ids(*field(d, "writes", "an array of write ids"), "/data/writes");
  } else if (op == "sync") {
    data_.op = data_op::sync;
    const json& keys = *field(d, "keys", "an array of keys");
    if (!keys.is_array()) fail("/data/keys", "an array of keys", describe_json(keys));
    for (std::size_t i = 0; i < keys.size(); ++i)
      data_.keys.push_back(string(keys[i], "/data/keys/" + std::to_string(i), "a key (a string)"));
  } else {
    fail("/data/op", ops, describe_json(*field(d, "op", ops)));
  }
  if (!state) return;
  if (!state->is_object()) fail("/state", "an object {key: [write ids]}", describe_json(*state));
  for (const auto& item : state->items())
    data_.state.emplace_back(item.key(), write_ids(item.value(), "/state/" + pointer_token(item.key())));
}

}  // namespace hbsim::trace_internal
