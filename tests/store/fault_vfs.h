// FaultVfs: an SQLite VFS for fault-injection tests. It wraps the process's default VFS and,
// while the object lives, is registered as the default itself, so every connection opened
// meanwhile (the engine's writer and readers, their temporary files) goes through it.
//
// It counts the operations that write — xWrite, xSync and xTruncate of any file, and xDelete
// — and, when armed, fails the Nth of them: a write with SQLITE_IOERR_WRITE (or SQLITE_FULL in
// disk_full mode), a sync with SQLITE_IOERR_FSYNC, a truncate with SQLITE_IOERR_TRUNCATE, a
// delete with SQLITE_IOERR_DELETE. The fault hits once; the operations after it succeed again
// (a transient fault, as in SQLite's own I/O error tests). Everything else passes through.
// Arming for one kind of operation (only syncs, say) counts and fails only that kind.
//
// With `forward_syncs` false a sync is counted (and can fail) but not passed to the disk: a
// sweep of hundreds of runs that never simulates power loss does not need the fsyncs, and
// what other connections of the process see does not depend on them.
//
// Thread-safety: one FaultVfs at a time per process. Counting is atomic; arm/disarm from the
// test's thread.
#pragma once

#include <sqlite3.h>

#include <atomic>
#include <cstdint>

namespace mc::store::testing {

class FaultVfs {
 public:
  enum class Fault { io_error, disk_full };
  enum class Operation { any, write, sync, truncate, delete_file };

  explicit FaultVfs(bool forward_syncs = true);
  ~FaultVfs();
  FaultVfs(const FaultVfs&) = delete;
  FaultVfs& operator=(const FaultVfs&) = delete;

  // Counts write operations of kind `only` from now on and fails number `n` (1-based) with
  // `fault`.
  void arm(int64_t n, Fault fault, Operation only = Operation::any);
  // A process crash at write operation `n`: it and every later one fail (nothing after the
  // crash reaches the files) until disarm. The simulator drops the engine meanwhile.
  void arm_crash(int64_t n);
  // Counts from now on without failing any.
  void count_only();
  // Stops counting and failing.
  void disarm();

  // Write operations counted since arm/count_only.
  int64_t operations() const { return operations_.load(); }
  // Whether the armed fault was returned.
  bool fired() const { return fired_.load(); }

  // Called by the file methods: true when this write operation must fail.
  bool next_operation_fails(Operation operation);
  Fault fault() const { return fault_; }
  bool forward_syncs() const { return forward_syncs_; }
  sqlite3_vfs* base() const { return base_; }

 private:
  sqlite3_vfs vfs_{};
  sqlite3_vfs* base_ = nullptr;
  bool forward_syncs_ = true;
  Fault fault_ = Fault::io_error;
  Operation only_ = Operation::any;
  std::atomic<bool> counting_{false};
  std::atomic<int64_t> operations_{0};
  std::atomic<int64_t> fail_at_{0};
  std::atomic<bool> fired_{false};
  std::atomic<bool> sticky_{false};
};

}  // namespace mc::store::testing
