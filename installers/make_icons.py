"""Generates the application icon files (PNG sizes, .ico, .icns) from resources/icons/klyngedesk.svg."""

from __future__ import annotations

import io
import os
import sys
from pathlib import Path

ICONS = Path(__file__).resolve().parent.parent / "resources" / "icons"
SVG = ICONS / "klyngedesk.svg"
PNG_SIZES = (16, 24, 32, 48, 64, 128, 256, 512, 1024)
ICO_SIZES = (16, 24, 32, 48, 64, 128, 256)  # Windows: shell, taskbar, start menu, installer
ICNS_SIZES = (16, 32, 64, 128, 256, 512, 1024)  # macOS icon sets (1x and 2x variants)


def render_png(svg: Path, size: int) -> bytes:
    """The SVG drawn by Qt's own SVG renderer on a transparent square of size × size pixels."""
    from PySide6.QtCore import QBuffer, QByteArray, QIODevice
    from PySide6.QtGui import QImage, QPainter
    from PySide6.QtSvg import QSvgRenderer

    renderer = QSvgRenderer(str(svg))
    if not renderer.isValid():
        raise SystemExit(f"cannot read {svg}")
    image = QImage(size, size, QImage.Format.Format_ARGB32)
    image.fill(0)
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    renderer.render(painter)
    painter.end()
    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    image.save(buffer, "PNG")
    buffer.close()
    return bytes(data)


def main() -> int:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PIL import Image
    from PySide6.QtGui import QGuiApplication

    _app = QGuiApplication.instance() or QGuiApplication(sys.argv[:1])
    images: dict[int, Image.Image] = {}
    for size in PNG_SIZES:
        data = render_png(SVG, size)
        (ICONS / f"klyngedesk-{size}.png").write_bytes(data)
        images[size] = Image.open(io.BytesIO(data)).convert("RGBA")
    largest = images[max(ICO_SIZES)]
    largest.save(ICONS / "klyngedesk.ico", format="ICO", sizes=[(s, s) for s in ICO_SIZES],
                 append_images=[images[s] for s in ICO_SIZES if s != max(ICO_SIZES)])
    images[1024].save(ICONS / "klyngedesk.icns", format="ICNS",
                      append_images=[images[s] for s in ICNS_SIZES if s != 1024])
    print(f"wrote {len(PNG_SIZES)} PNG sizes, klyngedesk.ico and klyngedesk.icns to {ICONS}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
