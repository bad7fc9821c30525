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
# Mangled names (nm's demangling of versioned symbols differs between binutils and LLVM).
foreach(internal "N2mc5store" "N2mc4json" "N2mc6engine" "N2mc6ledger" "N2mc6detail"
                 "8internal" "10jwt_detail" "N2mc6Engine4Impl")
  if(mangled MATCHES "${internal}")
    string(APPEND problems "  internal namespace exported: ${internal}\n")
  endif()
endforeach()
foreach(public "_ZN2mc6Engine4openE" "_ZN2mc11ManualClock10advance_msE"
               "_ZN2mc21builtin_market_configE")
  if(NOT mangled MATCHES "${public}")
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
