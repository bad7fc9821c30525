# Server benchmark: wrk over loopback against marketcore-server and a bare Beast server.
if(TARGET marketcore-server)
  # Not named bench_*: ./dev.sh bench runs every bench_* program, and this one is a helper.
  add_executable(marketcore_bare_beast bench_server_bare_beast.cpp)
  target_link_libraries(marketcore_bare_beast PRIVATE Boost::headers Threads::Threads
                                                        marketcore_warnings)
  add_executable(bench_server bench_server.cpp)
  target_link_libraries(bench_server PRIVATE marketcore marketcore_warnings Threads::Threads)
  add_dependencies(bench_server marketcore-server marketcore_bare_beast)
  target_compile_definitions(bench_server PRIVATE
    MC_SERVER_BINARY="$<TARGET_FILE:marketcore-server>"
    MC_BARE_BINARY="$<TARGET_FILE:marketcore_bare_beast>")

  # HumanOps over HTTP: task creation with the tier fee, operator accept + submit.
  add_executable(bench_humanops bench_humanops.cpp)
  target_link_libraries(bench_humanops PRIVATE marketcore_warnings Threads::Threads)
  add_dependencies(bench_humanops marketcore-server)
  target_compile_definitions(bench_humanops PRIVATE
    MC_SERVER_BINARY="$<TARGET_FILE:marketcore-server>")
endif()
