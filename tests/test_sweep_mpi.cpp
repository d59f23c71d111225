// hbsim sweep --mpi: the runs spread over the ranks of an MPI job write the file, and print the summary, that the
// threaded sweep does. Run under Debian's Open MPI (mpirun --oversubscribe -np 2) when the build found it; a build
// without MPI refuses --mpi.
#include <doctest/doctest.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "background_hbsim.hpp"
#include "cli_fixture.hpp"
#include "sweep_fixture.hpp"

using namespace hbsim::testing;
using json = nlohmann::json;

#ifdef HBSIM_MPIEXEC

namespace {

// Leak checking is off under AddressSanitizer: Open MPI's own allocations outlive MPI_Finalize.
constexpr const char* no_leak_check = "ASAN_OPTIONS=detect_leaks=0";

// The CPU seconds each child process of `parent` has used so far (/proc/PID/stat: ppid is field 4, utime
// and stime fields 14 and 15, in clock ticks).
std::vector<double> children_cpu(pid_t parent) {
  std::vector<double> out;
  for (const auto& entry : std::filesystem::directory_iterator("/proc")) {
    std::ifstream in(entry.path() / "stat");
    std::string line;
    if (!std::getline(in, line)) continue;
    std::istringstream fields(line.substr(line.rfind(')') + 2));  // after "pid (comm) "
    std::string state;
    long ppid = 0;
    fields >> state >> ppid;
    if (ppid != parent) continue;
    std::string skip;
    for (int f = 5; f < 14; ++f) fields >> skip;
    double utime = 0, stime = 0;
    fields >> utime >> stime;
    out.push_back((utime + stime) / static_cast<double>(::sysconf(_SC_CLK_TCK)));
  }
  return out;
}

// Waits until mpirun's two ranks are both past their start (each has used `seconds` of CPU), so that a signal
// finds the sweep running, however loaded the machine; false after a minute.
bool ranks_running(pid_t mpirun, double seconds) {
  for (int i = 0; i < 600; ++i) {
    const std::vector<double> cpu = children_cpu(mpirun);
    if (cpu.size() == 2 && cpu[0] >= seconds && cpu[1] >= seconds) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  return false;
}

// Two ranks on this machine, whatever its cores; as root too (CI's containers).
cli_result run_mpi(const std::string& args) {
  return run_cli(args, HBSIM_BINARY, std::string(no_leak_check) + " " HBSIM_MPIEXEC " --allow-run-as-root --oversubscribe -np 2 ");
}

std::vector<json> without_wall_time(std::vector<json> lines) {
  for (json& l : lines) l.erase("wall_seconds");
  return lines;
}

}  // namespace

TEST_CASE("a sweep over two MPI ranks writes the lines and prints the summary of the threaded sweep") {
  scratch dir;
  const std::string file = dir.write("s.json", small_random);
  const std::string args = "sweep '" + file +
                           "' --seeds 1..9 --set '/logical={},{\"vector\":{\"variant\":\"no-tick-send\"}}' --out ";
  const cli_result threads = run_cli(args + "'" + (dir / "threads.jsonl") + "' --jobs 1");
  const cli_result mpi = run_mpi(args + "'" + (dir / "mpi.jsonl") + "' --mpi --jobs 1");
  CHECK(threads.code == 1);  // the wrong variant's runs fail
  CHECK(mpi.code == 1);      // mpirun exits with rank 0's code
  const std::vector<json> one = without_wall_time(json_lines(read_file(dir / "threads.jsonl")));
  REQUIRE(one.size() == 18);
  CHECK(without_wall_time(json_lines(read_file(dir / "mpi.jsonl"))) == one);
  CHECK(one[0].at("ok") == true);
  CHECK(one[9].at("ok") == false);
  CHECK(mpi.out == threads.out);  // printed once, by rank 0
  CHECK(mpi.out.find("runs       18 done, 9 failed") != std::string::npos);
}

TEST_CASE("a sweep over MPI ranks stops on every rank after a failure with --stop-on-failure") {
  scratch dir;
  const std::string file = dir.write("s.json", small_random);
  const cli_result r = run_mpi("sweep '" + file + "' --seeds 1..400 --jobs 1 --mpi --stop-on-failure --set " +
                               "'/logical={\"vector\":{\"variant\":\"no-tick-send\"}}' --out '" + (dir / "o.jsonl") +
                               "'");
  CHECK(r.code == 1);
  const std::vector<json> lines = json_lines(read_file(dir / "o.jsonl"));
  // Every run fails: each rank stops after its first, whichever ends first stops the other.
  CHECK(lines.size() >= 1);
  CHECK(lines.size() <= 2);
  CHECK(r.out.find("(stopped early)") != std::string::npos);
}

TEST_CASE("Ctrl-C on mpirun during a sweep over MPI ranks keeps the runs done, whole lines in order") {
  scratch dir;
  const std::string file = dir.write("s.json", small_random);
  // mpirun turns SIGINT into SIGTERM to the ranks, and SIGKILL a second later: ample for runs of milliseconds.
  background_hbsim mpirun(dir, {"--allow-run-as-root", "--oversubscribe", "-np", "2", HBSIM_BINARY, "sweep", file,
                                "--seeds", "1..200000", "--jobs", "1", "--mpi", "--out", dir / "out.jsonl"},
                          {no_leak_check}, {}, HBSIM_MPIEXEC);
  REQUIRE(ranks_running(mpirun.pid(), 1.0));
  REQUIRE(mpirun.running());
  REQUIRE(::kill(mpirun.pid(), SIGINT) == 0);
  mpirun.wait();
  const std::string out = read_file(dir / "stdout");
  CHECK(out.find("(stopped early), 0 failed") != std::string::npos);
  CHECK(out.find("result     stopped\n") != std::string::npos);
  const std::string text = read_file(dir / "out.jsonl");
  REQUIRE(!text.empty());
  CHECK(text.back() == '\n');
  std::istringstream in(text);
  std::uint64_t previous = 0;
  for (std::string line; std::getline(in, line);) {
    CAPTURE(line);
    const json l = json::parse(line);
    CHECK(l.at("seed").get<std::uint64_t>() > previous);
    CHECK(l.at("ok") == true);
    previous = l.at("seed").get<std::uint64_t>();
  }
}

TEST_CASE("an invalid scenario under MPI is reported once, by rank 0, with exit 2") {
  scratch dir;
  const std::string file = dir.write("bad.json", R"({"hbsim": 1, "name": "bad", "processes": ["a"], "generate": {"kind": "nope"}})");
  const cli_result r = run_mpi("sweep '" + file + "' --seeds 1..4 --mpi --out '" + (dir / "o.jsonl") + "'");
  CHECK(r.code == 2);
  const std::string err = r.err;
  const std::size_t first = err.find("hbsim: ");
  REQUIRE(first != std::string::npos);
  CHECK(err.find("/generate/kind", first) != std::string::npos);
  CHECK(err.find("hbsim: ", first + 1) == std::string::npos);
  CHECK(!std::filesystem::exists(dir / "o.jsonl"));
}

TEST_CASE("a scenario only another rank cannot read under MPI: that rank says why, rank 0 names it, exit 2") {
  // Open MPI's MPMD form gives each rank its own command line: rank 0 a good scenario, rank 1 a bad one,
  // as when a file differs between the machines of a job.
  scratch dir;
  const std::string good = dir.write("good.json", small_random);
  const std::string bad = dir.write("bad.json", R"({"hbsim": 1, "name": "bad", "processes": ["a"], "generate": {"kind": "nope"}})");
  const std::string out = dir / "o.jsonl";
  const auto sweep_of = [&](const std::string& file) {
    return "sweep '" + file + "' --seeds 1..4 --mpi --out '" + out + "'";
  };
  const cli_result r = run_cli("--allow-run-as-root --oversubscribe -np 1 '" HBSIM_BINARY "' " + sweep_of(good) +
                                   " : -np 1 '" HBSIM_BINARY "' " + sweep_of(bad),
                               HBSIM_MPIEXEC, std::string(no_leak_check) + " ");
  CHECK(r.code == 2);
  CHECK(r.err.find("rank 1 could not (its own message, on stderr too, says why)") != std::string::npos);
  const std::size_t own = r.err.find("hbsim: rank 1 (");
  REQUIRE(own != std::string::npos);
  CHECK(r.err.find("/generate/kind", own) != std::string::npos);
  CHECK(!std::filesystem::exists(out));
}

TEST_CASE("a sweep with --mpi outside mpirun is one rank running every cell") {
  scratch dir;
  const std::string file = dir.write("s.json", small_random);
  const std::string args = "sweep '" + file + "' --seeds 1..4 --out ";
  CHECK(run_cli(args + "'" + (dir / "a.jsonl") + "' --mpi", HBSIM_BINARY, std::string(no_leak_check) + " ").code == 0);
  CHECK(run_cli(args + "'" + (dir / "b.jsonl") + "'").code == 0);
  CHECK(without_wall_time(json_lines(read_file(dir / "a.jsonl"))) ==
        without_wall_time(json_lines(read_file(dir / "b.jsonl"))));
}

#else

TEST_CASE("a build without MPI refuses sweep --mpi with exit 2, saying what it needs") {
  scratch dir;
  const std::string file = dir.write("s.json", small_random);
  const cli_result r = run_cli("sweep '" + file + "' --seeds 1..2 --mpi");
  CHECK(r.code == 2);
  CHECK(r.err.find("--mpi") != std::string::npos);
  CHECK(r.err.find("built without MPI") != std::string::npos);
}

#endif
