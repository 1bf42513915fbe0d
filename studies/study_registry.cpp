#include "studies/study_registry.h"

#include "core/catalog/dataset_catalog.h"

namespace sd::studies {

const std::vector<StudyAlias>& studyAliases() {
    static const std::vector<StudyAlias> aliases = {};
    return aliases;
}

const StudyAlias* findStudyAlias(const std::string& name) {
    for (const auto& a : studyAliases())
        if (a.name == name) return &a;
    return nullptr;
}

std::filesystem::path studiesDirectory() {
    if (const char* env = std::getenv("STABLEDYN_STUDIES")) return env;
    const std::filesystem::path inSource = catalog::DatasetCatalog::projectRoot() / "studies";
    if (std::filesystem::is_directory(inSource)) return inSource;
    return "/usr/share/stabledyn/studies";
}

void registerStudies(experiment::Extensions& /*extensions*/) {}

}  // namespace sd::studies
