# What `cmake --install` puts where, and the find_package(coursecrew) config.
#
# Two install components, one per Debian package (packaging/cpack.cmake):
#   lib  (libcoursecrew1)     the plugin, its network module, the CLI, data, man page
#   dev  (libcoursecrew-dev)  the header, the libcoursecrew.so link, pkg-config and
#                             CMake package files
# Files only a Debian package wants (its copyright and changelog.Debian.gz) are
# EXCLUDE_FROM_ALL: CPack installs them, a plain `cmake --install` does not.
include(CMakePackageConfigHelpers)

# The header alone, for hosts that dlopen the plugin (what the header
# recommends): coursecrew::headers. coursecrew::coursecrew links it.
add_library(coursecrew_headers INTERFACE)
set_target_properties(coursecrew_headers PROPERTIES EXPORT_NAME headers)
target_include_directories(coursecrew_headers INTERFACE
  $<BUILD_INTERFACE:${PROJECT_SOURCE_DIR}/include>
  $<INSTALL_INTERFACE:${CMAKE_INSTALL_INCLUDEDIR}>)

install(TARGETS coursecrew coursecrew_headers EXPORT coursecrewTargets
  LIBRARY DESTINATION ${CMAKE_INSTALL_LIBDIR} COMPONENT lib NAMELINK_COMPONENT dev
  INCLUDES DESTINATION ${CMAKE_INSTALL_INCLUDEDIR})
# The network module the plugin loads on demand, in its private folder
# (packaging/install_dirs.cmake). Not exported: nothing links against it.
install(TARGETS coursecrew_lms
  LIBRARY DESTINATION ${CMAKE_INSTALL_LIBDIR}/${COURSECREW_MODULE_SUBDIR} COMPONENT lib)
if(TARGET coursecrew_cli)
  install(TARGETS coursecrew_cli RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR} COMPONENT lib)
endif()

# Data: the schemas (and the xAPI profile among them) and the default role
# map the plugin has compiled in, for people and tools to read.
install(DIRECTORY schemas/ DESTINATION ${CMAKE_INSTALL_DATADIR}/coursecrew/schemas COMPONENT lib)
install(FILES roles/defaults.json DESTINATION ${CMAKE_INSTALL_DATADIR}/coursecrew/roles COMPONENT lib)

# coursecrew(1), and the Debian changelog, gzipped as Debian wants them
# (-9: best compression; -n: no name or time stamp, so the file is reproducible).
set(_cc_gz_dir ${PROJECT_BINARY_DIR}/packaging)
set(_cc_gz_files "")
foreach(pair "man/coursecrew.1;coursecrew.1.gz" "debian/changelog;changelog.Debian.gz")
  list(GET pair 0 src)
  list(GET pair 1 out)
  add_custom_command(OUTPUT ${_cc_gz_dir}/${out}
    COMMAND ${CMAKE_COMMAND} -E make_directory ${_cc_gz_dir}
    COMMAND sh -c "gzip -9n < '${PROJECT_SOURCE_DIR}/packaging/${src}' > '${_cc_gz_dir}/${out}'"
    DEPENDS ${PROJECT_SOURCE_DIR}/packaging/${src}
    COMMENT "gzip ${src}" VERBATIM)
  list(APPEND _cc_gz_files ${_cc_gz_dir}/${out})
endforeach()
add_custom_target(coursecrew_packaging_files ALL DEPENDS ${_cc_gz_files})
install(FILES ${_cc_gz_dir}/coursecrew.1.gz DESTINATION ${CMAKE_INSTALL_MANDIR}/man1 COMPONENT lib)
foreach(pkg IN ITEMS libcoursecrew${COURSECREW_ABI_MAJOR}:lib libcoursecrew-dev:dev)
  string(REPLACE ":" ";" pkg "${pkg}")
  list(GET pkg 0 name)
  list(GET pkg 1 component)
  install(FILES packaging/debian/copyright ${_cc_gz_dir}/changelog.Debian.gz
    DESTINATION ${CMAKE_INSTALL_DATADIR}/doc/${name} COMPONENT ${component} EXCLUDE_FROM_ALL)
endforeach()

install(FILES include/coursecrew/coursecrew.h
  DESTINATION ${CMAKE_INSTALL_INCLUDEDIR}/coursecrew COMPONENT dev)

# pkg-config: written at install time, so that `prefix` is where it is
# installed (`cmake --install --prefix P` gives P; the Debian package /usr),
# not where this tree was configured to go.
install(CODE "
  set(CC_PC_IN \"${PROJECT_SOURCE_DIR}/packaging/coursecrew.pc.in\")
  set(CC_PC_WORK \"${PROJECT_BINARY_DIR}/packaging/pkgconfig\")
  set(CC_PC_LIBDIR \"${CMAKE_INSTALL_LIBDIR}\")
  set(CC_PC_INCLUDEDIR \"${CMAKE_INSTALL_INCLUDEDIR}\")
  set(CC_PC_VERSION \"${PROJECT_VERSION}\")
  set(CC_PC_ABI_MAJOR \"${COURSECREW_ABI_MAJOR}\")
  include(\"${PROJECT_SOURCE_DIR}/packaging/install_pc.cmake\")
" COMPONENT dev)

install(EXPORT coursecrewTargets NAMESPACE coursecrew::
  DESTINATION ${CMAKE_INSTALL_LIBDIR}/cmake/coursecrew COMPONENT dev)
configure_package_config_file(packaging/coursecrewConfig.cmake.in
  ${PROJECT_BINARY_DIR}/coursecrewConfig.cmake
  INSTALL_DESTINATION ${CMAKE_INSTALL_LIBDIR}/cmake/coursecrew)
write_basic_package_version_file(${PROJECT_BINARY_DIR}/coursecrewConfigVersion.cmake
  COMPATIBILITY SameMajorVersion)
install(FILES ${PROJECT_BINARY_DIR}/coursecrewConfig.cmake
  ${PROJECT_BINARY_DIR}/coursecrewConfigVersion.cmake
  DESTINATION ${CMAKE_INSTALL_LIBDIR}/cmake/coursecrew COMPONENT dev)
