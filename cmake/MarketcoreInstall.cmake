# Install rules: headers, the shared and the static library, the CMake package
# (find_package(marketcore CONFIG) → marketcore::marketcore, shared; marketcore::
# marketcore_static) and a pkg-config file (marketcore.pc for the shared library).
include(GNUInstallDirs)
include(CMakePackageConfigHelpers)

install(TARGETS marketcore_shared marketcore
  EXPORT marketcoreTargets
  LIBRARY DESTINATION ${CMAKE_INSTALL_LIBDIR} NAMELINK_COMPONENT development
  ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR}
  INCLUDES DESTINATION ${CMAKE_INSTALL_INCLUDEDIR})
install(DIRECTORY ${PROJECT_SOURCE_DIR}/include/marketcore
                  ${PROJECT_SOURCE_DIR}/bindings/c/include/marketcore
  DESTINATION ${CMAKE_INSTALL_INCLUDEDIR} FILES_MATCHING PATTERN "*.h")

set(mc_cmake_dir ${CMAKE_INSTALL_LIBDIR}/cmake/marketcore)
install(EXPORT marketcoreTargets NAMESPACE marketcore:: DESTINATION ${mc_cmake_dir})
configure_package_config_file(${PROJECT_SOURCE_DIR}/cmake/marketcoreConfig.cmake.in
  ${PROJECT_BINARY_DIR}/marketcoreConfig.cmake INSTALL_DESTINATION ${mc_cmake_dir})
# 0.x: only the same minor version is compatible; from 1.0 on, the same major version.
write_basic_package_version_file(${PROJECT_BINARY_DIR}/marketcoreConfigVersion.cmake
  COMPATIBILITY SameMinorVersion)
install(FILES ${PROJECT_BINARY_DIR}/marketcoreConfig.cmake
              ${PROJECT_BINARY_DIR}/marketcoreConfigVersion.cmake
  DESTINATION ${mc_cmake_dir})

# pkg-config: the include and lib directories are relative to the .pc file's prefix, so an
# installed tree may be moved.
string(REGEX REPLACE "[^/]+" ".." mc_pc_to_prefix "${CMAKE_INSTALL_LIBDIR}/pkgconfig")
configure_file(${PROJECT_SOURCE_DIR}/cmake/marketcore.pc.in ${PROJECT_BINARY_DIR}/marketcore.pc
  @ONLY)
install(FILES ${PROJECT_BINARY_DIR}/marketcore.pc DESTINATION ${CMAKE_INSTALL_LIBDIR}/pkgconfig)
