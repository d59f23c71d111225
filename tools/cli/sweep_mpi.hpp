// hbsim sweep --mpi: a sweep's runs spread over the ranks of an MPI job (`mpirun -np K hbsim sweep ... --mpi`, on
// one machine or many). Every rank reads the scenario and runs its share of the cells on its own threads, sending
// each result to rank 0 as it finishes; rank 0 alone prints and writes, so the files equal a one-machine sweep's.
#pragma once

#include <atomic>
#include <functional>
#include <memory>
#include <optional>
#include <vector>

#include "hbsim/run/sweep.hpp"

namespace hbsim::cli {

/// One MPI job for the length of a sweep (MPI_Init_thread, then MPI_Finalize). Only the main thread calls MPI.
class mpi_job {
 public:
  /// Throws input_error naming --mpi when this hbsim was built without MPI. On ranks other than 0, standard output
  /// and error go to /dev/null: rank 0 speaks for the job.
  mpi_job();
  ~mpi_job();
  mpi_job(const mpi_job&) = delete;
  mpi_job& operator=(const mpi_job&) = delete;

  int rank() const { return rank_; }
  int ranks() const { return ranks_; }
  bool root() const { return rank_ == 0; }

  /// Makes the sweep on every rank. When a rank cannot, rank 0 throws: its own input error, or, when only other
  /// ranks failed (a file missing on their host), one naming them, after they wrote theirs to their original
  /// standard error ("rank N (host): ..."). The other ranks then get nullopt and exit 0, so that none ends
  /// before rank 0 has spoken (mpirun may stop the job at a non-zero exit) and mpirun exits with rank 0's code.
  std::optional<sweep> make_sweep(const std::function<sweep()>& make) const;

  /// Runs the sweep over the ranks until done or `stop` (set here too when a run fails with stop_on_failure, on
  /// any rank); `done` is told each finished cell, on rank 0 only. Rank 0 gets every result, the others none (they
  /// then exit 0: mpirun exits with rank 0's code).
  std::vector<std::optional<sweep_result>> run_all(const sweep& sw, unsigned jobs, std::atomic<bool>& stop,
                                                   bool stop_on_failure,
                                                   const std::function<void(std::size_t, const sweep_result&)>& done);

 private:
  int rank_ = 0;
  int ranks_ = 1;
  int saved_stderr_ = -1;  // the original standard error of a rank other than 0
};

}  // namespace hbsim::cli
