// `--to graphml`: the graph of the selected events written by Boost.Graph's write_graphml, for
// NetworkX, yEd, Gephi. Node attributes: event (the trace's id), process, seq, kind, label, time,
// pt, lamport, hlc_l, hlc_c (typed long), vector (a string "A:2 B:3": the non-zero entries in
// process order; process names hold no space or colon); clocks not chosen with --clocks are left
// out; arrived (long: when the copy of a receive a delivery group ordered arrived, -1 for other events) when
// some event went through a delivery group; metadata_bytes (a string "cart:32 list:16": the bytes of
// the versions the replica holds after the event, per key whose state it changed, "" for other events)
// and lost (long: the writes lost at the event) when some event has a data note. Edge attribute: kind (program, message). Graph attributes:
// scenario, seed.
//
// write_graphml needs the whole graph, so events are kept until commit, compactly: a fixed record per
// event and its vector as the entries that changed since the previous event of its process. At commit
// a compressed_sparse_row_graph is built and the attributes are formatted on the fly by property
// maps of our own (attribute, below), so no string per attribute is ever stored.
#include <boost/graph/compressed_sparse_row_graph.hpp>
#include <boost/graph/graphml.hpp>
#include <boost/make_shared.hpp>
#include <algorithm>
#include <functional>
#include <limits>
#include <map>
#include <ostream>
#include <stdexcept>
#include <streambuf>
#include <vector>

#include "hbsim/core/output_file.hpp"
#include "hbsim/scenario/scenario.hpp"
#include "views/data_marks.hpp"
#include "views/export_edges.hpp"
#include "views/export_formats.hpp"
#include "views/export_text.hpp"

namespace hbsim {

namespace {

using vertex = std::uint32_t;
constexpr vertex no_vertex = std::numeric_limits<vertex>::max();

struct node_row {
  event_id id;
  std::uint64_t seq;
  sim_time time, pt;
  std::uint64_t lamport;
  sim_time hlc_l;
  std::uint64_t hlc_c;
  process_id process;
  std::uint32_t label;
  vertex program, message;  // sources of the incoming edges; no_vertex: none
  event_kind kind;
  sim_time arrived;         // a delivery group's receive: when its copy arrived; -1 otherwise
};

// The vector clocks of the kept events, in event order: per event, its process, the number of
// entries that differ from the previous kept event of that process, then per entry the gap since the
// previous such entry and the new value, all as LEB128 varints. Read back in order, event by event;
// reading an earlier event starts over from the first.
class vector_history {
 public:
  void start(std::size_t processes) {
    rows_.assign(processes, std::vector<std::uint32_t>(processes, 0));
    bytes_.clear();
  }

  void add(process_id p, vector_stamp stamp) {
    const std::span<const std::uint64_t> v = dense_words(stamp, scratch_);
    std::vector<std::uint32_t>& row = rows_[p];
    std::size_t changed = 0;
    for (std::size_t j = 0; j < row.size(); ++j) changed += row[j] != v[j];
    put(p);
    put(changed);
    std::size_t next = 0;
    for (std::size_t j = 0; j < row.size(); ++j) {
      if (row[j] == v[j]) continue;
      put(j - next);
      put(v[j]);
      row[j] = static_cast<std::uint32_t>(v[j]);
      next = j + 1;
    }
  }

  /// The vector of the kept event `index` (0-based); valid until the next call.
  std::span<const std::uint32_t> at(std::size_t index) {
    if (index + 1 == read_next_) return rows_[last_];
    if (index < read_next_ || read_next_ == 0) {
      for (auto& row : rows_) std::fill(row.begin(), row.end(), 0);
      read_next_ = 0;
      read_at_ = 0;
    }
    process_id p = 0;
    for (; read_next_ <= index; ++read_next_) {
      p = static_cast<process_id>(get());
      std::vector<std::uint32_t>& row = rows_[p];
      std::size_t j = 0;
      for (std::uint64_t n = get(); n > 0; --n) {
        j += get();
        row[j++] = static_cast<std::uint32_t>(get());
      }
    }
    last_ = p;
    return rows_[last_];
  }

  std::size_t bytes() const { return bytes_.size(); }

 private:
  void put(std::uint64_t v) {
    for (; v >= 0x80; v >>= 7) bytes_.push_back(static_cast<std::uint8_t>(v | 0x80));
    bytes_.push_back(static_cast<std::uint8_t>(v));
  }
  std::uint64_t get() {
    std::uint64_t v = 0;
    for (int shift = 0;; shift += 7) {
      const std::uint8_t b = bytes_[read_at_++];
      v |= std::uint64_t{b & 0x7fu} << shift;
      if (b < 0x80) return v;
    }
  }

  std::vector<std::vector<std::uint32_t>> rows_;  // by process: its latest vector (writing, then reading)
  std::vector<std::uint8_t> bytes_;
  std::vector<std::uint64_t> scratch_;  // a sparse stamp made dense
  std::size_t read_next_ = 0;  // the next event to read
  std::size_t read_at_ = 0;    // its first byte
  process_id last_ = 0;
};

// An ostream over output_file, for write_graphml.
class output_buffer final : public std::streambuf {
 public:
  explicit output_buffer(output_file& out) : out_(out) { setp(buf_, buf_ + sizeof buf_); }

 protected:
  int_type overflow(int_type c) override {
    sync();
    if (!traits_type::eq_int_type(c, traits_type::eof())) sputc(traits_type::to_char_type(c));
    return traits_type::not_eof(c);
  }
  int sync() override {
    out_.write({pbase(), static_cast<std::size_t>(pptr() - pbase())});
    setp(buf_, buf_ + sizeof buf_);
    return 0;
  }

 private:
  output_file& out_;
  char buf_[1 << 16];
};

// A write-only attribute for write_graphml, formatting its value straight into a string: Boost's
// adapter of a function property map goes through an ostringstream per value, which took most of
// the time of a large export. Value is the C++ type whose GraphML type the key declares.
template <typename Key, typename Value>
class attribute final : public boost::dynamic_property_map {
 public:
  using format = std::function<void(std::string&, Key)>;
  explicit attribute(format f) : format_(std::move(f)) {}

  boost::any get(const boost::any& key) override { return get_string(key); }
  std::string get_string(const boost::any& key) override {
    std::string s;
    format_(s, boost::any_cast<Key>(key));
    return s;
  }
  void put(const boost::any&, const boost::any&) override { throw boost::dynamic_const_put_error(); }
  const std::type_info& key() const override { return typeid(Key); }
  const std::type_info& value() const override { return typeid(Value); }

 private:
  format format_;
};

using graph = boost::compressed_sparse_row_graph<boost::directedS, boost::no_property, boost::no_property,
                                                 boost::no_property, vertex, vertex>;
using edge = boost::graph_traits<graph>::edge_descriptor;

class graphml_exporter final : public exporter {
 public:
  graphml_exporter(std::string path, const export_options& options)
      : exporter(options), out_(std::move(path), "export") {}

  void commit() override {
    std::vector<std::pair<vertex, vertex>> edges;
    for (vertex v = 0; v < rows_.size(); ++v) {
      if (rows_[v].program != no_vertex) edges.emplace_back(rows_[v].program, v);
      if (rows_[v].message != no_vertex) edges.emplace_back(rows_[v].message, v);
    }
    const graph g(boost::edges_are_unsorted_multi_pass, edges.begin(), edges.end(), rows_.size());
    edges = {};

    boost::dynamic_properties dp;
    const auto add = [&dp]<typename Key, typename Value>(const char* name, std::function<void(std::string&, Key)> f, Value) {
      dp.insert(name, boost::make_shared<attribute<Key, Value>>(std::move(f)));
    };
    const auto number = [&](const char* name, auto field) {
      add(name, std::function<void(std::string&, vertex)>([this, field](std::string& s, vertex v) {
            append_number(s, rows_[v].*field);
          }), long{});
    };
    const auto text = [&](const char* name, std::function<void(std::string&, vertex)> f) { add(name, std::move(f), std::string()); };

    // Text from the input may hold control characters, which XML cannot: they are shown as pictures.
    add("scenario", std::function<void(std::string&, graph*)>([this](std::string& s, graph*) {
          append_visible(s, scenario_);
        }), std::string());
    // GraphML's long is signed: a seed past 2^63 - 1 goes as a string, which says it exactly.
    const std::function<void(std::string&, graph*)> seed = [this](std::string& s, graph*) { append_number(s, seed_); };
    if (seed_ <= static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max()))
      add("seed", seed, long{});
    else
      add("seed", seed, std::string());
    number("event", &node_row::id);
    text("process", [this](std::string& s, vertex v) { s = names_[rows_[v].process]; });
    number("seq", &node_row::seq);
    text("kind", [this](std::string& s, vertex v) { s = to_string(rows_[v].kind); });
    text("label", [this](std::string& s, vertex v) { append_visible(s, labels_[rows_[v].label]); });
    number("time", &node_row::time);
    number("pt", &node_row::pt);
    if (ordered_) number("arrived", &node_row::arrived);
    if (!data_.empty()) {
      text("metadata_bytes", [this](std::string& s, vertex v) {
        if (const auto it = data_.find(v); it != data_.end()) s = it->second.bytes;
      });
      add("lost", std::function<void(std::string&, vertex)>([this](std::string& s, vertex v) {
            const auto it = data_.find(v);
            append_number(s, it == data_.end() ? 0 : it->second.lost);
          }), long{});
    }
    if (shows(export_clock::lamport)) number("lamport", &node_row::lamport);
    if (shows(export_clock::hlc)) {
      number("hlc_l", &node_row::hlc_l);
      number("hlc_c", &node_row::hlc_c);
    }
    for (std::size_t m = 0; m < others_.size(); ++m)
      text(other_names_[m].c_str(), [this, m](std::string& s, vertex v) { s = others_[m][v]; });
    if (shows(export_clock::vector)) {
      text("vector", [this](std::string& s, vertex v) {
        const std::span<const std::uint32_t> clock = vectors_.at(v);
        for (std::size_t p = 0; p < clock.size(); ++p) {
          if (clock[p] == 0) continue;
          s.append(s.empty() ? "" : " ").append(names_[p]).push_back(':');
          append_number(s, clock[p]);
        }
      });
    }
    add("kind", std::function<void(std::string&, edge)>([this, &g](std::string& s, edge e) {
          s = rows_[boost::target(e, g)].message == boost::source(e, g) ? "message" : "program";
        }), std::string());

    output_buffer buffer(out_);
    std::ostream os(&buffer);
    os.exceptions(std::ostream::badbit);  // so output_file's own error (which says why) comes through
    boost::write_graphml(os, g, boost::get(boost::vertex_index, g), dp, true);
    os.flush();
    out_.commit();
  }

 protected:
  void start(const run_header& h) override {
    scenario_ = h.source->name;
    seed_ = h.seed;
    names_.assign(h.process_names.begin(), h.process_names.end());
    edges_.start(names_.size());
    if (shows(export_clock::vector)) vectors_.start(names_.size());
    others_.clear();
    other_names_.clear();
    ordered_ = false;
    data_.clear();
    for (const shown_clock& c : clocks())
      if (c.kind) {
        others_.emplace_back();
        other_names_.push_back(c.name);
      }
  }

  void event(const event_record& e) override {
    if (rows_.size() == no_vertex) throw std::runtime_error("hbsim: a GraphML export holds at most 2^32 - 1 events");
    const event_edges in = edges_.next(e);
    const hlc_stamp h = places().hlc_of(e);
    rows_.push_back({e.id, e.seq, e.time, e.pt, places().lamport_of(e), h.l, h.c, e.process, label(e.label),
                     index_of(in.program), index_of(in.message), e.kind, e.arrived});
    ordered_ = ordered_ || e.arrived != no_arrival;
    if (data()) {
      data_row& d = data_[static_cast<vertex>(rows_.size() - 1)];
      for (const key_metadata& k : data()->keys)
        d.bytes.append(d.bytes.empty() ? "" : " ").append(k.key).append(":").append(std::to_string(k.bytes));
      d.lost = data()->lost.size();
    }
    if (shows(export_clock::vector)) vectors_.add(e.process, places().vector_of(e));
    std::size_t m = 0;
    for (const shown_clock& c : clocks())
      if (c.kind) others_[m++].push_back(c.kind->write(e.stamps[c.stamp], names_).dump());
  }

 private:
  std::uint32_t label(std::string_view text) {
    const auto it = label_ids_.find(text);
    if (it != label_ids_.end()) return it->second;
    labels_.emplace_back(text);
    return label_ids_.emplace(labels_.back(), static_cast<std::uint32_t>(labels_.size() - 1)).first->second;
  }
  // The vertex of a kept event; the rows are in event id order.
  vertex index_of(event_id id) const {
    if (id == 0) return no_vertex;
    const auto it = std::lower_bound(rows_.begin(), rows_.end(), id, [](const node_row& r, event_id x) { return r.id < x; });
    return static_cast<vertex>(it - rows_.begin());
  }

  output_file out_;
  std::string scenario_;
  std::uint64_t seed_ = 0;
  std::vector<std::string> names_;
  std::vector<std::vector<std::string>> others_;  // per module kind shown: its value per vertex, as JSON
  std::vector<std::string> other_names_;
  edge_tracker edges_;
  std::vector<node_row> rows_;
  bool ordered_ = false;  // some kept event went through a delivery group: the nodes get `arrived`
  struct data_row {
    std::string bytes;
    std::uint64_t lost = 0;
  };
  std::map<vertex, data_row> data_;  // the kept events with a data note: the nodes get metadata_bytes and lost
  vector_history vectors_;
  std::vector<std::string> labels_;                              // by label id
  std::map<std::string, std::uint32_t, std::less<>> label_ids_;  // looked up, never iterated
};

}  // namespace

std::unique_ptr<exporter> make_graphml_exporter(std::string path, const export_options& options) {
  return std::make_unique<graphml_exporter>(std::move(path), options);
}

}  // namespace hbsim
