# Warnings, sanitizers and ccache for every marketcore target.
find_program(MC_CCACHE ccache)
if(MC_CCACHE)
  set(CMAKE_C_COMPILER_LAUNCHER ${MC_CCACHE})
  set(CMAKE_CXX_COMPILER_LAUNCHER ${MC_CCACHE})
endif()

add_library(marketcore_warnings INTERFACE)
target_compile_options(marketcore_warnings INTERFACE -Wall -Wextra -Wpedantic
  -Wno-missing-field-initializers $<$<BOOL:${MC_WERROR}>:-Werror>)
# GCC 12 reports -Wrestrict on `"literal" + std::string` and similar libstdc++ inlines at -O2 and
# above (a false positive fixed in GCC 13); it says nothing about our code.
target_compile_options(marketcore_warnings INTERFACE
  $<$<AND:$<CXX_COMPILER_ID:GNU>,$<VERSION_LESS:$<CXX_COMPILER_VERSION>,13>>:-Wno-restrict>)

if(MC_SANITIZE)
  add_compile_options(-fsanitize=address,undefined -fno-sanitize-recover=undefined
                      -fno-omit-frame-pointer)
  add_link_options(-fsanitize=address,undefined)
  add_compile_definitions(MC_SANITIZED=1)
endif()

if(MC_FUZZ AND NOT CMAKE_CXX_COMPILER_ID MATCHES "Clang")
  message(FATAL_ERROR "MC_FUZZ needs clang (libFuzzer)")
endif()
