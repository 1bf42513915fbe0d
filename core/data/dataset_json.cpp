#include "core/data/dataset_json.h"

#include "core/common/atomic_file.h"
#include "core/common/error.h"
#include "core/common/json_reader.h"
#include "core/data/dataset_validate.h"
#include "core/data/hashing.h"

#include <cmath>
#include <set>

namespace sd::data {

using nlohmann::json;

namespace {

json matrixToJson(const Eigen::MatrixXd& m) {
    json rows = json::array();
    for (Eigen::Index r = 0; r < m.rows(); ++r) {
        json row = json::array();
        for (Eigen::Index c = 0; c < m.cols(); ++c) row.push_back(m(r, c));
        rows.push_back(std::move(row));
    }
    return rows;
}

std::string typeName(const json& j) {
    if (j.is_null()) return "null";
    return j.type_name();
}

// Reads JSON fields with errors that name the field path.
class Reader {
public:
    explicit Reader(std::string where) : where_(std::move(where)) {}

    [[noreturn]] void fail(const std::string& field, const std::string& what) const {
        throw Error(where_ + ": " + field, what);
    }
    double number(const json& j, const std::string& field) const {
        if (!j.is_number())
            fail(field, "expected a number, found " + typeName(j) + (j.is_null() ? " (NaN/Inf are not allowed)" : ""));
        const double v = j.get<double>();
        if (!std::isfinite(v)) fail(field, "expected a finite number");
        return v;
    }
    std::string string(const json& j, const std::string& field) const {
        if (!j.is_string()) fail(field, "expected a string, found " + typeName(j));
        return j.get<std::string>();
    }
    const json& array(const json& j, const std::string& field) const {
        if (!j.is_array()) fail(field, "expected an array, found " + typeName(j));
        return j;
    }
    std::vector<std::string> strings(const json& obj, const char* key) const {
        std::vector<std::string> out;
        if (!obj.contains(key)) return out;
        const json& a = array(obj.at(key), key);
        for (std::size_t i = 0; i < a.size(); ++i) out.push_back(string(a[i], std::string(key) + "[" + std::to_string(i) + "]"));
        return out;
    }
    Eigen::VectorXd vector(const json& j, const std::string& field) const {
        const json& a = array(j, field);
        Eigen::VectorXd v(static_cast<Eigen::Index>(a.size()));
        for (std::size_t i = 0; i < a.size(); ++i) v(static_cast<Eigen::Index>(i)) = number(a[i], field + "[" + std::to_string(i) + "]");
        return v;
    }
    // rows = expected channel count; an empty array or a missing key gives an absent (0×0) matrix.
    Eigen::MatrixXd matrix(const json& obj, const char* key, const std::string& base, std::size_t rows) const {
        if (!obj.contains(key)) return {};
        const std::string field = base + "." + key;
        const json& a = array(obj.at(key), field);
        if (a.empty()) return {};
        if (a.size() != rows)
            fail(field, "has " + std::to_string(a.size()) + " rows (channels), expected " + std::to_string(rows) +
                            " (the number of names)");
        const std::size_t K = array(a[0], field + "[0]").size();
        Eigen::MatrixXd m(static_cast<Eigen::Index>(rows), static_cast<Eigen::Index>(K));
        for (std::size_t r = 0; r < rows; ++r) {
            const std::string rowField = field + "[" + std::to_string(r) + "]";
            const json& row = array(a[r], rowField);
            if (row.size() != K)
                fail(rowField, "has " + std::to_string(row.size()) + " samples, expected " + std::to_string(K) +
                                   " (as row 0)");
            for (std::size_t c = 0; c < K; ++c)
                m(static_cast<Eigen::Index>(r), static_cast<Eigen::Index>(c)) =
                    number(row[c], rowField + "[" + std::to_string(c) + "]");
        }
        return m;
    }
    void onlyKeys(const json& obj, const std::set<std::string>& allowed, const std::string& field) const {
        for (auto it = obj.begin(); it != obj.end(); ++it)
            if (!allowed.count(it.key()))
                fail(field.empty() ? it.key() : field + "." + it.key(), "unknown key (not part of schema version 1)");
    }

private:
    std::string where_;
};

}  // namespace

json datasetToJson(const Dataset& ds) {
    validateDataset(ds, ds.name.empty() ? "dataset" : "dataset " + ds.name);
    json doc;
    doc["format"] = kDatasetFormatName;
    doc["schema_version"] = kDatasetSchemaVersion;
    doc["name"] = ds.name;
    doc["source"] = ds.source;
    doc["dt"] = ds.dt;
    doc["state_names"] = ds.stateNames;
    doc["input_names"] = ds.inputNames;
    doc["output_names"] = ds.outputNames;
    json trajs = json::array();
    for (const auto& tr : ds.trajectories) {
        json j;
        j["id"] = tr.id;
        json t = json::array();
        for (Eigen::Index k = 0; k < tr.t.size(); ++k) t.push_back(tr.t(k));
        j["t"] = std::move(t);
        if (tr.x.rows()) j["x"] = matrixToJson(tr.x);
        if (tr.u.rows()) j["u"] = matrixToJson(tr.u);
        if (tr.y.rows()) j["y"] = matrixToJson(tr.y);
        if (tr.dxdt.rows()) j["dxdt"] = matrixToJson(tr.dxdt);
        trajs.push_back(std::move(j));
    }
    doc["trajectories"] = std::move(trajs);
    json splits = json::object();
    for (const auto& [name, idx] : ds.splits) splits[name] = idx;
    doc["splits"] = std::move(splits);
    doc["content_sha256"] = sha256Dataset(ds);
    return doc;
}

Dataset datasetFromJson(const json& doc, const std::string& where) {
    Reader rd(where);
    if (!doc.is_object()) throw Error(where, "expected a JSON object at the top level, found " + typeName(doc));
    if (!doc.contains("format")) rd.fail("format", "missing; expected \"" + std::string(kDatasetFormatName) + "\"");
    if (rd.string(doc.at("format"), "format") != kDatasetFormatName)
        rd.fail("format", "expected \"" + std::string(kDatasetFormatName) + "\", found \"" + doc.at("format").get<std::string>() + "\"");
    if (!doc.contains("schema_version")) rd.fail("schema_version", "missing");
    const json& ver = doc.at("schema_version");
    if (!ver.is_number_integer()) rd.fail("schema_version", "expected an integer, found " + typeName(ver));
    if (ver.get<long long>() != kDatasetSchemaVersion)
        rd.fail("schema_version", "unsupported version " + std::to_string(ver.get<long long>()) +
                                      " (this build reads version " + std::to_string(kDatasetSchemaVersion) + ")");
    rd.onlyKeys(doc, {"format", "schema_version", "name", "source", "dt", "state_names", "input_names", "output_names",
                      "trajectories", "splits", "content_sha256"}, "");

    Dataset ds;
    if (doc.contains("name")) ds.name = rd.string(doc.at("name"), "name");
    if (doc.contains("source")) ds.source = rd.string(doc.at("source"), "source");
    if (doc.contains("dt")) {
        ds.dt = rd.number(doc.at("dt"), "dt");
        if (ds.dt < 0.0) rd.fail("dt", "must be >= 0");
    }
    ds.stateNames = rd.strings(doc, "state_names");
    ds.inputNames = rd.strings(doc, "input_names");
    ds.outputNames = rd.strings(doc, "output_names");
    if (!doc.contains("trajectories")) rd.fail("trajectories", "missing");
    const json& trajs = rd.array(doc.at("trajectories"), "trajectories");
    for (std::size_t i = 0; i < trajs.size(); ++i) {
        const std::string base = "trajectories[" + std::to_string(i) + "]";
        const json& j = trajs[i];
        if (!j.is_object()) rd.fail(base, "expected an object, found " + typeName(j));
        rd.onlyKeys(j, {"id", "t", "x", "u", "y", "dxdt"}, base);
        Trajectory tr;
        if (j.contains("id")) tr.id = rd.string(j.at("id"), base + ".id");
        if (j.contains("t")) tr.t = rd.vector(j.at("t"), base + ".t");
        tr.x = rd.matrix(j, "x", base, ds.stateNames.size());
        tr.u = rd.matrix(j, "u", base, ds.inputNames.size());
        tr.y = rd.matrix(j, "y", base, ds.outputNames.size());
        tr.dxdt = rd.matrix(j, "dxdt", base, ds.stateNames.size());
        ds.trajectories.push_back(std::move(tr));
    }
    if (doc.contains("splits")) {
        const json& sp = doc.at("splits");
        if (!sp.is_object()) rd.fail("splits", "expected an object of name → trajectory indices, found " + typeName(sp));
        for (auto it = sp.begin(); it != sp.end(); ++it) {
            const std::string field = "splits." + it.key();
            const json& a = rd.array(it.value(), field);
            std::vector<int> idx;
            for (std::size_t k = 0; k < a.size(); ++k) {
                if (!a[k].is_number_integer())
                    rd.fail(field + "[" + std::to_string(k) + "]", "expected a trajectory index, found " + typeName(a[k]));
                idx.push_back(a[k].get<int>());
            }
            ds.splits[it.key()] = std::move(idx);
        }
    }
    validateDataset(ds, where);
    if (doc.contains("content_sha256")) {
        const std::string expected = rd.string(doc.at("content_sha256"), "content_sha256");
        const std::string actual = sha256Dataset(ds);
        if (expected != actual)
            rd.fail("content_sha256", "content does not match its checksum (expected " + expected + ", computed " + actual +
                                          "); the file was modified or damaged");
    }
    return ds;
}

Dataset loadDatasetJson(const std::filesystem::path& path) {
    const std::string where = path.string();
    std::error_code ec;
    if (!std::filesystem::exists(path, ec)) throw Error(where, "file not found");
    const std::string text = readFile(path);
    const json doc = parseJsonStrict(text, where);
    Dataset ds = datasetFromJson(doc, where);
    if (ds.source.empty()) ds.source = where;
    ds.sha256 = sha256Bytes(text);
    return ds;
}

void saveDatasetJson(const std::filesystem::path& path, const Dataset& ds) {
    json doc;
    try {
        doc = datasetToJson(ds);
    } catch (const Error& e) {
        throw Error(path.string(), e.what());
    }
    writeFileAtomic(path, doc.dump(2) + "\n");
}

}  // namespace sd::data
