// Benchmark manifests: parsing and validating one manifest document, reading the registry folder
// (core/data/registry.h, docs/dataset-format.md §2).
#include "core/data/registry.h"

#include "core/common/atomic_file.h"
#include "core/common/error.h"
#include "core/common/json_reader.h"

#include <algorithm>
#include <cmath>
#include <set>

namespace sd::data {

using nlohmann::json;

std::string toString(BenchmarkKind k) {
    switch (k) {
        case BenchmarkKind::External: return "external";
        case BenchmarkKind::Shipped: return "shipped";
        case BenchmarkKind::Generated: return "generated";
    }
    return "external";
}

namespace {

// Field access with errors "<where>: <field>: <what>".
class ManifestReader {
public:
    explicit ManifestReader(std::string where) : where_(std::move(where)) {}

    [[noreturn]] void fail(const std::string& field, const std::string& what) const {
        throw Error(where_ + ": " + field, what);
    }
    static std::string typeName(const json& j) { return j.is_null() ? "null" : j.type_name(); }

    const json* optional(const json& obj, const char* key) const {
        auto it = obj.find(key);
        return it == obj.end() ? nullptr : &*it;
    }
    const json& required(const json& obj, const char* key, const std::string& field) const {
        auto it = obj.find(key);
        if (it == obj.end()) fail(field, "missing (required)");
        return *it;
    }
    std::string string(const json& j, const std::string& field, bool nonEmpty = false) const {
        if (!j.is_string()) fail(field, "expected a string, found " + typeName(j));
        std::string s = j.get<std::string>();
        if (nonEmpty && s.empty()) fail(field, "must not be empty");
        return s;
    }
    double number(const json& j, const std::string& field) const {
        if (!j.is_number()) fail(field, "expected a number, found " + typeName(j));
        const double v = j.get<double>();
        if (!std::isfinite(v)) fail(field, "expected a finite number");
        return v;
    }
    std::vector<std::string> strings(const json& j, const std::string& field) const {
        if (!j.is_array()) fail(field, "expected an array of strings, found " + typeName(j));
        std::vector<std::string> out;
        for (std::size_t i = 0; i < j.size(); ++i) out.push_back(string(j[i], field + "[" + std::to_string(i) + "]"));
        return out;
    }
    void object(const json& j, const std::string& field) const {
        if (!j.is_object()) fail(field, "expected an object, found " + typeName(j));
    }
    void onlyKeys(const json& obj, const std::set<std::string>& allowed, const std::string& field) const {
        for (auto it = obj.begin(); it != obj.end(); ++it)
            if (!allowed.count(it.key())) {
                std::string list;
                for (const auto& k : allowed) list += (list.empty() ? "" : ", ") + k;
                fail(field.empty() ? it.key() : field + "." + it.key(), "unknown key (allowed: " + list + ")");
            }
    }

    ColumnRef column(const json& j, const std::string& field) const {
        if (j.is_string()) {
            if (j.get<std::string>().empty()) fail(field, "column name must not be empty (use a 0-based index)");
            return ColumnRef::byName(j.get<std::string>());
        }
        if (j.is_number_integer() && j.get<long long>() >= 0) return ColumnRef::byIndex(j.get<int>());
        fail(field, "expected a column name (string) or a 0-based column index, found " + typeName(j));
    }
    std::vector<ColumnRef> columns(const json& obj, const char* key, const std::string& base) const {
        std::vector<ColumnRef> out;
        const json* j = optional(obj, key);
        if (!j) return out;
        const std::string field = base + "." + key;
        if (!j->is_array()) fail(field, "expected an array of column names or indices, found " + typeName(*j));
        for (std::size_t i = 0; i < j->size(); ++i) out.push_back(column((*j)[i], field + "[" + std::to_string(i) + "]"));
        return out;
    }
    CsvMapping mapping(const json& j, const std::string& field) const {
        object(j, field);
        onlyKeys(j, {"time", "trajectory_id", "states", "inputs", "outputs", "derivatives"}, field);
        CsvMapping m;
        if (const json* t = optional(j, "time"); t && !t->is_null()) m.time = column(*t, field + ".time");
        if (const json* t = optional(j, "trajectory_id"); t && !t->is_null())
            m.trajectoryId = column(*t, field + ".trajectory_id");
        m.states = columns(j, "states", field);
        m.inputs = columns(j, "inputs", field);
        m.outputs = columns(j, "outputs", field);
        m.derivatives = columns(j, "derivatives", field);
        if (m.states.empty() && m.inputs.empty() && m.outputs.empty())
            fail(field, "no state, input or output columns given");
        if (!m.derivatives.empty() && m.derivatives.size() != m.states.size())
            fail(field + ".derivatives", "needs one column per state (" + std::to_string(m.states.size()) + ")");
        return m;
    }

private:
    std::string where_;
};

bool isHex64(const std::string& s) {
    return s.size() == 64 && std::all_of(s.begin(), s.end(), [](char c) {
               return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
           });
}

bool validName(const std::string& s) {
    return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) {
        return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_' || c == '.';
    });
}

}  // namespace

BenchmarkManifest manifestFromJson(const json& doc, const std::string& where) {
    ManifestReader rd(where);
    if (!doc.is_object()) throw Error(where, "expected a JSON object at the top level");
    const std::string format = rd.string(rd.required(doc, "format", "format"), "format");
    if (format != kBenchmarkFormatName)
        rd.fail("format", "expected \"" + std::string(kBenchmarkFormatName) + "\", found \"" + format + "\"");
    const json& ver = rd.required(doc, "schema_version", "schema_version");
    if (!ver.is_number_integer() || ver.get<long long>() != kBenchmarkSchemaVersion)
        rd.fail("schema_version", "unsupported version " + ver.dump() + " (this build reads version " +
                                      std::to_string(kBenchmarkSchemaVersion) + ")");
    rd.onlyKeys(doc, {"format", "schema_version", "name", "title", "description", "kind", "tags", "files", "loader",
                      "trajectories", "channels", "dt", "sample_rate_hz", "splits", "citation", "licence", "generator",
                      "notes"}, "");

    BenchmarkManifest m;
    m.name = rd.string(rd.required(doc, "name", "name"), "name", true);
    if (!validName(m.name)) rd.fail("name", "\"" + m.name + "\" must use only a-z, 0-9, '-', '_' and '.'");
    m.title = rd.string(rd.required(doc, "title", "title"), "title", true);
    if (const json* j = rd.optional(doc, "description")) m.description = rd.string(*j, "description");
    const std::string kind = rd.string(rd.required(doc, "kind", "kind"), "kind");
    if (kind == "external") m.kind = BenchmarkKind::External;
    else if (kind == "shipped") m.kind = BenchmarkKind::Shipped;
    else if (kind == "generated") m.kind = BenchmarkKind::Generated;
    else rd.fail("kind", "expected \"external\", \"shipped\" or \"generated\", found \"" + kind + "\"");
    if (const json* j = rd.optional(doc, "tags")) m.tags = rd.strings(*j, "tags");
    if (const json* j = rd.optional(doc, "citation")) m.citation = rd.string(*j, "citation");
    if (const json* j = rd.optional(doc, "licence")) m.licence = rd.string(*j, "licence");
    if (const json* j = rd.optional(doc, "notes")) {
        rd.object(*j, "notes");
        m.extra = *j;
    }

    // Sample time: dt or sample_rate_hz (both → they must agree).
    const json* dtJ = rd.optional(doc, "dt");
    const json* fsJ = rd.optional(doc, "sample_rate_hz");
    if (dtJ) {
        m.dt = rd.number(*dtJ, "dt");
        if (m.dt < 0.0) rd.fail("dt", "must be >= 0");
    }
    if (fsJ) {
        const double fs = rd.number(*fsJ, "sample_rate_hz");
        if (!(fs > 0.0)) rd.fail("sample_rate_hz", "must be > 0");
        if (dtJ && std::abs(m.dt * fs - 1.0) > 1e-9)
            rd.fail("dt", "disagrees with sample_rate_hz (" + std::to_string(m.dt) + " vs 1/" + std::to_string(fs) + ")");
        m.dt = 1.0 / fs;
    }

    if (const json* ch = rd.optional(doc, "channels")) {
        rd.object(*ch, "channels");
        rd.onlyKeys(*ch, {"states", "inputs", "outputs"}, "channels");
        if (const json* j = rd.optional(*ch, "states")) m.stateNames = rd.strings(*j, "channels.states");
        if (const json* j = rd.optional(*ch, "inputs")) m.inputNames = rd.strings(*j, "channels.inputs");
        if (const json* j = rd.optional(*ch, "outputs")) m.outputNames = rd.strings(*j, "channels.outputs");
    }

    if (m.kind == BenchmarkKind::Generated) {
        const json& g = rd.required(doc, "generator", "generator");
        rd.object(g, "generator");
        rd.onlyKeys(g, {"name", "params"}, "generator");
        GeneratorSpec spec;
        spec.name = rd.string(rd.required(g, "name", "generator.name"), "generator.name", true);
        if (const json* p = rd.optional(g, "params")) {
            rd.object(*p, "generator.params");
            spec.params = *p;
        }
        m.generator = std::move(spec);
        for (const char* key : {"files", "loader", "trajectories"})
            if (rd.optional(doc, key)) rd.fail(key, "not allowed for kind \"generated\" (the generator makes the data)");
    } else {
        if (rd.optional(doc, "generator")) rd.fail("generator", "only allowed for kind \"generated\"");
        // files
        const json& files = rd.required(doc, "files", "files");
        if (!files.is_array() || files.empty()) rd.fail("files", "expected a non-empty array of files");
        std::set<std::string> fileIds;
        for (std::size_t i = 0; i < files.size(); ++i) {
            const std::string f = "files[" + std::to_string(i) + "]";
            const json& j = files[i];
            rd.object(j, f);
            rd.onlyKeys(j, {"id", "path", "sha256", "bytes", "url", "instructions"}, f);
            BenchmarkFile bf;
            bf.id = rd.string(rd.required(j, "id", f + ".id"), f + ".id", true);
            if (!fileIds.insert(bf.id).second) rd.fail(f + ".id", "duplicate file id \"" + bf.id + "\"");
            bf.path = rd.string(rd.required(j, "path", f + ".path"), f + ".path", true);
            if (std::filesystem::path(bf.path).is_absolute() || bf.path.find("..") != std::string::npos)
                rd.fail(f + ".path", "must be a relative path without '..' (found \"" + bf.path + "\")");
            if (const json* s = rd.optional(j, "sha256")) {
                bf.sha256 = rd.string(*s, f + ".sha256");
                if (!isHex64(bf.sha256)) rd.fail(f + ".sha256", "expected 64 lowercase hex digits");
            }
            if (const json* b = rd.optional(j, "bytes")) {
                if (!b->is_number_integer() || b->get<long long>() < 0) rd.fail(f + ".bytes", "expected a size >= 0");
                bf.bytes = b->get<std::int64_t>();
            }
            if (const json* u = rd.optional(j, "url")) bf.url = rd.string(*u, f + ".url");
            if (const json* s = rd.optional(j, "instructions")) bf.instructions = rd.string(*s, f + ".instructions");
            if (m.kind == BenchmarkKind::External && bf.url.empty() && bf.instructions.empty())
                rd.fail(f, "an external file needs \"url\" or \"instructions\" saying where to get it");
            m.files.push_back(std::move(bf));
        }
        // loader
        const json& lj = rd.required(doc, "loader", "loader");
        rd.object(lj, "loader");
        rd.onlyKeys(lj, {"type", "delimiter", "columns", "arrays", "color"}, "loader");
        m.loader.type = rd.string(rd.required(lj, "type", "loader.type"), "loader.type");
        json defaultColumns;
        if (m.loader.type == "csv") {
            if (const json* d = rd.optional(lj, "delimiter")) {
                const std::string s = rd.string(*d, "loader.delimiter");
                if (s.size() != 1) rd.fail("loader.delimiter", "expected one character, found \"" + s + "\"");
                m.loader.delimiter = s[0];
            }
            if (const json* c = rd.optional(lj, "columns")) {
                rd.object(*c, "loader.columns");
                defaultColumns = *c;
            }
            if (rd.optional(lj, "arrays")) rd.fail("loader.arrays", "only for loader type \"npz-pairs\"");
            if (rd.optional(lj, "color")) rd.fail("loader.color", "only for loader type \"video\"");
        } else if (m.loader.type == "npz-pairs") {
            if (const json* a = rd.optional(lj, "arrays")) {
                rd.object(*a, "loader.arrays");
                rd.onlyKeys(*a, {"x", "dxdt"}, "loader.arrays");
                if (const json* x = rd.optional(*a, "x")) m.loader.xArray = rd.string(*x, "loader.arrays.x", true);
                if (const json* y = rd.optional(*a, "dxdt")) m.loader.yArray = rd.string(*y, "loader.arrays.dxdt", true);
            }
            for (const char* key : {"columns", "delimiter"})
                if (rd.optional(lj, key)) rd.fail(std::string("loader.") + key, "only for loader type \"csv\"");
            if (rd.optional(lj, "color")) rd.fail("loader.color", "only for loader type \"video\"");
        } else if (m.loader.type == "dataset-json") {
            for (const char* key : {"columns", "delimiter", "arrays", "color"})
                if (rd.optional(lj, key)) rd.fail(std::string("loader.") + key, "not used by loader type \"dataset-json\"");
        } else if (m.loader.type == "video") {
            // Each file is a folder of PNG/JPG frames or a .gif (data/video.h); one trajectory per file.
            for (const char* key : {"columns", "delimiter", "arrays"})
                if (rd.optional(lj, key)) rd.fail(std::string("loader.") + key, "not used by loader type \"video\"");
            if (const json* c = rd.optional(lj, "color")) {
                m.loader.color = rd.string(*c, "loader.color");
                if (m.loader.color != "rgb" && m.loader.color != "gray")
                    rd.fail("loader.color", "expected \"rgb\" or \"gray\", found \"" + m.loader.color + "\"");
            }
        } else {
            rd.fail("loader.type", "unknown loader \"" + m.loader.type + "\" (expected csv, npz-pairs, dataset-json or video)");
        }
        // trajectories
        const json& tj = rd.required(doc, "trajectories", "trajectories");
        if (!tj.is_array() || tj.empty()) rd.fail("trajectories", "expected a non-empty array");
        std::set<std::string> trajIds;
        for (std::size_t i = 0; i < tj.size(); ++i) {
            const std::string f = "trajectories[" + std::to_string(i) + "]";
            const json& j = tj[i];
            rd.object(j, f);
            rd.onlyKeys(j, {"id", "file", "columns"}, f);
            BenchmarkTrajectory bt;
            bt.id = rd.string(rd.required(j, "id", f + ".id"), f + ".id", true);
            if (!trajIds.insert(bt.id).second) rd.fail(f + ".id", "duplicate trajectory id \"" + bt.id + "\"");
            bt.file = rd.string(rd.required(j, "file", f + ".file"), f + ".file", true);
            if (!fileIds.count(bt.file)) rd.fail(f + ".file", "no file with id \"" + bt.file + "\" in \"files\"");
            if (m.loader.type == "csv") {
                // Per-trajectory columns patch the loader's defaults key by key.
                json merged = defaultColumns.is_object() ? defaultColumns : json::object();
                if (const json* c = rd.optional(j, "columns")) {
                    rd.object(*c, f + ".columns");
                    for (auto it = c->begin(); it != c->end(); ++it) merged[it.key()] = it.value();
                }
                if (merged.empty()) rd.fail(f + ".columns", "no column mapping (give loader.columns or per-trajectory columns)");
                CsvMapping cm = rd.mapping(merged, rd.optional(j, "columns") ? f + ".columns" : "loader.columns");
                cm.delimiter = m.loader.delimiter;
                cm.dt = m.dt;
                if (!cm.time && !(m.dt > 0.0)) rd.fail("dt", "required (or sample_rate_hz) because the CSV mapping has no time column");
                bt.columns = std::move(cm);
            } else if (rd.optional(j, "columns")) {
                rd.fail(f + ".columns", "only for loader type \"csv\"");
            }
            m.trajectories.push_back(std::move(bt));
        }
    }

    // splits: name → trajectory ids
    if (const json* sp = rd.optional(doc, "splits")) {
        rd.object(*sp, "splits");
        std::set<std::string> ids;
        for (const auto& t : m.trajectories) ids.insert(t.id);
        for (auto it = sp->begin(); it != sp->end(); ++it) {
            const std::string f = "splits." + it.key();
            auto list = rd.strings(it.value(), f);
            if (m.kind != BenchmarkKind::Generated)
                for (std::size_t i = 0; i < list.size(); ++i)
                    if (!ids.count(list[i]))
                        rd.fail(f + "[" + std::to_string(i) + "]", "unknown trajectory id \"" + list[i] + "\"");
            m.splits[it.key()] = std::move(list);
        }
    }
    return m;
}

BenchmarkManifest loadManifest(const std::filesystem::path& path) {
    const std::string where = path.string();
    const json doc = parseJsonStrict(readFile(path), where);
    BenchmarkManifest m = manifestFromJson(doc, where);
    m.manifestPath = path;
    return m;
}

std::vector<BenchmarkManifest> loadRegistry(const std::filesystem::path& dir) {
    std::error_code ec;
    if (!std::filesystem::is_directory(dir, ec)) throw Error(dir.string(), "registry folder not found");
    std::vector<std::filesystem::path> files;
    for (const auto& e : std::filesystem::directory_iterator(dir))
        if (e.is_regular_file() && e.path().extension() == ".json") files.push_back(e.path());
    std::sort(files.begin(), files.end());
    std::vector<BenchmarkManifest> out;
    std::map<std::string, std::filesystem::path> seen;
    for (const auto& f : files) {
        BenchmarkManifest m = loadManifest(f);
        auto [it, inserted] = seen.emplace(m.name, f);
        if (!inserted)
            throw Error(f.string() + ": name", "duplicate dataset name \"" + m.name + "\" (also in " + it->second.string() + ")");
        out.push_back(std::move(m));
    }
    std::sort(out.begin(), out.end(), [](const auto& a, const auto& b) { return a.name < b.name; });
    return out;
}

const BenchmarkManifest* findBenchmark(const std::vector<BenchmarkManifest>& registry, const std::string& name) {
    for (const auto& m : registry)
        if (m.name == name) return &m;
    return nullptr;
}

}  // namespace sd::data
