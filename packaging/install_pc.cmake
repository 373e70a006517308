# Runs at install time (packaging/install.cmake): writes coursecrew.pc with
# the prefix it is installed to, and installs it. Inputs: CC_PC_IN,
# CC_PC_WORK, CC_PC_LIBDIR, CC_PC_INCLUDEDIR, CC_PC_VERSION, CC_PC_ABI_MAJOR.
# Each DESTDIR + prefix gets its own scratch copy, so that installs running
# at once (cpack and a `cmake --install --prefix`) never share one.
set(CC_PC_PREFIX "${CMAKE_INSTALL_PREFIX}")
string(MD5 _cc_pc_key "$ENV{DESTDIR}${CMAKE_INSTALL_PREFIX}")
set(_cc_pc "${CC_PC_WORK}/${_cc_pc_key}/coursecrew.pc")
configure_file("${CC_PC_IN}" "${_cc_pc}" @ONLY)
file(INSTALL DESTINATION "${CMAKE_INSTALL_PREFIX}/${CC_PC_LIBDIR}/pkgconfig" TYPE FILE FILES "${_cc_pc}")
