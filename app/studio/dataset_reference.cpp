#include "app/studio/dataset_reference.h"

#include "core/common/error.h"
#include "core/common/json_reader.h"

namespace sd::studio {

using nlohmann::json;

namespace {

json columnToJson(const data::ColumnRef& c) {
    return c.index >= 0 ? json{{"index", c.index}} : json{{"name", c.name}};
}

data::ColumnRef columnFromJson(const json& j, const std::string& where) {
    if (j.contains("index")) return data::ColumnRef::byIndex(jsonIndex(j["index"], where + ".index"));
    return data::ColumnRef::byName(j.at("name").get<std::string>());
}

json columnsToJson(const std::vector<data::ColumnRef>& cs) {
    json a = json::array();
    for (const auto& c : cs) a.push_back(columnToJson(c));
    return a;
}

std::vector<data::ColumnRef> columnsFromJson(const json& j, const std::string& key, const std::string& where) {
    std::vector<data::ColumnRef> out;
    if (j.contains(key))
        for (const auto& c : j[key]) out.push_back(columnFromJson(c, where + "." + key + "[" + std::to_string(out.size()) + "]"));
    return out;
}

const char* kindName(DatasetReference::Kind k) {
    switch (k) {
        case DatasetReference::Kind::Demo: return "demo";
        case DatasetReference::Kind::Registry: return "registry";
        case DatasetReference::Kind::File: return "file";
        case DatasetReference::Kind::None: break;
    }
    return "none";
}

}  // namespace

json csvMappingToJson(const data::CsvMapping& m) {
    json j;
    if (m.time) j["time"] = columnToJson(*m.time);
    if (m.trajectoryId) j["trajectory_id"] = columnToJson(*m.trajectoryId);
    j["states"] = columnsToJson(m.states);
    j["inputs"] = columnsToJson(m.inputs);
    j["outputs"] = columnsToJson(m.outputs);
    j["derivatives"] = columnsToJson(m.derivatives);
    j["dt"] = m.dt;
    j["t0"] = m.t0;
    j["delimiter"] = std::string(1, m.delimiter == 0 ? ',' : m.delimiter);
    return j;
}

data::CsvMapping csvMappingFromJson(const json& j, const std::string& where) {
    try {
        data::CsvMapping m;
        if (j.contains("time")) m.time = columnFromJson(j["time"], where + ".time");
        if (j.contains("trajectory_id")) m.trajectoryId = columnFromJson(j["trajectory_id"], where + ".trajectory_id");
        m.states = columnsFromJson(j, "states", where);
        m.inputs = columnsFromJson(j, "inputs", where);
        m.outputs = columnsFromJson(j, "outputs", where);
        m.derivatives = columnsFromJson(j, "derivatives", where);
        m.dt = j.value("dt", 0.0);
        m.t0 = j.value("t0", 0.0);
        const std::string d = j.value("delimiter", std::string(","));
        m.delimiter = d.empty() ? ',' : d[0];
        return m;
    } catch (const json::exception& e) {
        throw Error(where, e.what());
    }
}

json DatasetReference::toJson() const {
    json j{{"kind", kindName(kind)}};
    if (!name.empty()) j["name"] = name;
    if (!path.empty()) j["path"] = path;
    if (csvMapping) j["csv_mapping"] = csvMappingToJson(*csvMapping);
    return j;
}

DatasetReference DatasetReference::fromJson(const json& j, const std::string& where) {
    if (!j.is_object()) throw Error(where, "expected an object");
    DatasetReference r;
    const std::string kind = j.value("kind", "none");
    if (kind == "demo") r.kind = Kind::Demo;
    else if (kind == "registry") r.kind = Kind::Registry;
    else if (kind == "file") r.kind = Kind::File;
    else if (kind == "none") r.kind = Kind::None;
    else throw Error(where + ".kind", "expected demo, registry, file or none, found \"" + kind + "\"");
    r.name = j.value("name", "");
    r.path = j.value("path", "");
    if (j.contains("csv_mapping")) r.csvMapping = csvMappingFromJson(j["csv_mapping"], where + ".csv_mapping");
    return r;
}

std::string DatasetReference::describe() const {
    switch (kind) {
        case Kind::Demo: return "demo '" + name + "'";
        case Kind::Registry: return "registry '" + name + "'";
        case Kind::File: return path;
        case Kind::None: break;
    }
    return "no dataset";
}

}  // namespace sd::studio
