// RenModel::train and its per-mode training problems (docs/methods/ren.md §6): simulation error over
// truncated chunks, the observer's one-step state prediction, and the echo-state least-squares fit. The
// loop itself (cancel, splits, optimiser, record) is model::runNnTraining.
#include "plugins/ren/ren_model.h"

#include "core/autodiff/ops.h"
#include "core/common/error.h"
#include "core/model/model_document.h"
#include "core/nn/lr_schedule.h"
#include "core/nn/minibatch.h"
#include "plugins/ren/r2dn_simulation.h"
#include "plugins/ren/ren_simulation.h"
#include "plugins/ren/standardisation.h"

#include <Eigen/Cholesky>

#include <chrono>
#include <cmath>
#include <limits>

namespace sd::ren {

using Eigen::Index;
using Eigen::MatrixXd;
using ad::Var;
using nlohmann::json;

namespace {

/// One batched rollout of either model family.
struct AnyRollout {
    Var Y, finalState;
};

/// PAPER-CODE composition ("optimiser": "parity"): the gradient is scaled by the decayed rate of the epoch
/// before clipping and Adam; the value stays the loss. `parity` null: the loss unchanged.
Var parityScaled(const Var& loss, const nn::StepDecayLr* parity, int epoch) {
    if (!parity) return loss;
    const double s = parity->learningRate(epoch, 0);
    return loss + (s - 1.0) * (loss - loss.detach());
}

/// A simulation chunk's loss: the mean squared error of `Y` (n_y × time·sequences) against `target`, or with
/// `sumChannelsSequences` the paper code's loss — averaged over time, summed over the n_y channels and the
/// `sequences` — which is the mean times n_y · sequences (docs/methods/ren.md §8).
Var chunkLoss(const Var& Y, const MatrixXd& target, Index sequences, bool sumChannelsSequences) {
    const Var mse = ad::mseLoss(Y, Var::constant(target));
    return sumChannelsSequences ? mse * static_cast<double>(target.rows() * sequences) : mse;
}

}  // namespace

/// The per-run state of simulation training, shared by the batch loss (which updates it) and validation.
struct RenModel::Chunked {
    struct Chunk {
        Index start, length;
        MatrixXd U, Y;   ///< time-major packed over the B training sequences
    };
    std::vector<MatrixXd> seqU, seqY;   ///< standardised training sequences
    std::vector<Chunk> chunks;
    Index B = 0;                         ///< training sequences
    MatrixXd carry;                      ///< state at the start of the next chunk (chunk_batch = 1)
    std::vector<MatrixXd> boundary;      ///< state at each chunk start (chunk_batch > 1)
    int boundaryEpoch = -1;              ///< the epoch `boundary` was computed for
};

void RenModel::prepareTraining(const data::Dataset& ds, const std::vector<const data::Trajectory*>& trainSet, std::uint64_t seed) {
    Standardisation s = fitStandardisation(hyper_, ds, trainSet, nuData_, nyData_);
    inScale_ = std::move(s.inputs);
    outScale_ = std::move(s.outputs);
    initialise(seed);
}

model::TrainSummary RenModel::train(const data::Dataset& ds, const model::TrainRequest& request,
                                    const model::TrainCallback& onEpoch, const std::atomic<bool>& cancel) {
    checkData(ds);
    if (mode_ == Mode::EchoState) {
        if (cancel.load()) return model::cancelledBeforeTraining();
        const model::TrainingSets sets = model::trainingSets(ds, request);
        prepareTraining(ds, sets.train, request.seed);
        return trainEchoState(ds, sets.train, request, onEpoch, cancel);
    }

    const double lr = hyper_.at("lr").get<double>();
    const nn::StepDecayLr decay(lr, hyper_.at("lr_decay").get<double>(), hyper_.at("lr_decay_epochs").get<int>(), hyper_.at("lr_min").get<double>());
    const nn::StepDecayLr* parity = hyper_.at("optimiser").get<std::string>() == "parity" ? &decay : nullptr;
    bool started = false;
    const nn::TrainLoopResult res = model::runNnTraining(ds, request, hyper_, onEpoch, cancel, [&](const model::TrainingSets& sets) {
        started = true;
        prepareTraining(ds, sets.train, request.seed);
        model::NnTrainingProblem p;
        switch (mode_) {
            case Mode::Observer: p = observerProblem(ds, sets, parity); break;
            case Mode::Simulation: p = simulationProblem(ds, sets, parity); break;
            case Mode::EchoState: break;   // fitted above, not by the loop
        }
        p.parameters = params_.vars();
        if (learnsInitialState() && x0_.rows() > 0) p.parameters.push_back(x0_);
        p.clipValue = hyper_.at("clip_value").get<double>();
        p.schedule = parity ? nullptr : &decay;
        if (parity) p.reportEvent = [parity](model::TrainEvent& e) { e.learningRate = parity->learningRate(e.epoch - 1, 0); };
        return p;
    }, training_);
    if (!started) return res;   // cancelled before the start: the model is unchanged

    trained_ = trained_ || res.steps > 0;
    sensitivity_ = json();
    const int sensIt = hyper_.at("sensitivity_iterations").get<int>();
    if (sensIt > 0 && res.status == model::TrainStatus::Completed && mode_ == Mode::Simulation) {
        const Index len = hyper_.at("sensitivity_length").get<Index>();
        sensitivity_ = {{"observed", observedSensitivity(len, sensIt, request.seed)}, {"length", len}, {"iterations", sensIt},
                        {"units", "standardised inputs and outputs"}};
    }
    return res;
}

bool RenModel::learnsInitialState() const { return hyper_.at("initial_state").get<std::string>() == "learned" && mode_ != Mode::Observer; }

// ---- observer: one-step state prediction on (x_t, [u_t; y_t]) → x_{t+1} pairs ----

model::NnTrainingProblem RenModel::observerProblem(const data::Dataset& ds, const model::TrainingSets& sets, const nn::StepDecayLr* parity) {
    struct Pairs {
        MatrixXd X, O, N;   ///< states x_t, observer inputs [u_t; y_t], next states x_{t+1}
    };
    const auto pairs = std::make_shared<Pairs>();
    Index total = 0;
    for (const auto* tr : sets.train) total += std::max<Index>(0, tr->samples() - 1);
    if (total == 0) throw Error("dataset '" + ds.name + "'", "observer training needs trajectories with at least 2 samples");
    pairs->X.resize(nxData_, total), pairs->O.resize(config_.nu, total), pairs->N.resize(nxData_, total);
    Index col = 0;
    for (const auto* tr : sets.train) {
        const Index K = tr->samples();
        if (K < 2) continue;
        const MatrixXd obs = rennInputs(*tr, "trajectory '" + tr->id + "'");
        pairs->X.middleCols(col, K - 1) = tr->x.leftCols(K - 1);
        pairs->O.middleCols(col, K - 1) = obs.leftCols(K - 1);
        pairs->N.middleCols(col, K - 1) = tr->x.rightCols(K - 1);
        col += K - 1;
    }

    model::NnTrainingProblem p;   // minibatches of "batch_size" pairs, shuffled
    p.problem.sampleCount = total;
    p.problem.batchLoss = [this, pairs, parity](std::span<const Index> idx, int epoch) {
        const ExplicitRen e = explicitModel();
        const RenRollout r = simulateRen(config_, e, Var::constant(nn::gatherColumns(pairs->X, idx)), Var::constant(nn::gatherColumns(pairs->O, idx)), 1);
        return parityScaled(ad::mseLoss(r.finalState, Var::constant(nn::gatherColumns(pairs->N, idx))), parity, epoch);
    };
    if (!sets.validation.empty())
        p.problem.validationLoss = [this, valSet = sets.validation]() {
            double sum = 0.0;
            Index count = 0;
            const ExplicitRen e = explicitModel();
            for (const auto* tr : valSet) {
                const Index K = tr->samples();
                if (K < 2) continue;
                const MatrixXd obs = rennInputs(*tr, "trajectory '" + tr->id + "'");
                const RenRollout r = simulateRen(config_, e, Var::constant(tr->x.leftCols(K - 1)), Var::constant(obs.leftCols(K - 1)), 1);
                sum += (r.finalState.value() - tr->x.rightCols(K - 1)).squaredNorm();
                count += (K - 1) * nxData_;
            }
            return count ? sum / double(count) : std::numeric_limits<double>::quiet_NaN();
        };
    return p;
}

// ---- simulation error over truncated chunks ----

model::NnTrainingProblem RenModel::simulationProblem(const data::Dataset& ds, const model::TrainingSets& sets, const nn::StepDecayLr* parity) {
    const auto run = std::make_shared<Chunked>();
    Index Kmin = std::numeric_limits<Index>::max();
    for (const auto* tr : sets.train) {
        run->seqU.push_back(rennInputs(*tr, "trajectory '" + tr->id + "'"));
        run->seqY.push_back(outScale_.apply(tr->y));
        Kmin = std::min(Kmin, tr->samples());
    }
    if (Kmin < 1) throw Error("dataset '" + ds.name + "'", "a training trajectory has no samples");
    run->B = static_cast<Index>(run->seqU.size());
    const Index B = run->B;
    const Index chunkBatch = hyper_.at("chunk_batch").get<Index>();
    const Index L = std::min<Index>(hyper_.at("seq_len").get<Index>(), Kmin);
    for (Index s = 0; s < Kmin; s += L) {
        const Index len = std::min(L, Kmin - s);
        if (chunkBatch > 1 && len < L && s > 0) break;   // minibatched chunks must share one length
        std::vector<MatrixXd> us, ys;
        for (Index j = 0; j < B; ++j) {
            us.push_back(run->seqU[j].middleCols(s, len));
            ys.push_back(run->seqY[j].middleCols(s, len));
        }
        run->chunks.push_back({s, len, packTimeMajor(us), packTimeMajor(ys)});
    }

    auto rollout = [this](const Var& x0, const Var& U, Index K) -> AnyRollout {
        if (baseline_) {
            BaselineRollout r = simulateBaseline(baselineKind_, params_, x0, U, K);
            return {r.Y, r.finalState};
        }
        RenRollout r = r2dn_ ? simulateR2dn(config_, explicitR2dn(), x0, U, K) : simulateRen(config_, explicitModel(), x0, U, K);
        return {r.Y, r.finalState};
    };
    auto epochStartStates = [this, run]() {
        MatrixXd X0(recurrentStateDim(), run->B);
        for (Index j = 0; j < run->B; ++j) X0.col(j) = initialStateFor(run->seqU[j], &run->seqY[j]);
        return X0;
    };
    const bool learnedX0 = learnsInitialState();

    model::NnTrainingProblem p;
    p.problem.sampleCount = static_cast<Index>(run->chunks.size());
    // chunk_batch = 1: the chunks in order, each starting where the last ended; else shuffled minibatches.
    p.batchSize = chunkBatch;
    p.shuffle = chunkBatch != 1;
    const bool sumLoss = hyper_.at("loss_reduction").get<std::string>() == "sum_channels_sequences";
    p.problem.batchLoss = [this, run, rollout, epochStartStates, learnedX0, chunkBatch, parity, sumLoss](std::span<const Index> idx, int epoch) {
        const Index B = run->B;
        if (chunkBatch == 1) {
            const Chunked::Chunk& ch = run->chunks[static_cast<std::size_t>(idx[0])];
            Var x0;
            if (ch.start == 0) {
                // Epoch start: the initial state (a graph leaf when learned, so x₀ is trained).
                x0 = learnedX0 ? ad::broadcastTo(x0_, x0_.rows(), B) : Var::constant(epochStartStates());
            } else {
                x0 = Var::constant(run->carry);
            }
            const AnyRollout r = rollout(x0, Var::constant(ch.U), ch.length);
            run->carry = r.finalState.value();   // cut from the graph at the chunk boundary
            return parityScaled(chunkLoss(r.Y, ch.Y, B, sumLoss), parity, epoch);
        }
        if (epoch != run->boundaryEpoch) {
            // First minibatch of the epoch: chunk-start states from one no-gradient simulation with the
            // epoch-start model.
            ad::NoGradGuard guard;
            run->boundaryEpoch = epoch;
            run->boundary.assign(run->chunks.size(), MatrixXd());
            MatrixXd x = epochStartStates();
            for (std::size_t c = 0; c < run->chunks.size(); ++c) {
                run->boundary[c] = x;
                x = rollout(Var::constant(x), Var::constant(run->chunks[c].U), run->chunks[c].length).finalState.value();
            }
        }
        const Index m = static_cast<Index>(idx.size()), len = run->chunks[static_cast<std::size_t>(idx[0])].length;
        MatrixXd X0(recurrentStateDim(), m * B), U(config_.nu, len * m * B), Y(nyData_, len * m * B);
        for (Index i = 0; i < m; ++i) {
            const Chunked::Chunk& ch = run->chunks[static_cast<std::size_t>(idx[i])];
            X0.middleCols(i * B, B) = run->boundary[static_cast<std::size_t>(idx[i])];
            for (Index t = 0; t < len; ++t) {
                U.middleCols(t * m * B + i * B, B) = ch.U.middleCols(t * B, B);
                Y.middleCols(t * m * B + i * B, B) = ch.Y.middleCols(t * B, B);
            }
        }
        const AnyRollout r = rollout(Var::constant(X0), Var::constant(U), len);
        return parityScaled(chunkLoss(r.Y, Y, m * B, sumLoss), parity, epoch);
    };
    if (!sets.validation.empty())
        p.problem.validationLoss = [this, rollout, valSet = sets.validation, washout = hyper_.at("washout").get<Index>()]() {
            double sum = 0.0;
            Index count = 0;
            for (const auto* tr : valSet) {
                const MatrixXd U = rennInputs(*tr, "trajectory '" + tr->id + "'");
                const MatrixXd Y = outScale_.apply(tr->y);
                const Index K = U.cols() ? U.cols() : Y.cols();
                if (K <= washout) continue;
                const MatrixXd X0 = initialStateFor(U, &Y);
                const MatrixXd Yhat = rollout(Var::constant(X0), Var::constant(U), K).Y.value();
                sum += (Yhat - Y).rightCols(K - washout).squaredNorm();
                count += (K - washout) * nyData_;
            }
            return count ? sum / double(count) : std::numeric_limits<double>::quiet_NaN();
        };
    return p;
}

// ---- echo state: a random C-REN, output map by least squares ----

model::TrainSummary RenModel::trainEchoState(const data::Dataset& ds, const std::vector<const data::Trajectory*>& trainSet,
                                             const model::TrainRequest& request, const model::TrainCallback& onEpoch,
                                             const std::atomic<bool>& cancel) {
    const auto start = std::chrono::steady_clock::now();
    // Features φ_t = [x_t; w_t; u_t; 1] of the random C-REN over the training inputs.
    std::vector<MatrixXd> phis, ys;
    Index total = 0;
    {
        ad::NoGradGuard guard;
        const ExplicitRen e = explicitModel();
        for (const auto* tr : trainSet) {
            const MatrixXd U = rennInputs(*tr, "trajectory '" + tr->id + "'");
            const Index K = U.cols() ? U.cols() : tr->samples();
            const RenRollout r = simulateRen(config_, e, Var::constant(MatrixXd::Zero(config_.nx, 1)), Var::constant(U), K, true);
            MatrixXd phi(config_.nx + config_.nv + config_.nu + 1, K);
            phi << r.states, r.equilibria, U, MatrixXd::Ones(1, K);
            phis.push_back(std::move(phi));
            ys.push_back(outScale_.apply(tr->y));
            total += K;
        }
    }
    const Index nf = config_.nx + config_.nv + config_.nu + 1;
    MatrixXd G = MatrixXd::Zero(nf, nf), Ry = MatrixXd::Zero(nyData_, nf);
    for (std::size_t i = 0; i < phis.size(); ++i) {
        G.noalias() += phis[i] * phis[i].transpose();
        Ry.noalias() += ys[i] * phis[i].transpose();
    }
    if (!config_.d22Free) {
        // D₂₂ = 0: drop the input rows from the regression.
        G.block(config_.nx + config_.nv, 0, config_.nu, nf).setZero();
        G.block(0, config_.nx + config_.nv, nf, config_.nu).setZero();
        G.block(config_.nx + config_.nv, config_.nx + config_.nv, config_.nu, config_.nu).setIdentity();
        Ry.middleCols(config_.nx + config_.nv, config_.nu).setZero();
    }
    G.diagonal().array() += hyper_.at("echo_ridge").get<double>() * std::max(1.0, double(total));
    const MatrixXd Theta = G.ldlt().solve(Ry.transpose()).transpose();   // ny × nf
    model::TrainSummary summary;
    if (!Theta.allFinite()) {
        summary.status = model::TrainStatus::StoppedOnNaN;
        summary.message = "the echo-state least-squares solution is not finite; parameters unchanged";
        return summary;
    }
    if (cancel.load()) {
        summary.status = model::TrainStatus::Cancelled;
        summary.message = "cancelled before the output fit";
        return summary;
    }
    params_.set("C2", Theta.leftCols(config_.nx));
    params_.set("D21", Theta.middleCols(config_.nx, config_.nv));
    if (params_.contains("D22")) params_.set("D22", Theta.middleCols(config_.nx + config_.nv, config_.nu));
    params_.set("by", Theta.rightCols(1));
    double loss = 0.0;
    for (std::size_t i = 0; i < phis.size(); ++i) loss += (ys[i] - Theta * phis[i]).squaredNorm();
    loss /= std::max<double>(1.0, double(total * nyData_));
    trained_ = true;
    model::TrainEvent ev;
    ev.epoch = ev.totalEpochs = 1;
    ev.trainLoss = loss;
    ev.epochSeconds = ev.elapsedSeconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    if (onEpoch) onEpoch(ev);
    summary.status = model::TrainStatus::Completed;
    summary.epochsRun = 1;
    summary.finalTrainLoss = loss;
    summary.message = "echo-state output map fitted by least squares over " + std::to_string(total) + " samples";
    sensitivity_ = json();
    training_ = model::makeTrainingRecord(summary, request.seed, ds);
    return summary;
}

}  // namespace sd::ren
