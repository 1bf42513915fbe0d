// stabledyn — the headless command line of StableDyn Studio. Same code paths as the GUI: the plugin
// host, the dataset catalog, Model::train/predict/certificate. Machine-readable JSON on stdout,
// progress and errors on stderr, non-zero exit status on any error.
#include "core/common/allocator_tuning.h"
#include "cli_context.h"
#include "core/common/error.h"

#include <QCoreApplication>
#include <cstring>
#include <iostream>

namespace sd::cli {
int runPendulumStudy(int argc, char** argv);  // study_pendulum.cpp
int runOpinfStudy(int argc, char** argv);     // study_opinf.cpp (opinf-quadratic, opinf-burgers, opinf-sweep)
int runRenStudy(int argc, char** argv);       // study_ren.cpp (ren-wh, ren-f16, ren-observer)
int runVaeStudy(int argc, char** argv);       // study_vae.cpp (vae: video textures, stable vs naive)
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
  study     pendulum | opinf-quadratic | opinf-burgers | opinf-sweep | ren-wh | ren-f16 | ren-observer
            [options]  the papers' studies through the plugin contract (JSON on stdout, progress on
            stderr; see docs/results/ for the exact commands and options)
  study     vae [--textures video-ripples,video-candle] [--seeds 0,1,2] [--frames 1000] [--epochs N]
            [--image-size S] [--out-dir DIR]

D is a registry name (see `stabledyn datasets`) or a file: .json (StableDyn dataset), .npz (X/Y pairs)
or .csv with --csv-states a,b [--csv-time t | --csv-dt h] [--csv-inputs ...] [--csv-outputs ...]
[--csv-trajectory id] [--csv-derivatives ...].
Exit status: 0 success, 1 error, 2 usage error, 3 training cancelled or stopped on NaN.
)";

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
        if (command == "plugins") return sd::cli::runPlugins(argc, argv);
        if (command == "datasets") return sd::cli::runDatasets(argc, argv);
        if (command == "generate") return sd::cli::runGenerate(argc, argv);
        if (command == "train") return sd::cli::runTrain(argc, argv);
        if (command == "eval") return sd::cli::runEval(argc, argv);
        if (command == "simulate") return sd::cli::runSimulate(argc, argv);
        if (command == "certify") return sd::cli::runCertify(argc, argv);
        if (command == "field") return sd::cli::runField(argc, argv);
        if (command == "study") {
            const std::string study = argc > 2 ? argv[2] : "";
            if (study == "pendulum") return sd::cli::runPendulumStudy(argc, argv);
            if (study.rfind("opinf-", 0) == 0) return sd::cli::runOpinfStudy(argc, argv);
            if (study.rfind("ren-", 0) == 0) return sd::cli::runRenStudy(argc, argv);
            if (study == "vae") return sd::cli::runVaeStudy(argc, argv);
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
