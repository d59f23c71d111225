// `--to html`: one self-contained page (inline CSS and JavaScript, nothing fetched) with the
// space-time diagram, a panel showing every clock of the event under the mouse, the causal past and
// future of a clicked event, a switch for the clock that labels events, and a table of the events
// with a column per clock shown.
// The causal sets come from the happens-before edges embedded as data (process order plus messages,
// a reject being no edge), never from the recorded vectors, which a wrong clock variant may have
// written. `page.html#select=ID` clicks event ID once loaded, which is how the tests drive it.
#include <nlohmann/json.hpp>

#include "views/export_formats.hpp"
#include "views/metadata_plot.hpp"
#include "views/offset_plot.hpp"
#include "views/space_time_diagram.hpp"

namespace hbsim {

namespace {

constexpr std::string_view page_style = R"css(<style>
body{font:14px sans-serif;margin:16px;color:#222}
h1{font-size:18px;margin:0 0 8px}
h1 small{font-weight:normal;color:#666}
.help{margin:4px 0;color:#444}
.swatch{display:inline-block;width:10px;height:10px;border-radius:5px;vertical-align:middle}
#diagram{overflow:auto;border:1px solid #ddd;margin:8px 0}
#diagram .ev{cursor:pointer}
svg .ev.past,.swatch-past{fill:#e65100;background:#e65100}
svg .ev.future,.swatch-future{fill:#00897b;background:#00897b}
svg .ev.sel{fill:#000;stroke:#fdd835;stroke-width:3}
svg .lbl.past{fill:#e65100;font-weight:bold}
svg .lbl.future{fill:#00897b;font-weight:bold}
svg .lbl.sel{font-weight:bold}
#status{min-height:1.2em;font-weight:bold}
#tip{position:fixed;background:#fffde7;border:1px solid #aaa;padding:4px 8px;font:12px monospace;white-space:pre;pointer-events:none}
table{border-collapse:collapse;font:12px monospace}
th,td{border:1px solid #ddd;padding:2px 6px;text-align:left}
tbody tr{cursor:pointer}
tr.past{background:#ffe0b2}
tr.future{background:#b2dfdb}
tr.sel{background:#fff59d}
</style>
)css";

constexpr std::string_view page_script = R"js(<script>
'use strict';
const data = JSON.parse(document.getElementById('hb-data').textContent);
const events = data.events, clocks = data.clocks;
const index = new Map(events.map((e, i) => [e.id, i]));

// Happens-before edges: each event's predecessor on its process, and each received message.
const next = events.map(() => []), prev = events.map(() => []);
const edge = (a, b) => { next[a].push(b); prev[b].push(a); };
const latest = new Map();
events.forEach((e, i) => { if (latest.has(e.lane)) edge(latest.get(e.lane), i); latest.set(e.lane, i); });
for (const [send, receive] of data.messages) edge(index.get(send), index.get(receive));

function reach(start, edges) {
  const seen = new Set(), todo = [start];
  while (todo.length) for (const j of edges[todo.pop()]) if (!seen.has(j)) { seen.add(j); todo.push(j); }
  return seen;
}

const tbody = document.querySelector('#events tbody');
const columns = ['id', 'process', 'seq', 'kind', 'label', 'time', 'pt'];
for (const e of events) {
  const row = tbody.insertRow();
  row.dataset.event = e.id;
  for (const c of columns) row.insertCell().textContent = e[c];
  for (const v of e.clocks) row.insertCell().textContent = v;
}
const marks = events.map(() => []);  // each event's dot, label and table row
for (const el of document.querySelectorAll('[data-event]')) marks[index.get(+el.dataset.event)].push(el);

const status = document.getElementById('status');
function select(i) {
  for (const el of document.querySelectorAll('.sel, .past, .future')) el.classList.remove('sel', 'past', 'future');
  status.textContent = '';
  if (i === undefined) return;
  const past = reach(i, prev), future = reach(i, next);
  const paint = (set, name) => { for (const j of set) for (const el of marks[j]) el.classList.add(name); };
  paint([i], 'sel');
  paint(past, 'past');
  paint(future, 'future');
  const e = events[i];
  status.textContent = `${e.process}#${e.seq} "${e.label}": ${past.size} events in its causal past, ` +
    `${future.size} in its future, ${events.length - 1 - past.size - future.size} concurrent`;
}
const picked = ev => ev.target.closest('[data-event]');
document.getElementById('diagram').addEventListener('click', ev => {
  const t = picked(ev);
  select(t ? index.get(+t.dataset.event) : undefined);
});
tbody.addEventListener('click', ev => { const t = picked(ev); if (t) select(index.get(+t.dataset.event)); });

// Hovering a dot shows every clock; this panel replaces the SVG's own tooltips.
const tip = document.getElementById('tip');
for (const t of document.querySelectorAll('circle.ev > title')) t.remove();
document.getElementById('diagram').addEventListener('mousemove', ev => {
  const t = ev.target.closest('circle.ev');
  tip.hidden = !t;
  if (!t) return;
  const e = events[index.get(+t.dataset.event)];
  tip.textContent = `${e.process}#${e.seq} ${e.kind} "${e.label}" (event ${e.id})${e.message ? '\n' + e.message : ''}\n` +
    `time ${e.time}, pt ${e.pt}${e.clocks.map((v, k) => `\n${clocks[k]} ${v}`).join('')}${e.commit ? '\n' + e.commit : ''}` +
    (e.data || '');
  tip.style.left = `${ev.clientX + 14}px`;
  tip.style.top = `${ev.clientY + 14}px`;
});
document.getElementById('diagram').addEventListener('mouseleave', () => { tip.hidden = true; });

document.getElementById('clock').addEventListener('change', ev => {
  for (const t of document.querySelectorAll('text.lbl')) t.textContent = events[index.get(+t.dataset.event)].labels[+ev.target.value];
});

const wanted = /select=(\d+)/.exec(location.hash);
const dot = wanted && document.querySelector(`circle.ev[data-event="${wanted[1]}"]`);
if (dot) dot.dispatchEvent(new MouseEvent('click', {bubbles: true}));
</script>
)js";

class html_exporter final : public diagram_exporter {
 public:
  html_exporter(std::string path, const export_options& options) : diagram_exporter(std::move(path), options, "html") {}

  void commit() override {
    check_size();
    const std::vector<shown_clock>& clocks = this->clocks();
    std::string page = "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>hbsim · " +
                       escape_markup(scenario_name()) + "</title>\n";
    page += page_style;
    page += "</head>\n<body>\n<h1>" + escape_markup(scenario_name()) + " <small>seed " + std::to_string(seed()) +
            " · " + std::to_string(events().size()) + " events</small></h1>\n";
    page +=
        "<p class=\"help\">Hover an event for its clocks. Click it for its causal past <span class=\"swatch swatch-past\"></span> "
        "and future <span class=\"swatch swatch-future\"></span>, from the happens-before edges (process order and messages), "
        "not from the recorded clocks; click elsewhere to clear.";
    if (!options().processes.empty() || options().from || options().to)
      page += " Only the selected events are here: causal paths through other events are not followed.";
    page += "</p>\n<form id=\"clock\">Label events with:";
    for (std::size_t k = 0; k < clocks.size(); ++k)
      page.append(" <label><input type=\"radio\" name=\"clock\" value=\"")
          .append(std::to_string(k))
          .append(k == 0 ? "\" checked> " : "\"> ")
          .append(clocks[k].name)
          .append("</label>");
    page += "</form>\n<p id=\"status\"></p>\n<div id=\"diagram\">\n" + svg(clocks) + "</div>\n<div id=\"tip\" hidden></div>\n";
    if (const std::string plot = offset_plot_svg(*this); !plot.empty())
      page.append("<h2>Clock offsets</h2>\n<p class=\"help\">Each NTP client's offset to true time (pt − time) at its "
                  "events; a dot marks an event that ended an exchange, a vertical jump its step.</p>\n")
          .append(plot);
    if (const auto plots = metadata_plot_svgs(*this); !plots.empty()) {
      page.append("<h2>Version metadata</h2>\n<p class=\"help\">Per key, the bytes of the versions each replica holds "
                  "after each event that changed its state (8 per stamp word, 16 per vector entry or dot); a dot marks "
                  "such an event. Client vectors grow with the clients that wrote, dotted version vectors with the "
                  "replicas.</p>\n");
      for (const auto& [key, svg] : plots) page.append("<h3>").append(escape_markup(key)).append("</h3>\n").append(svg);
    }
    // The table's columns: what every event has, then the clocks shown, in their order.
    page +=
        "<table id=\"events\"><thead><tr><th>id</th><th>process</th><th>seq</th><th>kind</th><th>label</th><th>time</th>"
        "<th>pt</th>";
    for (const shown_clock& c : clocks) page.append("<th>").append(escape_markup(c.name)).append("</th>");
    page += "</tr></thead><tbody></tbody></table>\n";
    page += "<script type=\"application/json\" id=\"hb-data\">" + data(clocks) + "</script>\n";
    page += page_script;
    page += "</body>\n</html>\n";
    out_.write(page);
    out_.commit();
  }

 private:
  // The events with their clocks as text, and the message edges, for the page's script.
  std::string data(const std::vector<shown_clock>& clocks) const {
    nlohmann::json events = nlohmann::json::array(), messages = nlohmann::json::array(), names = nlohmann::json::array();
    for (const shown_clock& c : clocks) names.push_back(c.name);
    for (const diagram_event& e : this->events()) {
      nlohmann::json labels = nlohmann::json::array(), cells = nlohmann::json::array();
      for (const shown_clock& c : clocks) {
        labels.push_back(clock_label(e, c));
        cells.push_back(clock_text(e, c));
      }
      nlohmann::json o = {{"id", e.id},
                          {"lane", e.lane},
                          {"process", lane_name(e.lane)},
                          {"seq", e.seq},
                          {"kind", to_string(e.kind)},
                          {"label", e.label},
                          {"time", format_duration(e.time)},
                          {"pt", format_duration(e.pt)},
                          {"labels", std::move(labels)},
                          {"clocks", std::move(cells)}};
      if (e.from != no_process)
        o["message"] = std::string(e.kind == event_kind::reject ? "rejected" : "received") + " message " +
                       std::to_string(e.message) + " from " + process_names()[e.from];
      if (!e.commit.empty()) o["commit"] = e.commit;
      if (e.data) o["data"] = e.data->tooltip();
      events.push_back(std::move(o));
      if (e.kind == event_kind::receive && e.send_event != 0) messages.push_back({e.send_event, e.id});
    }
    const std::string text =
        nlohmann::json{{"clocks", std::move(names)}, {"events", std::move(events)}, {"messages", std::move(messages)}}.dump(
            -1, ' ', false, nlohmann::json::error_handler_t::replace);
    // "<" only occurs inside strings; escaped, no label can close the <script> element.
    std::string out;
    out.reserve(text.size());
    for (const char ch : text) ch == '<' ? out.append("\\u003c") : out.append(1, ch);
    return out;
  }

};

}  // namespace

std::unique_ptr<exporter> make_html_exporter(std::string path, const export_options& options) {
  return std::make_unique<html_exporter>(std::move(path), options);
}

}  // namespace hbsim
