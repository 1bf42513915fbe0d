#pragma once
// The module's plugin host: one sd::model::PluginHost per process, scanned on first use.
//
// Where plugins are looked for, in order (the first library with a given Id wins; later ones are
// reported by stabledyn.plugin_failures() as duplicates):
//   1. folders given to stabledyn.add_plugin_dir() before the first use;
//   2. $STABLEDYN_PLUGIN_PATH (':'-separated);
//   3. the install folder <prefix>/lib/stabledyn/plugins and the build tree's plugin folder (compiled in);
//   4. beside the module: <module dir>/../plugins and <module dir>/plugins (a build tree keeps the module
//      in <build>/python and the plugins in <build>/plugins; an install keeps them in
//      <prefix>/lib/stabledyn/{python,plugins}).
// add_plugin_dir() after the first use scans that folder at once.
#include "core/model/plugin_host.h"

#include <filesystem>
#include <vector>

namespace sd::py {

/// The scanned host (created and scanned on the first call).
model::PluginHost& pluginHost();
/// Adds a folder: remembered for the first scan, or scanned now if the host already exists.
void addPluginDir(const std::filesystem::path& dir);
/// Every folder searched, in order.
std::vector<std::filesystem::path> pluginSearchPath();

}  // namespace sd::py
