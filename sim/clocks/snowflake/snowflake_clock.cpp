#include "hbsim/clocks/snowflake/snowflake_clock.hpp"

#include <array>

#include "hbsim/core/input_error.hpp"
#include "hbsim/core/json_text.hpp"
#include "hbsim/core/time.hpp"

namespace hbsim {

namespace {
constexpr std::array<std::string_view, 3> names = {"canonical", "no-backward-check", "seq-wrap"};

std::int64_t read_ms(const nlohmann::json& block, const char* field, std::int64_t fallback) {
  const auto it = block.find(field);
  if (it == block.end()) return fallback;
  if (!it->is_number_integer() || (it->is_number_unsigned() && it->get<std::uint64_t>() > INT64_MAX))
    throw input_error("", std::string("/") + field, "an integer number of Unix milliseconds", describe_json(*it));
  return it->get<std::int64_t>();
}

// floor(pt / 1ms): a clock behind true time 0 reads a negative pt.
std::int64_t floor_ms(sim_time pt) { return pt / ns_per_ms - (pt % ns_per_ms < 0 ? 1 : 0); }
}  // namespace

std::span<const std::string_view> snowflake_variant_names() { return names; }

snowflake_options snowflake_options::read(const nlohmann::json& block) {
  snowflake_options o;
  o.epoch_ms = read_ms(block, "epoch_ms", o.epoch_ms);
  o.start_unix_ms = read_ms(block, "start_unix_ms", o.start_unix_ms);
  if (const auto it = block.find("on_backward"); it != block.end()) {
    if (*it != "refuse" && *it != "wait")
      throw input_error("", "/on_backward", "\"refuse\" or \"wait\"", describe_json(*it));
    o.wait = *it == "wait";
  }
  return o;
}

// In unsigned arithmetic, as the generators' Java longs wrap: an ms before the epoch or past 41 bits
// gives the id the formula gives modulo 2^64.
std::uint64_t snowflake_id(std::int64_t ms, std::int64_t epoch_ms, std::uint64_t machine, std::uint64_t seq) {
  return ((static_cast<std::uint64_t>(ms) - static_cast<std::uint64_t>(epoch_ms)) << 22) | (machine << 12) | seq;
}

snowflake_fields snowflake_split(std::uint64_t id) { return {id >> 22, (id >> 12) & 0x3FF, id & 0xFFF}; }

std::optional<std::pair<std::int64_t, std::uint64_t>> snowflake_generator::draw(std::int64_t x, bool wait,
                                                                                 snowflake_variant variant) {
  std::int64_t ms = m;
  std::uint64_t next = seq + 1;
  if (x > m) {
    ms = x;
    next = 0;
  } else if (x < r) {  // the clock went back
    if (variant == snowflake_variant::no_backward_check) {
      ms = x;
      next = 0;
    } else if (!wait) {
      return std::nullopt;
    }
  }
  if (next > snowflake_max_seq) {
    next = 0;
    if (variant != snowflake_variant::seq_wrap) ms = add_sat(ms, 1);  // as if it spun to the next ms
  }
  r = x;
  m = ms;
  seq = next;
  return std::pair(ms, next);
}

snowflake_clock::snowflake_clock(std::size_t processes, snowflake_variant variant, snowflake_options options)
    : variant_(variant), options_(options), gens_(processes), ids_(processes, 0), drawn_(processes, 0) {}

void snowflake_clock::tick(process_id p, event_kind, sim_time pt) {
  const auto drawn = gens_[p].draw(add_sat(options_.start_unix_ms, floor_ms(pt)), options_.wait, variant_);
  drawn_[p] = drawn.has_value();
  if (drawn) ids_[p] = snowflake_id(drawn->first, options_.epoch_ms, p, drawn->second);
}

void snowflake_clock::receive(process_id p, message_slot, sim_time pt) { tick(p, event_kind::receive, pt); }

void snowflake_clock::set(process_id p, const state& s) {
  gens_[p] = s.gen;
  ids_[p] = s.id;
  drawn_[p] = s.drawn;
}

void snowflake_clock::checkpoint(process_id p) {
  if (saved_.empty()) saved_.resize(gens_.size());
  saved_[p] = saved_state(p);
}
void snowflake_clock::restore(process_id p) { set(p, saved_.empty() ? state{} : saved_[p]); }
void snowflake_clock::reset(process_id p) { set(p, state{}); }

}  // namespace hbsim
