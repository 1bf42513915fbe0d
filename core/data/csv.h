#pragma once
// CSV tables and the CSV → Dataset loader.
//
// Accepted dialect: one header row of column names (optionally "double-quoted", with "" as an escaped quote),
// then data rows of numbers separated by one delimiter character. Tolerated, because real benchmark files
// (nonlinearbenchmark.org WH and F-16) have them: a trailing delimiter on every line (an empty last column),
// a trailing blank line, CRLF line ends, empty header names, and columns that are only filled on the first
// data row (the `fs` / `Fs` sample-rate columns). Such columns are readable but cannot be mapped to a channel.
//
// Every failure is an sd::Error whose location is "<file>:<line>:<column>" (1-based) or "<file>" and whose
// text says what was expected and what was found.
#include "core/data/dataset.h"

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace sd::data {

/// What the CSV reader accepts before it allocates (docs/RELIABILITY.md, "Resource limits"). A table of S
/// bytes and N cells holds the text plus 12 bytes per cell (peak memory <= S + 24·N bytes while the cell
/// index grows), and a mapped column adds 8 bytes per row twice (parsed column + trajectory matrix).
struct CsvLimits {
    /// Larger files are refused before reading (default 256 MiB; the environment variable
    /// STABLEDYN_CSV_MAX_MB raises it). Bigger data belongs in NPZ or JSON datasets.
    std::uint64_t maxFileBytes = std::uint64_t{256} << 20;
    /// A header with more columns is refused while it is split (a row is refused as soon as it has more
    /// fields than the header), so one absurd line never builds a huge field list.
    std::size_t maxColumns = 100000;

    /// The defaults with STABLEDYN_CSV_MAX_MB applied.
    static CsvLimits fromEnvironment();
};

/// A parsed CSV file: header names plus the raw text of every cell, parsed to numbers on request.
class CsvTable {
public:
    /// Reads and splits `path`. `delimiter` 0 means auto-detect from the header (',' ';' or tab).
    /// Throws on an unreadable or empty file, a file or header over `limits`, a missing header, a row with
    /// a different number of fields than the header (ragged row), or a blank line followed by more data.
    static CsvTable read(const std::filesystem::path& path, char delimiter = ',',
                         const CsvLimits& limits = CsvLimits::fromEnvironment());
    /// Same, from text in memory; `where` names it in errors (usually the file name).
    static CsvTable parse(std::string text, const std::string& where, char delimiter = ',',
                          const CsvLimits& limits = CsvLimits::fromEnvironment());

    const std::string& where() const { return where_; }
    char delimiter() const { return delimiter_; }
    /// Column names from the header (unquoted; may be empty strings). The tolerated trailing empty column
    /// is not included.
    const std::vector<std::string>& columnNames() const { return names_; }
    std::size_t columnCount() const { return names_.size(); }
    std::size_t rowCount() const { return rowLine_.size(); }
    /// 1-based line number of data row `row` (for messages).
    std::size_t lineOf(std::size_t row) const { return rowLine_[row]; }
    /// Cell text, unquoted and trimmed of surrounding spaces.
    std::string_view cell(std::size_t row, std::size_t column) const;

    /// Index of the column called `name`. Throws "<file>: missing column "name" (columns: ...)" when there
    /// is none, and an ambiguity error when several columns have that name.
    std::size_t columnIndex(const std::string& name) const;
    /// Every cell of a column as a finite number. Throws "<file>:<line>:<col>: column "c": expected a
    /// number, found "text"" for empty, non-numeric, NaN or infinite cells.
    Eigen::VectorXd numericColumn(std::size_t column) const;
    /// The first data row's value of a column that may be blank afterwards (like `fs`); nullopt when that
    /// cell is empty or not a number.
    std::optional<double> firstValue(std::size_t column) const;
    /// A display label: the header name, or "#<1-based index>" for an unnamed column.
    std::string columnLabel(std::size_t column) const;

private:
    std::string where_;
    std::string text_;
    char delimiter_ = ',';
    std::vector<std::string> names_;
    struct Span { std::uint32_t begin = 0, length = 0; bool quoted = false; };
    std::vector<Span> cells_;             // row-major, names_.size() per row
    std::vector<std::size_t> rowLine_;    // 1-based line number of each data row
};

/// Parses one CSV cell as a finite double (used by the table and by tests). nullopt if it is not one.
std::optional<double> parseCsvNumber(std::string_view text);

/// A column chosen by header name or by 0-based index (for files with empty or repeated names).
struct ColumnRef {
    std::string name;   ///< used when index < 0
    int index = -1;

    static ColumnRef byName(std::string n) { return ColumnRef{std::move(n), -1}; }
    static ColumnRef byIndex(int i) { return ColumnRef{{}, i}; }
    /// The 0-based column in `table`; throws naming the file when it does not exist.
    std::size_t resolve(const CsvTable& table) const;
    std::string describe() const;   ///< "\"Force\"" or "column #3"
};

/// Which columns make up a dataset. Channel names default to the header names of the chosen columns.
struct CsvMapping {
    std::optional<ColumnRef> time;            ///< strictly increasing within a trajectory; if absent, t = t0 + k·dt
    std::optional<ColumnRef> trajectoryId;    ///< rows with equal id form one trajectory (first-seen order)
    std::vector<ColumnRef> states, inputs, outputs, derivatives;   ///< derivatives: one per state, same order
    double dt = 0.0;                          ///< required (> 0) when there is no time column
    double t0 = 0.0;
    char delimiter = ',';                     ///< 0 = auto-detect
    /// Optional channel-name overrides (must match the column counts when given).
    std::vector<std::string> stateNames, inputNames, outputNames;
};

/// Builds trajectories from a table. Trajectory ids are "<idPrefix><id value>" with a trajectory-id column,
/// otherwise `idPrefix` (or "traj 0" when empty). Throws on missing columns, bad cells (with line and
/// column), non-increasing time, a non-positive dt, or derivative columns that do not match the states.
std::vector<Trajectory> trajectoriesFromCsv(const CsvTable& table, const CsvMapping& mapping,
                                            const std::string& idPrefix = {});
/// Channel names for a mapping over `table`: overrides if given, else header labels.
void channelNamesFromCsv(const CsvTable& table, const CsvMapping& mapping, Dataset& into);

/// Loads a CSV file into a Dataset (name = file stem, source = path, sha256 of the file, dt = mapping.dt or
/// the median time step when a time column exists and is uniform to 1e-6 relative, else 0).
Dataset loadCsv(const std::filesystem::path& path, const CsvMapping& mapping);

/// Writes a dataset as CSV (atomic): columns "trajectory","t", states, inputs, outputs, then "d/dt <state>"
/// when every trajectory has derivatives; numbers with 17 significant digits so a reload is bit-exact.
/// Returns the mapping that loads the file back. Pair sets (empty t) are written with t = sample index.
CsvMapping saveCsv(const std::filesystem::path& path, const Dataset& dataset);

/// One cell of a CSV record written by the project's exporters (sweep tables, training curves): `text` as is when
/// it holds no comma, double quote or line break, else double-quoted with every quote doubled. Line breaks become
/// spaces, because the reader above takes one record per line.
std::string csvField(const std::string& text);

/// What the column-mapping dialog shows before the user picks columns.
struct CsvColumnSummary {
    enum class Kind {
        Numeric,          ///< every previewed cell is a finite number
        FirstRowOnly,     ///< value on the first data row, blank afterwards (e.g. a sample-rate column)
        Empty,            ///< blank in every previewed row
        Text              ///< some cell is not a number
    };
    std::size_t index = 0;
    std::string name;       ///< header name (may be empty)
    std::string label;      ///< name, or "#<index+1>" when unnamed
    Kind kind = Kind::Numeric;
    std::optional<double> firstValue;
};
struct CsvPreview {
    std::filesystem::path path;
    char delimiter = ',';
    std::vector<CsvColumnSummary> columns;
    std::vector<std::vector<std::string>> rows;   ///< first rows, one string per column
    std::size_t totalRows = 0;                    ///< data rows in the whole file
    /// Guesses for the dialog: a column named t/time/Time (else none).
    std::optional<std::size_t> suggestedTimeColumn;
};
/// Reads the header and the first `maxRows` rows (the whole file is split to count rows and check for
/// ragged rows). `delimiter` 0 auto-detects.
CsvPreview peekCsv(const std::filesystem::path& path, std::size_t maxRows = 20, char delimiter = 0);

/// The mapping used when the user does not choose (the studio's CSV dialog starts from it): the suggested
/// time column (else dt = 1), a column named trajectory/traj/trajectory_id/run (any case) as trajectory id,
/// every other numeric column a state, except columns named "d/dt…" (derivatives are not states).
CsvMapping defaultCsvMapping(const CsvPreview& preview);

}  // namespace sd::data
