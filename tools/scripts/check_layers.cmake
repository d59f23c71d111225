# The layering check: reads the #include lines of sim/ and include/hbsim/ and fails when a file of one layer
# includes a header of a higher layer, when a file or an included hbsim header lies outside every layer, or
# when a known exception below no longer happens (so that the list only shrinks).
#   cmake -DSOURCE_DIR=<the source tree> -P check_layers.cmake   checks a tree
#   cmake -DSELF_TEST=<a scratch folder> -P check_layers.cmake    plants violations in a fake tree there and
#                                                                 fails unless exactly those are found
# CTest runs both (tests/CMakeLists.txt).

# Low to high: a layer may include its own headers and those of the layers before it. Exports, narration and
# summaries (views) read traces and judgements; the judges read scenarios' expectations and event references;
# the engine assembles a scenario into a run and runs it, owning its clocks, replicas and workloads; a scenario
# is made of processes, clocks, a network and replicated data; the data's replicas act through the kernel's
# events and read their clocks' stamps; the clocks stamp the kernel's events and are judged against the ground
# truth of happens-before (truth), which watches those events; the kernel is the run's vocabulary (events,
# observers, behaviours, physical clocks, delivery layers, NTP notes) and routes messages through the network,
# which knows processes only by number.
set(LAYERS core net kernel truth clocks data scenario engine judge trace views run)
list(JOIN LAYERS ", " LAYERS_TEXT)

# Known violations, "<file> -> <included header>", each to be removed here when it is fixed.
set(KNOWN_EXCEPTIONS)

# The layer of a path relative to the tree ("sim/kernel/x.cpp", "include/hbsim/net/y.hpp"), or "" if none.
function(layer_of path out)
  set(layer "")
  if(path MATCHES "^(sim|include/hbsim)/([^/]+)/")
    list(FIND LAYERS "${CMAKE_MATCH_2}" rank)
    if(rank GREATER_EQUAL 0)
      set(layer "${CMAKE_MATCH_2}")
    endif()
  endif()
  set(${out} "${layer}" PARENT_SCOPE)
endfunction()

# The layer a header included by `file` belongs to: "" for a system or library header and for a header
# next to the file, "?" for an hbsim header outside every layer.
function(included_layer root file header out)
  set(layer "")
  if(header MATCHES "^\\.")  # relative: ../kernel/x.hpp
    get_filename_component(dir "${root}/${file}" DIRECTORY)
    get_filename_component(resolved "${dir}/${header}" ABSOLUTE)
    file(RELATIVE_PATH relative "${root}" "${resolved}")
    layer_of("${relative}" layer)
    if(layer STREQUAL "")
      set(layer "?")
    endif()
  elseif(header MATCHES "^hbsim/([^/]+)/")  # public
    set(layer "${CMAKE_MATCH_1}")
    list(FIND LAYERS "${layer}" rank)
    if(rank LESS 0)
      set(layer "?")
    endif()
  elseif(header MATCHES "^([^/]+)/")  # private, from sim/; or a library's (nlohmann/json.hpp)
    list(FIND LAYERS "${CMAKE_MATCH_1}" rank)
    if(rank GREATER_EQUAL 0)
      set(layer "${CMAKE_MATCH_1}")
    endif()
  endif()
  set(${out} "${layer}" PARENT_SCOPE)
endfunction()

# Every problem of the tree at `root`, one string each, sorted.
function(check_tree root exceptions out)
  set(problems "")
  set(used "")
  file(GLOB_RECURSE files RELATIVE "${root}" "${root}/sim/*" "${root}/include/hbsim/*")
  list(SORT files)
  foreach(file IN LISTS files)
    if(NOT file MATCHES "\\.(cpp|hpp|h|cc|ipp|inc)$")
      continue()
    endif()
    layer_of("${file}" layer)
    if(layer STREQUAL "")
      list(APPEND problems "${file}: in no layer (layers: ${LAYERS_TEXT})")
      continue()
    endif()
    list(FIND LAYERS "${layer}" rank)
    file(STRINGS "${root}/${file}" lines REGEX "^[ \t]*#[ \t]*include[ \t]*[<\"]")
    foreach(line IN LISTS lines)
      string(REGEX REPLACE "^[ \t]*#[ \t]*include[ \t]*[<\"]([^>\"]*)[>\"].*$" "\\1" header "${line}")
      included_layer("${root}" "${file}" "${header}" target)
      if(target STREQUAL "")
        continue()
      elseif(target STREQUAL "?")
        list(APPEND problems "${file}: includes ${header}, in no layer")
        continue()
      endif()
      list(FIND LAYERS "${target}" target_rank)
      if(target_rank LESS_EQUAL rank)
        continue()
      endif()
      set(edge "${file} -> ${header}")
      list(FIND exceptions "${edge}" known)
      if(known GREATER_EQUAL 0)
        list(APPEND used "${edge}")
      else()
        list(APPEND problems "${file}: ${layer} includes ${header}, of the higher layer ${target}")
      endif()
    endforeach()
  endforeach()
  foreach(edge IN LISTS exceptions)
    list(FIND used "${edge}" seen)
    if(seen LESS 0)
      list(APPEND problems "known exception no longer happens, remove it from KNOWN_EXCEPTIONS: ${edge}")
    endif()
  endforeach()
  list(SORT problems)
  set(${out} "${problems}" PARENT_SCOPE)
endfunction()

function(plant root file text)
  file(WRITE "${root}/${file}" "${text}")
endfunction()

if(DEFINED SELF_TEST)
  set(root "${SELF_TEST}/layers-self-test")
  file(REMOVE_RECURSE "${root}")
  plant("${root}" "sim/core/a.cpp" "#include <vector>\n#include \"hbsim/core/time.hpp\"\n#include \"hbsim/views/summary.hpp\"\n")
  plant("${root}" "include/hbsim/judge/b.hpp"
        "// #include \"hbsim/run/runner.hpp\"\n#include \"hbsim/kernel/event.hpp\"\n#include <nlohmann/json.hpp>\n")
  plant("${root}" "sim/views/c.cpp" "  #  include \"../run/runner.hpp\"\n#include \"export_text.hpp\"\n")
  plant("${root}" "sim/kernel/d.cpp" "#include \"kernel/clock_lending.hpp\"\n#include \"scenario/scenario_reader.hpp\"\n")
  plant("${root}" "sim/net/network.cpp" "#include \"hbsim/kernel/event.hpp\"\n")
  plant("${root}" "sim/extra/e.cpp" "int e;\n")
  plant("${root}" "include/hbsim/net/f.hpp" "#include \"hbsim/gui/window.hpp\"\n")
  check_tree("${root}" "sim/net/network.cpp -> hbsim/kernel/event.hpp;sim/core/gone.cpp -> hbsim/run/runner.hpp"
             found)
  set(expected
      "include/hbsim/net/f.hpp: includes hbsim/gui/window.hpp, in no layer"
      "known exception no longer happens, remove it from KNOWN_EXCEPTIONS: sim/core/gone.cpp -> hbsim/run/runner.hpp"
      "sim/core/a.cpp: core includes hbsim/views/summary.hpp, of the higher layer views"
      "sim/extra/e.cpp: in no layer (layers: ${LAYERS_TEXT})"
      "sim/kernel/d.cpp: kernel includes scenario/scenario_reader.hpp, of the higher layer scenario"
      "sim/views/c.cpp: views includes ../run/runner.hpp, of the higher layer run")
  list(SORT expected)
  file(REMOVE_RECURSE "${root}")
  if(NOT found STREQUAL expected)
    list(JOIN found "\n  " found_text)
    list(JOIN expected "\n  " expected_text)
    message(FATAL_ERROR "the layering check found\n  ${found_text}\nin its planted tree, expected\n  ${expected_text}")
  endif()
  list(LENGTH expected count)
  message(STATUS "the layering check found exactly the ${count} planted problems")
  return()
endif()

if(NOT DEFINED SOURCE_DIR)
  message(FATAL_ERROR "usage: cmake -DSOURCE_DIR=<tree> -P check_layers.cmake, or -DSELF_TEST=<scratch folder>")
endif()
check_tree("${SOURCE_DIR}" "${KNOWN_EXCEPTIONS}" problems)
if(problems)
  list(JOIN problems "\n  " text)
  message(FATAL_ERROR "layering (low to high: ${LAYERS_TEXT}):\n  ${text}")
endif()
list(LENGTH KNOWN_EXCEPTIONS known)
if(known EQUAL 0)
  message(STATUS "layering ok: no layer includes a higher one")
else()
  message(STATUS "layering ok: no layer includes a higher one, besides the ${known} known exceptions")
endif()
