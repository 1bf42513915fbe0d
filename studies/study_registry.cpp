#include "studies/study_registry.h"

#include "core/catalog/dataset_catalog.h"
#include "studies/ren/ren_study.h"
#include "studies/stable_deep_dynamics/pendulum_study.h"
#include "studies/stable_deep_dynamics/vae_study.h"
#include "studies/stable_opinf/opinf_study.h"

namespace sd::studies {

const std::vector<StudyAlias>& studyAliases() {
    static const std::vector<StudyAlias> aliases = {
        {"pendulum", "stable_deep_dynamics/pendulum.json", "lyapunov-net vs simple MLP on n-link pendulums, rollout error"},
        {"vae", "stable_deep_dynamics/vae.json", "stable vs naive latent dynamics on video textures"},
        {"opinf-quadratic", "stable_opinf/quadratic.json", "plain vs stable OpInf on the quadratic examples, certified radius"},
        {"opinf-burgers", "stable_opinf/burgers.json", "plain vs stable OpInf on controlled Burgers (POD r = 9)"},
        {"opinf-sweep", "stable_opinf/lambda_rank_sweep.json", "least-squares OpInf over (POD rank, λ), unstable cells masked"},
        {"ren-wh", "ren/wh.json", "RENs vs RNN/LSTM on Wiener–Hammerstein: NRMSE and observed sensitivity"},
        {"ren-f16", "ren/f16.json", "RENs vs LSTM on the F-16 ground vibration test"},
        {"ren-observer", "ren/observer.json", "a contracting REN observer for a reaction–diffusion PDE"}};
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

void registerStudies(experiment::Extensions& extensions) {
    registerOpinfStudies(extensions);
    registerPendulumStudy(extensions);
    registerVaeStudy(extensions);
    registerRenStudies(extensions);
}

}  // namespace sd::studies
