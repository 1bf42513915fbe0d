// Fuzzes model import: the envelope (core/model/model_document.h) and every plugin's load. The plugins'
// Qt modules are not linked here; the dispatch below is exactly their `load` (each calls its model's
// fromJson; ren picks the LBDN model by hyperparameters.model_class).
#include "core/model/model_document.h"
#include "plugins/lyapunov-net/lyapunov_net_model.h"
#include "plugins/ren/lbdn_model.h"
#include "plugins/ren/ren_model.h"
#include "plugins/stable-opinf/opinf_model.h"
#include "plugins/vae-latent/vae_latent_model.h"
#include "tests/fuzz/fuzz_support.h"

using namespace sd;

namespace {

std::unique_ptr<model::Model> loadLikeThePlugin(const std::string& id, const nlohmann::json& doc) {
    if (id == "lyapunov-net") return lyapnet::LyapunovNetModel::fromJson(doc);
    if (id == "stable-opinf") return opinf::OpInfModel::fromJson(doc);
    if (id == "vae-latent") return vae::VaeLatentModel::fromJson(doc);
    if (id == "ren") {
        if (ren::LbdnModel::describes(doc)) return ren::LbdnModel::fromJson(doc);
        return ren::RenModel::fromJson(doc);
    }
    return nullptr;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const auto doc = fuzz::parseJsonOrDiscard(data, size);
    if (doc.is_discarded()) return 0;
    fuzz::expectCleanRejection([&] {
        model::checkEnvelope(doc, "", "fuzz model");
        const auto m = loadLikeThePlugin(doc["plugin"]["id"].get<std::string>(), doc);
        if (m) m->toJson();
    });
    return 0;
}
