// stabledyn-studio: the GUI. Everything is in stabledyn_studio_lib; this only parses options and starts.
#include "app/studio/main_window.h"
#include "app/studio/studio_options.h"
#include "core/common/allocator_tuning.h"

#include <QApplication>
#include <QCoreApplication>

namespace {
void describe() {
    QCoreApplication::setApplicationName("stabledyn-studio");
    QCoreApplication::setOrganizationName("StableDyn");
    QCoreApplication::setApplicationVersion(SD_VERSION);
}
}  // namespace

int main(int argc, char** argv) {
    // --help and --version need no display: answer them before a GUI application would open one.
    if (sd::studio::wantsHelpOrVersion(argc, argv)) {
        QCoreApplication app(argc, argv);
        describe();
        sd::studio::parseStudioOptions(app);   // prints and exits
        return 0;
    }
    sd::tuneAllocatorForTensors();  // large autodiff buffers: reuse heap memory instead of fresh mmap pages
    QApplication app(argc, argv);
    describe();
    const sd::studio::StudioOptions options = sd::studio::parseStudioOptions(app);
    sd::studio::MainWindow window(options);
    window.show();
    window.applyStartupOptions();
    return app.exec();
}
