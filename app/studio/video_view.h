#pragma once
// VideoView — placeholder of the "Video" tab. The frame viewer (real vs generated frames, play / pause /
// step / scrub, PNG-sequence export) arrives with the vae-latent plugin's issue; until then the tab says so.
#include <QWidget>

namespace sd::studio {

class VideoView : public QWidget {
    Q_OBJECT
public:
    explicit VideoView(QWidget* parent = nullptr);
};

}  // namespace sd::studio
