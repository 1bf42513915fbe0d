#pragma once
// The paper studies shipped with StableDyn Studio: each is a folder of experiment plans (JSON, run by the
// engine in core/experiment), the C++ that computes the study's own metrics and writes its tables and
// plots, and notes on the expected output. registerStudies adds their metric kinds, dataset transforms and
// study reports to the engine's extensions; the `stabledyn study <name>` aliases run their plans.
#include "core/experiment/extensions.h"

#include <filesystem>
#include <string>
#include <vector>

namespace sd::studies {

void registerStudies(experiment::Extensions& extensions);

struct StudyAlias {
    std::string name;     ///< `stabledyn study <name>`
    std::string plan;     ///< plan file relative to the studies folder
    std::string doc;
};
const std::vector<StudyAlias>& studyAliases();
const StudyAlias* findStudyAlias(const std::string& name);

/// $STABLEDYN_STUDIES, else <source root>/studies, else /usr/share/stabledyn/studies.
std::filesystem::path studiesDirectory();

}  // namespace sd::studies
