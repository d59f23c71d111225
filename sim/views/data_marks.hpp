// What each event did to the replicated data, as the exports show it (FORMAT.md, Replicated data):
// a write, the writes lost there with the data judge's witness, the values a replica's state holds
// after it and the bytes of their versions. Read from the events' data notes alone, so a live run and
// a trace read back mark alike. The exporter reads every event of the run into it, selected or not:
// a loss or a replica's bytes depend on writes outside the selection.
#pragma once

#include <cstdint>
#include <map>
#include <span>
#include <string>
#include <vector>

#include "hbsim/data/data_judge.hpp"
#include "hbsim/kernel/event.hpp"

namespace hbsim {

/// A replica's state of one key right after an event that changed it.
struct key_metadata {
  std::string key;
  std::size_t values = 0;       // the writes it keeps: more than one are siblings
  std::uint64_t bytes = 0;      // their versions' bytes, by the summary's rule (data_note::version_bytes)
  /// "cart holds 2 values, 32 bytes of versions".
  std::string text() const;
};

struct data_mark {
  bool write = false;               // a put
  std::string story;                // the narration's data line (data_judge::tell)
  std::vector<std::string> lost;    // a data.no_lost_update witness per write lost at this event
  std::vector<key_metadata> keys;   // the keys whose state the event changed, ascending
  /// The most values one of those keys holds (2 and more: siblings).
  std::size_t siblings() const;
  /// The lines an event's tooltip adds: "\ndata: <story>", then per key "\n" and its text().
  std::string tooltip() const;
  /// The exports' JSON fields, each after ", ": "metadata_bytes": {key: bytes} for the keys changed,
  /// "lost": [witnesses] when some write was lost here.
  void append_json(std::string& out) const;
};

class data_marks {
 public:
  explicit data_marks(std::span<const std::string> processes) : judge_(processes) {}
  /// Reads e, the run's next event with a data note, and says what it did.
  data_mark read(const event_record& e);

 private:
  data_judge judge_;
  std::map<event_id, std::uint64_t> bytes_;  // of each write's version
};

}  // namespace hbsim
