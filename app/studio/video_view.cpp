#include "app/studio/video_view.h"

#include <QLabel>
#include <QVBoxLayout>

namespace sd::studio {

VideoView::VideoView(QWidget* parent) : QWidget(parent) {
    auto* layout = new QVBoxLayout(this);
    auto* label = new QLabel(
        "<h3>Video</h3><p>Real and generated frames side by side, with play, pause, step, scrubbing and "
        "PNG-sequence export, come with the <b>vae-latent</b> plugin (a later issue).</p>"
        "<p>This build has no video models yet, so there is nothing to show here.</p>",
        this);
    label->setObjectName("videoPlaceholder");
    label->setWordWrap(true);
    label->setAlignment(Qt::AlignCenter);
    label->setStyleSheet("color: #4b5563;");
    layout->addWidget(label);
}

}  // namespace sd::studio
