# SPDX-License-Identifier: GPL-3.0-or-later
# Message-bus tests (issue 5): real mosquitto, the librdkafka mock cluster, kcat, weir-cli.
# Included from tests/core/source/CMakeLists.txt.
foreach(t mqtt_source kafka_source kafka_engine_ack mqtt_kafka_same_answer
        kafka_partition_watermark recording kafka_group
        source_connections)
    weir_add_gtest(test_${t} SOURCES ${CMAKE_CURRENT_LIST_DIR}/test_${t}.cpp
                   LIBS weir::engine weir::source Threads::Threads
                   LABELS "core;bus" TIMEOUT 240)
    target_include_directories(test_${t} PRIVATE ${CMAKE_CURRENT_LIST_DIR}/../../fixtures)
    target_compile_definitions(test_${t} PRIVATE
                               WEIR_KAFKA_MOCK_PATH="$<TARGET_FILE:weir-kafka-mock>")
    add_dependencies(test_${t} weir-cli weir-kafka-mock)
endforeach()
weir_add_gtest(test_provenance_fields SOURCES ${CMAKE_CURRENT_LIST_DIR}/test_provenance_fields.cpp
               LIBS weir::engine weir::source weir::query weir::export Threads::Threads
               LABELS "core;bus")
