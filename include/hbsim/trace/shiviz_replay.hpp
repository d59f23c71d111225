// A ShiViz/GoVector log replayed to observers as runs, one per execution, so that explain and the
// ShiViz export read it as they read a trace. Such a log carries vector clocks only: the
// happens-before edges are rebuilt from them as ShiViz draws them, and the records carry no true
// time, physical clock reading, Lamport or HLC value.
#pragma once

#include <span>
#include <string>

#include "hbsim/kernel/observer.hpp"

namespace hbsim {

struct shiviz_replay_options {
  bool one_execution = false;  // refuse a log of several executions
};

/// Replays each execution of the log at `path` (read as read_shiviz_log reads it) as one run:
///  - on_start: the execution's name as the scenario's name (the file's name for an execution
///    without one), its hosts as the processes (in order of first appearance), seed 0, vectors_only;
///  - on_event for every event, each after the events its clock knows (of the events ready, the
///    earliest in the file first): seq is its own entry, label its description (its lines joined
///    by spaces), vector its clock. An event is a receive when its clock learns of an event of
///    another host that none of the other events it learns of knew (that event is the message's
///    send, as ShiViz draws the arrow); it sends one message to each event that learns of it so;
///    it is local otherwise. A receive may also send.
///  - on_finish.
/// Throws input_error naming the file and line when an execution breaks a rule of
/// check_shiviz_log (its first problem), when an event learns so of several events at once (an
/// hbsim event receives one message), or, with one_execution, at a second execution.
void replay_shiviz_log(const std::string& path, std::span<event_observer* const> observers,
                       const shiviz_replay_options& options = {});

}  // namespace hbsim
