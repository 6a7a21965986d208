# The concurrent echo servers under load (soak_driver.c), for CTest:
# soak.<server>.<test>. Included by examples.cmake beside it.
# The driver compiles in test_driver.c's process code and counts the
# server's descriptors with tests/open_handles.h.
xsock_example(examples_soak_driver ${CMAKE_CURRENT_LIST_DIR}/soak_driver.c)
target_include_directories(examples_soak_driver PRIVATE ${PROJECT_SOURCE_DIR}/tests)
add_dependencies(examples_soak_driver echo_server_threads echo_server_poll)
if(CMAKE_CROSSCOMPILING)
  set(soak_timeout 300) # Wine: smaller counts, but every call is slower
else()
  set(soak_timeout 180)
endif()
foreach(server echo_server_threads echo_server_poll)
  foreach(test cycles crowd misbehaving slow_reader)
    add_test(NAME soak.${server}.${test} COMMAND examples_soak_driver ${server} ${test})
    set_tests_properties(soak.${server}.${test} PROPERTIES TIMEOUT ${soak_timeout})
  endforeach()
endforeach()
if(CMAKE_CROSSCOMPILING AND WIN32)
  # 2,000 clients at once under Wine (issue 12): about 2 minutes with the
  # select backend on this shared 2-core machine; wineserver then holds
  # some 4,000 sockets, so it needs `ulimit -n` above that where it starts.
  set_tests_properties(soak.echo_server_poll.crowd PROPERTIES TIMEOUT 600)
endif()
