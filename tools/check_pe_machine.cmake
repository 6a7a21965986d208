# Fails unless FILE is a Windows program (PE) for the architecture the build
# says: i386 when pointers are 4 bytes (BITS=4), x86-64 or ARM64 when 8. It
# pins that the 32-bit Windows builds really run 32-bit programs.
#   cmake -DFILE=<exe or dll> -DBITS=<CMAKE_SIZEOF_VOID_P> -P tools/check_pe_machine.cmake
# (PE format, Microsoft Learn: e_lfanew at offset 0x3C; "PE\0\0", then Machine:
# IMAGE_FILE_MACHINE_I386 0x14c, _AMD64 0x8664, _ARM64 0xaa64.)
cmake_minimum_required(VERSION 3.16)

function(le_hex hex out) # little-endian hex bytes -> number
  string(LENGTH "${hex}" n)
  set(v 0)
  while(n GREATER 0)
    math(EXPR n "${n} - 2")
    string(SUBSTRING "${hex}" ${n} 2 byte)
    math(EXPR v "${v} * 256 + 0x${byte}")
  endwhile()
  set(${out} ${v} PARENT_SCOPE)
endfunction()

file(READ "${FILE}" mz LIMIT 2 HEX)
if(NOT mz STREQUAL "4d5a")
  message(FATAL_ERROR "${FILE}: not a Windows program (no MZ header)")
endif()
file(READ "${FILE}" hex LIMIT 4 OFFSET 60 HEX)
le_hex("${hex}" pe)
file(READ "${FILE}" hex LIMIT 6 OFFSET ${pe} HEX)
string(SUBSTRING "${hex}" 0 8 sig)
string(SUBSTRING "${hex}" 8 4 machine_le)
le_hex("${machine_le}" machine)
if(NOT sig STREQUAL "50450000")
  message(FATAL_ERROR "${FILE}: no PE signature at ${pe}")
endif()
if(BITS EQUAL 4)
  set(want "332") # 0x14c
elseif(BITS EQUAL 8)
  set(want "34404;43620") # 0x8664, 0xaa64
else()
  message(FATAL_ERROR "BITS=${BITS}: expected 4 or 8")
endif()
math(EXPR shown "${machine}" OUTPUT_FORMAT HEXADECIMAL)
if(NOT machine IN_LIST want)
  message(FATAL_ERROR "${FILE}: PE machine ${shown}, but this build has ${BITS}-byte pointers")
endif()
message(STATUS "${FILE}: PE machine ${shown}, ${BITS}-byte pointers")
