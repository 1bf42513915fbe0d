#pragma once
// DatasetReference — how the current dataset was obtained, so a session can load it again:
// the bundled demo, a registry entry by name, or a file (with the CSV column mapping when it is a CSV).
#include "core/data/csv.h"

#include <nlohmann/json.hpp>
#include <optional>
#include <string>

namespace sd::studio {

struct DatasetReference {
    enum class Kind { None, Demo, Registry, File };
    Kind kind = Kind::None;
    std::string name;                        ///< demo or registry name
    std::string path;                        ///< file path (Kind::File)
    std::optional<data::CsvMapping> csvMapping;

    nlohmann::json toJson() const;
    /// Throws sd::Error at `where` + the field on malformed input (sessions pass "<file>: dataset").
    static DatasetReference fromJson(const nlohmann::json& j, const std::string& where = "session: dataset");
    std::string describe() const;            ///< "demo 'damped-pendulum'", "file /x/y.csv", …
};

nlohmann::json csvMappingToJson(const data::CsvMapping& m);
data::CsvMapping csvMappingFromJson(const nlohmann::json& j, const std::string& where = "session: dataset.csv_mapping");

}  // namespace sd::studio
