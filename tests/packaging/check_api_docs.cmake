# docs/API.md must describe exactly the functions xsock.h declares: each
# XSOCK_API function has a "### `name()`" heading (or shares one:
# "### `a()`, `b()`"), and every such heading names a function the header
# still has.
#   cmake -DHEADER=<include/xsock.h> -DDOC=<docs/API.md> -P check_api_docs.cmake
cmake_minimum_required(VERSION 3.16)

file(READ "${HEADER}" header)
string(REGEX MATCHALL "XSOCK_API[^;(]*[^A-Za-z0-9_]xsock_[A-Za-z0-9_]+\\(" api "${header}")
list(TRANSFORM api REPLACE ".*[^A-Za-z0-9_](xsock_[A-Za-z0-9_]+)\\($" "\\1")
list(REMOVE_DUPLICATES api)

file(STRINGS "${DOC}" headings REGEX "^###? ")
set(documented "")
foreach(h IN LISTS headings)
  string(REGEX MATCHALL "`xsock_[A-Za-z0-9_]+\\(\\)`" names "${h}")
  list(TRANSFORM names REPLACE "[`()]" "")
  list(APPEND documented ${names})
endforeach()

set(undocumented "")
foreach(f IN LISTS api)
  if(NOT f IN_LIST documented)
    list(APPEND undocumented ${f})
  endif()
endforeach()
set(stale "")
foreach(f IN LISTS documented)
  if(NOT f IN_LIST api)
    list(APPEND stale ${f})
  endif()
endforeach()
list(LENGTH api n)
if(undocumented OR stale)
  message(FATAL_ERROR "docs/API.md does not match include/xsock.h:\n"
                      "  in the header, not documented: ${undocumented}\n"
                      "  documented, not in the header: ${stale}")
endif()
message(STATUS "docs/API.md documents all ${n} public functions of xsock.h")
