// Reading hbsim traces back: the header here; the lines through the read-ahead (read_ahead.hpp), the
// line codec (line_codec.hpp) and the replay (trace_replay.hpp).
//
// replay() reads ahead on threads of its own: they read batches of lines and parse those in the
// writer's shape (the codec's fast path). The calling thread checks what needs the lines before (ids,
// seq, references to earlier events), parses the other lines through nlohmann (the general path, the
// authority on what is accepted and on every error message) and calls the observers, in file order.
// Reading thus costs the observers, the invariant checker above all, little of their time.
#include "hbsim/trace/trace_reader.hpp"

#include <algorithm>
#include <exception>
#include <nlohmann/json.hpp>
#include <unordered_map>

#include "hbsim/core/input_error.hpp"
#include "hbsim/core/json_text.hpp"
#include "trace/json_lines.hpp"
#include "trace/read_ahead.hpp"
#include "trace/trace_replay.hpp"

namespace hbsim {

using json = nlohmann::json;

trace_reader::trace_reader(std::string path, const clock_registry& registry) : path_(std::move(path)) {
  after_header_ = std::make_unique<line_reader>(path_);
  std::string_view text;
  do {
    if (!after_header_->next(text))
      throw input_error(path_, "", "an hbsim trace, whose first line is a header {\"type\":\"header\",...}",
                        after_header_->line_number() == 0 ? "an empty file" : "blank lines only");
  } while (trace_internal::blank(text));
  header_line_ = after_header_->line_number();
  const std::size_t line = header_line_;
  // What else people give where a trace goes: said as such, not as the JSON error it makes.
  if (trace_internal::shiviz_shaped(text))
    throw input_error(path_, "", "an hbsim trace, whose first line is a header {\"type\":\"header\",...}",
                      "a ShiViz/GoVector log (" + quoted_excerpt(text) + ")",
                      "hbsim check, explain and export read one given by its path; through a pipe, hbsim check "
                      "--format shiviz",
                      line);
  if (const auto at = text.find_first_not_of(" \t"); text[at] == '{' && text.find_last_not_of(" \t") == at)
    throw input_error(path_, "", "an hbsim trace, one JSON object per line, the first a header",
                      "a JSON document spread over lines, whose first line is `{`",
                      "a scenario? hbsim run reads those, and writes its trace with --trace", line);
  const auto fail = [&](std::string where, std::string expected, std::string found) {
    throw input_error(path_, std::move(where), std::move(expected), std::move(found), "", line);
  };
  const json o = parse_json_line(text, path_, line);
  if (!o.is_object()) fail("", "a header line {\"type\":\"header\",...}", describe_json(o));
  const auto need = [&](const char* key, const char* what) -> const json& {
    const auto it = o.find(key);
    if (it == o.end()) fail(std::string("/").append(key), what, std::string("no field \"").append(key).append("\""));
    return *it;
  };
  const json& type = need("type", "\"header\" on the first line");
  if (type != "header") fail("/type", "\"header\" on the first line", describe_json(type));
  const json& format = need("format", "\"hbsim-trace/1\"");
  if (format != "hbsim-trace/1") fail("/format", "\"hbsim-trace/1\"", describe_json(format));
  const json& name = need("scenario", "the scenario's name (a string)");
  if (!name.is_string()) fail("/scenario", "the scenario's name (a string)", describe_json(name));
  header_.file = path_;
  header_.name = name.get<std::string>();
  const json& seed = need("seed", "an unsigned 64-bit integer");
  if (!is_unsigned_integer(seed))
    fail("/seed", "an unsigned 64-bit integer", describe_json(seed));
  header_.seed = seed.get<std::uint64_t>();
  const std::string list = "an array of 1 to " + std::to_string(limits::processes) + " process names";
  const json& processes = need("processes", list.c_str());
  if (!processes.is_array() || processes.empty() || processes.size() > limits::processes)
    fail("/processes", list, describe_json(processes));
  std::unordered_map<std::string_view, std::size_t> seen;  // looked up, never iterated: its order reaches nothing
  for (std::size_t i = 0; i < processes.size(); ++i) {
    const json& p = processes[i];
    const std::string path = "/processes/" + std::to_string(i);
    // No control characters: names go into every line hbsim prints about the trace.
    if (!p.is_string() || p.get_ref<const std::string&>().empty() ||
        has_control_characters(p.get_ref<const std::string&>()))
      fail(path, "a process name (a non-empty string without control characters)", describe_json(p));
    if (!seen.emplace(p.get_ref<const std::string&>(), i).second)
      fail(path, "a name not listed before", describe_json(p).append(" again"));
    header_.processes.push_back({p.get<std::string>(), {}});
  }
  if (const auto it = o.find("clocks"); it != o.end()) read_clocks(*it, registry, fail);
  if (const auto it = o.find("logical"); it != o.end()) read_options(*it, fail);
  if (const auto it = o.find("delivery"); it != o.end()) {
    std::vector<std::string> names;
    for (const process_spec& p : header_.processes) names.push_back(p.name);
    try {
      header_.delivery = read_delivery_groups(*it, path_, names);
    } catch (const input_error& e) {
      throw input_error(path_, e.path(), e.expected(), e.found(), e.hint(), line);
    }
  }
}

void trace_reader::read_options(const json& v,
                                const std::function<void(std::string, std::string, std::string)>& fail) {
  const std::string wanted = "{kind: its options} for kinds of \"clocks\" that record options";
  if (!v.is_object()) fail("/logical", wanted, describe_json(v));
  for (const auto& item : v.items()) {
    const std::string& name = item.key();
    const json& block = item.value();
    const std::string path = "/logical/" + pointer_token(name);
    // The standard vector clock's options go to logical_config::vector_opts; a module's, to the module.
    const bool vector = name == "vector" && header_.logical.has("vector");
    const auto chosen = std::find_if(header_.logical.extra.begin(), header_.logical.extra.end(),
                                     [&](const chosen_clock& c) { return c.kind->name() == name; });
    if (!vector && (chosen == header_.logical.extra.end() || chosen->kind->recorded_options().is_null()))
      fail(path, wanted, "\"" + name + "\"");
    if (!block.is_object()) fail(path, "the options of " + name + " clocks (an object)", describe_json(block));
    const auto known = vector ? vector_options::fields() : chosen->kind->options();
    for (const auto& field : block.items())
      if (std::find(known.begin(), known.end(), field.key()) == known.end())
        fail(path + "/" + pointer_token(field.key()), "an option of " + name + " clocks: one of " + join_names(known),
             "\"" + field.key() + "\"");
    if (vector) {
      try {
        header_.logical.vector_opts = vector_options::read(block);
      } catch (const input_error& e) {
        fail(path + e.path(), e.expected(), e.found());
      }
      continue;
    }
    std::shared_ptr<const clock_kind> configured;
    try {
      configured = chosen->kind->configure(block);
    } catch (const input_error& e) {
      fail(path + e.path(), e.expected(), e.found());
    }
    if (configured) chosen->kind = configured;
    chosen->options = block;
  }
}

void trace_reader::read_clocks(const json& v, const clock_registry& registry,
                               const std::function<void(std::string, std::string, std::string)>& fail) {
  const std::vector<std::string> known = registry.names();
  const std::string wanted = "a clock kind: one of " + join_names(std::vector<std::string_view>(known.begin(), known.end()));
  if (!v.is_array() || v.empty()) fail("/clocks", "a non-empty array of clock kinds", describe_json(v));
  logical_config& clocks = header_.logical;
  clocks.clocks.clear();
  for (std::size_t i = 0; i < v.size(); ++i) {
    const std::string path = "/clocks/" + std::to_string(i);
    if (!v[i].is_string() || std::find(known.begin(), known.end(), v[i].get<std::string>()) == known.end())
      fail(path, wanted, describe_json(v[i]));
    const std::string& name = v[i].get_ref<const std::string&>();
    if (clocks.has(name)) fail(path, "each clock kind at most once", describe_json(v[i]));
    clocks.clocks.push_back(name);
    const auto kind = registry.find(name);
    if (kind && header_.processes.size() > kind->max_processes())
      fail(path, "at most " + std::to_string(kind->max_processes()) + " processes for " + name + " clocks",
           std::to_string(header_.processes.size()) + " processes");
    // The standard kinds are logical_config's own: only the other kinds join `extra`.
    if (kind && !is_standard_clock(name)) clocks.extra.push_back({kind});
  }
}

trace_reader::~trace_reader() = default;

void trace_reader::replay(std::span<event_observer* const> observers) {
  // The first replay goes on from the header's reader; another one reads the file again.
  if (!after_header_) {
    after_header_ = std::make_unique<line_reader>(path_);
    std::string_view skipped;
    while (after_header_->line_number() < header_line_ && after_header_->next(skipped)) {
    }
  }
  const trace_internal::process_table table(header_);
  trace_internal::trace_replay s(path_, table, observers);
  const run_header h{&header_, header_.seed, table.names, false, header_.logical.has("vector"), 0,
                     in_flight_memory_most_, header_.logical.vector_opts.sparse_rows(table.names.size())};
  trace_internal::read_ahead ahead(*after_header_, table);
  after_header_.reset();
  for (event_observer* o : observers) o->on_start(h);
  for (;;) {
    trace_internal::batch& b = ahead.next();
    s.replay_batch(b);
    if (b.error) std::rethrow_exception(b.error);
    const bool last = b.last;
    ahead.done(b);
    if (last) break;
  }
  const run_end end{s.latest(), false, false};
  for (event_observer* o : observers) o->on_finish(end);
}

}  // namespace hbsim
