// Fuzzes the CSV reader and the CSV → trajectories mapping (core/data/csv.h).
#include "core/data/csv.h"
#include "tests/fuzz/fuzz_support.h"

using namespace sd;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    fuzz::expectCleanRejection([&] {
        const auto table = data::CsvTable::parse(std::string(reinterpret_cast<const char*>(data), size), "fuzz.csv", 0);
        if (table.columnCount() == 0) return;
        // Column 0 as time, the rest as states; then the same columns as an unordered pair set with dt.
        data::CsvMapping m;
        m.time = data::ColumnRef::byIndex(0);
        for (std::size_t c = 1; c < table.columnCount(); ++c) m.states.push_back(data::ColumnRef::byIndex(int(c)));
        if (m.states.empty()) m.states.push_back(data::ColumnRef::byIndex(0));
        fuzz::expectCleanRejection([&] { data::trajectoriesFromCsv(table, m); });
        m.time.reset();
        m.dt = 0.1;
        if (table.columnCount() > 1) m.trajectoryId = data::ColumnRef::byIndex(0);
        data::Dataset ds;
        data::channelNamesFromCsv(table, m, ds);
        data::trajectoriesFromCsv(table, m, "id ");
        for (std::size_t c = 0; c < table.columnCount(); ++c) table.firstValue(c);
    });
    return 0;
}
