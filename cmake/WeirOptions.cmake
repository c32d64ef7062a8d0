# Interface targets every Weir target links: warnings and optional sanitizers.
add_library(weir_warnings INTERFACE)
add_library(weir::warnings ALIAS weir_warnings)
if(CMAKE_CXX_COMPILER_ID MATCHES "GNU|Clang")
    target_compile_options(weir_warnings INTERFACE -Wall -Wextra -Wpedantic -Wshadow
                                                   -Wnon-virtual-dtor -Woverloaded-virtual)
    if(WEIR_WERROR)
        target_compile_options(weir_warnings INTERFACE -Werror)
    endif()
endif()

add_library(weir_sanitizers INTERFACE)
add_library(weir::sanitizers ALIAS weir_sanitizers)
# WEIR_FUZZ: libFuzzer targets (tests/fuzz), clang only; instruments every Weir target with
# ASan+UBSan and fuzzer coverage.
option(WEIR_FUZZ "Build libFuzzer targets (clang; adds ASan+UBSan everywhere)" OFF)
if(WEIR_FUZZ)
    if(NOT CMAKE_CXX_COMPILER_ID MATCHES "Clang")
        message(FATAL_ERROR "WEIR_FUZZ needs clang: CC=clang CXX=clang++ cmake -DWEIR_FUZZ=ON ...")
    endif()
    target_compile_options(weir_sanitizers INTERFACE -fsanitize=fuzzer-no-link,address,undefined
                                                     -fno-omit-frame-pointer -g)
    target_link_options(weir_sanitizers INTERFACE -fsanitize=address,undefined)
endif()
if(WEIR_SANITIZE)
    # e.g. -DWEIR_SANITIZE=address,undefined or -DWEIR_SANITIZE=thread
    target_compile_options(weir_sanitizers INTERFACE -fsanitize=${WEIR_SANITIZE}
                                                     -fno-omit-frame-pointer -g)
    target_link_options(weir_sanitizers INTERFACE -fsanitize=${WEIR_SANITIZE})
endif()

# weir_core_library(<name> SOURCES ... DEPS ...): one static library per core sub-folder,
# public headers under core/<name>/include/weir/<name>/.
function(weir_core_library name)
    cmake_parse_arguments(ARG "" "" "SOURCES;DEPS;PRIVATE_DEPS" ${ARGN})
    add_library(weir_${name} STATIC ${ARG_SOURCES})
    add_library(weir::${name} ALIAS weir_${name})
    target_include_directories(weir_${name} PUBLIC
        $<BUILD_INTERFACE:${CMAKE_CURRENT_SOURCE_DIR}/include>)
    target_compile_features(weir_${name} PUBLIC cxx_std_17)
    target_link_libraries(weir_${name} PUBLIC ${ARG_DEPS}
                                       PRIVATE ${ARG_PRIVATE_DEPS} weir::warnings)
    target_link_libraries(weir_${name} PUBLIC weir::sanitizers)
    set_target_properties(weir_${name} PROPERTIES POSITION_INDEPENDENT_CODE ON)
endfunction()
