# A shared xsock must export the public API and nothing else: every exported
# symbol is xsock_*, none is an internal xsock__*, and every XSOCK_API
# function of the header is there.
#   cmake -DLIB=<libxsock.so|.dylib|.dll> -DHEADER=<xsock.h> [-DNM=..] [-DOBJDUMP=..] [-DDUMPBIN=..] -P
cmake_minimum_required(VERSION 3.16)

if(LIB MATCHES "\\.dll$")
  # The PE export table; objdump (MinGW) or dumpbin (MSVC) can read it.
  if(OBJDUMP)
    execute_process(COMMAND "${OBJDUMP}" -p "${LIB}" OUTPUT_VARIABLE dump RESULT_VARIABLE rc)
    # The table's rows run up to the first empty line.
    string(REGEX MATCH "\\[Ordinal/Name Pointer\\] Table[^\n]*\n([^\n]+\n)*" table "${dump}")
    string(REGEX MATCHALL "\n\t\\[ *[0-9]+\\] [A-Za-z_][A-Za-z0-9_]*" rows "${table}")
    list(TRANSFORM rows REPLACE ".* " "")
  elseif(DUMPBIN)
    execute_process(COMMAND "${DUMPBIN}" /exports "${LIB}" OUTPUT_VARIABLE dump RESULT_VARIABLE rc)
    string(REGEX MATCHALL "\n +[0-9]+ +[0-9A-F]+ [0-9A-F]+ [A-Za-z_][A-Za-z0-9_]*" rows "${dump}")
    list(TRANSFORM rows REPLACE ".* " "")
  else()
    message("XSOCK-SKIP: neither objdump nor dumpbin found to read the DLL's exports")
    return()
  endif()
elseif(LIB MATCHES "\\.dylib$")
  execute_process(COMMAND "${NM}" -gU "${LIB}" OUTPUT_VARIABLE dump RESULT_VARIABLE rc)
  string(REGEX MATCHALL "[A-Za-z] _[A-Za-z_][A-Za-z0-9_]*\n" rows "${dump}")
  list(TRANSFORM rows REPLACE "^. _|\n$" "")
else()
  execute_process(COMMAND "${NM}" -D --defined-only "${LIB}" OUTPUT_VARIABLE dump RESULT_VARIABLE rc)
  # Skip version nodes (type A) and the symbols old linkers add to every library.
  string(REGEX MATCHALL "[BDGRSTVWiu] [A-Za-z_][A-Za-z0-9_@.]*\n" rows "${dump}")
  list(TRANSFORM rows REPLACE "^. |\n$" "")
  list(REMOVE_ITEM rows _init _fini _edata _end __bss_start)
endif()
if(NOT rc EQUAL 0 OR NOT rows)
  message(FATAL_ERROR "could not list the exports of ${LIB}:\n${dump}")
endif()

set(bad "")
foreach(s IN LISTS rows)
  if(NOT s MATCHES "^xsock_" OR s MATCHES "^xsock__")
    list(APPEND bad ${s})
  endif()
endforeach()

file(READ "${HEADER}" header)
string(REGEX MATCHALL "XSOCK_API[^;(]*[^A-Za-z0-9_]xsock_[A-Za-z0-9_]+\\(" api "${header}")
list(TRANSFORM api REPLACE ".*[^A-Za-z0-9_](xsock_[A-Za-z0-9_]+)\\($" "\\1")
set(missing "")
foreach(f IN LISTS api)
  if(NOT f IN_LIST rows)
    list(APPEND missing ${f})
  endif()
endforeach()

list(LENGTH rows n)
if(bad OR missing)
  message(FATAL_ERROR "${LIB}:\n  exported but not public API: ${bad}\n"
                      "  public API not exported: ${missing}")
endif()
message(STATUS "${LIB}: exports ${n} symbols, all xsock_*, the whole public API")
