# Where `cmake --install` and the Debian packages put things (GNUInstallDirs).
#
# On Debian the library folder is the multiarch one, lib/<triplet>
# (lib/x86_64-linux-gnu). GNUInstallDirs picks it only when the prefix is /usr,
# but the packages are made from whatever tree they are built in (CPack
# installs it under /usr), and /usr/local/lib/<triplet> is on Debian's loader
# path too; so it is the default for every prefix here. Set
# CMAKE_INSTALL_LIBDIR yourself to choose another.
if(NOT DEFINED CMAKE_INSTALL_LIBDIR AND CMAKE_LIBRARY_ARCHITECTURE AND EXISTS /etc/debian_version)
  set(CMAKE_INSTALL_LIBDIR "lib/${CMAKE_LIBRARY_ARCHITECTURE}" CACHE PATH
      "Object code libraries (Debian multiarch: lib/${CMAKE_LIBRARY_ARCHITECTURE})")
endif()
include(GNUInstallDirs)

# The network module libcoursecrew_lms.so is private (nothing links it; it has
# no soname), so it is installed in a folder of its own under the library
# folder, lib/<triplet>/coursecrew/, where the plugin looks for it
# (plugin/engine/registry.cpp); in a build tree it lies beside the plugin.
set(COURSECREW_MODULE_SUBDIR coursecrew)
