# SiteManifest.cmake: stamps the built site's service worker with the site's version.
#
#   cmake -DSITE_DIR=build/wasm/site -DTEMPLATE=site/sw.js -P cmake/SiteManifest.cmake
#
# Writes SITE_DIR/sw.js from TEMPLATE with
#   const VERSION = '<first 16 hex digits of a SHA-256 over every file's path and SHA-256>';
#   const FILES = [<the page's own files: index.html, css, js, nn.js, nn.wasm, icons>];
# so that any change to any file of the site (page, module or model) changes sw.js, and
# browsers replace their cached copy of the site. Run by the build after the site is
# copied and the module linked; run it again by hand after changing a built site's files.
foreach(var SITE_DIR TEMPLATE)
  if(NOT DEFINED ${var})
    message(FATAL_ERROR "SiteManifest.cmake: pass -D${var}=...")
  endif()
endforeach()

# GLOB's RELATIVE needs an absolute folder (a relative one lists nothing).
get_filename_component(SITE_DIR "${SITE_DIR}" ABSOLUTE)
get_filename_component(TEMPLATE "${TEMPLATE}" ABSOLUTE)
if(NOT EXISTS "${SITE_DIR}/index.html")
  message(FATAL_ERROR "SiteManifest.cmake: ${SITE_DIR}: no index.html (is it the built site?)")
endif()
file(GLOB_RECURSE files LIST_DIRECTORIES false RELATIVE "${SITE_DIR}" "${SITE_DIR}/*")
list(SORT files)
set(listing "")
set(shell "")
foreach(f IN LISTS files)
  if(f STREQUAL "sw.js" OR f MATCHES "\\.tmp$")
    continue()
  endif()
  file(SHA256 "${SITE_DIR}/${f}" hash)
  string(APPEND listing "${f} ${hash}\n")
  # The page's own files (the model is found by the worker at install time); not
  # js/package.json, which only tells Node that js/ holds ES modules.
  if(f MATCHES "^(index\\.html|manifest\\.webmanifest|nn\\.js|nn\\.wasm|(css|js|icons)/[^/]+)$"
     AND NOT f STREQUAL "js/package.json")
    list(APPEND shell "'${f}'")
  endif()
endforeach()
string(SHA256 version "${listing}")
string(SUBSTRING "${version}" 0 16 version)
list(JOIN shell ", " shell)

file(READ "${TEMPLATE}" text)
foreach(marker "const VERSION = 'dev';" "const FILES = [];")
  string(FIND "${text}" "${marker}" at)
  if(at EQUAL -1)
    message(FATAL_ERROR "SiteManifest.cmake: ${TEMPLATE} has no line \"${marker}\" to fill in")
  endif()
endforeach()
string(REPLACE "const VERSION = 'dev';" "const VERSION = '${version}';" text "${text}")
string(REPLACE "const FILES = [];" "const FILES = [${shell}];" text "${text}")
# Written beside, then renamed: a server never sends a half-written worker.
file(WRITE "${SITE_DIR}/sw.js.tmp" "${text}")
file(RENAME "${SITE_DIR}/sw.js.tmp" "${SITE_DIR}/sw.js")
message(STATUS "site version ${version}: ${SITE_DIR}/sw.js")
