#include "app/studio/sweep_plan.h"

#include "core/common/error.h"

#include <QRegularExpression>
#include <cmath>
#include <sstream>

namespace sd::studio {

bool SweepResult::masked() const { return !verified || diverged || !failure.empty() || !std::isfinite(error); }

std::vector<SweepableParameter> sweepableParameters(const nlohmann::json& schema) {
    std::vector<SweepableParameter> out;
    if (!schema.contains("params") || !schema["params"].is_array()) return out;
    for (const auto& p : schema["params"]) {
        const std::string type = p.value("type", "");
        if (type != "int" && type != "number") continue;
        SweepableParameter s;
        s.key = p.value("key", "");
        s.label = QString::fromStdString(p.value("label", s.key));
        s.integer = type == "int";
        s.log = p.value("log", false);
        s.defaultValue = p.value("default", nlohmann::json());
        out.push_back(s);
    }
    return out;
}

std::vector<double> parseSweepValues(const QString& text, bool integer, const std::string& what) {
    std::vector<double> values;
    for (const QString& token : text.split(QRegularExpression("[,;\\s]+"), Qt::SkipEmptyParts)) {
        bool ok = false;
        const double v = token.toDouble(&ok);
        if (!ok || !std::isfinite(v)) throw Error(what, "'" + token.toStdString() + "' is not a number");
        if (integer && v != std::round(v)) throw Error(what, "'" + token.toStdString() + "' is not an integer");
        values.push_back(v);
    }
    if (values.empty()) throw Error(what, "give at least one value (e.g. \"1e-3, 1e-2, 1e-1\")");
    return values;
}

namespace {
nlohmann::json asJson(double v, bool integer) { return integer ? nlohmann::json(static_cast<long long>(std::llround(v))) : nlohmann::json(v); }
}  // namespace

std::vector<SweepConfiguration> sweepConfigurations(const nlohmann::json& base, const SweepAxis& a, const std::optional<SweepAxis>& b) {
    std::vector<SweepConfiguration> out;
    const int nb = b ? static_cast<int>(b->values.size()) : 1;
    for (int j = 0; j < nb; ++j)
        for (int i = 0; i < static_cast<int>(a.values.size()); ++i) {
            SweepConfiguration c;
            c.i = i;
            c.j = j;
            c.a = a.values[static_cast<std::size_t>(i)];
            c.hyper = base;
            c.hyper[a.key] = asJson(c.a, a.integer);
            if (b) {
                c.b = b->values[static_cast<std::size_t>(j)];
                c.hyper[b->key] = asJson(c.b, b->integer);
            }
            out.push_back(std::move(c));
        }
    return out;
}

std::string sweepCsv(const SweepAxis& a, const std::optional<SweepAxis>& b, const std::vector<SweepResult>& results) {
    std::ostringstream out;
    out.precision(17);   // reads back bit-exact
    auto number = [&out](double v) {
        if (std::isfinite(v)) out << v;
    };
    out << a.key;
    if (b) out << ',' << b->key;
    out << ",error,metric,split,verified,diverged,observed_sensitivity,failure\n";
    for (const auto& r : results) {
        number(r.a);
        if (b) {
            out << ',';
            number(r.b);
        }
        out << ',';
        number(r.error);
        out << ',' << r.metric << ',' << r.split << ',' << (r.verified ? "true" : "false") << ',' << (r.diverged ? "true" : "false") << ',';
        number(r.observedSensitivity);
        out << ',';
        if (!r.failure.empty()) {
            out << '"';
            for (char c : r.failure) {
                if (c == '"') out << '"';
                out << c;
            }
            out << '"';
        }
        out << '\n';
    }
    return out.str();
}

}  // namespace sd::studio
