// stabledyn-studio: the GUI. Everything is in stabledyn_studio_lib; this only parses options and starts.
#include "app/studio/main_window.h"
#include "app/studio/studio_options.h"

#include <QApplication>

int main(int argc, char** argv) {
    QApplication app(argc, argv);
    QApplication::setApplicationName("stabledyn-studio");
    QApplication::setOrganizationName("StableDyn");
    QApplication::setApplicationVersion("0.1.0");
    const sd::studio::StudioOptions options = sd::studio::parseStudioOptions(app);
    sd::studio::MainWindow window(options);
    window.show();
    window.applyStartupOptions();
    return app.exec();
}
