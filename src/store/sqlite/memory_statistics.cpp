// mc::disable_sqlite_memory_statistics (declared in marketcore/engine.h): the process-wide
// SQLite setting that removes the global mutex from every SQLite allocation.
#include <sqlite3.h>

#include "marketcore/engine.h"

namespace mc {

bool disable_sqlite_memory_statistics() {
  // SQLite refuses configuration (SQLITE_MISUSE) once it is initialized.
  return sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0) == SQLITE_OK;
}

}  // namespace mc
