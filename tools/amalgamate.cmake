# Writes the single-file xsock: xsock.h (the public header, unchanged) and
# xsock.c (every source file, both backends), which compile for any platform
# with any C99 compiler: `cc -c xsock.c`, and on Windows link ws2_32, bcrypt and iphlpapi
# (MSVC picks them up by itself).
#
#   cmake [-DXSOCK_SOURCE_DIR=<xsock>] [-DOUT_DIR=<dir>] -P tools/amalgamate.cmake
#
# or `cmake --build <build> --target amalgamate` (writes <build>/amalgamation).
# A CMake script, not Python, so it runs wherever xsock builds.
#
# How the sources are joined:
# - src/posix files come first, so their feature-test macros (_GNU_SOURCE ...)
#   precede every system header, as they do in the normal build; on Windows
#   the posix files compile to nothing and src/win32 comes first instead.
# - Each "local" header is pasted where it is included. A header included
#   only inside a conditional (posix.h pulls in xsock_internal.h under
#   #ifndef _WIN32) is pasted again at the next unconditional include: its
#   include guard makes the second copy empty wherever the first one counted.
# - File-local names (static functions and variables, struct/enum/union tags,
#   typedefs) defined in more than one .c file are renamed with a #define
#   for that file only, and every macro a .c file defines is #undef'd after
#   it, so helpers with the same name in different files cannot clash.
#   File-scope static variables are renamed so in every file: joined, a
#   parameter or local of the same name in a later file would hide them
#   (MSVC /W4: C4459, "declaration hides global declaration").
cmake_minimum_required(VERSION 3.16)

if(NOT XSOCK_SOURCE_DIR)
  get_filename_component(XSOCK_SOURCE_DIR "${CMAKE_CURRENT_LIST_DIR}/.." ABSOLUTE)
endif()
if(NOT OUT_DIR)
  set(OUT_DIR "${CMAKE_CURRENT_BINARY_DIR}/amalgamation")
endif()
set(src "${XSOCK_SOURCE_DIR}/src")

file(STRINGS "${XSOCK_SOURCE_DIR}/include/xsock.h" version_lines
     REGEX "^#define XSOCK_VERSION_(MAJOR|MINOR|PATCH) [0-9]+")
string(REGEX REPLACE "[^0-9;]" "" version "${version_lines}")
string(REPLACE ";" "." version "${version}")

# The Windows version the CMake build targets, from the one place it is set.
file(STRINGS "${XSOCK_SOURCE_DIR}/CMakeLists.txt" winnt REGEX "_WIN32_WINNT=0x[0-9A-Fa-f]+")
string(REGEX MATCH "0x[0-9A-Fa-f]+" winnt "${winnt}")
if(NOT winnt)
  message(FATAL_ERROR "amalgamate: no _WIN32_WINNT=0x... found in CMakeLists.txt")
endif()

file(GLOB posix_files "${src}/posix/*.c")
file(GLOB win32_files "${src}/win32/*.c")
file(GLOB common_files "${src}/common/*.c")
list(SORT posix_files)
list(SORT win32_files)
list(SORT common_files)
set(c_files ${posix_files} ${win32_files} ${common_files})

set(name_re "[A-Za-z_][A-Za-z0-9_]*")

# The file-scope names a .c file defines (one declaration per line at
# column 0, as the sources are written).
function(file_scope_names path out_var)
  file(READ "${path}" text)
  set(names "")
  string(REGEX MATCHALL "\nstatic [^\n(=;]*[^A-Za-z0-9_]${name_re} *[(=;[]" hits "\n${text}")
  foreach(h IN LISTS hits)
    string(REGEX REPLACE ".*[^A-Za-z0-9_](${name_re}) *[(=;[]$" "\\1" n "${h}")
    list(APPEND names ${n})
  endforeach()
  string(REGEX MATCHALL "\n(struct|union|enum) +${name_re} *{" hits "\n${text}")
  foreach(h IN LISTS hits)
    string(REGEX REPLACE "^\n[a-z]+ +(${name_re}).*" "\\1" n "${h}")
    list(APPEND names ${n})
  endforeach()
  string(REGEX MATCHALL "\n(typedef [^\n]*[^A-Za-z0-9_]|} *)${name_re};" hits "\n${text}")
  foreach(h IN LISTS hits)
    string(REGEX REPLACE ".*[^A-Za-z0-9_](${name_re});$" "\\1" n "${h}")
    list(APPEND names ${n})
  endforeach()
  list(REMOVE_DUPLICATES names)
  set(${out_var} "${names}" PARENT_SCOPE)
endfunction()

# The file-scope static variables a .c file defines.
function(file_scope_variables path out_var)
  file(READ "${path}" text)
  string(REPLACE ";" "@" text "${text}") # a ";" would split CMake's list of hits
  set(names "")
  string(REGEX MATCHALL "\nstatic [^\n(=@]*[^A-Za-z0-9_]${name_re} *[@=[]" hits "\n${text}")
  foreach(h IN LISTS hits)
    string(REGEX REPLACE ".*[^A-Za-z0-9_](${name_re}) *[@=[]$" "\\1" n "${h}")
    list(APPEND names ${n})
  endforeach()
  list(REMOVE_DUPLICATES names)
  set(${out_var} "${names}" PARENT_SCOPE)
endfunction()

# Names defined by more than one .c file, whichever backend.
set(seen "")
set(clashes "")
foreach(f IN LISTS c_files)
  file_scope_names("${f}" names)
  foreach(n IN LISTS names)
    if(n IN_LIST seen)
      list(APPEND clashes ${n})
    endif()
  endforeach()
  list(APPEND seen ${names})
endforeach()
list(REMOVE_DUPLICATES clashes)
if(clashes)
  message(STATUS "amalgamate: renamed per file (defined in several files): ${clashes}")
endif()

set(out "")      # the text of xsock.c, built up by append()
set(pasted "")   # headers already pasted at an unconditional include
macro(append text)
  string(APPEND out "${text}\n")
endmacro()

# Path relative to the source root, for #line and the section comments.
function(rel path out_var)
  file(RELATIVE_PATH r "${XSOCK_SOURCE_DIR}" "${path}")
  set(${out_var} "${r}" PARENT_SCOPE)
endfunction()

# Pastes one file. depth is the number of conditionals (#if...) open around
# the #include that brought it in; a header's include guard does not count.
function(paste path depth)
  rel("${path}" name)
  get_filename_component(dir "${path}" DIRECTORY)
  file(READ "${path}" text)
  string(REGEX REPLACE "\n$" "" text "${text}")
  set(is_header OFF)
  if(path MATCHES "\\.h$")
    set(is_header ON)
  endif()
  set(local_depth 0)
  set(guard_seen OFF)
  set(lineno 0)

  # For a .c file: its renames go after its last #include (never into a
  # system header), its #undefs after its last line.
  set(renames "")
  set(undefs "")
  set(last_include 0)
  if(NOT is_header)
    file_scope_names("${path}" names)
    file_scope_variables("${path}" variables)
    get_filename_component(stem "${path}" NAME_WE)
    get_filename_component(backend "${dir}" NAME)
    list(APPEND names ${variables})
    list(REMOVE_DUPLICATES names)
    foreach(n IN LISTS names)
      if(n IN_LIST clashes OR n IN_LIST variables)
        string(APPEND renames "#define ${n} xsock__${backend}_${stem}_${n}\n")
        string(APPEND undefs "#undef ${n}\n")
      endif()
    endforeach()
    string(REGEX MATCHALL "(^|\n)[ \t]*#[ \t]*define[ \t]+${name_re}" defs "${text}")
    set(macros "")
    foreach(d IN LISTS defs)
      string(REGEX REPLACE ".*define[ \t]+" "" d "${d}")
      list(APPEND macros ${d})
    endforeach()
    list(REMOVE_DUPLICATES macros)
    foreach(d IN LISTS macros)
      string(APPEND undefs "#undef ${d}\n")
    endforeach()
    # The line number of the last #include: count the lines up to it.
    string(REGEX MATCH "^(.*\n)?[ \t]*#[ \t]*include[^\n]*" upto "${text}")
    if(upto)
      string(REGEX MATCHALL "\n" nls "${upto}")
      list(LENGTH nls last_include)
      math(EXPR last_include "${last_include} + 1")
    endif()
  endif()
  if(last_include LESS 1)
    string(APPEND out "${renames}") # no #include: the renames go first
  endif()
  string(APPEND out "#line 1 \"${name}\"\n")

  while(NOT text STREQUAL "")
    string(FIND "${text}" "\n" nl)
    if(nl LESS 0)
      set(line "${text}")
      set(text "")
    else()
      string(SUBSTRING "${text}" 0 ${nl} line)
      math(EXPR nl "${nl} + 1")
      string(SUBSTRING "${text}" ${nl} -1 text)
    endif()
    math(EXPR lineno "${lineno} + 1")

    if(line MATCHES "^[ \t]*#[ \t]*(if|ifdef|ifndef)[ \t(]")
      if(is_header AND NOT guard_seen AND local_depth EQUAL 0 AND line MATCHES "^#ifndef")
        set(guard_seen ON) # the include guard: it does not make the body conditional
        math(EXPR local_depth "${local_depth} - 1")
      endif()
      math(EXPR local_depth "${local_depth} + 1")
      string(APPEND out "${line}\n")
    elseif(line MATCHES "^[ \t]*#[ \t]*endif")
      math(EXPR local_depth "${local_depth} - 1")
      string(APPEND out "${line}\n")
    elseif(line MATCHES "^[ \t]*#[ \t]*include[ \t]*\"([^\"]+)\"")
      set(inc "${CMAKE_MATCH_1}")
      set(found "")
      foreach(base "${dir}" "${src}")
        if(NOT found AND EXISTS "${base}/${inc}")
          get_filename_component(found "${base}/${inc}" ABSOLUTE)
        endif()
      endforeach()
      if(NOT found)
        string(APPEND out "${line}\n") # xsock.h, which ships beside xsock.c
      else()
        math(EXPR here "${depth} + ${local_depth}")
        if(NOT found IN_LIST pasted)
          if(here EQUAL 0)
            list(APPEND pasted "${found}")
          endif()
          paste("${found}" ${here})
          math(EXPR next "${lineno} + 1")
          string(APPEND out "#line ${next} \"${name}\"\n")
        endif()
      endif()
    else()
      string(APPEND out "${line}\n")
    endif()
    if(lineno EQUAL last_include AND renames)
      math(EXPR next "${lineno} + 1")
      string(APPEND out "${renames}#line ${next} \"${name}\"\n")
    endif()
  endwhile()
  string(APPEND out "${undefs}")
  set(out "${out}" PARENT_SCOPE)
  set(pasted "${pasted}" PARENT_SCOPE)
endfunction()

append("/*")
append(" * xsock ${version}, amalgamated: every source file of both backends in one")
append(" * file. Generated by tools/amalgamate.cmake: edit src/, not this file.")
append(" * Put xsock.h beside it and compile it with your program (any C99")
append(" * compiler); on Windows link ws2_32, bcrypt and iphlpapi (MSVC does by itself).")
append(" * For a DLL / shared library define XSOCK_SHARED, as for the header.")
append(" *")
append(" * SPDX-License-Identifier: MIT")
append(" */")
append("#define XSOCK_BUILDING 1")
append("#if defined(_WIN32) && !defined(_WIN32_WINNT)")
append("#  define _WIN32_WINNT ${winnt}")
append("#endif")
append("#ifdef _MSC_VER")
append("#  pragma comment(lib, \"ws2_32.lib\")")
append("#  pragma comment(lib, \"bcrypt.lib\")")
append("#  pragma comment(lib, \"iphlpapi.lib\")")
append("#endif")
foreach(f IN LISTS c_files)
  rel("${f}" name)
  append("")
  append("/* ---- ${name} ---- */")
  paste("${f}" 0)
endforeach()

file(MAKE_DIRECTORY "${OUT_DIR}")
# Write-if-changed, so builds that depend on the files do not redo work.
file(WRITE "${OUT_DIR}/xsock.c.tmp" "${out}")
configure_file("${OUT_DIR}/xsock.c.tmp" "${OUT_DIR}/xsock.c" COPYONLY)
file(REMOVE "${OUT_DIR}/xsock.c.tmp")
configure_file("${XSOCK_SOURCE_DIR}/include/xsock.h" "${OUT_DIR}/xsock.h" COPYONLY)
message(STATUS "amalgamate: wrote ${OUT_DIR}/xsock.h and ${OUT_DIR}/xsock.c")
