// hbsim started in the background for tests of signals and outputs (tests/test_outputs.cpp, the sweep's Ctrl-C).
#pragma once

#include <doctest/doctest.h>
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <string>
#include <thread>
#include <vector>

#include "cli_fixture.hpp"

extern char** environ;

namespace hbsim::testing {

// hbsim started in the background, stdout and stderr to files in `dir`. Signals start with their
// default action, whatever the test runner inherited (a background job ignores SIGINT), except those
// in `ignored`, which it inherits ignored, as under nohup. `program` is what starts it (mpirun, with hbsim in `args`).
class background_hbsim {
 public:
  background_hbsim(const scratch& dir, const std::vector<std::string>& args, const std::vector<std::string>& env = {},
                   const std::vector<int>& ignored = {}, const std::string& program = HBSIM_BINARY) {
    std::vector<std::string> words{program};
    words.insert(words.end(), args.begin(), args.end());
    std::vector<char*> argv;
    for (std::string& w : words) argv.push_back(w.data());
    argv.push_back(nullptr);
    std::vector<std::string> vars(env);
    for (char** e = environ; *e; ++e) vars.emplace_back(*e);
    std::vector<char*> envp;
    for (std::string& v : vars) envp.push_back(v.data());
    envp.push_back(nullptr);

    posix_spawn_file_actions_t files;
    posix_spawn_file_actions_init(&files);
    posix_spawn_file_actions_addopen(&files, 1, (dir / "stdout").c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    posix_spawn_file_actions_addopen(&files, 2, (dir / "stderr").c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    posix_spawnattr_t attr;
    posix_spawnattr_init(&attr);
    sigset_t defaults, none;
    sigemptyset(&defaults);
    sigemptyset(&none);
    for (const int sig : {SIGINT, SIGTERM, SIGHUP, SIGPIPE}) sigaddset(&defaults, sig);
    std::vector<struct sigaction> saved(ignored.size());
    for (std::size_t i = 0; i < ignored.size(); ++i) {
      sigdelset(&defaults, ignored[i]);
      struct sigaction ignore {};
      ignore.sa_handler = SIG_IGN;
      sigaction(ignored[i], &ignore, &saved[i]);
    }
    posix_spawnattr_setsigdefault(&attr, &defaults);
    posix_spawnattr_setsigmask(&attr, &none);
    posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK);
    const int error = posix_spawn(&pid_, program.c_str(), &files, &attr, argv.data(), envp.data());
    for (std::size_t i = 0; i < ignored.size(); ++i) sigaction(ignored[i], &saved[i], nullptr);
    posix_spawnattr_destroy(&attr);
    posix_spawn_file_actions_destroy(&files);
    REQUIRE(error == 0);
  }
  ~background_hbsim() {
    if (!done_) {
      ::kill(pid_, SIGKILL);
      wait();
    }
  }
  background_hbsim(const background_hbsim&) = delete;
  background_hbsim& operator=(const background_hbsim&) = delete;

  pid_t pid() const { return pid_; }
  std::string suffix() const { return ".tmp." + std::to_string(pid_); }
  bool running() {
    if (done_) return false;
    const pid_t r = ::waitpid(pid_, &status_, WNOHANG);
    done_ = r == pid_;
    return r == 0;
  }
  /// Waits until every path exists; false when hbsim ended first or a minute went by.
  bool wait_for(const std::vector<std::string>& paths) {
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::minutes(1);
    while (std::chrono::steady_clock::now() < deadline && running()) {
      if (std::all_of(paths.begin(), paths.end(), [](const std::string& p) { return std::filesystem::exists(p); })) return true;
      std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
    return false;
  }
  int wait() {
    if (!done_) ::waitpid(pid_, &status_, 0);
    done_ = true;
    return status_;
  }

 private:
  pid_t pid_ = -1;
  int status_ = 0;
  bool done_ = false;
};

}  // namespace hbsim::testing
