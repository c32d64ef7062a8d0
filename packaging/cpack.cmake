# SPDX-License-Identifier: GPL-3.0-or-later
# CPack: one Debian package, `weir`, from this build tree's install rules.
#   cmake --build build --target package      (or: cd build && cpack -G DEB)
# Depends is filled in by dpkg-shlibdeps (dpkg-dev) from the linked shared libraries.

set(CPACK_GENERATOR DEB)
set(CPACK_PACKAGE_NAME weir)
set(CPACK_PACKAGE_VENDOR "The Weir developers")
set(CPACK_PACKAGE_CONTACT "${WEIR_PACKAGE_MAINTAINER}")
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "${PROJECT_DESCRIPTION}")
set(CPACK_PACKAGE_HOMEPAGE_URL "${PROJECT_HOMEPAGE_URL}")
set(CPACK_RESOURCE_FILE_LICENSE ${PROJECT_SOURCE_DIR}/LICENSE)
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
set(CPACK_STRIP_FILES ON)

set(CPACK_DEBIAN_PACKAGE_NAME weir)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_RELEASE ${WEIR_DEB_RELEASE}) # Version: PROJECT_VERSION-RELEASE
set(CPACK_DEBIAN_PACKAGE_MAINTAINER "${WEIR_PACKAGE_MAINTAINER}")
set(CPACK_DEBIAN_PACKAGE_SECTION utils)
set(CPACK_DEBIAN_PACKAGE_PRIORITY optional)
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
set(CPACK_DEBIAN_PACKAGE_CONTROL_STRICT_PERMISSION ON)
# The extended description; CPack puts CPACK_PACKAGE_DESCRIPTION_SUMMARY before it as the synopsis.
set(CPACK_DEBIAN_PACKAGE_DESCRIPTION
    "Weir follows log files, Kafka topics and MQTT brokers, parses every message
(web access logs, JSON, CSV and more), aggregates it in event-time windows and
shows live charts, a filterable log table and alerts.

The package holds the Qt desktop application, weir, and its headless twin,
weir-cli, for scripts and servers.")
if(WEIR_BUILD_GUI)
    # dpkg-shlibdeps finds the linked libraries (Qt, QtKeychain, ...). The SVG icon engine is a
    # plugin loaded at run time, shipped by libqt5svg5, which weir links (ui/ uses Qt5::Svg):
    # shlibdeps lists it already (naming it here too listed it twice). A Secret Service or
    # KWallet keeps passwords; without one Weir asks for them each time.
    set(CPACK_DEBIAN_PACKAGE_SUGGESTS "gnome-keyring | kwalletmanager")
endif()
if(NOT WEIR_BUILD_GUI)
    set(CPACK_DEBIAN_PACKAGE_DESCRIPTION
        "Weir follows log files, parses every message and aggregates it in event-time
windows. This build holds only the headless command-line program, weir-cli.")
endif()

include(CPack)
