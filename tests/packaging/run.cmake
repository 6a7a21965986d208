# The packaging tests, run by CTest as `cmake -D... -DSTEP=<step> -P run.cmake`
# with the main build's generator, toolchain and compiler (CMakeLists.txt
# passes them), so a cross build checks the Windows package under Wine.
#
#   install          cmake --install the main build into WORK/prefix
#   find_package     configure, build and run consumer/ against that prefix
#   pkg_config       compile consumer.c with the flags `pkg-config xsock` gives
#   add_subdirectory, FetchContent
#                    configure, build and run parent/, which vendors xsock
#
# A line "XSOCK-SKIP: why" marks the test skipped (SKIP_REGULAR_EXPRESSION).
cmake_minimum_required(VERSION 3.16)

set(prefix "${WORK}/prefix")
set(RUN_TIMEOUT 120) # for one consumer program, Wine's start-up included

function(run)
  execute_process(COMMAND ${ARGN} RESULT_VARIABLE rc)
  if(NOT rc EQUAL 0)
    string(REPLACE ";" " " cmd "${ARGN}")
    message(FATAL_ERROR "failed (${rc}): ${cmd}")
  endif()
endfunction()

# Configure, build and run (its CTest) a small project with the main build's tools.
function(build_and_run source binary)
  file(REMOVE_RECURSE "${binary}")
  set(args -S "${source}" -B "${binary}" -G "${GENERATOR}" ${ARGN})
  if(GENERATOR_PLATFORM)
    list(APPEND args -A "${GENERATOR_PLATFORM}")
  endif()
  if(GENERATOR_TOOLSET)
    list(APPEND args -T "${GENERATOR_TOOLSET}")
  endif()
  if(MAKE_PROGRAM AND NOT GENERATOR MATCHES "^(Visual Studio|Xcode)")
    list(APPEND args "-DCMAKE_MAKE_PROGRAM=${MAKE_PROGRAM}")
  endif()
  if(TOOLCHAIN_FILE)
    list(APPEND args "-DCMAKE_TOOLCHAIN_FILE=${TOOLCHAIN_FILE}")
  endif()
  if(NOT GENERATOR MATCHES "^Visual Studio")
    list(APPEND args "-DCMAKE_C_COMPILER=${C_COMPILER}")
  endif()
  if(CONFIG)
    list(APPEND args "-DCMAKE_BUILD_TYPE=${CONFIG}")
  endif()
  if(EXTRA_FLAGS) # e.g. the sanitizers the library was built with
    list(APPEND args "-DCMAKE_C_FLAGS=${EXTRA_FLAGS}" "-DCMAKE_EXE_LINKER_FLAGS=${EXTRA_FLAGS}")
  endif()
  run("${CMAKE_COMMAND}" ${args})
  if(CONFIG)
    run("${CMAKE_COMMAND}" --build "${binary}" --config "${CONFIG}")
  else()
    run("${CMAKE_COMMAND}" --build "${binary}")
  endif()
  execute_process(COMMAND "${CTEST}" -N -C "${CONFIG}" WORKING_DIRECTORY "${binary}"
                  OUTPUT_VARIABLE listed)
  if(NOT listed MATCHES "Total Tests: 1[\r\n]")
    message(FATAL_ERROR "expected exactly the project's own test, got:\n${listed}")
  endif()
  run("${CTEST}" --output-on-failure --timeout ${RUN_TIMEOUT} -C "${CONFIG}"
      WORKING_DIRECTORY "${binary}")
endfunction()

if(STEP STREQUAL "install")
  file(REMOVE_RECURSE "${prefix}")
  if(CONFIG)
    run("${CMAKE_COMMAND}" --install "${XSOCK_BINARY_DIR}" --prefix "${prefix}" --config "${CONFIG}")
  else()
    run("${CMAKE_COMMAND}" --install "${XSOCK_BINARY_DIR}" --prefix "${prefix}")
  endif()
  foreach(f "${INCLUDEDIR}/xsock.h" "${LIBDIR}/cmake/xsock/xsockConfig.cmake"
            "${LIBDIR}/cmake/xsock/xsockConfigVersion.cmake" "${LIBDIR}/pkgconfig/xsock.pc")
    if(NOT EXISTS "${prefix}/${f}")
      message(FATAL_ERROR "not installed: ${f}")
    endif()
  endforeach()

elseif(STEP STREQUAL "find_package")
  if(TOOLCHAIN_FILE)
    # A cross toolchain re-roots every search path into its sysroot: point
    # at the package directly, as a cross-compiling user would.
    set(where "-Dxsock_DIR=${prefix}/${LIBDIR}/cmake/xsock")
  else()
    set(where "-DCMAKE_PREFIX_PATH=${prefix}")
  endif()
  build_and_run("${XSOCK_SOURCE_DIR}/tests/packaging/consumer" "${WORK}/find_package" "${where}"
                "-DEXPECT_VERSION=${VERSION}" "-DEXPECT_SHARED=${SHARED}")

elseif(STEP STREQUAL "pkg_config")
  if(MSVC)
    message("XSOCK-SKIP: pkg-config flags are for gcc-style compilers, not MSVC")
    return()
  endif()
  find_program(pkg_config NAMES pkg-config pkgconf)
  if(NOT pkg_config)
    message("XSOCK-SKIP: no pkg-config or pkgconf installed")
    return()
  endif()
  # Only our prefix: nothing the host has installed may answer for xsock.
  set(ENV{PKG_CONFIG_LIBDIR} "${prefix}/${LIBDIR}/pkgconfig")
  unset(ENV{PKG_CONFIG_PATH})
  unset(ENV{PKG_CONFIG_SYSROOT_DIR})
  set(static "")
  if(NOT SHARED)
    set(static --static) # Libs.private: ws2_32, bcrypt and iphlpapi on Windows
  endif()
  foreach(what modversion cflags libs)
    execute_process(COMMAND "${pkg_config}" --${what} ${static} xsock
                    OUTPUT_VARIABLE ${what} RESULT_VARIABLE rc OUTPUT_STRIP_TRAILING_WHITESPACE)
    if(NOT rc EQUAL 0)
      message(FATAL_ERROR "pkg-config --${what} xsock failed")
    endif()
  endforeach()
  message(STATUS "pkg-config xsock ${modversion}: ${cflags} ${libs}")
  if(NOT modversion STREQUAL VERSION)
    message(FATAL_ERROR "xsock.pc says version ${modversion}, expected ${VERSION}")
  endif()
  separate_arguments(cflags UNIX_COMMAND "${cflags}")
  separate_arguments(libs UNIX_COMMAND "${libs}")
  if(SHARED)
    # The MinGW toolchain's -static would hide the DLL's import library.
    set(EXE_LINKER_FLAGS "")
  endif()
  separate_arguments(link_flags UNIX_COMMAND "${EXE_LINKER_FLAGS} ${EXTRA_FLAGS}")
  set(dir "${WORK}/pkg_config")
  file(REMOVE_RECURSE "${dir}")
  file(MAKE_DIRECTORY "${dir}")
  if(SHARED AND NOT WIN32)
    list(APPEND link_flags "-Wl,-rpath,${prefix}/${LIBDIR}")
  elseif(SHARED)
    file(GLOB dlls "${prefix}/bin/*.dll")
    file(COPY ${dlls} DESTINATION "${dir}")
  endif()
  set(exe "${dir}/consumer${EXE_SUFFIX}")
  run("${C_COMPILER}" -std=c99 -Wall -Wextra -pedantic -Werror ${cflags} "-DXSOCK_EXPECT_SHARED=${SHARED}"
      "-DXSOCK_EXPECT_VERSION=\"${modversion}\"" "${XSOCK_SOURCE_DIR}/tests/packaging/consumer.c"
      -o "${exe}" ${libs} ${link_flags})
  run(${EMULATOR} "${exe}" TIMEOUT ${RUN_TIMEOUT})

elseif(STEP STREQUAL "add_subdirectory" OR STEP STREQUAL "FetchContent")
  build_and_run("${XSOCK_SOURCE_DIR}/tests/packaging/parent" "${WORK}/${STEP}"
                "-DXSOCK_HOW=${STEP}" "-DXSOCK_DIR=${XSOCK_SOURCE_DIR}"
                "-DBUILD_SHARED_LIBS=${SHARED}")

else()
  message(FATAL_ERROR "unknown STEP '${STEP}'")
endif()
