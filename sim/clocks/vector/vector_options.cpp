#include "hbsim/clocks/vector/vector_options.hpp"

#include <array>
#include <cstdint>
#include <limits>
#include <string>

#include "hbsim/clocks/vector/vector_clock.hpp"
#include "hbsim/core/input_error.hpp"
#include "hbsim/core/json_text.hpp"

namespace hbsim {

namespace {
constexpr std::array<std::string_view, 3> encodings = {"full", "sparse", "differential"};
constexpr std::array<std::string_view, 3> option_fields = {"encoding", "prune", "representation"};
constexpr const char* prune_form = R"({"max_entries": n, "idle": duration}, at least one of them)";

// logical.vector.prune.
void read_prune(const nlohmann::json& block, vector_options& o) {
  const auto prune = block.find("prune");
  if (prune == block.end()) return;
  if (!prune->is_object() || prune->empty()) throw input_error("", "/prune", prune_form, describe_json(*prune));
  for (const auto& [field, value] : prune->items())
    if (field != "max_entries" && field != "idle")
      throw input_error("", "/prune/" + field, prune_form, "a field \"" + field + "\"");
  if (const auto m = prune->find("max_entries"); m != prune->end()) {
    if (!m->is_number_unsigned() || m->get<std::uint64_t>() < 1 ||
        m->get<std::uint64_t>() > std::numeric_limits<std::uint32_t>::max())
      throw input_error("", "/prune/max_entries",
                        "an integer from 1 to " + std::to_string(std::numeric_limits<std::uint32_t>::max()) +
                            ", the non-zero entries a vector keeps (its own included)",
                        describe_json(*m));
    o.max_entries = m->get<std::uint64_t>();
  }
  if (const auto i = prune->find("idle"); i != prune->end()) {
    std::string why;
    const auto t = i->is_string() ? parse_duration(i->get_ref<const std::string&>(), &why) : std::nullopt;
    if (!t || *t < 0) throw input_error("", "/prune/idle", "a duration of 0 or more", describe_json(*i), why);
    o.idle = *t;
  }
}
}  // namespace

std::string_view to_string(vector_encoding e) { return encodings[static_cast<std::size_t>(e)]; }
std::span<const std::string_view> vector_encoding_names() { return encodings; }
std::span<const std::string_view> vector_options::fields() { return option_fields; }

vector_options vector_options::read(const nlohmann::json& block) {
  vector_options o;
  if (const auto e = block.find("encoding"); e != block.end()) {
    const auto named = e->is_string() ? find_variant<vector_encoding>(encodings, e->get_ref<const std::string&>())
                                      : std::nullopt;
    if (!named) throw input_error("", "/encoding", R"("full", "sparse" or "differential")", describe_json(*e));
    o.encoding = *named;
  }
  if (const auto r = block.find("representation"); r != block.end()) {
    if (*r == "dense") o.representation = vector_representation::dense;
    else if (*r == "sparse") o.representation = vector_representation::sparse;
    else throw input_error("", "/representation", R"("dense" or "sparse")", describe_json(*r));
  }
  read_prune(block, o);
  if (o.representation == vector_representation::sparse && !o.standard())
    throw input_error("", "/representation", R"("dense": differential encoding and pruning keep dense rows)",
                      R"("sparse")");
  return o;
}

nlohmann::json vector_options::to_json() const {
  nlohmann::json out = nlohmann::json::object();
  if (encoding != vector_encoding::full) out["encoding"] = std::string(to_string(encoding));
  if (prunes()) {
    nlohmann::json& p = out["prune"] = nlohmann::json::object();
    if (max_entries != 0) p["max_entries"] = max_entries;
    if (idle) p["idle"] = format_duration(*idle);
  }
  return out;
}

}  // namespace hbsim
