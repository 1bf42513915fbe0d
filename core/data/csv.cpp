#include "core/data/csv.h"

#include "core/common/atomic_file.h"
#include "core/common/error.h"
#include "core/data/hashing.h"
#include "core/data/sample_time.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <limits>
#include <map>

namespace sd::data {

namespace {

std::string lowercase(std::string s) {
    std::transform(s.begin(), s.end(), s.begin(), [](unsigned char ch) { return std::tolower(ch); });
    return s;
}

std::string loc(const std::string& where, std::size_t line, std::size_t column) {
    return where + ":" + std::to_string(line) + ":" + std::to_string(column);
}

std::string quoteForMessage(std::string_view s) {
    constexpr std::size_t kMax = 40;
    std::string out = "\"";
    out += s.size() > kMax ? std::string(s.substr(0, kMax)) + "..." : std::string(s);
    return out + "\"";
}

bool isBlank(std::string_view s) {
    return std::all_of(s.begin(), s.end(), [](char c) { return c == ' ' || c == '\t' || c == '\r'; });
}

// Replaces "" by " in the inside of a quoted field.
std::string unescapeQuoted(std::string_view s) {
    std::string out;
    out.reserve(s.size());
    for (std::size_t i = 0; i < s.size(); ++i) {
        out += s[i];
        if (s[i] == '"' && i + 1 < s.size() && s[i + 1] == '"') ++i;
    }
    return out;
}

char detectDelimiter(std::string_view headerLine) {
    std::size_t comma = 0, semicolon = 0, tab = 0;
    bool inQuotes = false;
    for (char c : headerLine) {
        if (c == '"') inQuotes = !inQuotes;
        if (inQuotes) continue;
        comma += c == ',';
        semicolon += c == ';';
        tab += c == '\t';
    }
    if (semicolon > comma && semicolon >= tab) return ';';
    if (tab > comma && tab > semicolon) return '\t';
    return ',';
}

struct Field {
    std::size_t begin = 0, length = 0;
    bool quoted = false;
};

// Splits one line (without its newline) into fields. `lineStart` is the line's offset in the text.
// More than `maxFields` fields throws `tooMany(count)` at once, before the field list grows further.
template <typename TooMany>
std::vector<Field> splitLine(std::string_view line, std::size_t lineStart, char delimiter, const std::string& where,
                             std::size_t lineNo, std::size_t maxFields, const TooMany& tooMany) {
    std::vector<Field> fields;
    std::size_t i = 0;
    while (true) {
        if (fields.size() == maxFields) tooMany(fields.size() + 1);
        // skip leading spaces
        while (i < line.size() && (line[i] == ' ' || line[i] == '\t') && line[i] != delimiter) ++i;
        Field f;
        if (i < line.size() && line[i] == '"') {
            const std::size_t open = i;
            ++i;
            const std::size_t begin = i;
            while (true) {
                if (i >= line.size())
                    throw Error(loc(where, lineNo, fields.size() + 1),
                                "unterminated quoted field (opened at character " + std::to_string(open + 1) + ")");
                if (line[i] == '"') {
                    if (i + 1 < line.size() && line[i + 1] == '"') {
                        i += 2;
                        continue;
                    }
                    break;
                }
                ++i;
            }
            f = Field{lineStart + begin, i - begin, true};
            ++i;   // closing quote
            while (i < line.size() && (line[i] == ' ' || line[i] == '\t') && line[i] != delimiter) ++i;
            if (i < line.size() && line[i] != delimiter)
                throw Error(loc(where, lineNo, fields.size() + 1),
                            "unexpected text after a closing quote; expected the delimiter '" +
                                std::string(1, delimiter) + "'");
        } else {
            const std::size_t begin = i;
            while (i < line.size() && line[i] != delimiter) ++i;
            std::size_t end = i;
            while (end > begin && (line[end - 1] == ' ' || line[end - 1] == '\t' || line[end - 1] == '\r')) --end;
            f = Field{lineStart + begin, end - begin, false};
        }
        fields.push_back(f);
        if (i >= line.size()) break;
        ++i;   // delimiter
    }
    return fields;
}

}  // namespace

std::optional<double> parseCsvNumber(std::string_view s) {
    if (!s.empty() && s.front() == '+') s.remove_prefix(1);
    if (s.empty()) return std::nullopt;
    double v = 0.0;
    const auto res = std::from_chars(s.data(), s.data() + s.size(), v);
    if (res.ec != std::errc() || res.ptr != s.data() + s.size()) return std::nullopt;
    return v;
}

// ---------------------------------------------------------------------------------------------------------
// CsvTable

CsvLimits CsvLimits::fromEnvironment() {
    CsvLimits limits;
    if (const char* mb = std::getenv("STABLEDYN_CSV_MAX_MB"); mb && *mb) {
        std::uint64_t v = 0;
        const auto res = std::from_chars(mb, mb + std::strlen(mb), v);
        if (res.ec == std::errc() && *res.ptr == '\0' && v > 0 && v < (std::uint64_t{1} << 44))
            limits.maxFileBytes = v << 20;
    }
    return limits;
}

namespace {
std::string megabytes(std::uint64_t bytes) { return std::to_string((bytes + (1u << 20) - 1) >> 20) + " MB"; }
}  // namespace

CsvTable CsvTable::read(const std::filesystem::path& path, char delimiter, const CsvLimits& limits) {
    std::error_code ec;
    if (!std::filesystem::exists(path, ec)) throw Error(path.string(), "file not found");
    const std::uintmax_t size = std::filesystem::file_size(path, ec);
    if (!ec && size > limits.maxFileBytes)
        throw Error(path.string(), "file is " + megabytes(size) + ", larger than the CSV reader's limit of " +
                                       megabytes(limits.maxFileBytes) +
                                       " (set STABLEDYN_CSV_MAX_MB to raise it, or store the data as an NPZ or JSON dataset)");
    return parse(readFile(path), path.string(), delimiter, limits);
}

CsvTable CsvTable::parse(std::string text, const std::string& where, char delimiter, const CsvLimits& limits) {
    CsvTable t;
    t.where_ = where;
    t.text_ = std::move(text);
    if (t.text_.size() > limits.maxFileBytes)
        throw Error(where, "text is " + megabytes(t.text_.size()) + ", larger than the CSV reader's limit of " +
                               megabytes(limits.maxFileBytes));
    if (t.text_.size() >= std::numeric_limits<std::uint32_t>::max())
        throw Error(where, "file too large for the CSV reader (4 GB limit)");
    const std::string_view all(t.text_);

    std::size_t pos = 0, lineNo = 0;
    auto nextLine = [&](std::string_view& line, std::size_t& start) {
        if (pos >= all.size()) return false;
        start = pos;
        std::size_t nl = all.find('\n', pos);
        if (nl == std::string_view::npos) nl = all.size();
        line = all.substr(pos, nl - pos);
        if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
        pos = nl + 1;
        ++lineNo;
        return true;
    };

    std::string_view line;
    std::size_t lineStart = 0;
    // Header: the first non-blank line.
    bool haveHeader = false;
    while (nextLine(line, lineStart)) {
        if (!isBlank(line)) {
            haveHeader = true;
            break;
        }
    }
    if (!haveHeader) throw Error(where, "empty file: expected a header row of column names");
    if (line.size() >= 3 && static_cast<unsigned char>(line[0]) == 0xEF && static_cast<unsigned char>(line[1]) == 0xBB &&
        static_cast<unsigned char>(line[2]) == 0xBF) {   // UTF-8 byte-order mark
        line.remove_prefix(3);
        lineStart += 3;
    }
    t.delimiter_ = delimiter ? delimiter : detectDelimiter(line);
    const std::size_t headerLine = lineNo;
    // One more than the limit is allowed for the tolerated trailing delimiter.
    auto header = splitLine(line, lineStart, t.delimiter_, where, lineNo, limits.maxColumns + 1, [&](std::size_t) {
        throw Error(loc(where, lineNo, limits.maxColumns + 1),
                    "the header has more than " + std::to_string(limits.maxColumns) +
                        " columns, the CSV reader's limit");
    });
    if (header.size() > limits.maxColumns && !(header.back().length == 0 && !header.back().quoted))
        throw Error(loc(where, lineNo, limits.maxColumns + 1),
                    "the header has more than " + std::to_string(limits.maxColumns) + " columns, the CSV reader's limit");
    // A trailing delimiter gives an empty last header name: that column is a tolerated artefact.
    const bool trailingColumn = header.size() > 1 && header.back().length == 0 && !header.back().quoted;
    if (trailingColumn) header.pop_back();
    for (const auto& f : header) {
        std::string name(all.substr(f.begin, f.length));
        t.names_.push_back(f.quoted ? unescapeQuoted(name) : name);
    }
    const std::size_t n = t.names_.size();

    std::size_t blankLine = 0;   // first blank line seen after data started (0 = none)
    while (nextLine(line, lineStart)) {
        if (isBlank(line)) {
            if (blankLine == 0) blankLine = lineNo;
            continue;
        }
        if (blankLine != 0)
            throw Error(loc(where, blankLine, 1),
                        "blank line inside the data (more data follows on line " + std::to_string(lineNo) + ")");
        // A row may have one extra (empty, trailing) field; more is a ragged row. Far more is reported
        // without splitting the rest of the line (a 10-million-field row must not build a field list).
        constexpr std::size_t kCountedExtraFields = 1000;
        auto fields = splitLine(line, lineStart, t.delimiter_, where, lineNo, n + 1 + kCountedExtraFields, [&](std::size_t) {
            throw Error(loc(where, lineNo, n + 1),
                        "ragged row: expected " + std::to_string(n) + " fields as in the header (line " +
                            std::to_string(headerLine) + "), found more than " +
                            std::to_string(n + 1 + kCountedExtraFields));
        });
        if (fields.size() == n + 1 && fields.back().length == 0 && !fields.back().quoted) fields.pop_back();
        if (fields.size() != n) {
            const std::size_t column = fields.size() < n ? fields.size() + 1 : n + 1;
            throw Error(loc(where, lineNo, column),
                        "ragged row: expected " + std::to_string(n) + " fields as in the header (line " +
                            std::to_string(headerLine) + "), found " + std::to_string(fields.size()));
        }
        for (const auto& f : fields)
            t.cells_.push_back(Span{static_cast<std::uint32_t>(f.begin), static_cast<std::uint32_t>(f.length), f.quoted});
        t.rowLine_.push_back(lineNo);
    }
    if (t.rowLine_.empty()) throw Error(where, "no data rows after the header (line " + std::to_string(headerLine) + ")");
    return t;
}

std::string_view CsvTable::cell(std::size_t row, std::size_t column) const {
    const Span& s = cells_[row * names_.size() + column];
    return std::string_view(text_).substr(s.begin, s.length);
}

std::string CsvTable::columnLabel(std::size_t column) const {
    if (column < names_.size() && !names_[column].empty()) return names_[column];
    return "#" + std::to_string(column + 1);
}

std::size_t CsvTable::columnIndex(const std::string& name) const {
    std::vector<std::size_t> hits;
    for (std::size_t c = 0; c < names_.size(); ++c)
        if (names_[c] == name) hits.push_back(c);
    if (hits.size() == 1) return hits.front();
    if (hits.size() > 1)
        throw Error(where_, "column name \"" + name + "\" is ambiguous (columns " + std::to_string(hits[0] + 1) + " and " +
                                std::to_string(hits[1] + 1) + "); choose the column by index");
    std::string list;
    constexpr std::size_t kListed = 30;   // a wide file must not turn the message into megabytes
    for (std::size_t c = 0; c < names_.size() && c < kListed; ++c) list += (c ? ", " : "") + quoteForMessage(columnLabel(c));
    if (names_.size() > kListed) list += ", ... (" + std::to_string(names_.size()) + " columns)";
    throw Error(where_, "missing column \"" + name + "\" (the header has: " + list + ")");
}

Eigen::VectorXd CsvTable::numericColumn(std::size_t column) const {
    if (column >= names_.size())
        throw Error(where_, "column index " + std::to_string(column) + " out of range (" + std::to_string(names_.size()) +
                                " columns)");
    Eigen::VectorXd v(static_cast<Eigen::Index>(rowCount()));
    for (std::size_t r = 0; r < rowCount(); ++r) {
        const std::string_view s = cell(r, column);
        const auto value = parseCsvNumber(s);
        const std::string what = "column " + quoteForMessage(columnLabel(column)) + ": ";
        if (s.empty()) {
            std::string hint;
            if (r > 0 && parseCsvNumber(cell(0, column)))
                hint = " (this column is only filled on the first data row, like a sample-rate column)";
            throw Error(loc(where_, lineOf(r), column + 1), what + "empty cell, expected a number" + hint);
        }
        if (!value) throw Error(loc(where_, lineOf(r), column + 1), what + "expected a number, found " + quoteForMessage(s));
        if (!std::isfinite(*value))
            throw Error(loc(where_, lineOf(r), column + 1),
                        what + "expected a finite number, found " + quoteForMessage(s) + " (NaN and Inf are not allowed)");
        v(static_cast<Eigen::Index>(r)) = *value;
    }
    return v;
}

std::optional<double> CsvTable::firstValue(std::size_t column) const {
    if (column >= names_.size() || rowCount() == 0) return std::nullopt;
    auto v = parseCsvNumber(cell(0, column));
    if (v && !std::isfinite(*v)) return std::nullopt;
    return v;
}

// ---------------------------------------------------------------------------------------------------------
// Mapping

std::size_t ColumnRef::resolve(const CsvTable& table) const {
    if (index >= 0) {
        if (static_cast<std::size_t>(index) >= table.columnCount())
            throw Error(table.where(), "missing column #" + std::to_string(index + 1) + " (0-based index " +
                                           std::to_string(index) + "; the file has " +
                                           std::to_string(table.columnCount()) + " columns)");
        return static_cast<std::size_t>(index);
    }
    return table.columnIndex(name);
}

std::string ColumnRef::describe() const {
    return index >= 0 ? "column #" + std::to_string(index + 1) : "\"" + name + "\"";
}

namespace {

std::vector<std::string> labelsOf(const CsvTable& table, const std::vector<ColumnRef>& refs) {
    std::vector<std::string> out;
    for (const auto& r : refs) out.push_back(table.columnLabel(r.resolve(table)));
    return out;
}

std::vector<std::string> chooseNames(const CsvTable& table, const std::vector<ColumnRef>& refs,
                                     const std::vector<std::string>& overrides, const char* what) {
    if (overrides.empty()) return labelsOf(table, refs);
    if (overrides.size() != refs.size())
        throw Error(table.where(), std::string(what) + " names: " + std::to_string(overrides.size()) +
                                       " names given for " + std::to_string(refs.size()) + " columns");
    return overrides;
}

}  // namespace

void channelNamesFromCsv(const CsvTable& table, const CsvMapping& m, Dataset& into) {
    into.stateNames = chooseNames(table, m.states, m.stateNames, "state");
    into.inputNames = chooseNames(table, m.inputs, m.inputNames, "input");
    into.outputNames = chooseNames(table, m.outputs, m.outputNames, "output");
}

std::vector<Trajectory> trajectoriesFromCsv(const CsvTable& table, const CsvMapping& m, const std::string& idPrefix) {
    if (m.states.empty() && m.inputs.empty() && m.outputs.empty())
        throw Error(table.where(), "no state, input or output columns chosen");
    if (!m.derivatives.empty() && m.derivatives.size() != m.states.size())
        throw Error(table.where(), std::to_string(m.derivatives.size()) + " derivative columns for " +
                                       std::to_string(m.states.size()) + " state columns; expected one per state");
    if (!m.time && !(m.dt > 0.0 && std::isfinite(m.dt)))
        throw Error(table.where(), "no time column chosen, so a sample time dt > 0 is required (got " +
                                       std::to_string(m.dt) + ")");

    // Resolve every column first so a missing column is reported before any cell error.
    auto resolveAll = [&](const std::vector<ColumnRef>& refs) {
        std::vector<std::size_t> out;
        for (const auto& r : refs) out.push_back(r.resolve(table));
        return out;
    };
    const auto stateCols = resolveAll(m.states), inputCols = resolveAll(m.inputs), outputCols = resolveAll(m.outputs),
               derivCols = resolveAll(m.derivatives);
    const std::optional<std::size_t> timeCol = m.time ? std::optional(m.time->resolve(table)) : std::nullopt;
    const std::optional<std::size_t> idCol = m.trajectoryId ? std::optional(m.trajectoryId->resolve(table)) : std::nullopt;

    // Group rows into trajectories (first-seen order of the id values).
    std::vector<std::string> ids;
    std::vector<std::vector<std::size_t>> rowsOf;
    if (idCol) {
        std::map<std::string, std::size_t> slot;
        for (std::size_t r = 0; r < table.rowCount(); ++r) {
            const std::string_view raw = table.cell(r, *idCol);
            if (raw.empty())
                throw Error(loc(table.where(), table.lineOf(r), *idCol + 1),
                            "column " + quoteForMessage(table.columnLabel(*idCol)) + ": empty trajectory id");
            std::string key = unescapeQuoted(raw);
            auto [it, inserted] = slot.emplace(key, ids.size());
            if (inserted) {
                ids.push_back(key);
                rowsOf.emplace_back();
            }
            rowsOf[it->second].push_back(r);
        }
    } else {
        ids.push_back({});
        rowsOf.emplace_back(table.rowCount());
        for (std::size_t r = 0; r < table.rowCount(); ++r) rowsOf[0][r] = r;
    }

    // Each used column is parsed once (cell errors surface here, in column order).
    std::map<std::size_t, Eigen::VectorXd> parsed;
    for (const auto* cols : {&stateCols, &inputCols, &outputCols, &derivCols})
        for (std::size_t c : *cols)
            if (!parsed.count(c)) parsed.emplace(c, table.numericColumn(c));
    if (timeCol && !parsed.count(*timeCol)) parsed.emplace(*timeCol, table.numericColumn(*timeCol));

    auto gather = [&](const std::vector<std::size_t>& cols, const std::vector<std::size_t>& rows) {
        if (cols.empty()) return Eigen::MatrixXd();   // absent channel group: 0×0
        Eigen::MatrixXd out(static_cast<Eigen::Index>(cols.size()), static_cast<Eigen::Index>(rows.size()));
        for (std::size_t i = 0; i < cols.size(); ++i) {
            const Eigen::VectorXd& col = parsed.at(cols[i]);
            for (std::size_t k = 0; k < rows.size(); ++k)
                out(static_cast<Eigen::Index>(i), static_cast<Eigen::Index>(k)) = col(static_cast<Eigen::Index>(rows[k]));
        }
        return out;
    };
    std::vector<Trajectory> out;
    out.reserve(ids.size());
    for (std::size_t g = 0; g < ids.size(); ++g) {
        const auto& rows = rowsOf[g];
        Trajectory tr;
        if (idCol)
            tr.id = idPrefix + ids[g];
        else
            tr.id = idPrefix.empty() ? "traj 0" : idPrefix;
        const auto K = static_cast<Eigen::Index>(rows.size());
        if (timeCol) {
            const Eigen::VectorXd& all = parsed.at(*timeCol);
            tr.t.resize(K);
            for (Eigen::Index k = 0; k < K; ++k) {
                tr.t(k) = all(static_cast<Eigen::Index>(rows[static_cast<std::size_t>(k)]));
                if (k > 0 && !(tr.t(k) > tr.t(k - 1)))
                    throw Error(loc(table.where(), table.lineOf(rows[static_cast<std::size_t>(k)]), *timeCol + 1),
                                "time column " + quoteForMessage(table.columnLabel(*timeCol)) +
                                    " must be strictly increasing" + (idCol ? " within a trajectory" : std::string()) +
                                    ": " + std::to_string(tr.t(k)) + " follows " + std::to_string(tr.t(k - 1)));
            }
        } else {
            tr.t = Eigen::VectorXd::LinSpaced(K, 0.0, static_cast<double>(K - 1)) * m.dt;
            tr.t.array() += m.t0;
        }
        tr.x = gather(stateCols, rows);
        tr.u = gather(inputCols, rows);
        tr.y = gather(outputCols, rows);
        tr.dxdt = gather(derivCols, rows);
        out.push_back(std::move(tr));
    }
    return out;
}

Dataset loadCsv(const std::filesystem::path& path, const CsvMapping& mapping) {
    const CsvTable table = CsvTable::read(path, mapping.delimiter);
    Dataset ds;
    ds.name = path.stem().string();
    ds.source = path.string();
    channelNamesFromCsv(table, mapping, ds);
    ds.trajectories = trajectoriesFromCsv(table, mapping);
    ds.sha256 = sha256File(path);
    if (!mapping.time) {
        ds.dt = mapping.dt;
    } else {
        ds.dt = nominalSampleTime(ds.trajectories);
    }
    return ds;
}

// ---------------------------------------------------------------------------------------------------------
// Writing

namespace {

std::string quoteCsv(const std::string& s) {
    std::string out = "\"";
    for (char c : s) {
        if (c == '"') out += '"';
        out += c;
    }
    return out + "\"";
}

void appendNumber(std::string& out, double v) {
    char buf[40];
    const auto res = std::to_chars(buf, buf + sizeof buf, v);   // shortest round-trip form
    out.append(buf, res.ptr);
}

}  // namespace

std::string csvField(const std::string& text) {
    if (text.find_first_of(",\"\r\n") == std::string::npos) return text;
    std::string out = "\"";
    for (char c : text) {
        if (c == '"') out += '"';
        out += c == '\n' || c == '\r' ? ' ' : c;
    }
    return out + "\"";
}

CsvMapping saveCsv(const std::filesystem::path& path, const Dataset& ds) {
    const std::string where = path.string();
    if (ds.trajectories.empty()) throw Error(where, "cannot write a dataset without trajectories");
    std::size_t withTime = 0;
    bool allDerivatives = ds.stateDim() > 0;
    for (const auto& tr : ds.trajectories) {
        withTime += tr.t.size() > 0;
        if (tr.dxdt.rows() != ds.stateDim() || tr.dxdt.cols() != tr.samples()) allDerivatives = false;
        auto check = [&](const Eigen::MatrixXd& m, Eigen::Index rows, const char* field) {
            if (m.rows() == 0) return;
            if (m.rows() != rows || m.cols() != tr.samples())
                throw Error(where, "trajectory \"" + tr.id + "\": " + field + " is " + std::to_string(m.rows()) + "x" +
                                       std::to_string(m.cols()) + ", expected " + std::to_string(rows) + "x" +
                                       std::to_string(tr.samples()));
            if (!m.allFinite()) throw Error(where, "trajectory \"" + tr.id + "\": " + field + " contains NaN or Inf");
        };
        check(tr.x, ds.stateDim(), "x");
        check(tr.u, ds.inputDim(), "u");
        check(tr.y, ds.outputDim(), "y");
        check(tr.dxdt, ds.stateDim(), "dxdt");
        for (const auto* m : {&tr.x, &tr.u, &tr.y})
            if (m->rows() == 0 && ((m == &tr.x && ds.stateDim()) || (m == &tr.u && ds.inputDim()) ||
                                   (m == &tr.y && ds.outputDim())))
                throw Error(where, "trajectory \"" + tr.id + "\" lacks channels that other trajectories have; CSV needs "
                                   "every column on every row");
    }
    if (withTime != 0 && withTime != ds.trajectories.size())
        throw Error(where, "cannot write trajectories with time and unordered pair sets into one CSV");
    const bool hasTime = withTime != 0;

    CsvMapping m;
    std::string out;
    out += quoteCsv("trajectory");
    m.trajectoryId = ColumnRef::byIndex(0);
    int col = 1;
    if (hasTime) {
        out += "," + quoteCsv("t");
        m.time = ColumnRef::byIndex(col++);
    } else {
        m.dt = 1.0;
    }
    auto addColumns = [&](const std::vector<std::string>& names, std::vector<ColumnRef>& refs,
                          std::vector<std::string>& nameOut, const std::string& prefix) {
        for (const auto& n : names) {
            out += "," + quoteCsv(prefix + n);
            refs.push_back(ColumnRef::byIndex(col++));
            nameOut.push_back(n);
        }
    };
    addColumns(ds.stateNames, m.states, m.stateNames, "");
    addColumns(ds.inputNames, m.inputs, m.inputNames, "");
    addColumns(ds.outputNames, m.outputs, m.outputNames, "");
    std::vector<std::string> unusedNames;
    if (allDerivatives) addColumns(ds.stateNames, m.derivatives, unusedNames, "d/dt ");
    out += '\n';

    for (std::size_t i = 0; i < ds.trajectories.size(); ++i) {
        const auto& tr = ds.trajectories[i];
        const std::string id = quoteCsv(tr.id.empty() ? "traj " + std::to_string(i) : tr.id);
        for (Eigen::Index k = 0; k < tr.samples(); ++k) {
            out += id;
            if (hasTime) {
                out += ',';
                appendNumber(out, tr.t(k));
            }
            for (const auto* mat : {&tr.x, &tr.u, &tr.y})
                for (Eigen::Index r = 0; r < mat->rows(); ++r) {
                    out += ',';
                    appendNumber(out, (*mat)(r, k));
                }
            if (allDerivatives)
                for (Eigen::Index r = 0; r < tr.dxdt.rows(); ++r) {
                    out += ',';
                    appendNumber(out, tr.dxdt(r, k));
                }
            out += '\n';
        }
    }
    writeFileAtomic(path, out);
    return m;
}

// ---------------------------------------------------------------------------------------------------------
// Preview

CsvPreview peekCsv(const std::filesystem::path& path, std::size_t maxRows, char delimiter) {
    const CsvTable table = CsvTable::read(path, delimiter);
    CsvPreview p;
    p.path = path;
    p.delimiter = table.delimiter();
    p.totalRows = table.rowCount();
    const std::size_t shown = std::min(maxRows, table.rowCount());
    for (std::size_t r = 0; r < shown; ++r) {
        std::vector<std::string> row;
        for (std::size_t c = 0; c < table.columnCount(); ++c) row.emplace_back(table.cell(r, c));
        p.rows.push_back(std::move(row));
    }
    for (std::size_t c = 0; c < table.columnCount(); ++c) {
        CsvColumnSummary s;
        s.index = c;
        s.name = table.columnNames()[c];
        s.label = table.columnLabel(c);
        s.firstValue = table.firstValue(c);
        bool laterAllBlank = true;
        for (std::size_t r = 1; r < table.rowCount() && laterAllBlank; ++r) laterAllBlank = table.cell(r, c).empty();
        if (table.cell(0, c).empty() && laterAllBlank) {
            s.kind = CsvColumnSummary::Kind::Empty;
        } else if (laterAllBlank && table.rowCount() > 1) {
            s.kind = CsvColumnSummary::Kind::FirstRowOnly;
        } else {
            s.kind = CsvColumnSummary::Kind::Numeric;
            for (std::size_t r = 0; r < shown; ++r) {
                const auto v = parseCsvNumber(table.cell(r, c));
                if (!v || !std::isfinite(*v)) {
                    s.kind = CsvColumnSummary::Kind::Text;
                    break;
                }
            }
        }
        const std::string lower = lowercase(s.name);
        if (!p.suggestedTimeColumn && (lower == "t" || lower == "time" || lower == "t [s]" || lower == "time [s]") &&
            s.kind == CsvColumnSummary::Kind::Numeric)
            p.suggestedTimeColumn = c;
        p.columns.push_back(std::move(s));
    }
    return p;
}

CsvMapping defaultCsvMapping(const CsvPreview& preview) {
    CsvMapping m;
    m.delimiter = preview.delimiter;
    std::optional<std::size_t> trajColumn;
    for (const auto& c : preview.columns) {
        const std::string n = lowercase(c.name);
        if (n == "trajectory" || n == "traj" || n == "trajectory_id" || n == "run") trajColumn = c.index;
    }
    if (preview.suggestedTimeColumn) m.time = ColumnRef::byIndex(static_cast<int>(*preview.suggestedTimeColumn));
    if (trajColumn) m.trajectoryId = ColumnRef::byIndex(static_cast<int>(*trajColumn));
    for (const auto& c : preview.columns) {
        if (c.kind != CsvColumnSummary::Kind::Numeric) continue;
        if (preview.suggestedTimeColumn && c.index == *preview.suggestedTimeColumn) continue;
        if (trajColumn && c.index == *trajColumn) continue;
        if (lowercase(c.name).rfind("d/dt", 0) == 0) continue;
        m.states.push_back(ColumnRef::byIndex(static_cast<int>(c.index)));
    }
    if (!m.time) m.dt = 1.0;
    return m;
}

}  // namespace sd::data
