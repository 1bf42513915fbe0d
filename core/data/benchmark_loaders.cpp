#include "core/data/benchmark_loaders.h"

#include "core/common/error.h"
#include "core/data/dataset_json.h"
#include "core/data/npz_pairs.h"
#include "core/data/video.h"

namespace sd::data {

namespace {

std::vector<Trajectory> loadCsvEntry(const BenchmarkTrajectory& bt, const std::filesystem::path& path, BenchmarkLoadState& st) {
    auto it = st.tables.find(bt.file);
    if (it == st.tables.end()) it = st.tables.emplace(bt.file, CsvTable::read(path, st.manifest.loader.delimiter)).first;
    const CsvTable& table = it->second;
    if (!st.namesSet) {
        channelNamesFromCsv(table, *bt.columns, st.dataset);
        st.namesSet = true;
    }
    return trajectoriesFromCsv(table, *bt.columns, bt.columns->trajectoryId ? bt.id + "/" : bt.id);
}

std::vector<Trajectory> loadNpzPairsEntry(const BenchmarkTrajectory& bt, const std::filesystem::path& path, BenchmarkLoadState& st) {
    std::vector<Trajectory> loaded;
    loaded.push_back(loadNpzPairSet(path, st.manifest.loader.xArray, st.manifest.loader.yArray, bt.id));
    if (!st.namesSet) {
        for (Eigen::Index i = 0; i < loaded.front().x.rows(); ++i) st.dataset.stateNames.push_back("x" + std::to_string(i + 1));
        st.namesSet = true;
    }
    return loaded;
}

std::vector<Trajectory> loadVideoEntry(const BenchmarkTrajectory& bt, const std::filesystem::path& path, BenchmarkLoadState& st) {
    VideoLoadOptions vo;
    vo.color = st.manifest.loader.color == "gray" ? VideoColor::Gray : VideoColor::Rgb;
    Video v = loadVideo(path, vo);
    v.fps = st.manifest.dt > 0.0 ? 1.0 / st.manifest.dt : 0.0;
    Dataset vd = videoToDataset(v, bt.id);
    if (!st.namesSet) {
        st.dataset.stateNames = std::move(vd.stateNames);
        st.namesSet = true;
    }
    std::vector<Trajectory> loaded;
    loaded.push_back(std::move(vd.trajectories.front()));
    return loaded;
}

std::vector<Trajectory> loadDatasetJsonEntry(const BenchmarkTrajectory& bt, const std::filesystem::path& path, BenchmarkLoadState& st) {
    Dataset inner = loadDatasetJson(path);
    if (!st.namesSet) {
        st.dataset.stateNames = inner.stateNames;
        st.dataset.inputNames = inner.inputNames;
        st.dataset.outputNames = inner.outputNames;
        st.namesSet = true;
    }
    std::vector<Trajectory> loaded;
    for (auto& tr : inner.trajectories) {
        tr.id = inner.trajectories.size() == 1 ? bt.id : bt.id + "/" + tr.id;
        loaded.push_back(std::move(tr));
    }
    return loaded;
}

}  // namespace

BenchmarkTrajectoryLoader benchmarkTrajectoryLoader(const std::string& type) {
    static const std::map<std::string, BenchmarkTrajectoryLoader> table = {
        {"csv", loadCsvEntry}, {"npz-pairs", loadNpzPairsEntry}, {"video", loadVideoEntry}, {"dataset-json", loadDatasetJsonEntry}};
    const auto it = table.find(type);
    if (it == table.end()) throw Error("loader.type", "no loader for \"" + type + "\"");
    return it->second;
}

}  // namespace sd::data
