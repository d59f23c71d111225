// The invariants of replicated data (SPEC §9), judged from the events' data notes against the ground
// truth of the writes: the causality the data itself carries. A write's causal past is its context's
// writes and their pasts; a replica has seen the writes put there or carried by a sync it received,
// and their pasts. The same notes come from a live run and from a trace, so both are judged alike.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "hbsim/clocks/clock_kind.hpp"  // clock_findings: where a judge reports
#include "hbsim/data/data_note.hpp"
#include "hbsim/kernel/event.hpp"

namespace hbsim {

/// data.no_lost_update, data.siblings_concurrent, data.convergence.
std::span<const std::string_view> data_invariant_names();

/// One key's numbers over the run, for the summary.
struct data_key_summary {
  std::string key;
  std::uint64_t writes = 0;
  std::uint64_t lost = 0;            // distinct writes that some replica saw and then held nowhere in its state's past
  std::uint64_t siblings = 0;        // the most values one replica held at once
  std::uint64_t metadata_bytes = 0;  // the writes' versions, in all
  std::uint64_t metadata_bytes_max = 0;  // the largest write's version: what one value carries
};

class data_judge {
 public:
  explicit data_judge(std::span<const std::string> processes);
  /// Judges e, which has a data note.
  void judge(const event_record& e, clock_findings& out);
  /// At the end of the run: convergence.
  void finish(clock_findings& out);
  std::vector<data_key_summary> keys() const;
  std::uint64_t lost_updates() const;

  /// Judges e as judge() does, and says what it did to the data, for the narration: the write and its
  /// version, what a get returns, what a sync carries, and each write's fate (kept, a sibling, replaced
  /// by a write whose context held it, or lost, and why).
  std::string tell(const event_record& e, clock_findings& out);
  /// Whether write w is in the causal past of write `of` (the writes their contexts carry); nullopt
  /// unless both are puts judged so far.
  std::optional<bool> in_past(event_id w, event_id of) const;
  /// How w is in the causal past of `of`, context by context: "1 in 3's context, 3 in 5's context"
  /// (empty unless it is).
  std::string context_path(event_id w, event_id of) const;
  /// "write 1 (cart = ["phone"] put at mobile, pt 2s)".
  std::string describe(event_id w) const;

 private:
  using write_set = std::set<event_id>;
  struct write_info {
    process_id replica = 0;
    std::string key, value, client, version;
    std::vector<event_id> context;
    sim_time pt = 0, time = 0;
    write_set past;  // its causal past, itself excluded
  };
  struct replica_key {
    std::vector<event_id> state;
    write_set seen;
    write_set lost;  // already reported
  };
  struct key_stats {
    std::uint64_t writes = 0;
    write_set lost;
    std::uint64_t siblings = 0;
    std::uint64_t bytes = 0;
    std::uint64_t bytes_max = 0;
  };
  void see(replica_key& r, event_id w) const;
  void check(process_id p, const std::string& key, clock_findings& out);
  std::string list(const std::vector<event_id>& ids) const;
  /// Why the replica kept write `kept` and not `lost`: the versions, whether either saw the other,
  /// and under last-writer-wins the clock skew that let the earlier write win.
  std::string why_kept(event_id kept, event_id lost) const;
  /// The fate of the writes of `key` a replica held (`before`) or received (`arrived`) once it holds `after`.
  std::string fate(const std::string& key, const std::vector<event_id>& before, const std::vector<event_id>& arrived,
                   const std::vector<event_id>& after) const;

  std::vector<std::string> names_;
  std::map<event_id, write_info> writes_;
  std::vector<std::map<std::string, replica_key>> replicas_;
  std::map<event_id, std::vector<key_writes>> carried_;  // by sync send
  std::map<std::string, key_stats> stats_;
};

}  // namespace hbsim
