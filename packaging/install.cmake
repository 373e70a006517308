# What `cmake --install` puts where, and the find_package(coursecrew) config.
include(CMakePackageConfigHelpers)

install(TARGETS coursecrew EXPORT coursecrewTargets
  LIBRARY DESTINATION ${CMAKE_INSTALL_LIBDIR}
  INCLUDES DESTINATION ${CMAKE_INSTALL_INCLUDEDIR})
# The network module the plugin loads on demand, beside it (not exported:
# nothing links against it).
install(TARGETS coursecrew_lms LIBRARY DESTINATION ${CMAKE_INSTALL_LIBDIR})
install(FILES include/coursecrew/coursecrew.h DESTINATION ${CMAKE_INSTALL_INCLUDEDIR}/coursecrew)
install(DIRECTORY schemas/ DESTINATION ${CMAKE_INSTALL_DATADIR}/coursecrew/schemas)
if(TARGET coursecrew_cli)
  install(TARGETS coursecrew_cli RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
endif()

install(EXPORT coursecrewTargets NAMESPACE coursecrew::
  DESTINATION ${CMAKE_INSTALL_LIBDIR}/cmake/coursecrew)
configure_package_config_file(packaging/coursecrewConfig.cmake.in
  ${PROJECT_BINARY_DIR}/coursecrewConfig.cmake
  INSTALL_DESTINATION ${CMAKE_INSTALL_LIBDIR}/cmake/coursecrew)
write_basic_package_version_file(${PROJECT_BINARY_DIR}/coursecrewConfigVersion.cmake
  COMPATIBILITY SameMajorVersion)
install(FILES ${PROJECT_BINARY_DIR}/coursecrewConfig.cmake
  ${PROJECT_BINARY_DIR}/coursecrewConfigVersion.cmake
  DESTINATION ${CMAKE_INSTALL_LIBDIR}/cmake/coursecrew)
