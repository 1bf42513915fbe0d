// stabledyn — the headless command line of StableDyn Studio. Same code paths as the GUI: the plugin
// host, the dataset catalog, Model::train/predict/certificate. Machine-readable JSON on stdout,
// progress and errors on stderr, non-zero exit status on any error.
#include "core/common/allocator_tuning.h"
#include "cli_context.h"
#include "core/common/error.h"
#include "core/common/thread_pool.h"

#include <QCoreApplication>
#include <cstdlib>
#include <cstring>
#include <iostream>

namespace sd::cli {
int runExperiment(int argc, char** argv);     // command_experiment.cpp (run, status, report, slurm, collect)
int runStudyAlias(int argc, char** argv);     // command_experiment.cpp: a paper's plan under studies/; -1 if unknown
}

namespace {

const char* kUsage = R"(usage: stabledyn <command> [options]

commands:
  plugins   [--schema] [--plugin-dir DIR]      loaded plugins (and load failures) as JSON
  datasets  [--registry DIR] [--data-root DIR] the benchmark registry with availability
  generate  <system> [--param k=v]... [--seed N] --out FILE.{json,csv,npz}
  generate  --list                              generators and their parameters
  train     --plugin ID --data D [--config cfg.json] [--set k=v]... [--seed N]
            [--train-split S] [--validation-split S] --out model.json
            --set values are JSON when they parse as JSON (numbers, true/false, lists such as
            --set fhat_hidden=[32,32] or --set qsr_Q=[-1,0,0,-1]), otherwise plain strings
  eval      --model model.json --data D [--split S] [--washout N]
  simulate  --model model.json (--data D [--split S] [--trajectory I] | --x0 a,b,... [--t-end T]
            [--samples K] [--input u1,...]) [--out trajectory.csv]
  certify   --model model.json
  field     --model model.json --points P.npz [--lyapunov] [--out F.npz]
            the vector field (and V, dV with --lyapunov) at the rows of array X (B×nx) of P.npz, with
            inputs from its array U (B×nu, zero if absent); rows as JSON, or arrays F, V, dV in --out
  experiment run PLAN.json [--out DIR] [--jobs N] [--retry-failed] [--cell I]... [overrides]
            run an experiment plan's cells on N workers (default: all cores); resumable, Ctrl-C stops
  experiment status DIR|PLAN.json             cells done / failed / pending
  experiment report DIR [--to REPORTDIR]      report.md (mean ± std over seeds, best, masked cells) + SVG plots
  experiment slurm PLAN.json --out DIR [--throttle N] [--time T] [--mem M] [--partition P] [--submit]
            write (and submit) an sbatch job array: task i runs cell i through this CLI
  experiment collect DIR                      merge the Slurm tasks' results into DIR/results.jsonl
            overrides: --set k=v, --axis name=v1,v2, --seeds 0,1, --datasets a,b, --data D
            (plan format: docs/experiment-plan.md)
  study     pendulum | opinf-quadratic | opinf-burgers | opinf-sweep | ren-wh | ren-f16 | ren-observer | vae
            [--out DIR] [--jobs N] [overrides]   run a paper's plan from studies/ and its report (JSON on
            stdout; see docs/results/ for the exact commands)

D is a registry name (see `stabledyn datasets`) or a file: .json (StableDyn dataset), .npz (X/Y pairs)
or .csv with --csv-states a,b [--csv-time t | --csv-dt h] [--csv-inputs ...] [--csv-outputs ...]
[--csv-trajectory id] [--csv-derivatives ...].
Every command takes --threads N: compute threads for training and evaluation (default: all cores); results
are identical for any N.
Exit status: 0 success, 1 error, 2 usage error, 3 training cancelled or stopped on NaN.
)";

/// Removes a global `--threads N` (anywhere after the command) from argv and applies it
/// (sd::setComputeThreads). Throws sd::Error for a missing or non-positive N.
void applyThreadsOption(int& argc, char** argv) {
    for (int i = 2; i < argc; ++i) {
        if (std::strcmp(argv[i], "--threads") != 0) continue;
        if (i + 1 >= argc) throw sd::Error("option --threads", "expects a value");
        char* end = nullptr;
        const long n = std::strtol(argv[i + 1], &end, 10);
        if (*argv[i + 1] == '\0' || *end != '\0' || n < 1 || n > 64)
            throw sd::Error("option --threads", std::string("expected an integer in [1, 64], found '") + argv[i + 1] + "'");
        sd::setComputeThreads(static_cast<int>(n));
        for (int j = i; j + 2 <= argc; ++j) argv[j] = argv[j + 2];  // shift out the pair (argv[argc] stays null)
        argc -= 2;
        --i;
    }
}

}  // namespace

int main(int argc, char** argv) {
    sd::tuneAllocatorForTensors();  // large autodiff buffers: reuse heap memory instead of fresh mmap pages
    QCoreApplication app(argc, argv);  // plugin search path relative to the executable
    if (argc < 2 || !std::strcmp(argv[1], "--help") || !std::strcmp(argv[1], "-h") || !std::strcmp(argv[1], "help")) {
        std::cout << kUsage;
        return argc < 2 ? 2 : 0;
    }
    const std::string command = argv[1];
    try {
        applyThreadsOption(argc, argv);
        if (command == "plugins") return sd::cli::runPlugins(argc, argv);
        if (command == "datasets") return sd::cli::runDatasets(argc, argv);
        if (command == "generate") return sd::cli::runGenerate(argc, argv);
        if (command == "train") return sd::cli::runTrain(argc, argv);
        if (command == "eval") return sd::cli::runEval(argc, argv);
        if (command == "simulate") return sd::cli::runSimulate(argc, argv);
        if (command == "certify") return sd::cli::runCertify(argc, argv);
        if (command == "field") return sd::cli::runField(argc, argv);
        if (command == "experiment") return sd::cli::runExperiment(argc, argv);
        if (command == "study") {
            const std::string study = argc > 2 ? argv[2] : "";
            if (const int rc = sd::cli::runStudyAlias(argc, argv); rc >= 0) return rc;
            std::cerr << "stabledyn study: unknown study '" << study << "'\n" << kUsage;
            return 2;
        }
        std::cerr << "stabledyn: unknown command '" << command << "'\n" << kUsage;
        return 2;
    } catch (const sd::Error& e) {
        std::cerr << "stabledyn " << command << ": error: " << e.what() << std::endl;
        return 1;
    } catch (const std::exception& e) {
        std::cerr << "stabledyn " << command << ": internal error: " << e.what() << std::endl;
        return 1;
    }
}
