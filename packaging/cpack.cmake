# Debian packages: `cpack -G DEB` in the build folder (tests/packaging/run.sh
# builds them in a scratch folder and checks them with lintian). One package
# per install component (packaging/install.cmake), split as Debian splits a
# library:
#   libcoursecrew1     (libs)      libcoursecrew.so.1, its network module, the
#                                  coursecrew CLI, schemas, role map, man page
#   libcoursecrew-dev  (libdevel)  header, libcoursecrew.so, pkg-config, CMake config
# The binaries are stripped; their debug symbols go to libcoursecrew1-dbgsym
# (a .ddeb beside the packages).
#
# There is no TGZ any more: the packages are laid out for /usr on Debian
# (multiarch library folder, Debian doc files), and `cmake --install --prefix`
# already gives a tree for anywhere else.
set(COURSECREW_DEB_MAINTAINER
  "coursecrew maintainers <maintainers@users.noreply.r-seed-13346993.example>"
  CACHE STRING "Maintainer of the Debian packages (name <email>)")
set(CPACK_PACKAGE_NAME coursecrew)
set(CPACK_PACKAGE_VENDOR "coursecrew")
set(CPACK_PACKAGE_CONTACT "${COURSECREW_DEB_MAINTAINER}")
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
set(CPACK_GENERATOR DEB)

# Installed for /usr, whatever prefix this tree was configured with. DESTDIR
# installs, so that install-time code sees the real prefix (the pkg-config
# file is written then: packaging/install.cmake).
set(CPACK_SET_DESTDIR ON)
set(CPACK_INSTALL_PREFIX /usr)
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
if(NOT CMAKE_INSTALL_PREFIX STREQUAL "/usr")
  message(STATUS "Debian packages: installed to /usr; a release build should also be configured "
                 "with -DCMAKE_INSTALL_PREFIX=/usr (the programs' fallback search paths use it)")
endif()

set(CPACK_DEB_COMPONENT_INSTALL ON)
set(CPACK_COMPONENTS_ALL lib dev)
set(CPACK_DEBIAN_PACKAGE_RELEASE 1)  # the Debian revision: 0.1.0-1 (packaging/debian/changelog)
set(_cc_deb_version "${PROJECT_VERSION}-${CPACK_DEBIAN_PACKAGE_RELEASE}")
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_MAINTAINER "${COURSECREW_DEB_MAINTAINER}")
set(CPACK_DEBIAN_PACKAGE_PRIORITY optional)
set(CPACK_DEBIAN_PACKAGE_CONTROL_STRICT_PERMISSION ON)
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
set(CPACK_DEBIAN_DEBUGINFO_PACKAGE ON)

set(CPACK_DEBIAN_LIB_PACKAGE_NAME libcoursecrew${COURSECREW_ABI_MAJOR})
set(CPACK_DEBIAN_LIB_PACKAGE_SECTION libs)
# The shlibs file and the ldconfig trigger a package with a shared library
# needs. (CPack 3.25 also writes a postinst and postrm calling ldconfig, which
# the trigger makes redundant: lintian warns maintscript-calls-ldconfig.)
set(CPACK_DEBIAN_PACKAGE_GENERATE_SHLIBS ON)
set(CPACK_DEBIAN_PACKAGE_GENERATE_SHLIBS_POLICY ">=")
set(CPACK_DEBIAN_LIB_PACKAGE_CONTROL_EXTRA ${PROJECT_SOURCE_DIR}/packaging/debian/triggers)
# Each package's Description: the first line is the synopsis (no
# CPACK_PACKAGE_DESCRIPTION_SUMMARY, which CPack would put before it).
set(CPACK_DEBIAN_LIB_DESCRIPTION "plugin tracking who owns each piece of an e-learning course
coursecrew reads course packages (SCORM 1.2 and 2004, cmi5, Tin Can; folders
or zips, and the structure of common authoring tools), maps every piece to
the roles and people who work on it, keeps a production status per piece and
role, and reviews each module's progress. It can push that progress to an
LMS as xAPI statements.

This package holds the plugin authoring tools load (libcoursecrew.so.1, one
C ABI entry point), its network module, the coursecrew command-line tool,
the JSON schemas, the default role map and the xAPI profile.")

set(CPACK_DEBIAN_DEV_PACKAGE_NAME libcoursecrew-dev)
set(CPACK_DEBIAN_DEV_PACKAGE_SECTION libdevel)
set(CPACK_DEBIAN_DEV_PACKAGE_DEPENDS "libcoursecrew${COURSECREW_ABI_MAJOR} (= ${_cc_deb_version})")
set(CPACK_DEBIAN_DEV_DESCRIPTION "development files for the coursecrew e-learning plugin
coursecrew is a plugin that tracks who owns each piece of an e-learning
course and how far it is (see libcoursecrew1).

This package holds what a host program needs to load it: the C header
coursecrew/coursecrew.h, the libcoursecrew.so link, a pkg-config file
(coursecrew) and a CMake package (find_package(coursecrew)).")

include(CPack)
