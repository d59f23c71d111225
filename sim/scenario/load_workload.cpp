// The scenario's workload: scripted actions, reactive rules and generators, and the event
// references they use.
#include "hbsim/scenario/event_ref.hpp"
#include "core/concat.hpp"
#include "scenario/scenario_reader.hpp"

namespace hbsim::scenario_internal {

namespace {
bool is_sender(const json* to) { return to != nullptr && to->is_string() && to->get_ref<const std::string&>() == "sender"; }
}  // namespace

event_ref reader::read_event_ref(const json& v, const std::string& path) const {
  constexpr std::string_view form = R"(an event reference "proc:label", "proc:label#k" or "proc#n")";
  const std::string& text = read_string(v, path, form);
  std::string why;
  const auto parts = parse_event_ref(text, &why);
  if (!parts) wrong(v, path, std::string(form), why);
  event_ref ref;
  ref.text = text;
  ref.process = resolve(parts->process, path);
  ref.label = parts->label;
  ref.by_seq = parts->by_seq;
  ref.index = parts->index;
  return ref;
}

// The action part shared by scripted actions and reactive rules: do, to, and the new event's label.
// The label stays empty when not written (a written one never is): the caller supplies the default.
action reader::read_action(const json& v, const std::string& path, std::string_view label_field,
                           bool sender_allowed) const {
  action a;
  a.kind = static_cast<action_kind>(
      read_choice(need(v, path, "do", "what the process does"), child(path, "do"), action_names, "an action"));
  const json* to = get(v, "to");
  if (a.kind == action_kind::commit && !logical_.has("truetime"))
    wrong(v["do"], child(path, "do"),
          R"(an action the chosen clocks allow: a commit waits on TrueTime intervals, add "truetime" to "clocks")");
  const bool data = acts_on_data(a.kind);
  if (!sender_allowed && is_sender(to) && !process_index_.contains("sender"))
    wrong(*to, child(path, "to"), R"(the name of a process ("sender" answers a message: only a rule of "on_receive" has one))");
  if (a.kind == action_kind::ntp) {
    if (sender_allowed) wrong(v["do"], child(path, "do"), "an action of a reactive rule (an NTP exchange is scripted only)");
    a.ntp.server = read_process(need(v, path, "server", "the NTP server"), child(path, "server"));
    read_ntp_options(v, path, a.ntp);
  } else if (data) {
    // A reactive sync may answer the message's sender (anti-entropy's pull); its `to` is read here, not as names.
    a.to_sender = a.kind == action_kind::sync && sender_allowed && is_sender(to);
    a.data = read_data_action(v, path, static_cast<data_op>(static_cast<int>(a.kind) - static_cast<int>(action_kind::put)),
                              a.to_sender);
  } else if (a.kind == action_kind::send) {
    const json& t = need(v, path, "to", "the destinations of a send");
    if (sender_allowed && is_sender(&t))
      a.to_sender = true;
    else
      a.to = read_process_list(t, child(path, "to"));
  }
  if (!data && a.kind != action_kind::send && to != nullptr) {
    wrong(*to, child(path, "to"), "no \"to\": only a send has destinations (broadcast sends to every other process)");
  }
  if (a.kind != action_kind::ntp)
    for (std::string_view f : ntp_action_fields)
      if (const json* x = get(v, f)) wrong(*x, child(path, f), concat("no \"", f, "\": only ntp has it"));
  if (!data)
    for (std::string_view f : data_action_fields)
      if (const json* x = get(v, f))
        wrong(*x, child(path, f), concat("no \"", f, "\": only put, get and sync act on data"));
  if (const json* label = get(v, label_field)) a.label = read_label(*label, child(path, label_field));
  return a;
}

script_action reader::read_script_action(const json& v, const std::string& path, std::size_t k) const {
  static constexpr std::array<std::string_view, 16> fields{
      "at",  "after", "delay",  "process", "do",     "to",      "label", "repeat",
      "key", "value", "client", "context", "server", "samples", "apply", "timeout"};
  check_fields(v, path, "a scripted action", fields);
  static constexpr std::array<std::string_view, 2> when{"at", "after"};
  script_action s;
  s.path = path;
  s.process = read_process(need(v, path, "process", "the process that acts"), child(path, "process"));
  if (which_one(v, path, when, "a scripted action") == "at") {
    s.at = read_duration(v["at"], child(path, "at"), sign::non_negative);
    if (const json* d = get(v, "delay"))
      wrong(*d, child(path, "delay"), "no \"delay\" with \"at\" (it goes with \"after\")");
  } else {
    s.after = read_event_ref(v["after"], child(path, "after"));
    if (const json* d = get(v, "delay")) s.delay = read_duration(*d, child(path, "delay"), sign::non_negative);
  }
  s.what = read_action(v, path, "label", false);
  if (s.what.kind == action_kind::ntp) {
    if (const json* l = get(v, "label"))
      wrong(*l, child(path, "label"), R"(no "label": an NTP exchange's events are labelled ntp:req, ntp:resp)");
    if (s.what.ntp.server == s.process)
      wrong(v["server"], child(path, "server"), "a server other than the client (\"process\")");
  }
  if (s.what.label.empty())
    s.what.label = std::string(action_names[static_cast<std::size_t>(s.what.kind)]) + std::to_string(k);
  if (const json* r = get(v, "repeat")) {
    static constexpr std::array<std::string_view, 2> repeat_fields{"count", "every"};
    const std::string p = child(path, "repeat");
    check_fields(*r, p, "a repetition", repeat_fields);
    s.repeat_count = read_uint(need(*r, p, "count", "how many times in all"), child(p, "count"), 1,
                               std::numeric_limits<std::uint64_t>::max());
    s.repeat_every =
        read_duration(need(*r, p, "every", "the time between occurrences"), child(p, "every"), sign::positive);
    check_end(s.at.value_or(0), s.repeat_count, s.repeat_every, p);
  }
  return s;
}

reactive_rule reader::read_rule(const json& v, const std::string& path, std::size_t k) const {
  static constexpr std::array<std::string_view, 10> fields{"process", "label", "do",    "to",     "action_label",
                                                           "delay",   "key",   "value", "client", "context"};
  check_fields(v, path, "a reactive rule", fields);
  reactive_rule r;
  r.path = path;
  if (const json* p = get(v, "process")) r.process = read_process_or_any(*p, child(path, "process"));
  if (const json* l = get(v, "label"); l != nullptr && !(l->is_string() && l->get_ref<const std::string&>() == "*"))
    r.label = read_label(*l, child(path, "label"));
  r.what = read_action(v, path, "action_label", true);
  if (r.what.label.empty()) r.what.label = "rule" + std::to_string(k);
  if (const json* d = get(v, "delay")) r.delay = read_duration(*d, child(path, "delay"), sign::non_negative);
  return r;
}

generator reader::read_generator(const json& v, const std::string& path) {
  static constexpr std::array<std::string_view, 8> all_fields{"kind",       "events",   "send_ratio", "interval",
                                                              "population", "messages", "think",      "remote"};
  check_fields(v, path, "a generator", all_fields);
  const std::size_t kind = read_choice(need(v, path, "kind", "the kind of generator"), child(path, "kind"),
                                       generator_names, "a generator kind");
  constexpr auto any_count = std::numeric_limits<std::uint64_t>::max();
  if (kind == 0) {
    static constexpr std::array<std::string_view, 4> f{"kind", "events", "send_ratio", "interval"};
    check_fields(v, path, "a random generator", f);
    random_generator g;
    if (const json* x = get(v, "events")) g.events = read_uint(*x, child(path, "events"), 0, any_count);
    if (const json* x = get(v, "send_ratio")) g.send_ratio = read_probability(*x, child(path, "send_ratio"));
    if (const json* x = get(v, "interval")) g.interval = read_distribution(*x, child(path, "interval"), false);
    return g;
  }
  static constexpr std::array<std::string_view, 5> f{"kind", "population", "messages", "think", "remote"};
  check_fields(v, path, "a phold generator", f);
  phold_generator g;
  const json* population = get(v, "population");
  if (population) g.population = read_uint(*population, child(path, "population"), 1, any_count);
  // Every initial message is pending at the start: more than max_pending in all could never run.
  const std::uint64_t most = (max_pending_ - pending_at_start_) / process_count_;
  if (g.population > most)
    fail(child(path, "population"), "a population from 1 to " + std::to_string(most),
         population ? describe_json(*population) : "the default, 1",
         "the initial messages, population × " + std::to_string(process_count_) + " processes" +
             (pending_at_start_ ? " plus " + std::to_string(pending_at_start_) + " of the earlier PHOLD generators"
                                : "") +
             ", must fit in max_pending (" + std::to_string(max_pending_) + "): they are all pending at the start");
  pending_at_start_ += g.population * process_count_;
  if (const json* x = get(v, "messages")) g.messages = read_uint(*x, child(path, "messages"), 0, any_count);
  if (const json* x = get(v, "think")) g.think = read_distribution(*x, child(path, "think"), false);
  if (const json* x = get(v, "remote")) g.remote = read_probability(*x, child(path, "remote"));
  return g;
}

}  // namespace hbsim::scenario_internal
