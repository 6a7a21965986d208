# The examples' end-to-end tests: test_driver.c runs every client/server
# pair as examples.<test>, soak_driver.c the echo servers under load as
# soak.<server>.<test> (under Wine for a cross build: the drivers are then
# Windows programs too). Included by examples/CMakeLists.txt, so that the
# drivers are built beside the programs they start; xsock_example() is
# defined there.
# The driver finds the programs next to itself.
xsock_example(examples_test_driver ${CMAKE_CURRENT_LIST_DIR}/test_driver.c)
add_dependencies(examples_test_driver ${XSOCK_EXAMPLE_PROGRAMS})
if(CMAKE_CROSSCOMPILING)
  set(timeout 180) # Wine: about 2 s to start each process
else()
  set(timeout 60)
endif()
foreach(test cs hello echo_server echo_server_threads echo_server_poll
             echo_server_threads_50 echo_server_poll_50 echo_server_poll_crowd
             chat_room lobby lobby_by_name lobby_fallback
             udp udp_lost usage busy_port port_as_given nul_bytes long_lines)
  add_test(NAME examples.${test} COMMAND examples_test_driver ${test})
  set_tests_properties(examples.${test} PROPERTIES TIMEOUT ${timeout})
endforeach()
# The lobby between a native program and a Windows one under Wine (issue
# 14): a Windows build given XSOCK_NATIVE_EXAMPLES (the native build's
# examples directory; test.sh passes it) runs the native driver, which starts
# a native chat_server and this build's chat_client.exe under Wine
# (lobby_wine_client), and the other way round (lobby_wine_server).
set(XSOCK_NATIVE_EXAMPLES "" CACHE PATH "A Windows build: the native build's examples directory")
if(WIN32 AND CMAKE_CROSSCOMPILING_EMULATOR AND XSOCK_NATIVE_EXAMPLES)
  foreach(test lobby_wine_client lobby_wine_server)
    add_test(NAME examples.${test}
             COMMAND ${XSOCK_NATIVE_EXAMPLES}/examples_test_driver ${test}
                     ${CMAKE_CROSSCOMPILING_EMULATOR} $<TARGET_FILE_DIR:chat_client>)
    set_tests_properties(examples.${test} PROPERTIES TIMEOUT ${timeout})
  endforeach()
endif()
include(${CMAKE_CURRENT_LIST_DIR}/soak.cmake) # the echo servers under load
if(CMAKE_CROSSCOMPILING_EMULATOR AND NOT WIN32)
  # The drivers start the examples under the emulator too (test_driver.c).
  string(REPLACE ";" " " emulator "${CMAKE_CROSSCOMPILING_EMULATOR}")
  get_directory_property(driver_tests TESTS)
  set_tests_properties(${driver_tests} PROPERTIES ENVIRONMENT "XSOCK_TEST_EMULATOR=${emulator}")
  # A chat_server announces on the loopback (IP_MULTICAST_IF), which qemu-user
  # 7.2 does not translate (as for mcast.*, tests/CMakeLists.txt): it says
  # "no lobby" and serves, so no client finds its room. examples.lobby_fallback,
  # which needs no announcement, still runs.
  set_tests_properties(examples.lobby examples.lobby_by_name PROPERTIES DISABLED TRUE)
endif()
