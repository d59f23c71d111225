// Outputs keep their promises: a signal leaves no temporary file, an output that cannot be written
// fails (exit 4) instead of exiting 0, a diagram too large does not cost the run its summary, no
// output overwrites an input, and --seed takes what a scenario's seed takes.
#include <doctest/doctest.h>
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <nlohmann/json.hpp>
#include <thread>
#include <vector>

#include "background_hbsim.hpp"
#include "cli_fixture.hpp"


using namespace hbsim::testing;
namespace fs = std::filesystem;

namespace {

// The names in a directory, sorted.
std::vector<std::string> listing(const fs::path& dir) {
  std::vector<std::string> names;
  for (const auto& entry : fs::directory_iterator(dir)) names.push_back(entry.path().filename().string());
  std::sort(names.begin(), names.end());
  return names;
}

// A FIFO nobody reads: hbsim's writes into it block once the pipe is full, so the run waits there
// for the test's signal. Held open for reading and writing, so that hbsim's open does not block.
struct stalled_fifo {
  std::string path;
  int fd = -1;
  explicit stalled_fifo(std::string p) : path(std::move(p)) {
    REQUIRE(::mkfifo(path.c_str(), 0600) == 0);
    fd = ::open(path.c_str(), O_RDWR | O_CLOEXEC);  // hbsim must not hold it too
    REQUIRE(fd >= 0);
  }
  ~stalled_fifo() { close(); }
  stalled_fifo(const stalled_fifo&) = delete;
  stalled_fifo& operator=(const stalled_fifo&) = delete;
  void close() {
    if (fd >= 0) ::close(fd);
    fd = -1;
  }
};

const std::string big_scenario = source_path("scenarios/random_100k.json");

std::string sh_quote(const std::string& s) { return "'" + s + "'"; }

// The exit code of a shell command line; -1 when it did not exit.
int exit_code(const std::string& command) {
  const int status = std::system(command.c_str());
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

}  // namespace

TEST_CASE("a signal during hbsim run removes the trace's and the exports' temporary files and ends hbsim by that signal") {
  for (const int sig : {SIGINT, SIGTERM, SIGHUP}) {
    CAPTURE(sig);
    scratch tmp;
    const stalled_fifo dot(tmp / "dot.fifo");
    background_hbsim hbsim(tmp, {"run", big_scenario, "--trace", tmp / "run.jsonl", "--export", "svg=" + tmp / "run.svg",
                                 "--export", "graphml=" + tmp / "run.graphml", "--export", "dot=" + dot.path});
    // The trace's temporary file appears as the run starts; the exports' before it.
    REQUIRE(hbsim.wait_for({tmp / "run.jsonl" + hbsim.suffix(), tmp / "run.svg" + hbsim.suffix(),
                            tmp / "run.graphml" + hbsim.suffix()}));
    REQUIRE(::kill(hbsim.pid(), sig) == 0);
    const int status = hbsim.wait();
    CHECK(WIFSIGNALED(status));
    CHECK(WTERMSIG(status) == sig);  // the shell shows 128 + sig
    CHECK(listing(tmp.dir) == std::vector<std::string>{"dot.fifo", "stderr", "stdout"});
  }
}

TEST_CASE("a closed pipe (SIGPIPE) also removes the temporary files") {
  scratch tmp;
  stalled_fifo dot(tmp / "dot.fifo");
  background_hbsim hbsim(tmp, {"run", big_scenario, "--trace", tmp / "run.jsonl", "--export", "dot=" + dot.path});
  REQUIRE(hbsim.wait_for({tmp / "run.jsonl" + hbsim.suffix()}));
  dot.close();  // the last reader goes: hbsim's next write into the pipe raises SIGPIPE
  const int status = hbsim.wait();
  CHECK(WIFSIGNALED(status));
  CHECK(WTERMSIG(status) == SIGPIPE);
  CHECK(listing(tmp.dir) == std::vector<std::string>{"dot.fifo", "stderr", "stdout"});
}

TEST_CASE("a signal ignored from the start (nohup) stays ignored") {
  scratch tmp;
  const stalled_fifo dot(tmp / "dot.fifo");
  background_hbsim hbsim(tmp, {"run", big_scenario, "--trace", tmp / "run.jsonl", "--export", "dot=" + dot.path}, {},
                         {SIGHUP});
  REQUIRE(hbsim.wait_for({tmp / "run.jsonl" + hbsim.suffix()}));
  REQUIRE(::kill(hbsim.pid(), SIGHUP) == 0);
  std::this_thread::sleep_for(std::chrono::milliseconds(200));
  CHECK(hbsim.running());
  REQUIRE(::kill(hbsim.pid(), SIGTERM) == 0);
  CHECK(WTERMSIG(hbsim.wait()) == SIGTERM);
  CHECK(listing(tmp.dir) == std::vector<std::string>{"dot.fifo", "stderr", "stdout"});
}

TEST_CASE("a signal during hbsim export removes its temporary file") {
  scratch tmp;
  const stalled_fifo trace(tmp / "trace.fifo");  // nothing arrives: hbsim waits for the first line
  background_hbsim hbsim(tmp, {"export", trace.path, "--to", "dot", "-o", tmp / "out.dot"});
  REQUIRE(hbsim.wait_for({tmp / "out.dot" + hbsim.suffix()}));
  REQUIRE(::kill(hbsim.pid(), SIGINT) == 0);
  CHECK(WTERMSIG(hbsim.wait()) == SIGINT);
  CHECK(listing(tmp.dir) == std::vector<std::string>{"stderr", "stdout", "trace.fifo"});
}

TEST_CASE("a SIGBUS that is not a mapped input's removes the temporary file and ends hbsim by that signal") {
  // hbsim's SIGBUS handler (mapped_input.hpp) turns only a fault in a mapped input into exit 2; this one is
  // sent while hbsim waits for its input.
  scratch tmp;
  const stalled_fifo trace(tmp / "trace.fifo");
  background_hbsim hbsim(tmp, {"export", trace.path, "--to", "dot", "-o", tmp / "out.dot"});
  REQUIRE(hbsim.wait_for({tmp / "out.dot" + hbsim.suffix()}));
  REQUIRE(::kill(hbsim.pid(), SIGBUS) == 0);
  const int status = hbsim.wait();
  CHECK(WIFSIGNALED(status));
  CHECK(WTERMSIG(status) == SIGBUS);
  CHECK(read_file(tmp / "stderr").empty());
  CHECK(listing(tmp.dir) == std::vector<std::string>{"stderr", "stdout", "trace.fifo"});
}

TEST_CASE("a signal during --check-determinism removes both runs' traces") {
  scratch tmp;
  // Five times random_100k: each run lasts long enough to be interrupted in the second.
  nlohmann::json s = nlohmann::json::parse(read_file(big_scenario));
  s["generate"]["events"] = 50000;
  s.erase("expect");
  std::ofstream(tmp / "long.json") << s.dump();
  const scratch traces;  // TMPDIR: where the determinism runs put their traces
  background_hbsim hbsim(tmp, {"run", "--check-determinism", tmp / "long.json"}, {"TMPDIR=" + traces.dir.string()});
  const std::string base = traces / ("hbsim-determinism-" + std::to_string(hbsim.pid()));
  REQUIRE(hbsim.wait_for({base + "-1.jsonl", base + "-2.jsonl" + hbsim.suffix()}));
  REQUIRE(::kill(hbsim.pid(), SIGTERM) == 0);
  CHECK(WTERMSIG(hbsim.wait()) == SIGTERM);
  CHECK(listing(traces.dir).empty());
}

TEST_CASE("standard output that cannot be written fails with exit 4, never 0") {
  scratch tmp;
  const std::string three = sh_quote(source_path("scenarios/three_clocks.json"));
  const std::string binary = sh_quote(HBSIM_BINARY);
  const std::string trace = sh_quote(tmp / "t.jsonl");
  REQUIRE(exit_code(binary + " run --trace " + trace + " " + three + " >/dev/null") == 0);
  std::vector<std::string> commands{"run " + three, "run --json " + three, "run --narrate " + three,
                                    "run --trace - " + three, "check " + trace, "report " + trace, "schema"};
  for (const char* format : {"dot", "graphml", "json", "shiviz", "perfetto", "svg", "html"})
    commands.push_back("export " + trace + " --to " + format);
  for (const std::string& args : commands) {
    CAPTURE(args);
    CHECK(exit_code(binary + " " + args + " >/dev/full 2>/dev/null") == 4);
  }
  // The message.
  const std::string err = tmp / "err";
  CHECK(exit_code(binary + " run " + three + " >/dev/full 2>" + sh_quote(err)) == 4);
  CHECK(read_file(err) == "hbsim: cannot write to standard output: No space left on device\n");
  CHECK(exit_code(binary + " run --trace - " + three + " >/dev/full 2>" + sh_quote(err)) == 4);
  CHECK(read_file(err).find("hbsim: cannot write the trace to standard output: No space left on device\n") !=
        std::string::npos);
  CHECK(exit_code(binary + " export " + trace + " --to svg >/dev/full 2>" + sh_quote(err)) == 4);
  CHECK(read_file(err) == "hbsim: cannot write the svg export to standard output: No space left on device\n");
}

TEST_CASE("a trace or an export that cannot be written fails with exit 4 and leaves no file") {
  scratch tmp;
  const std::string three = source_path("scenarios/three_clocks.json");
  const cli_result device = run_cli("run --trace /dev/full '" + three + "'");
  CHECK(device.code == 4);
  CHECK(device.err == "hbsim: cannot write the trace /dev/full: No space left on device\n");
  REQUIRE(run_cli("run --trace '" + tmp / "t.jsonl" + "' '" + three + "'").code == 0);
  for (const std::string format : {"dot", "graphml", "json", "shiviz", "perfetto", "svg", "html"}) {
    CAPTURE(format);
    const cli_result r = run_cli("export '" + tmp / "t.jsonl" + "' --to " + format + " -o /dev/full");
    CHECK(r.code == 4);
    CHECK(r.err.find("cannot write the ") != std::string::npos);
    CHECK(r.err.find("/dev/full: No space left on device") != std::string::npos);
  }
  // A regular file that cannot grow (a file size limit of 1 KiB stands for a full disk): the
  // temporary file goes, and no half-written output takes the target's name.
  const std::string limited = "sh -c 'ulimit -f 2; trap \"\" XFSZ; exec \"$0\" \"$@\"' " + sh_quote(HBSIM_BINARY);
  const std::string err = tmp / "err";
  const std::string big = source_path("scenarios/random_100k.json");
  CHECK(exit_code(limited + " run " + sh_quote(big) + " --trace " + sh_quote(tmp / "big.jsonl") + " >/dev/null 2>" +
                  sh_quote(err)) == 4);
  CHECK(read_file(err) == "hbsim: cannot write the trace " + tmp / "big.jsonl" + ": File too large\n");
  CHECK(exit_code(limited + " export " + sh_quote(tmp / "t.jsonl") + " --to graphml -o " + sh_quote(tmp / "t.graphml") +
                  " 2>" + sh_quote(err)) == 4);
  CHECK(read_file(err) == "hbsim: cannot write the export " + tmp / "t.graphml" + ": File too large\n");
  CHECK(listing(tmp.dir) == std::vector<std::string>{"err", "t.jsonl"});
}

TEST_CASE("run: a diagram of too many events is skipped after the summary and verdict, exit 2") {
  scratch tmp;
  const cli_result r = run_cli("run '" + big_scenario + "' --export svg='" + tmp / "big.svg" + "' --export dot='" +
                               tmp / "big.dot" + "'");
  CHECK(r.code == 2);
  CHECK(r.out.find("expectations  5 met, 0 unmet") != std::string::npos);
  CHECK(r.out.find("result     ok") != std::string::npos);
  CHECK(r.err.find("hbsim: export not written: " + tmp / "big.svg" +
                   ": expected at most 5000 events and 64 processes in a diagram, found ") != std::string::npos);
  CHECK(r.err.find("--from and --until") != std::string::npos);
  CHECK(listing(tmp.dir) == std::vector<std::string>{"big.dot"});  // the other export is written
}

TEST_CASE("run: a diagram of too many processes is refused before the run, exit 2") {
  scratch tmp;
  nlohmann::json wide = {{"name", "wide"}, {"processes", nlohmann::json::array()}};
  for (int i = 0; i < 65; ++i) wide["processes"].push_back(std::string("p").append(std::to_string(i)));
  std::ofstream(tmp / "wide.json") << wide.dump();
  const cli_result r = run_cli("run '" + tmp / "wide.json" + "' --trace '" + tmp / "wide.jsonl" + "' --export html='" +
                               tmp / "wide.html" + "'");
  CHECK(r.code == 2);
  CHECK(r.out.empty());
  CHECK(r.err == "hbsim: " + tmp / "wide.html" +
                     ": expected at most 5000 events and 64 processes in a diagram, found 65 processes selected "
                     "(narrow the selection: fewer processes with --processes)\n");
  CHECK(listing(tmp.dir) == std::vector<std::string>{"wide.json"});
  CHECK(run_cli("run '" + tmp / "wide.json" + "' --export html='" + tmp / "wide.html" + "' --processes p1,p2").code == 0);
}

TEST_CASE("an output naming an input under any spelling, or another output, is refused before anything is written") {
  scratch tmp;
  const std::string scenario = tmp / "x.json";
  fs::copy_file(source_path("scenarios/three_clocks.json"), scenario);
  const std::string original = read_file(scenario);
  fs::create_symlink("x.json", tmp.dir / "link.json");
  fs::create_hard_link(scenario, tmp.dir / "hard.json");
  fs::create_directory(tmp.dir / "sub");
  for (const std::string& spelling : {scenario, tmp / "./x.json", tmp / "sub/../x.json", tmp / "link.json",
                                      tmp / "hard.json"}) {
    CAPTURE(spelling);
    const cli_result r = run_cli("run '" + scenario + "' --trace '" + spelling + "'");
    CHECK(r.code == 2);
    CHECK(r.err == "hbsim: --trace: expected a file other than " + scenario + ", which hbsim reads, found \"" + spelling +
                       "\", the same file\n");
    CHECK(r.out.empty());
    CHECK(run_cli("run '" + scenario + "' --export svg='" + spelling + "'").code == 2);
  }
  CHECK(run_cli("run '" + tmp / "link.json" + "' --trace '" + scenario + "'").code == 2);
  CHECK(read_file(scenario) == original);

  // Two outputs into one file, one of them not there yet.
  const cli_result twice = run_cli("run '" + scenario + "' --trace '" + tmp / "out" + "' --export json='" +
                                   tmp / "sub/../out" + "'");
  CHECK(twice.code == 2);
  CHECK(twice.err.find("--export: expected a file other than the one --trace writes") != std::string::npos);
  // Devices may be named twice; standard output may not, and an output there sends the summary to stderr.
  CHECK(run_cli("run '" + scenario + "' --trace /dev/null --export json=/dev/null").code == 0);
  const cli_result both = run_cli("run '" + scenario + "' --trace - --export dot=-");
  CHECK(both.code == 2);
  CHECK(both.err == "hbsim: --export: expected a file other than the one --trace writes, found \"-\", the same "
                    "standard output\n");
  const cli_result dot = run_cli("run '" + scenario + "' --export dot=-");
  CHECK(dot.code == 0);
  CHECK(dot.out.rfind("digraph", 0) == 0);
  CHECK(dot.out.find("hbsim run:") == std::string::npos);
  CHECK(dot.err.find("hbsim run:") != std::string::npos);
  CHECK(run_cli("run '" + scenario + "' --json --export dot=-").code == 2);

  // hbsim export: -o naming the trace it reads.
  REQUIRE(run_cli("run '" + scenario + "' --trace '" + tmp / "t.jsonl" + "'").code == 0);
  const std::string trace = read_file(tmp / "t.jsonl");
  const cli_result over = run_cli("export '" + tmp / "t.jsonl" + "' --to dot -o '" + tmp / "sub/../t.jsonl" + "'");
  CHECK(over.code == 2);
  CHECK(over.err.find("-o: expected a file other than " + tmp / "t.jsonl") != std::string::npos);
  CHECK(read_file(tmp / "t.jsonl") == trace);
  CHECK(listing(tmp.dir) == std::vector<std::string>{"hard.json", "link.json", "sub", "t.jsonl", "x.json"});
}

TEST_CASE("an output named by an empty string is refused, not silently left out") {
  const std::string three = source_path("scenarios/three_clocks.json");
  for (const std::string& command : {"run '" + three + "' --trace ''", "sweep '" + three + "' --seeds 1..2 --out ''",
                                     "sweep '" + three + "' --seeds 1..2 --csv ''", "export '" + three + "' --to dot -o ''"}) {
    CAPTURE(command);
    const cli_result r = run_cli(command);
    CHECK(r.code == 2);
    CHECK(r.err.find(": expected a file name, found \"\"") != std::string::npos);
  }
}

TEST_CASE("an output through a symbolic link writes the file it leads to, and the link stays a link") {
  scratch tmp;
  const std::string scenario = source_path("scenarios/three_clocks.json");
  fs::create_directory(tmp.dir / "sub");
  fs::create_symlink("target.jsonl", tmp.dir / "link");
  fs::create_symlink("sub/later.jsonl", tmp.dir / "dangling");  // leads to a file not there yet
  for (const char* name : {"link", "dangling"}) {
    CAPTURE(name);
    REQUIRE(run_cli("run '" + scenario + "' --trace '" + tmp / name + "' --export dot='" + tmp / name + ".dot'").code == 0);
    CHECK(fs::is_symlink(tmp.dir / name));
  }
  CHECK(read_file(tmp / "target.jsonl").rfind(R"({"type":"header")", 0) == 0);
  CHECK(read_file(tmp / "sub/later.jsonl") == read_file(tmp / "target.jsonl"));
  CHECK(listing(tmp.dir / "sub") == std::vector<std::string>{"later.jsonl"});  // no temporary file left beside it
}

TEST_CASE("an output named by an open descriptor (/dev/stdout, /proc/self/fd/2) writes to it, never replacing its name") {
  scratch tmp;
  const std::string scenario = source_path("scenarios/three_clocks.json");
  // /dev/stdout is such a link; one of the test's own stands for it, so that a mistake here could not
  // replace the system's.
  fs::create_symlink("/proc/self/fd/1", tmp.dir / "stdout");
  // Standard output under another name is standard output: the summary goes to stderr, as with "-".
  for (const std::string& name : {tmp / "stdout", std::string("/proc/self/fd/1"), std::string("/dev/fd/1")}) {
    CAPTURE(name);
    const cli_result r = run_cli("run '" + scenario + "' --trace " + name);
    CHECK(r.code == 0);
    CHECK(r.out.rfind(R"({"type":"header")", 0) == 0);
    CHECK(r.out.find("hbsim run:") == std::string::npos);
    CHECK(r.err.find("result     ok") != std::string::npos);
    CHECK(run_cli("run '" + scenario + "' --trace - --export dot=" + name).code == 2);  // stdout twice
  }
  CHECK(fs::is_symlink(tmp.dir / "stdout"));
  // Another descriptor is written through a copy of it: standard error's messages stay, the trace follows.
  const cli_result err = run_cli("run '" + scenario + "' --trace /proc/self/fd/2");
  CHECK(err.code == 0);
  CHECK(err.err.find(R"({"type":"header")") != std::string::npos);
  CHECK(err.out.find("result     ok") != std::string::npos);
}

TEST_CASE("--seed takes what a scenario's seed takes: an unsigned 64-bit integer") {
  scratch tmp;
  const std::string three = source_path("scenarios/three_clocks.json");
  nlohmann::json s = nlohmann::json::parse(read_file(three));
  for (const std::string bad : {"-1", "18446744073709551616", "abc", "", "+5", " 5", "0x10", "1e3"}) {
    CAPTURE(bad);
    const cli_result r = run_cli("run --seed '" + bad + "' '" + three + "'");
    CHECK(r.code == 2);
    CHECK(r.err == "hbsim: --seed: expected an unsigned 64-bit integer (0 to 18446744073709551615), found \"" + bad +
                       "\"\n");
  }
  // The file's seed refuses the same values, with the same words.
  s["seed"] = -1;
  std::ofstream(tmp / "minus.json") << s.dump();
  const cli_result file = run_cli("run '" + tmp / "minus.json" + "'");
  CHECK(file.code == 2);
  CHECK(file.err.find("/seed: expected an unsigned 64-bit integer") != std::string::npos);
  // -0 is 0 in JSON: a seed, in the file as through --set.
  CHECK(run_cli("run --set /seed=-0 '" + three + "'").code == 0);
  // The whole range is accepted: 0 and 2^64 - 1 reach the trace's header.
  for (const std::string good : {"0", "18446744073709551615"}) {
    const cli_result r = run_cli("run --seed " + good + " --trace - '" + three + "'");
    CHECK(r.code == 0);
    CHECK(r.out.find("\"seed\":" + good + ",") != std::string::npos);
  }
}
