# The size check: no source file of sim/, include/hbsim/ or tools/ over MAX_FILE_LINES lines, no function over
# MAX_FUNCTION_LINES lines (tests/ is exempt: a test file grows with its cases). Fails on an offender not among
# the known ones below, and on a known one that no longer offends (so that the list only shrinks).
#   cmake -DSOURCE_DIR=<the source tree> -P check_sizes.cmake   checks a tree
#   cmake -DLIST=<the source tree> -P check_sizes.cmake         lists every file and function over the limits
#   cmake -DSELF_TEST=<a scratch folder> -P check_sizes.cmake    plants offenders in a fake tree there and fails
#                                                                unless exactly those are found
# CTest runs the check and the self-test (tests/CMakeLists.txt).
#
# A function is found by counting braces, not by parsing C++: comments, string and character literals (raw
# strings too) and preprocessor lines are blanked first; then a `{` at namespace or class scope opens a function
# body when the text before it, since the last `;`, `{` or `}`, has a `(` with no `=` before it (`operator=`
# aside), or is a lambda assigned at namespace scope (`= [...](...) {`). A constructor's braced member
# initializers (`: a_{x}, b_(y) {`) belong to its header. A function's lines run from the first line of that
# text (its `template <...>` line, if any) to its closing brace; lambdas and local classes count in the
# function that holds them.
cmake_minimum_required(VERSION 3.20)
set(MAX_FILE_LINES 600)
set(MAX_FUNCTION_LINES 80)

# Known offenders, "<file>" or "<file>: <function>", each to be removed here when it is fixed.
set(KNOWN_OFFENDERS
    # Being rewritten on another branch.
    "sim/judge/clock_report.cpp"
    "sim/judge/clock_report.cpp: clock_report::on_event")

# Blanks what is not code in one line of `text` (comments, literals, preprocessor lines), keeping the line's
# place. `state` carries a block comment or raw string across lines: "" (code), "*/" or ")delim\"".
function(code_of line state_var out)
  set(state "${${state_var}}")
  set(code "")
  set(rest "${line}")
  if(state STREQUAL "" AND rest MATCHES "^[ \t]*#")
    set(rest "")
    if(line MATCHES "\\\\$")
      set(state "\\")  # a preprocessor line continued on the next
    endif()
  elseif(state STREQUAL "\\")
    set(rest "")
    if(NOT line MATCHES "\\\\$")
      set(state "")
    endif()
  endif()
  while(NOT rest STREQUAL "")
    if(NOT state STREQUAL "")
      string(FIND "${rest}" "${state}" at)
      if(at LESS 0)
        set(rest "")
      else()
        string(LENGTH "${state}" skip)
        math(EXPR at "${at} + ${skip}")
        string(SUBSTRING "${rest}" ${at} -1 rest)
        set(state "")
        string(APPEND code " ")
      endif()
      continue()
    endif()
    if(rest MATCHES "^R\"([^( ]*)\\(")
      set(state ")${CMAKE_MATCH_1}\"")
      string(LENGTH "${CMAKE_MATCH_0}" skip)
    elseif(rest MATCHES "^/\\*")
      set(state "*/")
      set(skip 2)
    elseif(rest MATCHES "^//")
      break()
    elseif(rest MATCHES "^\"([^\"\\\\]|\\\\.)*\"")  # (a failed MATCHES clears CMAKE_MATCH_0: one per branch)
      string(LENGTH "${CMAKE_MATCH_0}" skip)
      string(APPEND code " ")
    elseif(rest MATCHES "^'([^'\\\\]|\\\\.)*'")
      string(LENGTH "${CMAKE_MATCH_0}" skip)
      string(APPEND code " ")
    elseif(rest MATCHES "^([^\"'/R]|R[^\"]|/[^/*\"'])+")
      string(LENGTH "${CMAKE_MATCH_0}" skip)
      string(APPEND code "${CMAKE_MATCH_0}")
    else()
      string(SUBSTRING "${rest}" 0 1 first)
      set(skip 1)
      string(APPEND code "${first}")
    endif()
    string(SUBSTRING "${rest}" ${skip} -1 rest)
  endwhile()
  set(${state_var} "${state}" PARENT_SCOPE)
  set(${out} "${code}" PARENT_SCOPE)
endfunction()

# What a `{` at namespace or class scope opens, from the text before it: "function", "scope" (a namespace, a
# class, `extern "C"`), "member" (a constructor's braced member initializer) or "other" (an enum, an initializer).
function(opened_by header out)
  string(REGEX REPLACE "[ \t]+" " " h "${header}")
  set(kind "other")
  if(h MATCHES "\\)[ a-z]*:([^:]|$)" AND h MATCHES "[A-Za-z0-9_>] ?$")
    set(kind "member")
  elseif(h MATCHES "(^|[^A-Za-z0-9_])operator([^A-Za-z0-9_]|$)")
    set(kind "function")
  elseif(h MATCHES "^ ?(namespace|extern)([^A-Za-z0-9_]|$)")
    set(kind "scope")
  elseif(h MATCHES "\\(")
    string(REGEX REPLACE "\\(.*$" "" before "${h}")
    if(before MATCHES "=")
      if(h MATCHES "= ?`")  # `[` reads "`" here: a lambda assigned at namespace scope
        set(kind "function")
      endif()
    else()
      set(kind "function")
    endif()
  elseif(h MATCHES "(^|[^A-Za-z0-9_])(class|struct|union)([^A-Za-z0-9_]|$)")
    set(kind "scope")
  endif()
  set(${out} "${kind}" PARENT_SCOPE)
endfunction()

# The name of the function a header declares: the qualified name before its parameters.
function(function_name header out)
  string(REGEX REPLACE "[ \t]+" " " h "${header}")
  if(h MATCHES "(operator ?\\(\\)|operator[^(]+)")
    set(name "${CMAKE_MATCH_1}")
  elseif(h MATCHES "([A-Za-z_~][A-Za-z0-9_:~]*) ?\\(")
    set(name "${CMAKE_MATCH_1}")
  else()
    set(name "(lambda)")
  endif()
  string(STRIP "${name}" name)
  set(${out} "${name}" PARENT_SCOPE)
endfunction()

# Every offender of one file, "<file>: <n> lines" or "<file>: <function>: <n> lines (line <k>)", into `out`.
function(check_file root file out)
  set(found "")
  file(READ "${root}/${file}" text)
  # CMake lists split on ';' and group on '[ ]': neither matters to braces, so both are replaced.
  string(REPLACE ";" "@" text "${text}")
  string(REPLACE "[" "`" text "${text}")
  string(REPLACE "]" "$" text "${text}")
  string(REPLACE "\n" ";" lines "${text}")
  list(LENGTH lines count)
  if(text MATCHES "\n$")
    math(EXPR count "${count} - 1")
  endif()
  if(count GREATER MAX_FILE_LINES)
    list(APPEND found "${file}: ${count} lines")
  endif()
  set(state "")
  set(depth 0)        # braces open inside the function or other body being skipped
  set(body "")        # what that body is: "function", "member", "other"; "" at namespace or class scope
  set(header "")
  set(header_line 0)
  set(number 0)
  foreach(line IN LISTS lines)
    math(EXPR number "${number} + 1")
    code_of("${line}" state code)
    string(REGEX MATCHALL "[{}@]|[^{}@]+" parts "${code}")
    foreach(part IN LISTS parts)
      if(NOT body STREQUAL "")
        if(part STREQUAL "{")
          math(EXPR depth "${depth} + 1")
        elseif(part STREQUAL "}")
          math(EXPR depth "${depth} - 1")
          if(depth EQUAL 0)
            if(body STREQUAL "function")
              math(EXPR length "${number} - ${header_line} + 1")
              if(length GREATER MAX_FUNCTION_LINES)
                function_name("${header}" name)
                list(APPEND found "${file}: ${name}: ${length} lines (line ${header_line})")
              endif()
            endif()
            if(NOT body STREQUAL "member")
              set(header "")
            else()
              string(APPEND header "{}")
            endif()
            set(body "")
          endif()
        endif()
      elseif(part STREQUAL "{")
        opened_by("${header}" kind)
        if(kind STREQUAL "scope")
          set(header "")
        else()
          set(body "${kind}")
          set(depth 1)
        endif()
      elseif(part STREQUAL "}" OR part STREQUAL "@")
        set(header "")
      elseif(part MATCHES "[^ \t\r]")
        if(header STREQUAL "")
          set(header_line ${number})
        endif()
        string(APPEND header " ${part}")
        # An access specifier starts the next declaration.
        if(header MATCHES "(public|private|protected) *:([^:]|$)")
          string(REGEX REPLACE "^.*(public|private|protected) *:" "" header "${header}")
          if(NOT header MATCHES "[^ \t\r]")
            set(header "")
          endif()
        endif()
      endif()
    endforeach()
  endforeach()
  set(${out} "${found}" PARENT_SCOPE)
endfunction()

# Every offender of the tree at `root`, sorted; with `exceptions`, those not known and the known ones gone.
function(check_tree root exceptions out)
  file(GLOB_RECURSE files RELATIVE "${root}" "${root}/sim/*" "${root}/include/hbsim/*" "${root}/tools/*")
  list(SORT files)
  set(problems "")
  set(known_seen "")
  foreach(file IN LISTS files)
    if(NOT file MATCHES "\\.(cpp|hpp|h|cc|ipp|inc|hpp\\.in)$")
      continue()
    endif()
    check_file("${root}" "${file}" found)
    foreach(f IN LISTS found)
      string(REGEX REPLACE ": [0-9]+ lines.*$" "" key "${f}")
      list(FIND exceptions "${key}" known)
      if(known GREATER_EQUAL 0)
        list(APPEND known_seen "${key}")
      else()
        list(APPEND problems "${f}")
      endif()
    endforeach()
  endforeach()
  foreach(key IN LISTS exceptions)
    list(FIND known_seen "${key}" seen)
    if(seen LESS 0)
      list(APPEND problems "known offender no longer offends, remove it from KNOWN_OFFENDERS: ${key}")
    endif()
  endforeach()
  list(SORT problems)
  set(${out} "${problems}" PARENT_SCOPE)
endfunction()

# `count` lines of filler statements, as text.
function(filler count out)
  string(REPEAT "  x = x + 1;\n" ${count} text)
  set(${out} "${text}" PARENT_SCOPE)
endfunction()

if(DEFINED SELF_TEST)
  set(root "${SELF_TEST}/sizes-self-test")
  file(REMOVE_RECURSE "${root}")
  filler(77 short)  # a function of 80 lines with its header, return and closing brace: allowed
  filler(78 long)   # one of 81 or more: reported
  filler(601 many)
  # Each long function of a.cpp is reported from its first line; the short ones, the braces in literals and
  # comments, the member initializers and the namespace and class scopes around them are not.
  file(WRITE "${root}/sim/core/a.cpp"
       "#include <x>\nnamespace n {\nnamespace {\nconst char* s = \"{{{\"; // }\n}\n"
       "template <class T>\nint long_one(T x) {\n${long}  return x;\n}\n"
       "int short_one(int x) {\n${short}  /* } */ return x;\n}\n"
       "struct c : base {\n  int y{0};\n  c(int x) : y{x}, z_(x) {\n${short}  }\n"
       " private:\n  void method() const {\n    auto l = [&] { return '}'; };\n${long}  }\n};\n"
       "auto lambda = [](int x) {\n${long}  return x;\n};\n"
       "const char* raw = R\"(\n}}}\n)\";\nenum class e { a, b };\n}  // namespace n\n")
  file(WRITE "${root}/include/hbsim/core/b.hpp" "${many}")
  file(WRITE "${root}/tools/c.cpp" "${many}")
  file(WRITE "${root}/tests/test_d.cpp" "${many}void f() {\n${long}}\n")
  check_tree("${root}" "tools/c.cpp;sim/core/gone.cpp: f" found)
  set(expected
      "include/hbsim/core/b.hpp: 601 lines"
      "known offender no longer offends, remove it from KNOWN_OFFENDERS: sim/core/gone.cpp: f"
      "sim/core/a.cpp: long_one: 82 lines (line 6)"
      "sim/core/a.cpp: method: 81 lines (line 250)"
      "sim/core/a.cpp: (lambda): 81 lines (line 332)")
  list(SORT expected)
  file(REMOVE_RECURSE "${root}")
  if(NOT found STREQUAL expected)
    list(JOIN found "\n  " found_text)
    list(JOIN expected "\n  " expected_text)
    message(FATAL_ERROR "the size check found\n  ${found_text}\nin its planted tree, expected\n  ${expected_text}")
  endif()
  list(LENGTH expected count)
  message(STATUS "the size check found exactly the ${count} planted problems")
  return()
endif()

if(DEFINED LIST)
  get_filename_component(LIST "${LIST}" ABSOLUTE)
  check_tree("${LIST}" "" everything)
  list(JOIN everything "\n" text)
  message("${text}")
  return()
endif()

if(NOT DEFINED SOURCE_DIR)
  message(FATAL_ERROR "usage: cmake -DSOURCE_DIR=<tree> -P check_sizes.cmake, -DLIST=<tree>, or -DSELF_TEST=<scratch folder>")
endif()
check_tree("${SOURCE_DIR}" "${KNOWN_OFFENDERS}" problems)
if(problems)
  list(JOIN problems "\n  " text)
  message(FATAL_ERROR "over ${MAX_FILE_LINES} lines a file or ${MAX_FUNCTION_LINES} a function:\n  ${text}")
endif()
list(LENGTH KNOWN_OFFENDERS known)
message(STATUS "sizes ok: no file over ${MAX_FILE_LINES} lines, no function over ${MAX_FUNCTION_LINES}, besides the ${known} known offenders")
