#include "app/studio/model_board.h"

#include "app/studio/color_maps.h"
#include "core/common/error.h"
#include "core/common/json_number.h"
#include "core/model/model_file.h"
#include "core/model/plugin_host.h"

#include <algorithm>
#include <cmath>

namespace sd::studio {

using nlohmann::json;

namespace {

double numberOr(const json& j, const char* key) {
    return j.contains(key) && j[key].is_number() ? j[key].get<double>() : std::numeric_limits<double>::quiet_NaN();
}

const char* badgeName(BoardEntry::Badge b) {
    switch (b) {
        case BoardEntry::Badge::Verified: return "verified";
        case BoardEntry::Badge::NotVerified: return "not_verified";
        case BoardEntry::Badge::Failed: return "failed";
        case BoardEntry::Badge::Unknown: break;
    }
    return "unknown";
}

BoardEntry::Badge badgeFrom(const std::string& s) {
    if (s == "verified") return BoardEntry::Badge::Verified;
    if (s == "not_verified") return BoardEntry::Badge::NotVerified;
    if (s == "failed") return BoardEntry::Badge::Failed;
    return BoardEntry::Badge::Unknown;
}

}  // namespace

QString BoardEntry::pluginLabel() const {
    return variant.empty() ? QString::fromStdString(pluginId) : QString::fromStdString(pluginId + "/" + variant);
}

ModelBoard::ModelBoard(QObject* parent) : QObject(parent) {}

QColor ModelBoard::nextColour() const { return runColor(nextId_ - 1); }

int ModelBoard::add(BoardEntry entry) {
    entry.id = nextId_++;
    entry.colour = runColor(entry.id - 1);
    if (entry.name.isEmpty()) entry.name = QString("model %1").arg(entry.id);
    if (entry.model && entry.pluginId.empty()) {
        entry.pluginId = entry.model->pluginId();
        entry.variant = entry.model->variant();
    }
    const int id = entry.id;
    const bool overlay = entry.overlay;
    entries_.push_back(std::move(entry));
    unsaved_ = true;
    emit entryAdded(id);
    if (overlay) emit overlaysChanged();
    return id;
}

bool ModelBoard::remove(int id) {
    const auto it = std::find_if(entries_.begin(), entries_.end(), [id](const BoardEntry& e) { return e.id == id; });
    if (it == entries_.end()) return false;
    const bool overlay = it->overlay;
    entries_.erase(it);
    unsaved_ = true;
    emit entryRemoved(id);
    if (overlay) emit overlaysChanged();
    return true;
}

bool ModelBoard::rename(int id, const QString& name) {
    BoardEntry* e = findMutable(id);
    if (!e || name.trimmed().isEmpty()) return false;
    if (e->name == name.trimmed()) return true;
    e->name = name.trimmed();
    unsaved_ = true;
    emit entryChanged(id);
    return true;
}

bool ModelBoard::setOverlay(int id, bool on) {
    BoardEntry* e = findMutable(id);
    if (!e) return false;
    if (e->overlay == on) return true;
    e->overlay = on;
    emit entryChanged(id);
    emit overlaysChanged();
    return true;
}

void ModelBoard::setBadge(int id, BoardEntry::Badge badge) {
    if (BoardEntry* e = findMutable(id); e && e->badge != badge) {
        e->badge = badge;
        emit entryChanged(id);
    }
}

void ModelBoard::setScore(int id, double score, const QString& name) {
    if (BoardEntry* e = findMutable(id)) {
        e->score = score;
        e->scoreName = name;
        emit entryChanged(id);
    }
}

BoardEntry* ModelBoard::findMutable(int id) {
    const auto it = std::find_if(entries_.begin(), entries_.end(), [id](const BoardEntry& e) { return e.id == id; });
    return it == entries_.end() ? nullptr : &*it;
}

const BoardEntry* ModelBoard::find(int id) const { return const_cast<ModelBoard*>(this)->findMutable(id); }

const BoardEntry* ModelBoard::findModel(const model::Model* model) const {
    if (!model) return nullptr;
    for (const auto& e : entries_)
        if (e.model.get() == model) return &e;
    return nullptr;
}

const BoardEntry* ModelBoard::findRun(int run) const {
    if (run <= 0) return nullptr;
    for (const auto& e : entries_)
        if (e.run == run) return &e;
    return nullptr;
}

void ModelBoard::clear() {
    std::vector<int> ids;
    for (const auto& e : entries_) ids.push_back(e.id);
    for (int id : ids) remove(id);
    unsaved_ = false;
}

json ModelBoard::toJson() const {
    json out = json::array();
    for (const auto& e : entries_) {
        json curve = json::array();
        for (const auto& ev : e.curve)
            curve.push_back({ev.epoch, jsonNumber(ev.trainLoss), jsonNumber(ev.validationLoss), jsonNumber(ev.learningRate), jsonNumber(ev.elapsedSeconds)});
        out.push_back({{"name", e.name.toStdString()},
                       {"origin", e.origin.toStdString()},
                       {"dataset", {{"name", e.datasetName}, {"sha256", e.datasetSha}}},
                       {"key_hyperparameters", e.keyHyperparameters},
                       {"started_at_ms", e.startedAtMs},
                       {"epochs", e.epochs},
                       {"train_loss", jsonNumber(e.trainLoss)},
                       {"validation_loss", jsonNumber(e.validationLoss)},
                       {"badge", badgeName(e.badge)},
                       {"overlay", e.overlay},
                       {"curve", curve},
                       {"model", e.model ? e.model->toJson() : json()}});
    }
    return out;
}

void ModelBoard::loadJson(const json& j, const model::PluginHost& host, const std::string& source) {
    if (!j.is_array()) throw Error(source + ": board", "expected an array of models");
    std::vector<BoardEntry> loaded;
    for (std::size_t k = 0; k < j.size(); ++k) {
        const std::string where = source + ": board[" + std::to_string(k) + "]";
        const json& item = j[k];
        if (!item.is_object()) throw Error(where, "expected an object");
        BoardEntry e;
        try {
            e.name = QString::fromStdString(item.value("name", std::string()));
            e.origin = QString::fromStdString(item.value("origin", std::string()));
            if (item.contains("dataset") && item["dataset"].is_object()) {
                e.datasetName = item["dataset"].value("name", std::string());
                e.datasetSha = item["dataset"].value("sha256", std::string());
            }
            e.keyHyperparameters = item.value("key_hyperparameters", json::object());
            e.startedAtMs = item.value("started_at_ms", qint64{0});   // runs are numbered per session: no "run" here
            e.epochs = item.value("epochs", 0);
            e.trainLoss = numberOr(item, "train_loss");
            e.validationLoss = numberOr(item, "validation_loss");
            e.badge = badgeFrom(item.value("badge", std::string()));
            e.overlay = item.value("overlay", false);
            if (item.contains("curve") && item["curve"].is_array())
                for (const auto& p : item["curve"]) {
                    if (!p.is_array() || p.size() < 3) continue;
                    model::TrainEvent ev;
                    ev.epoch = p[0].get<int>();
                    ev.trainLoss = p[1].is_number() ? p[1].get<double>() : std::numeric_limits<double>::quiet_NaN();
                    ev.validationLoss = p[2].is_number() ? p[2].get<double>() : std::numeric_limits<double>::quiet_NaN();
                    if (p.size() > 3 && p[3].is_number()) ev.learningRate = p[3].get<double>();
                    if (p.size() > 4 && p[4].is_number()) ev.elapsedSeconds = p[4].get<double>();
                    e.curve.push_back(ev);
                }
        } catch (const json::exception& ex) {
            throw Error(where, std::string("malformed entry: ") + ex.what());
        }
        if (!item.contains("model") || !item["model"].is_object()) throw Error(where + ": model", "missing model document");
        try {
            e.model = std::shared_ptr<const model::Model>(model::loadModelFrom(host, item["model"], where + ": model"));
        } catch (const Error&) {
            throw;
        } catch (const std::exception& ex) {
            throw Error(where + ": model", ex.what());
        }
        e.pluginId = e.model->pluginId();
        e.variant = e.model->variant();
        loaded.push_back(std::move(e));
    }
    clear();
    for (auto& e : loaded) add(std::move(e));
    unsaved_ = false;
}

json differingHyperparameters(const json& hyper, const json& defaults, int limit) {
    json out = json::object();
    if (!hyper.is_object()) return out;
    int count = 0;
    for (const auto& [key, value] : hyper.items()) {
        if (count >= limit) break;
        if (key == "variant") continue;   // shown with the plugin
        if (defaults.is_object() && defaults.contains(key) && defaults[key] == value) continue;
        out[key] = value;
        ++count;
    }
    return out;
}

QString hyperparameterSummary(const json& keyHyper) {
    QStringList parts;
    if (keyHyper.is_object())
        for (const auto& [key, value] : keyHyper.items()) {
            QString v;
            if (value.is_number_float()) v = QString::number(value.get<double>(), 'g', 4);
            else if (value.is_string()) v = QString::fromStdString(value.get<std::string>());
            else v = QString::fromStdString(value.dump());
            parts << QString::fromStdString(key) + "=" + v;
        }
    return parts.join(", ");
}

}  // namespace sd::studio
