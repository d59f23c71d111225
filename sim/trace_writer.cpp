#include "hbsim/trace_writer.hpp"

#include <charconv>
#include <cstring>
#include <stdexcept>

#include <sys/stat.h>
#include <unistd.h>

#include "hbsim/input_error.hpp"
#include "hbsim/scenario.hpp"

namespace hbsim {

namespace {

constexpr std::size_t flush_at = 1 << 20;

void put(std::string& out, std::int64_t v) {
  char tmp[24];
  const auto r = std::to_chars(tmp, tmp + sizeof tmp, v);
  out.append(tmp, r.ptr);
}
void put_u(std::string& out, std::uint64_t v) {
  char tmp[24];
  const auto r = std::to_chars(tmp, tmp + sizeof tmp, v);
  out.append(tmp, r.ptr);
}

}  // namespace

void append_json_string(std::string& out, std::string_view s) {
  static constexpr char hex[] = "0123456789abcdef";
  out += '"';
  for (const char ch : s) {
    const auto c = static_cast<unsigned char>(ch);
    if (c == '"' || c == '\\') {
      out += '\\';
      out += ch;
    } else if (c < 0x20) {
      out += "\\u00";
      out += hex[c >> 4];
      out += hex[c & 15];
    } else {
      out += ch;
    }
  }
  out += '"';
}

trace_writer::trace_writer(std::string path) : path_(std::move(path)) {
  struct stat st {};
  if (path_ == "-") {
    out_ = stdout;
  } else if (::stat(path_.c_str(), &st) == 0 && !S_ISREG(st.st_mode)) {
    // A device or a pipe (/dev/null, a FIFO): written in place, there is nothing to rename.
    out_ = std::fopen(path_.c_str(), "wb");
    if (!out_) throw input_error(path_, "", "a trace file hbsim can write", std::strerror(errno));
  } else {
    temp_path_ = path_ + ".tmp." + std::to_string(::getpid());
    out_ = std::fopen(temp_path_.c_str(), "wb");
    if (!out_) throw input_error(path_, "", "a trace file hbsim can write", std::strerror(errno));
  }
  buf_.reserve(flush_at + (64 << 10));
}

trace_writer::~trace_writer() {
  if (out_ && out_ != stdout) {
    std::fclose(out_);
    if (!temp_path_.empty()) std::remove(temp_path_.c_str());
  }
}

void trace_writer::flush() {
  if (!buf_.empty() && std::fwrite(buf_.data(), 1, buf_.size(), out_) != buf_.size())
    throw std::runtime_error("hbsim: writing the trace failed: " + std::string(std::strerror(errno)));
  bytes_ += buf_.size();
  buf_.clear();
}

void trace_writer::line_end() {
  buf_ += "}\n";
  if (buf_.size() >= flush_at) flush();
}

void trace_writer::on_start(const run_header& h) {
  scenario_ = h.source;
  for (const std::string& n : h.process_names) {
    std::string q;
    append_json_string(q, n);
    names_.push_back(q);
    keys_.push_back(q + ":");
  }
  buf_ += "{\"type\":\"header\",\"format\":\"hbsim-trace/1\",\"scenario\":";
  append_json_string(buf_, h.source->name);
  buf_ += ",\"seed\":";
  put_u(buf_, h.seed);
  buf_ += ",\"processes\":[";
  for (std::size_t i = 0; i < names_.size(); ++i) {
    if (i) buf_ += ',';
    buf_ += names_[i];
  }
  buf_ += ']';
  line_end();
}

void trace_writer::on_event(const event_record& e) {
  buf_ += "{\"type\":\"event\",\"id\":";
  put_u(buf_, e.id);
  buf_ += ",\"process\":";
  buf_ += names_[e.process];
  buf_ += ",\"seq\":";
  put_u(buf_, e.seq);
  buf_ += ",\"kind\":\"";
  buf_ += to_string(e.kind);
  buf_ += "\",\"label\":";
  append_json_string(buf_, e.label);
  buf_ += ",\"time\":";
  put(buf_, e.time);
  buf_ += ",\"pt\":";
  put(buf_, e.pt);
  buf_ += ",\"lamport\":";
  put_u(buf_, e.lamport);
  buf_ += ",\"vector\":{";
  bool first = true;
  for (std::size_t i = 0; i < e.vector.size(); ++i) {
    if (e.vector[i] == 0) continue;
    if (!first) buf_ += ',';
    first = false;
    buf_ += keys_[i];
    put_u(buf_, e.vector[i]);
  }
  buf_ += "},\"hlc\":[";
  put(buf_, e.hlc.l);
  buf_ += ',';
  put_u(buf_, e.hlc.c);
  buf_ += ']';
  if (e.kind == event_kind::send) {
    buf_ += ",\"messages\":[";
    for (std::size_t i = 0; i < e.messages.size(); ++i) {
      if (i) buf_ += ',';
      buf_ += "{\"id\":";
      put_u(buf_, e.messages[i].id);
      buf_ += ",\"to\":";
      buf_ += names_[e.messages[i].to];
      buf_ += '}';
    }
    buf_ += ']';
  } else if (e.kind == event_kind::receive || e.kind == event_kind::reject) {
    buf_ += ",\"message\":";
    put_u(buf_, e.message);
    buf_ += ",\"from\":";
    buf_ += names_[e.from];
    buf_ += ",\"send\":";
    put_u(buf_, e.send_event);
  }
  line_end();
}

void trace_writer::on_drop(const drop_record& d) {
  buf_ += "{\"type\":\"drop\",\"message\":";
  put_u(buf_, d.message);
  buf_ += ",\"from\":";
  buf_ += names_[d.from];
  buf_ += ",\"to\":";
  buf_ += names_[d.to];
  buf_ += ",\"time\":";
  put(buf_, d.time);
  buf_ += ",\"reason\":\"";
  buf_ += to_string(d.reason);
  buf_ += '"';
  if (d.duplicate) buf_ += ",\"duplicate\":true";
  line_end();
}

void trace_writer::on_fault(const fault_record& r) {
  const fault& f = scenario_->faults[r.index];
  const auto list = [&](const std::vector<process_id>& ps) {
    buf_ += '[';
    for (std::size_t i = 0; i < ps.size(); ++i) {
      if (i) buf_ += ',';
      buf_ += names_[ps[i]];
    }
    buf_ += ']';
  };
  const auto ending = [&](const char* key) {
    buf_ += ",\"";
    buf_ += key;
    buf_ += "\":";
    if (r.end < 0)
      buf_ += "null";
    else
      put(buf_, r.end);
  };
  const auto mode = [&](hold_mode m) { buf_ += m == hold_mode::hold ? ",\"mode\":\"hold\"" : ",\"mode\":\"drop\""; };
  buf_ += "{\"type\":\"fault\",\"time\":";
  put(buf_, r.time);
  if (const auto* p = std::get_if<partition_fault>(&f.what)) {
    buf_ += ",\"fault\":\"partition\",\"groups\":[";
    std::vector<std::vector<process_id>> groups;
    for (process_id q = 0; q < p->group_of.size(); ++q) {
      if (p->group_of[q] >= groups.size()) groups.resize(p->group_of[q] + 1);
      groups[p->group_of[q]].push_back(q);
    }
    bool first = true;
    for (const auto& g : groups) {
      if (g.empty()) continue;
      if (!first) buf_ += ',';
      first = false;
      list(g);
    }
    buf_ += ']';
    mode(p->mode);
    ending("heal");
  } else if (const auto* c = std::get_if<cut_fault>(&f.what)) {
    buf_ += ",\"fault\":\"cut\",\"from\":";
    list(c->from);
    buf_ += ",\"to\":";
    list(c->to);
    mode(c->mode);
    ending("heal");
  } else if (const auto* s = std::get_if<clock_step_fault>(&f.what)) {
    buf_ += ",\"fault\":\"clock_step\",\"process\":";
    buf_ += names_[s->process];
    buf_ += ",\"by\":";
    put(buf_, s->by);
  } else if (const auto* pa = std::get_if<pause_fault>(&f.what)) {
    buf_ += ",\"fault\":\"pause\",\"process\":";
    buf_ += names_[pa->process];
    buf_ += pa->clock_running ? ",\"clock\":\"running\"" : ",\"clock\":\"frozen\"";
    ending("until");
  }
  line_end();
}

void trace_writer::commit() {
  flush();
  if (out_ == stdout) {
    std::fflush(stdout);
    return;
  }
  const bool ok = std::fflush(out_) == 0;
  const bool closed = std::fclose(out_) == 0;
  out_ = nullptr;
  if (!ok || !closed || (!temp_path_.empty() && std::rename(temp_path_.c_str(), path_.c_str()) != 0)) {
    const int err = errno;
    if (!temp_path_.empty()) std::remove(temp_path_.c_str());
    throw std::runtime_error("hbsim: cannot write the trace " + path_ + ": " + std::strerror(err));
  }
}

}  // namespace hbsim
