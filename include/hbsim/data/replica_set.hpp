// The replicas of a run's data: every process is one. They perform put, get and sync as ordinary
// events (a put or get is a local event, a sync a send carrying the replica's state of the keys,
// merged by the policy at its receive) and annotate each event with what it did (data_note.hpp).
#pragma once

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "hbsim/clocks/stamp_index.hpp"
#include "hbsim/data/data_config.hpp"
#include "hbsim/data/data_note.hpp"
#include "hbsim/data/data_policy.hpp"
#include "hbsim/kernel/data_hook.hpp"

namespace hbsim {

class replica_set final : public data_hook {
 public:
  /// `places`: where the run's events carry their stamps (a put records its Lamport and HLC values).
  replica_set(const data_config& c, std::vector<std::string> processes, stamp_index places);

  event_id perform(process_context& ctx, const data_action& a, std::string_view label) override;
  const data_note* on_event(const event_record& e) override;

  /// A replica's state of a key (empty when it holds none).
  const key_state& state(process_id replica, const std::string& key) const;
  const data_policy& policy() const { return *policy_; }

 private:
  struct pending {
    const data_action* action;
    process_id process;
    std::vector<std::string> keys;  // a sync's
  };
  void put(const event_record& e, const data_action& a);
  void get(const event_record& e, const data_action& a);
  void send_state(const event_record& e, std::vector<std::string> keys);
  void receive_state(const event_record& e);
  /// Notes the new state of a key when it differs from `before`.
  void note_state(const std::string& key, const key_state& before, const key_state& after);
  std::string client_of(const event_record& e, const data_action& a) const;

  data_config config_;
  std::unique_ptr<data_policy> policy_;
  std::vector<std::string> names_;
  stamp_index places_;
  std::vector<std::map<std::string, key_state, std::less<>>> replicas_;
  std::map<std::pair<std::string, std::string>, std::vector<event_id>> contexts_;  // (client, key)
  std::map<event_id, version> versions_;                                         // of every write
  std::map<event_id, std::vector<std::pair<std::string, key_state>>> carried_;   // by sync send
  std::optional<pending> pending_;
  data_note note_;
};

}  // namespace hbsim
