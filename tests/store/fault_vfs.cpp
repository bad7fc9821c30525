// FaultVfs (see fault_vfs.h): a VFS whose files wrap the base VFS's files, failing the Nth
// write operation when armed.
#include "store/fault_vfs.h"

#include <doctest/doctest.h>

#include <algorithm>

namespace mc::store::testing {
namespace {

constexpr const char* kVfsName = "marketcore_fault";

// The file SQLite sees; the base VFS's file follows it in the same allocation.
struct FaultFile {
  sqlite3_file file;           // first, so a sqlite3_file* is a FaultFile*
  sqlite3_io_methods methods;  // this file's methods, at the wrapped file's iVersion
  FaultVfs* vfs;
  sqlite3_file* real;
};

FaultFile* as_fault(sqlite3_file* file) {
  return reinterpret_cast<FaultFile*>(file);
}
sqlite3_file* real_of(sqlite3_file* file) {
  return as_fault(file)->real;
}
FaultVfs* owner_of(sqlite3_vfs* vfs) {
  return static_cast<FaultVfs*>(vfs->pAppData);
}

int file_close(sqlite3_file* file) {
  sqlite3_file* real = real_of(file);
  return real->pMethods != nullptr ? real->pMethods->xClose(real) : SQLITE_OK;
}
int file_read(sqlite3_file* file, void* buffer, int amount, sqlite3_int64 offset) {
  sqlite3_file* real = real_of(file);
  return real->pMethods->xRead(real, buffer, amount, offset);
}
int file_write(sqlite3_file* file, const void* buffer, int amount, sqlite3_int64 offset) {
  FaultFile* fault = as_fault(file);
  if (fault->vfs->next_operation_fails(FaultVfs::Operation::write)) {
    return fault->vfs->fault() == FaultVfs::Fault::disk_full ? SQLITE_FULL : SQLITE_IOERR_WRITE;
  }
  return fault->real->pMethods->xWrite(fault->real, buffer, amount, offset);
}
int file_truncate(sqlite3_file* file, sqlite3_int64 size) {
  FaultFile* fault = as_fault(file);
  if (fault->vfs->next_operation_fails(FaultVfs::Operation::truncate)) {
    return SQLITE_IOERR_TRUNCATE;
  }
  return fault->real->pMethods->xTruncate(fault->real, size);
}
int file_sync(sqlite3_file* file, int flags) {
  FaultFile* fault = as_fault(file);
  if (fault->vfs->next_operation_fails(FaultVfs::Operation::sync)) return SQLITE_IOERR_FSYNC;
  if (!fault->vfs->forward_syncs()) return SQLITE_OK;
  return fault->real->pMethods->xSync(fault->real, flags);
}
int file_size(sqlite3_file* file, sqlite3_int64* size) {
  sqlite3_file* real = real_of(file);
  return real->pMethods->xFileSize(real, size);
}
int file_lock(sqlite3_file* file, int level) {
  sqlite3_file* real = real_of(file);
  return real->pMethods->xLock(real, level);
}
int file_unlock(sqlite3_file* file, int level) {
  sqlite3_file* real = real_of(file);
  return real->pMethods->xUnlock(real, level);
}
int file_check_reserved_lock(sqlite3_file* file, int* reserved) {
  sqlite3_file* real = real_of(file);
  return real->pMethods->xCheckReservedLock(real, reserved);
}
int file_control(sqlite3_file* file, int op, void* argument) {
  sqlite3_file* real = real_of(file);
  return real->pMethods->xFileControl(real, op, argument);
}
int file_sector_size(sqlite3_file* file) {
  sqlite3_file* real = real_of(file);
  return real->pMethods->xSectorSize(real);
}
int file_device_characteristics(sqlite3_file* file) {
  sqlite3_file* real = real_of(file);
  return real->pMethods->xDeviceCharacteristics(real);
}
int file_shm_map(sqlite3_file* file, int region, int size, int extend, void volatile** out) {
  sqlite3_file* real = real_of(file);
  return real->pMethods->xShmMap(real, region, size, extend, out);
}
int file_shm_lock(sqlite3_file* file, int offset, int count, int flags) {
  sqlite3_file* real = real_of(file);
  return real->pMethods->xShmLock(real, offset, count, flags);
}
void file_shm_barrier(sqlite3_file* file) {
  sqlite3_file* real = real_of(file);
  real->pMethods->xShmBarrier(real);
}
int file_shm_unmap(sqlite3_file* file, int delete_flag) {
  sqlite3_file* real = real_of(file);
  return real->pMethods->xShmUnmap(real, delete_flag);
}
int file_fetch(sqlite3_file* file, sqlite3_int64 offset, int amount, void** out) {
  sqlite3_file* real = real_of(file);
  return real->pMethods->xFetch(real, offset, amount, out);
}
int file_unfetch(sqlite3_file* file, sqlite3_int64 offset, void* page) {
  sqlite3_file* real = real_of(file);
  return real->pMethods->xUnfetch(real, offset, page);
}

const sqlite3_io_methods kMethods = {
    3,
    file_close,
    file_read,
    file_write,
    file_truncate,
    file_sync,
    file_size,
    file_lock,
    file_unlock,
    file_check_reserved_lock,
    file_control,
    file_sector_size,
    file_device_characteristics,
    file_shm_map,
    file_shm_lock,
    file_shm_barrier,
    file_shm_unmap,
    file_fetch,
    file_unfetch,
};

int vfs_open(sqlite3_vfs* vfs, sqlite3_filename name, sqlite3_file* file, int flags,
             int* out_flags) {
  FaultVfs* owner = owner_of(vfs);
  FaultFile* fault = as_fault(file);
  fault->file.pMethods = nullptr;
  fault->vfs = owner;
  fault->real = reinterpret_cast<sqlite3_file*>(fault + 1);
  fault->real->pMethods = nullptr;
  const int rc = owner->base()->xOpen(owner->base(), name, fault->real, flags, out_flags);
  if (fault->real->pMethods != nullptr) {
    fault->methods = kMethods;
    fault->methods.iVersion = std::min(fault->real->pMethods->iVersion, 3);
    fault->file.pMethods = &fault->methods;
  }
  return rc;
}
int vfs_delete(sqlite3_vfs* vfs, const char* name, int sync_directory) {
  FaultVfs* owner = owner_of(vfs);
  if (owner->next_operation_fails(FaultVfs::Operation::delete_file)) return SQLITE_IOERR_DELETE;
  return owner->base()->xDelete(owner->base(), name, sync_directory);
}
int vfs_access(sqlite3_vfs* vfs, const char* name, int flags, int* result) {
  sqlite3_vfs* base = owner_of(vfs)->base();
  return base->xAccess(base, name, flags, result);
}
int vfs_full_pathname(sqlite3_vfs* vfs, const char* name, int size, char* out) {
  sqlite3_vfs* base = owner_of(vfs)->base();
  return base->xFullPathname(base, name, size, out);
}
void* vfs_dl_open(sqlite3_vfs* vfs, const char* name) {
  sqlite3_vfs* base = owner_of(vfs)->base();
  return base->xDlOpen(base, name);
}
void vfs_dl_error(sqlite3_vfs* vfs, int size, char* message) {
  sqlite3_vfs* base = owner_of(vfs)->base();
  base->xDlError(base, size, message);
}
void (*vfs_dl_sym(sqlite3_vfs* vfs, void* handle, const char* symbol))(void) {
  sqlite3_vfs* base = owner_of(vfs)->base();
  return base->xDlSym(base, handle, symbol);
}
void vfs_dl_close(sqlite3_vfs* vfs, void* handle) {
  sqlite3_vfs* base = owner_of(vfs)->base();
  base->xDlClose(base, handle);
}
int vfs_randomness(sqlite3_vfs* vfs, int size, char* out) {
  sqlite3_vfs* base = owner_of(vfs)->base();
  return base->xRandomness(base, size, out);
}
int vfs_sleep(sqlite3_vfs* vfs, int microseconds) {
  sqlite3_vfs* base = owner_of(vfs)->base();
  return base->xSleep(base, microseconds);
}
int vfs_current_time(sqlite3_vfs* vfs, double* now) {
  sqlite3_vfs* base = owner_of(vfs)->base();
  return base->xCurrentTime(base, now);
}
int vfs_get_last_error(sqlite3_vfs* vfs, int size, char* out) {
  sqlite3_vfs* base = owner_of(vfs)->base();
  return base->xGetLastError != nullptr ? base->xGetLastError(base, size, out) : 0;
}
int vfs_current_time_int64(sqlite3_vfs* vfs, sqlite3_int64* now) {
  sqlite3_vfs* base = owner_of(vfs)->base();
  return base->xCurrentTimeInt64(base, now);
}

}  // namespace

FaultVfs::FaultVfs(bool forward_syncs) : forward_syncs_(forward_syncs) {
  REQUIRE(sqlite3_initialize() == SQLITE_OK);
  base_ = sqlite3_vfs_find(nullptr);
  REQUIRE(base_ != nullptr);
  REQUIRE(base_->iVersion >= 2);
  REQUIRE(std::string_view(base_->zName) != kVfsName);  // one FaultVfs at a time
  vfs_.iVersion = 2;
  vfs_.szOsFile = static_cast<int>(sizeof(FaultFile)) + base_->szOsFile;
  vfs_.mxPathname = base_->mxPathname;
  vfs_.zName = kVfsName;
  vfs_.pAppData = this;
  vfs_.xOpen = vfs_open;
  vfs_.xDelete = vfs_delete;
  vfs_.xAccess = vfs_access;
  vfs_.xFullPathname = vfs_full_pathname;
  vfs_.xDlOpen = vfs_dl_open;
  vfs_.xDlError = vfs_dl_error;
  vfs_.xDlSym = vfs_dl_sym;
  vfs_.xDlClose = vfs_dl_close;
  vfs_.xRandomness = vfs_randomness;
  vfs_.xSleep = vfs_sleep;
  vfs_.xCurrentTime = vfs_current_time;
  vfs_.xGetLastError = vfs_get_last_error;
  vfs_.xCurrentTimeInt64 = vfs_current_time_int64;
  REQUIRE(sqlite3_vfs_register(&vfs_, 1) == SQLITE_OK);
}

FaultVfs::~FaultVfs() {
  sqlite3_vfs_unregister(&vfs_);
  sqlite3_vfs_register(base_, 1);
}

void FaultVfs::arm(int64_t n, Fault fault, Operation only) {
  fault_ = fault;
  only_ = only;
  fired_ = false;
  operations_ = 0;
  fail_at_ = n;
  sticky_ = false;
  counting_ = true;
}

void FaultVfs::arm_crash(int64_t n) {
  arm(n, Fault::io_error);
  sticky_ = true;
}

void FaultVfs::count_only() {
  arm(0, Fault::io_error);
}

void FaultVfs::disarm() {
  counting_ = false;
  sticky_ = false;
  fail_at_ = 0;
}

bool FaultVfs::next_operation_fails(Operation operation) {
  if (!counting_.load()) return false;
  if (only_ != Operation::any && operation != only_) return false;
  const int64_t number = ++operations_;
  if (sticky_.load() && fail_at_.load() > 0 && number >= fail_at_.load()) {
    fired_ = true;
    return true;
  }
  if (number != fail_at_.load()) return false;
  fired_ = true;
  return true;
}

}  // namespace mc::store::testing
