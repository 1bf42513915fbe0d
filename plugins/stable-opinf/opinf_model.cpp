#include "plugins/stable-opinf/opinf_model.h"

#include "core/common/error.h"
#include "core/common/rng.h"
#include "core/data/pod.h"
#include "core/model/hyperparameters.h"
#include "core/model/model_document.h"
#include "core/nn/trainer.h"
#include "core/ode/dopri5.h"
#include "plugins/stable-opinf/automatic_basis.h"
#include "plugins/stable-opinf/discrete_time.h"
#include "plugins/stable-opinf/least_squares_opinf.h"
#include "plugins/stable-opinf/opinf_derivatives.h"
#include "plugins/stable-opinf/opinf_hyperparameters.h"
#include "plugins/stable-opinf/quadratic_terms.h"
#include "plugins/stable-opinf/regulariser_selection.h"
#include "plugins/stable-opinf/stable_training.h"
#include "plugins/stable-opinf/total_least_squares.h"

#include <Eigen/Eigenvalues>
#include <chrono>
#include <cmath>
#include <limits>
#include <sstream>

namespace sd::opinf {

using nlohmann::json;

namespace {

OperatorSet resolveOperators(const std::string& spec, Eigen::Index inputDim) {
    if (spec == "auto") return OperatorSet::parse(inputDim > 0 ? "AHB" : "AH");
    OperatorSet ops = OperatorSet::parse(spec, "hyperparameter 'operators'");
    if (ops.usesInputs() && inputDim == 0)
        throw Error("hyperparameter 'operators'", std::string("operator ") + (ops.B ? "B" : "N") +
                                                      " needs inputs, but the data have none (use \"AH\" or \"auto\")");
    return ops;
}

/// The trajectory's derivatives according to the 'derivatives' hyperparameter (opinf_derivatives.h).
Eigen::MatrixXd derivativesOf(const data::Trajectory& tr, const json& hyper) { return trajectoryDerivatives(tr, hyper); }

struct StackedData {
    Eigen::MatrixXd X, U, Z;   // states, inputs, derivatives (columns = samples)
};

StackedData stack(const std::vector<const data::Trajectory*>& trs, const json& hyper, bool needInputs,
                  Eigen::Index inputDim) {
    Eigen::Index K = 0;
    for (const auto* tr : trs) K += tr->x.cols();
    StackedData s;
    s.X.resize(trs.empty() ? 0 : trs.front()->x.rows(), K);
    s.Z.resizeLike(s.X);
    s.U.resize(needInputs ? inputDim : 0, K);
    Eigen::Index col = 0;
    for (const auto* tr : trs) {
        const Eigen::Index k = tr->x.cols();
        if (needInputs && (tr->u.rows() != inputDim || tr->u.cols() != k))
            throw Error("trajectory '" + tr->id + "'", "expected " + std::to_string(inputDim) + " input channels with " +
                                                         std::to_string(k) + " samples");
        s.X.middleCols(col, k) = tr->x;
        s.Z.middleCols(col, k) = derivativesOf(*tr, hyper);
        if (needInputs) s.U.middleCols(col, k) = tr->u;
        col += k;
    }
    return s;
}

std::string formatStep(double step) {
    std::ostringstream s;
    s << step;
    return s.str();
}

/// The stable variants' guarantee covers c, A, H, B only (docs/methods/stable-opinf.md §1.1); they need A.
void requireOperatorsFitVariant(OperatorSet ops, const std::string& variant, const std::string& where) {
    if (variant != "stable" && variant != "locally-stable") return;
    if (!ops.A) throw Error(where, "the " + variant + " variant needs the linear operator A (its stable part)");
    if (ops.G || ops.N)
        throw Error(where, std::string("the ") + variant + " variant supports only the operators c, A, H, B (its stability " +
                               "guarantee does not cover the " + (ops.G ? "cubic operator G" : "bilinear operator N") +
                               "); use variant least-squares");
}

}  // namespace

OpInfModel::OpInfModel(json hyper, const data::DatasetInfo& info)
    : hyper_(std::move(hyper)), fullDim_(info.stateDim), inputDim_(info.inputDim) {
    if (fullDim_ <= 0) throw Error("dataset '" + info.name + "'", "has no state channels; operator inference needs states");
    ops_.ops = resolveOperators(hyper_.at("operators").get<std::string>(), inputDim_);
    ops_.m = ops_.ops.usesInputs() ? inputDim_ : 0;
    requireOperatorsFitVariant(ops_.ops, variant(), "hyperparameter 'operators'");
}

std::string OpInfModel::pluginId() const { return kPluginId; }

void OpInfModel::requireTrained(const char* what) const {
    if (!trained_) throw Error(std::string(kPluginId), std::string("cannot ") + what + " an untrained model; train it first");
}

Eigen::MatrixXd OpInfModel::reduce(const Eigen::MatrixXd& X) const {
    return basis_.size() ? Eigen::MatrixXd(basis_.transpose() * X) : X;
}

Eigen::MatrixXd OpInfModel::lift(const Eigen::MatrixXd& Xhat) const {
    return basis_.size() ? Eigen::MatrixXd(basis_ * Xhat) : Xhat;
}

model::TrainSummary OpInfModel::train(const data::Dataset& ds, const model::TrainRequest& request,
                                      const model::TrainCallback& onEpoch, const std::atomic<bool>& cancel) {
    model::TrainSummary summary;
    if (ds.stateDim() != fullDim_)
        throw Error("dataset '" + ds.name + "'", "has " + std::to_string(ds.stateDim()) + " state channels, the model expects " +
                                                     std::to_string(fullDim_));
    if (ops_.ops.usesInputs() && ds.inputDim() != inputDim_)
        throw Error("dataset '" + ds.name + "'", "has " + std::to_string(ds.inputDim()) + " input channels, the model expects " +
                                                     std::to_string(inputDim_));
    const auto trainSet = ds.split(request.trainSplit, /*fallbackToAll=*/true);
    if (trainSet.empty()) throw Error("dataset '" + ds.name + "'", "has no training trajectories");
    if (cancel.load()) {
        summary.status = model::TrainStatus::Cancelled;
        summary.message = "cancelled before fitting";
        return summary;
    }
    if (variant() == "least-squares" || isDiscrete()) return trainLeastSquares(ds, request, onEpoch, trainSet);
    return trainStable(ds, request, onEpoch, cancel, trainSet);
}

model::TrainSummary OpInfModel::trainLeastSquares(const data::Dataset& ds, const model::TrainRequest& request,
                                                  const model::TrainCallback& onEpoch,
                                                  const std::vector<const data::Trajectory*>& trainSet) {
    const auto start = std::chrono::steady_clock::now();
    model::TrainSummary summary;
    // Continuous: states and derivatives; discrete: one-step pairs (x_k, u_k) → x_{k+1} at one uniform step.
    const bool discrete = isDiscrete();
    const double step = discrete ? commonSampleStep(trainSet) : 0.0;
    auto regressionData = [&](const std::vector<const data::Trajectory*>& trs) {
        if (!discrete) return stack(trs, hyper_, ops_.ops.usesInputs(), inputDim_);
        for (const auto* tr : trs) requireSampleStep(*tr, step);
        OneStepPairs pairs = oneStepPairs(trs, ops_.ops.usesInputs(), inputDim_);
        return StackedData{std::move(pairs.X), std::move(pairs.U), std::move(pairs.Next)};
    };
    const StackedData full = regressionData(trainSet);

    const BasisChoice basisChoice = chooseBasis(full.X, hyper_, ops_.ops, inputDim_);
    const Eigen::MatrixXd& basis = basisChoice.basis;
    auto reduceWith = [&](const Eigen::MatrixXd& X) { return basis.size() ? Eigen::MatrixXd(basis.transpose() * X) : X; };
    const Eigen::MatrixXd Xhat = reduceWith(full.X), Zhat = reduceWith(full.Z);

    std::vector<const data::Trajectory*> valSet;
    if (!request.validationSplit.empty() && ds.hasSplit(request.validationSplit)) valSet = ds.split(request.validationSplit);
    if (discrete)
        for (const auto* tr : valSet) requireSampleStep(*tr, step);

    // The solver (docs/methods/stable-opinf.md §5): Tikhonov with fixed or automatically selected λ, TSVD or TLS.
    const std::string solverName = hyper_.at("solver").get<std::string>();
    const bool autoLambda = hyper_.at("regulariser") == "auto";
    if (autoLambda && solverName != "tikhonov")
        throw Error("hyperparameter 'regulariser'", "automatic λ selection needs the tikhonov solver (tsvd and tls have no λ)");
    QuadraticOperators fitted;
    json selectionRecord;
    std::string solverNote;
    if (solverName == "tls") {
        fitted = totalLeastSquaresOpInf(Xhat, full.U, Zhat, ops_.ops);
        solverNote = "total least squares";
    } else {
        LeastSquaresOpInf solver(Xhat, full.U, Zhat, ops_.ops);
        if (solverName == "tsvd") {
            const Eigen::Index rank = hyper_.at("tsvd_rank").get<Eigen::Index>();
            const double tol = hyper_.at("tsvd_tolerance").get<double>();
            fitted = solver.solveTruncated(rank, tol);
            solverNote = "truncated SVD keeping " + std::to_string(solver.truncationRank(rank, tol)) + " of " +
                         std::to_string(solver.unknownsPerRow()) + " singular values";
        } else if (autoLambda) {
            const auto lambdas = hyper_.at("lambda_candidates").get<std::vector<double>>();
            const auto& rollouts = valSet.empty() ? trainSet : valSet;
            std::vector<QuadraticOperators> fits(lambdas.size());
            const RegulariserSelection sel = selectRegulariser(
                lambdas,
                [&](std::size_t i) {
                    CandidateFit f;
                    f.operators = solver.solve(RegularisationWeights::uniform(lambdas[i]));
                    if (!f.operators.allFinite()) f.rejectReason = "fit not finite";
                    fits[i] = f.operators;
                    return f;
                },
                basis, rollouts, rolloutOptions());
            RegulariserSelection record = sel;
            record.variant = variant();
            record.lambdaMeaning = "Tikhonov weight λ on every operator (Γ = λI); reg_c, reg_A, reg_H, reg_G, reg_B, reg_N are not used";
            record.validationSource = rolloutSource(request, valSet.empty());
            selectionRecord = record.toJson();
            if (sel.chosen < 0) throw Error("regulariser selection", record.explanation() + "; try larger λ candidates");
            fitted = fits[static_cast<std::size_t>(sel.chosen)];
            solverNote = record.explanation();
        } else {
            RegularisationWeights w;
            w.c = hyper_.at("reg_c").get<double>();
            w.A = hyper_.at("reg_A").get<double>();
            w.H = hyper_.at("reg_H").get<double>();
            w.B = hyper_.at("reg_B").get<double>();
            w.G = hyper_.at("reg_G").get<double>();
            w.N = hyper_.at("reg_N").get<double>();
            fitted = solver.solve(w);
        }
    }

    auto residual = [&](const QuadraticOperators& ops, const Eigen::MatrixXd& X, const Eigen::MatrixXd& U, const Eigen::MatrixXd& Z) {
        return (Z - ops.evaluate(X, U)).squaredNorm() / static_cast<double>(std::max<Eigen::Index>(1, Z.size()));
    };
    const double trainLoss = residual(fitted, Xhat, full.U, Zhat);
    const bool finite = std::isfinite(trainLoss) && fitted.allFinite();
    if (!finite) {
        summary.status = model::TrainStatus::StoppedOnNaN;
        summary.message = "the least-squares solution is not finite; the previous parameters were kept";
        return summary;
    }

    double validationLoss = std::numeric_limits<double>::quiet_NaN();
    if (!valSet.empty()) {
        const StackedData v = regressionData(valSet);
        validationLoss = residual(fitted, reduceWith(v.X), v.U, reduceWith(v.Z));
    }

    ops_ = std::move(fitted);
    basis_ = basis;
    trained_ = true;
    sampleStep_ = step;
    trainingStateBound_ = discrete && Xhat.cols() ? std::max(Xhat.colwise().norm().maxCoeff(), Zhat.colwise().norm().maxCoeff()) : 0.0;
    trainingInputBound_ = discrete && full.U.rows() > 0 && full.U.cols() > 0 ? full.U.colwise().norm().maxCoeff() : 0.0;

    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    model::TrainEvent ev;
    ev.epoch = 1;
    ev.totalEpochs = 1;
    ev.trainLoss = trainLoss;
    ev.validationLoss = validationLoss;
    ev.epochSeconds = ev.elapsedSeconds = seconds;
    if (onEpoch) onEpoch(ev);

    summary.status = model::TrainStatus::Completed;
    summary.epochsRun = 1;
    summary.finalTrainLoss = trainLoss;
    summary.finalValidationLoss = validationLoss;
    summary.message = (discrete ? "discrete-time least-squares fit (sample step " + formatStep(step) + ") of " : "least-squares fit of ") +
                      ops_.ops.str() + " with reduced dimension " + std::to_string(ops_.r);
    if (!basisChoice.summary.empty()) summary.message += "; " + basisChoice.summary;
    if (!solverNote.empty()) summary.message += "; " + solverNote;
    training_ = model::makeTrainingRecord(summary, request.seed, ds);
    if (!basisChoice.record.is_null()) training_["reduction"] = basisChoice.record;
    if (!selectionRecord.is_null()) training_["regulariser_selection"] = selectionRecord;
    training_["solver"] = solverName;
    return summary;
}

model::Prediction OpInfModel::predictDiscrete(const data::Trajectory& tr) const {
    // Iteration at the training step, input sample k driving step k (docs/methods/stable-opinf.md §12).
    requireSampleStep(tr, sampleStep_);
    const bool inputs = ops_.ops.usesInputs();
    if (inputs && (tr.u.rows() != inputDim_ || tr.u.cols() != tr.t.size()))
        throw Error("trajectory '" + tr.id + "'", "prediction needs " + std::to_string(inputDim_) + " input channels");
    const MapIteration it = iterateMap(ops_, reduce(tr.x.col(0)), inputs ? tr.u : Eigen::MatrixXd(), tr.t.size(),
                                       hyper_.at("divergence_bound").get<double>());
    model::Prediction p;
    p.x = lift(it.X);
    p.diverged = it.diverged;
    if (p.diverged) p.divergenceTime = tr.t[it.stoppedAt];
    return p;
}

std::string OpInfModel::rolloutSource(const model::TrainRequest& request, bool noValidation) {
    return noValidation ? "rolled out on the training trajectories (no validation split)"
                        : "rolled out on the validation split '" + request.validationSplit + "'";
}

RolloutOptions OpInfModel::rolloutOptions() const {
    RolloutOptions o;
    o.stabilityMargin = hyper_.at("rollout_margin").get<double>();
    o.rtol = hyper_.at("rtol").get<double>();
    o.atol = hyper_.at("atol").get<double>();
    o.discrete = isDiscrete();
    return o;
}

Eigen::MatrixXd OpInfModel::field(const Eigen::MatrixXd& X, const Eigen::MatrixXd& U) const {
    requireTrained("evaluate");
    if (isDiscrete())
        throw Error(std::string(kPluginId) + " field", "the discrete variant is a map x_{k+1} = f(x_k, u_k) with no vector field; "
                                                      "simulate it instead");
    if (X.rows() != fullDim_)
        throw Error(std::string(kPluginId) + " field", "states have " + std::to_string(X.rows()) + " rows, expected " +
                                                           std::to_string(fullDim_));
    if (ops_.ops.usesInputs() && (U.rows() != inputDim_ || U.cols() != X.cols()))
        throw Error(std::string(kPluginId) + " field", "inputs must be " + std::to_string(inputDim_) + "×" +
                                                           std::to_string(X.cols()));
    return lift(ops_.evaluate(reduce(X), U));
}

model::Prediction OpInfModel::predict(const data::Trajectory& tr) const {
    requireTrained("simulate");
    if (tr.t.size() == 0 || tr.x.cols() == 0 || tr.x.rows() != fullDim_)
        throw Error("trajectory '" + tr.id + "'", "prediction needs sample times and an initial state of dimension " +
                                                     std::to_string(fullDim_));
    if (isDiscrete()) return predictDiscrete(tr);
    ode::InputSignal u;
    if (ops_.ops.usesInputs()) {
        if (tr.u.rows() != inputDim_ || tr.u.cols() != tr.t.size())
            throw Error("trajectory '" + tr.id + "'", "prediction needs " + std::to_string(inputDim_) + " input channels");
        u = ode::InputSignal::fromSamples(tr.t, tr.u);
    }
    ode::Dopri5Options opt;
    opt.rtol = hyper_.at("rtol").get<double>();
    opt.atol = hyper_.at("atol").get<double>();
    opt.guard.normBound = hyper_.at("divergence_bound").get<double>();
    const QuadraticOperators& ops = ops_;
    const Eigen::VectorXd x0 = reduce(tr.x.col(0));
    const ode::Field f = [&ops](double, const Eigen::VectorXd& x, const Eigen::VectorXd& uu) {
        Eigen::VectorXd dx;
        ops.evaluate(x, uu, dx);
        return dx;
    };
    const ode::Solution sol = ode::integrateDopri5(f, x0, tr.t, u, opt);
    model::Prediction p;
    p.x = lift(sol.x);
    p.setEnd(sol.status);
    return p;
}

model::Certificate OpInfModel::certify() const {
    if (!trained_)
        return model::Certificate::fromDetails(model::GuaranteeKind::None, {{"guarantee", "none (model not trained)"}, {"verified", false}});
    if (!stable_) return isDiscrete() ? discreteCertificate() : leastSquaresCertificate();
    std::vector<std::pair<std::string, double>> bounds;
    const double userBound = hyper_.at("input_bound").get<double>();
    if (userBound > 0.0) bounds.emplace_back("hyperparameter input_bound", userBound);
    bounds.emplace_back(ops_.ops.B ? "training inputs (max ‖u‖)" : "no inputs", trainingInputBound_);
    const StabilityCertificate analysis = stabilityCertificate();
    json details = certificateJson(analysis, bounds);
    details["variant"] = variant();
    details["reduced_dim"] = ops_.r;
    if (analysis.global) details["simulation_check"] = simulationCheck(analysis, bounds.front().second);
    model::Certificate cert = model::Certificate::fromDetails(
        analysis.global ? model::GuaranteeKind::BoundedInputBoundedState : model::GuaranteeKind::LocalStability, std::move(details),
        std::string(kPluginId) + " certificate");
    cert.checks = certificateChecks(analysis);
    cert.eigenvalues = analysis.eigenvalues;
    if (analysis.global) cert.bibs = bibsBound(analysis);
    return cert;
}

model::Certificate OpInfModel::leastSquaresCertificate() const {
    const Eigen::MatrixXd A = ops_.linearPart();
    std::vector<std::complex<double>> eigenvalues;
    json eig = json::array();
    double maxRe = -std::numeric_limits<double>::infinity();
    if (A.size()) {
        Eigen::EigenSolver<Eigen::MatrixXd> es(A, /*computeEigenvectors=*/false);
        for (Eigen::Index i = 0; i < es.eigenvalues().size(); ++i) {
            const auto ev = es.eigenvalues()[i];
            eigenvalues.push_back(ev);
            eig.push_back({ev.real(), ev.imag()});
            maxRe = std::max(maxRe, ev.real());
        }
    }
    double energyResidual = 0.0;
    if (ops_.ops.H) {
        Rng rng(20240301);
        energyResidual = energyPreservationResidual(ops_.H, rng.normalMatrix(ops_.r, 256));
    }
    const bool hurwitz = A.size() && maxRe < 0.0;
    json details;
    details["variant"] = variant();
    details["guarantee"] = std::string("none: least-squares operator inference does not constrain stability") +
                           (hurwitz ? "; A is Hurwitz, so x = 0 is locally asymptotically stable for u = 0 (when c = 0)"
                                    : "; A is not Hurwitz");
    details["verified"] = false;
    details["eigenvalues"] = eig;
    details["max_real_eigenvalue"] = A.size() ? json(maxRe) : json(nullptr);
    details["linear_part_hurwitz"] = hurwitz;
    details["energy_preservation_residual"] = energyResidual;
    details["reduced_dim"] = ops_.r;
    model::Certificate cert =
        model::Certificate::fromDetails(model::GuaranteeKind::None, std::move(details), std::string(kPluginId) + " certificate");
    cert.eigenvalues = std::move(eigenvalues);
    return cert;
}

model::Certificate OpInfModel::discreteCertificate() const {
    // Recomputed from the stored A (docs/methods/stable-opinf.md §12): ρ(A) < 1 is local stability of x = 0.
    const Eigen::MatrixXd A = ops_.linearPart();
    std::vector<std::complex<double>> eigenvalues;
    json eig = json::array();
    double rho = 0.0;
    if (A.size()) {
        Eigen::EigenSolver<Eigen::MatrixXd> es(A, /*computeEigenvectors=*/false);
        for (Eigen::Index i = 0; i < es.eigenvalues().size(); ++i) {
            const auto ev = es.eigenvalues()[i];
            eigenvalues.push_back(ev);
            eig.push_back({ev.real(), ev.imag()});
            rho = std::max(rho, std::abs(ev));
        }
    }
    std::vector<model::CertificateCheck> checks;
    checks.push_back({"spectral radius of A < 1", rho < 1.0, rho, 1.0});
    if (ops_.ops.c) {
        const double normC = ops_.c.norm();
        checks.push_back({"constant term c = 0 (x = 0 is a fixed point for u = 0)", normC == 0.0, normC, 0.0});
    }
    bool verified = true;
    for (const auto& c : checks) verified = verified && c.passed;
    const bool linear = !(ops_.ops.H || ops_.ops.G || ops_.ops.N);
    const json rollout = discreteRolloutCheck();
    std::ostringstream text;
    text << "spectral radius of A = " << rho;
    if (verified) {
        text << " < 1: x = 0 is a locally asymptotically stable fixed point of the map for u = 0";
        text << (linear ? " (the map is linear, so globally; bounded inputs give bounded states)"
                        : " (local only: the map has nonlinear terms, so states far from 0 may still diverge)");
    } else if (rho >= 1.0) {
        text << " >= 1: x = 0 is not asymptotically stable; no guarantee";
    } else {
        text << " < 1, but the constant term c is not 0, so x = 0 is not a fixed point; no guarantee";
    }
    if (!rollout["all_bounded"].get<bool>())
        text << "; a rollout from the training-data scale leaves the divergence bound (rollout_check)";
    json details;
    details["variant"] = variant();
    details["guarantee"] = text.str();
    details["verified"] = verified;
    details["spectral_radius"] = rho;
    details["eigenvalues"] = eig;
    details["linear_map"] = linear;
    details["sample_step"] = sampleStep_;
    details["reduced_dim"] = ops_.r;
    details["rollout_check"] = rollout;
    model::Certificate cert =
        model::Certificate::fromDetails(model::GuaranteeKind::LocalStability, std::move(details), std::string(kPluginId) + " certificate");
    cert.checks = std::move(checks);
    cert.eigenvalues = std::move(eigenvalues);
    cert.discreteTime = true;
    return cert;
}

json OpInfModel::discreteRolloutCheck() const {
    // Fixed seed, so certify() stays deterministic; reported, not part of `verified`.
    Rng rng(20261206);
    const Eigen::Index r = ops_.r, m = ops_.ops.usesInputs() ? inputDim_ : 0;
    const double stateScale = trainingStateBound_ > 0.0 ? trainingStateBound_ : 1.0;
    const double bound = hyper_.at("divergence_bound").get<double>();
    auto unit = [&](Eigen::Index n) {
        Eigen::VectorXd v = rng.normalMatrix(n, 1);
        return Eigen::VectorXd(v / std::max(v.norm(), 1e-300));
    };
    struct Case {
        std::string id;
        Eigen::VectorXd x0, u;
    };
    std::vector<Case> cases;
    for (int i = 0; i < 4; ++i) cases.push_back({"|x0| = U_x, u = 0 (" + std::to_string(i + 1) + ")", stateScale * unit(r), Eigen::VectorXd::Zero(m)});
    if (m > 0 && trainingInputBound_ > 0.0) {
        cases.push_back({"x0 = 0, constant |u| = U", Eigen::VectorXd::Zero(r), trainingInputBound_ * unit(m)});
        cases.push_back({"|x0| = U_x, constant |u| = U", stateScale * unit(r), trainingInputBound_ * unit(m)});
    }
    json rollouts = json::array();
    bool all = true;
    for (const Case& c : cases) {
        const MapIteration it = iterateMap(ops_, c.x0, c.u.replicate(1, kRolloutCheckSteps), kRolloutCheckSteps + 1, bound);
        const Eigen::Index valid = it.diverged ? it.stoppedAt : it.X.cols();
        const double maxNorm = valid > 0 ? it.X.leftCols(valid).colwise().norm().maxCoeff() : 0.0;
        all = all && !it.diverged;
        rollouts.push_back({{"id", c.id},
                            {"bounded", !it.diverged},
                            {"max_norm", maxNorm},
                            {"final_norm", it.diverged ? json(nullptr) : json(it.X.col(valid - 1).norm())},
                            {"stopped_at", it.diverged ? json(it.stoppedAt) : json(nullptr)}});
    }
    return {{"all_bounded", all},
            {"steps", kRolloutCheckSteps},
            {"initial_norm", stateScale},
            {"input_norm", m > 0 ? trainingInputBound_ : 0.0},
            {"bound", bound},
            {"rollouts", rollouts},
            {"note", "recomputed by certify: the map iterated from fixed-seed states of the training scale; not part of verified"}};
}

json OpInfModel::toJson() const {
    json doc = model::makeEnvelope(kPluginId, kPluginVersion, variant(), hyper_, dims());
    doc["structure"] = {{"operators", ops_.ops.str()}, {"reduced_dim", ops_.r}, {"trained", trained_}};
    if (trained_) {
        json& p = doc["parameters"];
        if (ops_.ops.c) p["c"] = model::encodeMatrix(ops_.c);
        if (ops_.ops.A) p["A"] = model::encodeMatrix(ops_.A);
        if (ops_.ops.H) p["H"] = model::encodeMatrix(ops_.H);
        if (ops_.ops.G) p["G"] = model::encodeMatrix(ops_.G);
        if (ops_.ops.B) p["B"] = model::encodeMatrix(ops_.B);
        if (ops_.ops.N) p["N"] = model::encodeMatrix(ops_.N);
        if (basis_.size()) p["basis"] = model::encodeMatrix(basis_);
        if (stable_)
            for (const auto& [name, m] : stable_->named())
                if (name != "B" && name != "c") p[name] = model::encodeMatrix(*m);
        doc["structure"]["training_input_bound"] = trainingInputBound_;
        if (isDiscrete()) {
            doc["structure"]["sample_step"] = sampleStep_;
            doc["structure"]["training_state_bound"] = trainingStateBound_;
        }
    }
    doc["training"] = training_;
    doc["certificate"] = certificate();
    return doc;
}

std::unique_ptr<OpInfModel> OpInfModel::fromJson(const json& doc) {
    const std::string src = "model JSON";
    model::checkEnvelope(doc, kPluginId, src);
    const json hyper = model::validateHyperparameters(hyperparameterSchema(), doc["hyperparameters"]);
    const model::ModelDims dims = model::readDims(doc, src);
    data::DatasetInfo info;
    info.stateDim = dims.state;
    info.inputDim = dims.input;
    auto m = std::make_unique<OpInfModel>(hyper, info);
    if (!doc.contains("structure") || !doc["structure"].is_object())
        throw Error(src + ": structure", "missing or not an object");
    const json& st = doc["structure"];
    if (!st.contains("operators") || !st["operators"].is_string()) throw Error(src + ": structure.operators", "missing");
    m->ops_.ops = OperatorSet::parse(st["operators"].get<std::string>(), src + ": structure.operators");
    if (m->ops_.ops.usesInputs() && dims.input == 0)
        throw Error(src + ": structure.operators", "operators B and N need inputs, but dims.input is 0");
    requireOperatorsFitVariant(m->ops_.ops, m->variant(), src + ": structure.operators");
    m->ops_.m = m->ops_.ops.usesInputs() ? dims.input : 0;
    if (!st.value("trained", false)) return m;
    if (!st.contains("reduced_dim") || !st["reduced_dim"].is_number_integer() || st["reduced_dim"].get<long long>() <= 0 ||
        st["reduced_dim"].get<long long>() > dims.state)
        throw Error(src + ": structure.reduced_dim", "expected an integer in [1, " + std::to_string(dims.state) + "]");
    const Eigen::Index r = st["reduced_dim"].get<Eigen::Index>();
    QuadraticOperators& ops = m->ops_;
    ops.r = r;
    if (ops.ops.c) ops.c = model::readParameter(doc, "c", r, 1, src);
    if (ops.ops.A) ops.A = model::readParameter(doc, "A", r, r, src);
    if (ops.ops.H) ops.H = model::readParameter(doc, "H", r, r * r, src);
    if (ops.ops.G) ops.G = model::readParameter(doc, "G", r, r * r * r, src);
    if (ops.ops.B) ops.B = model::readParameter(doc, "B", r, dims.input, src);
    if (ops.ops.N) ops.N = model::readParameter(doc, "N", r, dims.input * r, src);
    if (r != dims.state || doc["parameters"].contains("basis")) m->basis_ = model::readParameter(doc, "basis", dims.state, r, src);
    ops.refreshDerived();
    if (m->variant() == "stable" || m->variant() == "locally-stable") {
        StableParameters sp = StableParameters::zeros(m->stableStructure());
        for (const auto& [name, mat] : sp.named()) {
            if (name == "B") *mat = ops.B;
            else if (name == "c") *mat = ops.c;
            else *mat = model::readParameter(doc, name, mat->rows(), mat->cols(), src);
        }
        m->stable_ = std::move(sp);
        m->checkOperatorsMatchFactors(src);
    }
    if (st.contains("training_input_bound")) {
        if (!st["training_input_bound"].is_number() || !(st["training_input_bound"].get<double>() >= 0.0))
            throw Error(src + ": structure.training_input_bound", "expected a non-negative number");
        m->trainingInputBound_ = st["training_input_bound"].get<double>();
    }
    if (m->isDiscrete()) {
        auto positive = [&](const char* key, bool strictly) {
            const std::string field = src + ": structure." + key;
            if (!st.contains(key) || !st[key].is_number()) throw Error(field, "missing (a trained discrete model needs it)");
            const double v = st[key].get<double>();
            if (!std::isfinite(v) || !(strictly ? v > 0.0 : v >= 0.0))
                throw Error(field, strictly ? "expected a finite number > 0" : "expected a finite number >= 0");
            return v;
        };
        m->sampleStep_ = positive("sample_step", true);
        m->trainingStateBound_ = positive("training_state_bound", false);
    }
    m->trained_ = true;
    m->training_ = doc.value("training", json());
    return m;
}

void OpInfModel::checkOperatorsMatchFactors(const std::string& source) const {
    // A and H are stored for evaluation and are redundant with the factors the certificate is computed from
    // (docs/methods/stable-opinf.md §6, §8): a file where they disagree is refused, naming the field.
    const QuadraticOperators fromFactors = stable_->operators();
    const bool quadraticForm = stable_->structure.form == LyapunovForm::Quadratic;
    auto check = [&](const Eigen::MatrixXd& stored, const Eigen::MatrixXd& computed, const std::string& field,
                     const std::string& formula) {
        if (stored.rows() != computed.rows() || stored.cols() != computed.cols())
            throw Error(source + ": " + field, "shape differs from " + formula);
        const double scale = computed.size() ? computed.cwiseAbs().maxCoeff() : 0.0;
        const double diff = stored.size() ? (stored - computed).cwiseAbs().maxCoeff() : 0.0;
        const double relative = diff / std::max(scale, std::numeric_limits<double>::min());
        if (!(diff <= kFactorConsistencyTolerance * std::max(scale, std::numeric_limits<double>::min()))) {
            std::ostringstream what;
            what << "does not match " << formula << " (max rel diff " << relative << ")";
            throw Error(source + ": " + field, what.str());
        }
    };
    if (ops_.ops.A)
        check(ops_.A, fromFactors.A, "parameters.A",
              quadraticForm ? "(J - R) Q from S, L_R, L_Q" : "J - R from S, L_R");
    if (ops_.ops.H && stable_->structure.quadratic == QuadraticStructure::EnergyPreserving)
        check(ops_.H, fromFactors.H, "parameters.H", quadraticForm ? "[(T_i - T_i^T) Q] from T, L_Q" : "[T_i - T_i^T] from T");
    if (ops_.ops.H && stable_->structure.quadratic == QuadraticStructure::Free)
        check(ops_.H, fromFactors.H, "parameters.H", "H_free");
}

json OpInfModel::simulationCheck(const StabilityCertificate& cert, double inputBound) const {
    // Simulated from the operators evaluation uses, compared with the bound computed from the factors: fixed
    // seed, so certify() stays deterministic (docs/methods/stable-opinf.md §8).
    Rng rng(20261206);
    const Eigen::Index r = ops_.r, m = ops_.ops.B ? inputDim_ : 0;
    const Eigen::VectorXd t = Eigen::VectorXd::LinSpaced(201, 0.0, kSimulationCheckHorizon);
    auto unit = [&](Eigen::Index n) {
        Eigen::VectorXd v = rng.normalMatrix(n, 1);
        return Eigen::VectorXd(v / std::max(v.norm(), 1e-300));
    };
    struct Case {
        std::string id;
        Eigen::VectorXd x0, u;
    };
    std::vector<Case> cases{{"unit x0, u = 0", unit(r), Eigen::VectorXd::Zero(m)}};
    if (m > 0 && inputBound > 0.0) {
        cases.push_back({"x0 = 0, constant |u| = U", Eigen::VectorXd::Zero(r), inputBound * unit(m)});
        cases.push_back({"unit x0, constant |u| = U", unit(r), inputBound * unit(m)});
    }
    json checks = json::array();
    bool all = true;
    for (const Case& c : cases) {
        data::Trajectory tr;
        tr.id = c.id;
        tr.t = t;
        tr.x = lift(c.x0);
        tr.u = c.u.replicate(1, t.size());
        const model::Prediction p = predict(tr);
        const TrajectoryBoundCheck b = checkTrajectoryBound(cert, c.id, t, reduce(p.x), tr.u, p.diverged);
        all = all && b.satisfied;
        checks.push_back(opinf::toJson(b));
    }
    return {{"all_satisfied", all}, {"horizon", kSimulationCheckHorizon}, {"checks", checks},
            {"note", "recomputed by certify from fixed-seed initial states and constant inputs"}};
}

StableStructure OpInfModel::stableStructure() const {
    StableStructure st;
    st.n = ops_.r > 0 ? ops_.r : fullDim_;
    st.m = ops_.ops.B ? inputDim_ : 0;
    st.constant = ops_.ops.c;
    st.form = hyper_.at("lyapunov_form") == "quadratic" ? LyapunovForm::Quadratic : LyapunovForm::Identity;
    if (!ops_.ops.H) st.quadratic = QuadraticStructure::None;
    else st.quadratic = variant() == "stable" ? QuadraticStructure::EnergyPreserving : QuadraticStructure::Free;
    st.epsR = hyper_.at("eps_R").get<double>();
    st.epsQ = hyper_.at("eps_Q").get<double>();
    return st;
}

model::TrainSummary OpInfModel::trainStable(const data::Dataset& ds, const model::TrainRequest& request,
                                            const model::TrainCallback& onEpoch, const std::atomic<bool>& cancel,
                                            const std::vector<const data::Trajectory*>& trainSet) {
    const bool derivativeLoss = hyper_.at("loss") == "derivative";
    const bool lsInit = hyper_.at("init") == "least-squares";

    const BasisChoice basisChoice = chooseBasis(data::stackStates(trainSet), hyper_, ops_.ops, inputDim_);
    Eigen::MatrixXd basis = basisChoice.basis;
    auto reduceWith = [&](const Eigen::MatrixXd& X) { return basis.size() ? Eigen::MatrixXd(basis.transpose() * X) : X; };
    auto reduceAll = [&](const std::vector<const data::Trajectory*>& trs, bool withDerivatives) {
        std::vector<ReducedTrajectory> out;
        for (const auto* tr : trs) {
            if (tr->x.rows() != fullDim_)
                throw Error("trajectory '" + tr->id + "'", "has " + std::to_string(tr->x.rows()) + " states, expected " +
                                                              std::to_string(fullDim_));
            if (ops_.ops.B && (tr->u.rows() != inputDim_ || tr->u.cols() != tr->x.cols()))
                throw Error("trajectory '" + tr->id + "'", "expected " + std::to_string(inputDim_) + " input channels with " +
                                                              std::to_string(tr->x.cols()) + " samples");
            if (!derivativeLoss && tr->t.size() < 2)
                throw Error("trajectory '" + tr->id + "'", "the rk4_onestep loss needs sample times (at least 2 samples)");
            ReducedTrajectory r;
            r.t = tr->t;
            r.X = reduceWith(tr->x);
            r.U = ops_.ops.B ? tr->u : Eigen::MatrixXd(0, tr->x.cols());
            if (withDerivatives) r.Z = reduceWith(derivativesOf(*tr, hyper_));
            out.push_back(std::move(r));
        }
        return out;
    };
    const std::vector<ReducedTrajectory> train = reduceAll(trainSet, derivativeLoss || lsInit);
    std::vector<ReducedTrajectory> validation;
    if (!request.validationSplit.empty() && ds.hasSplit(request.validationSplit))
        validation = reduceAll(ds.split(request.validationSplit), derivativeLoss);

    StableStructure st = stableStructure();
    st.n = train.front().X.rows();
    // One complete training run with L1 weight l1H; run `index` of `runs` (automatic λ selection trains
    // one run per candidate, each from the same seed, and the curve shows them one after another).
    auto trainOnce = [&](double l1H, int index, int runs, StableParameters& params) {
        Rng rng(request.seed);
        if (lsInit) {
            Eigen::Index K = 0;
            for (const auto& r : train) K += r.X.cols();
            Eigen::MatrixXd X(st.n, K), Z(st.n, K), U(st.m, K);
            Eigen::Index col = 0;
            for (const auto& r : train) {
                X.middleCols(col, r.X.cols()) = r.X;
                Z.middleCols(col, r.X.cols()) = r.Z;
                if (st.m > 0) U.middleCols(col, r.X.cols()) = r.U;
                col += r.X.cols();
            }
            RegularisationWeights w;
            w.c = hyper_.at("reg_c").get<double>();
            w.A = hyper_.at("reg_A").get<double>();
            w.H = hyper_.at("reg_H").get<double>();
            w.B = hyper_.at("reg_B").get<double>();
            const QuadraticOperators ls = LeastSquaresOpInf(X, U, Z, st.operatorSet()).solve(w);
            params = StableParameters::nearOperators(st, ls);
        } else {
            params = StableParameters::random(st, hyper_.at("init_std").get<double>(), rng);
        }

        StableTrainingOptions opt;
        opt.loss = derivativeLoss ? StableLoss::Derivative : StableLoss::Rk4OneStep;
        opt.epochs = hyper_.at("epochs").get<int>();
        opt.batchTrajectories = hyper_.at("batch_trajectories").get<int>();
        opt.lrBase = hyper_.at("lr_base").get<double>();
        opt.lrMax = hyper_.at("lr_max").get<double>();
        opt.halfCycleEpochs = hyper_.at("lr_half_cycle_epochs").get<int>();
        opt.l1H = l1H;
        opt.seed = rng.nextU64();
        opt.beforeMinibatch = request.checkpoint;
        model::TrainCallback shifted = onEpoch;
        if (runs > 1 && onEpoch)
            shifted = [&onEpoch, index, runs, epochs = opt.epochs](const model::TrainEvent& e) {
                model::TrainEvent ev = e;
                ev.epoch += index * epochs;
                ev.totalEpochs = runs * epochs;
                onEpoch(ev);
            };
        return trainStableOpInf(params, train, validation, opt, shifted, &cancel);
    };

    StableParameters params;
    nn::TrainLoopResult result;
    json selectionRecord;
    std::string selectionNote;
    if (hyper_.at("regulariser") == "auto") {
        const auto lambdas = hyper_.at("lambda_candidates").get<std::vector<double>>();
        std::vector<const data::Trajectory*> valSet;
        if (!request.validationSplit.empty() && ds.hasSplit(request.validationSplit)) valSet = ds.split(request.validationSplit);
        std::vector<std::optional<StableParameters>> fits(lambdas.size());
        std::vector<nn::TrainLoopResult> results(lambdas.size());
        RegulariserSelection sel = selectRegulariser(
            lambdas,
            [&](std::size_t i) {
                CandidateFit f;
                if (cancel.load()) {
                    f.fitted = false;
                    return f;
                }
                StableParameters p;
                results[i] = trainOnce(lambdas[i], static_cast<int>(i), static_cast<int>(lambdas.size()), p);
                f.operators = p.operators();
                fits[i] = std::move(p);
                if (results[i].status == nn::TrainStatus::Cancelled) f.rejectReason = "training cancelled";
                else if (results[i].status != nn::TrainStatus::Completed) f.rejectReason = "training stopped: " + results[i].message;
                else if (!analyseStability(*fits[i]).verified()) f.rejectReason = "certificate not verified";
                return f;
            },
            basis, valSet.empty() ? trainSet : valSet, rolloutOptions());
        sel.variant = "stable";
        sel.lambdaMeaning = "λ_H, the weight of the L1 penalty mean|H| (l1_H is not used)";
        sel.validationSource = rolloutSource(request, valSet.empty());
        selectionRecord = sel.toJson();
        selectionNote = sel.explanation();
        std::size_t pick = sel.chosen >= 0 ? static_cast<std::size_t>(sel.chosen) : fits.size();
        if (sel.chosen < 0) {
            // Cancelled before any candidate was admissible: keep the last run (every parameter value is stable).
            if (!cancel.load()) throw Error("regulariser selection", selectionNote);
            for (std::size_t i = fits.size(); i-- > 0;)
                if (fits[i]) { pick = i; break; }
            if (pick == fits.size()) {
                model::TrainSummary none;
                none.status = model::TrainStatus::Cancelled;
                none.message = "cancelled before the first λ candidate was trained";
                return none;
            }
        }
        params = std::move(*fits[pick]);
        result = results[pick];
        if (cancel.load()) result.status = nn::TrainStatus::Cancelled;
    } else {
        result = trainOnce(hyper_.at("l1_H").get<double>(), 0, 1, params);
    }

    model::TrainSummary summary = result;
    if (!basisChoice.summary.empty()) summary.message += "; " + basisChoice.summary;
    if (!selectionNote.empty()) summary.message += "; " + selectionNote;

    // Every parameter value is a stable model, so even a cancelled run leaves a usable one.
    ops_ = params.operators();
    basis_ = std::move(basis);
    stable_ = std::move(params);
    trainingInputBound_ = 0.0;
    for (const auto& r : train)
        if (r.U.rows() > 0 && r.U.cols() > 0) trainingInputBound_ = std::max(trainingInputBound_, r.U.colwise().norm().maxCoeff());
    trained_ = true;
    training_ = model::makeTrainingRecord(summary, request.seed, ds);
    if (!basisChoice.record.is_null()) training_["reduction"] = basisChoice.record;
    if (!selectionRecord.is_null()) training_["regulariser_selection"] = selectionRecord;

    const int checks = hyper_.at("check_trajectories").get<int>();
    if (checks > 0 && variant() == "stable" && summary.status == model::TrainStatus::Completed) {
        auto pool = validation.empty() ? trainSet : ds.split(request.validationSplit);
        if (static_cast<int>(pool.size()) > checks) pool.resize(static_cast<std::size_t>(checks));
        std::vector<const data::Trajectory*> timed;
        for (const auto* tr : pool)
            if (tr->t.size() >= 2) timed.push_back(tr);
        if (!timed.empty()) {
            // A log of this training run (docs/methods/stable-opinf.md §8); certify() never reads it back.
            json check = checkCertificate(timed);
            check["split"] = validation.empty() ? request.trainSplit : request.validationSplit;
            training_["simulation_check"] = std::move(check);
        }
    }
    return summary;
}

StabilityCertificate OpInfModel::stabilityCertificate() const {
    requireTrained("certify");
    if (!stable_) throw Error(std::string(kPluginId), "the least-squares variant has no stability certificate");
    return analyseStability(*stable_);
}

json OpInfModel::checkCertificate(const std::vector<const data::Trajectory*>& trajectories) const {
    const StabilityCertificate cert = stabilityCertificate();
    if (!cert.global) throw Error(std::string(kPluginId), "a locally stable model has no bound to check");
    json checks = json::array();
    bool all = true;
    for (const auto* tr : trajectories) {
        const model::Prediction p = predict(*tr);
        const Eigen::MatrixXd U = ops_.ops.B ? tr->u : Eigen::MatrixXd(0, tr->t.size());
        const TrajectoryBoundCheck c = checkTrajectoryBound(cert, tr->id, tr->t, reduce(p.x), U, p.diverged);
        all = all && c.satisfied;
        checks.push_back(opinf::toJson(c));
    }
    return {{"all_satisfied", all}, {"checks", checks}};
}

bool OpInfModel::hasLyapunov() const { return trained_ && stable_ && variant() == "stable"; }

Eigen::RowVectorXd OpInfModel::lyapunov(const Eigen::MatrixXd& X) const {
    if (!hasLyapunov()) return model::Model::lyapunov(X);
    if (X.rows() != fullDim_) throw Error(std::string(kPluginId) + " lyapunov", "states must have " + std::to_string(fullDim_) + " rows");
    const Eigen::MatrixXd Xh = reduce(X);
    return 0.5 * (Xh.array() * (stable_->Q() * Xh).array()).colwise().sum().matrix();
}

Eigen::MatrixXd OpInfModel::lyapunovGradient(const Eigen::MatrixXd& X) const {
    if (!hasLyapunov()) return model::Model::lyapunovGradient(X);
    if (X.rows() != fullDim_) throw Error(std::string(kPluginId) + " lyapunov", "states must have " + std::to_string(fullDim_) + " rows");
    return lift(stable_->Q() * reduce(X));
}

}  // namespace sd::opinf
