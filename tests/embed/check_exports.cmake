# Checks what libmarketcore.so exports (run with cmake -P by ctest):
#   -DNM=<nm> -DOBJDUMP=<objdump> -DLIBRARY=<libmarketcore.so> -DHEADER=<marketcore_c.h>
#   -DSONAME=<expected soname>
# Every mc_* function the C header declares is exported, and so is the C++ API (mc::Engine);
# nothing else is: no SQLite, simdjson, secp256k1 or libstdc++ symbol, nothing of the
# library's internal namespaces; all of it under the MARKETCORE_<major> version node.
foreach(var NM OBJDUMP LIBRARY HEADER SONAME)
  if(NOT DEFINED ${var})
    message(FATAL_ERROR "check_exports.cmake needs -D${var}=...")
  endif()
endforeach()

execute_process(COMMAND ${OBJDUMP} -p ${LIBRARY} OUTPUT_VARIABLE headers COMMAND_ERROR_IS_FATAL ANY)
if(NOT headers MATCHES "SONAME +${SONAME}\n")
  message(FATAL_ERROR "SONAME is not ${SONAME}:\n${headers}")
endif()

execute_process(COMMAND ${NM} -D --defined-only ${LIBRARY} OUTPUT_VARIABLE mangled
                COMMAND_ERROR_IS_FATAL ANY)
execute_process(COMMAND ${NM} -D -C --defined-only ${LIBRARY} OUTPUT_VARIABLE demangled
                COMMAND_ERROR_IS_FATAL ANY)

set(problems "")
string(REPLACE "\n" ";" lines "${mangled}")
set(count 0)
foreach(line IN LISTS lines)
  if(NOT line MATCHES "^[0-9a-f]+ ([A-Za-z]) ([^@ ]+)(@@?(.*))?$")
    continue()
  endif()
  set(symbol ${CMAKE_MATCH_2})
  set(version "${CMAKE_MATCH_4}")
  math(EXPR count "${count} + 1")
  if(symbol MATCHES "^MARKETCORE_[0-9]+$")
    continue()
  endif()
  if(NOT version MATCHES "^MARKETCORE_[0-9]+$")
    string(APPEND problems "  unversioned: ${symbol}\n")
  endif()
  if(NOT symbol MATCHES "^mc_" AND NOT symbol MATCHES "^_Z[A-Za-z]*N[rVKRO]*2mc[0-9]")
    string(APPEND problems "  not marketcore's: ${symbol}\n")
  endif()
  if(symbol MATCHES "sqlite3|secp256k1|simdjson|^_ZNSt|^_ZNKSt")
    string(APPEND problems "  third-party: ${symbol}\n")
  endif()
endforeach()
foreach(internal "mc::store::" "mc::json::" "mc::engine::" "mc::ledger::" "mc::detail::"
                 "::internal::" "Engine::Impl")
  string(FIND "${demangled}" "${internal}" at)
  if(NOT at EQUAL -1)
    string(APPEND problems "  internal namespace exported: ${internal}\n")
  endif()
endforeach()
foreach(public " mc::Engine::open(" " mc::ManualClock::advance_ms(" " mc::builtin_market_config(")
  string(FIND "${demangled}" "${public}" at)
  if(at EQUAL -1)
    string(APPEND problems "  public C++ API not exported: ${public}\n")
  endif()
endforeach()

file(READ ${HEADER} header)
string(REGEX MATCHALL "[\n ](mc_[a-z_]+)\\(" declared "${header}")
list(LENGTH declared declared_count)
if(declared_count LESS 20)
  string(APPEND problems "  only ${declared_count} functions found in ${HEADER}\n")
endif()
foreach(declaration IN LISTS declared)
  string(REGEX REPLACE "[\n ](mc_[a-z_]+)\\(" "\\1" function "${declaration}")
  if(NOT mangled MATCHES " T ${function}@")
    string(APPEND problems "  C ABI function not exported: ${function}\n")
  endif()
endforeach()

if(problems)
  message(FATAL_ERROR "libmarketcore.so exports what it should not, or lacks what it should:\n"
                      "${problems}")
endif()
message(STATUS "${count} exported symbols, ${declared_count} C ABI functions, SONAME ${SONAME}")
