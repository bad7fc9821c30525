# Every third-party dependency, all from Debian packages. The library needs SQLite, OpenSSL,
# simdjson and libsecp256k1; Boost only the server (and the tests and benchmarks built on it).
find_package(Threads REQUIRED)
find_package(SQLite3 REQUIRED)
find_package(OpenSSL 3 REQUIRED)
find_package(simdjson REQUIRED)
if(MC_BUILD_SERVER OR MC_BUILD_TESTS OR MC_BUILD_BENCH)
  find_package(Boost 1.81 REQUIRED CONFIG)
endif()
find_package(PkgConfig REQUIRED)
pkg_check_modules(SECP256K1 REQUIRED IMPORTED_TARGET libsecp256k1)
if(MC_BUILD_TESTS)
  find_package(doctest REQUIRED)
endif()
