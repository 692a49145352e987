"""A QR code as a QImage, for the "photograph your number" screen when the printer fails.

The payload is ``TALON:<office>:<label>`` (the printed ticket adds a PIN the kiosk does
not know).  Drawn with hard black-on-white modules and a quiet zone of four modules, which
phone cameras need even in the high-contrast theme.
"""

from __future__ import annotations

import qrcode
from PySide6.QtCore import QRect, Qt
from PySide6.QtGui import QColor, QImage, QPainter


def payload(office: str, label: str) -> str:
    return f"TALON:{office}:{label}"


def matrix(text: str) -> list[list[bool]]:
    """The QR modules of ``text`` (medium error correction), quiet zone included."""
    code = qrcode.QRCode(error_correction=qrcode.constants.ERROR_CORRECT_M, border=4)
    code.add_data(text)
    code.make(fit=True)
    return [list(row) for row in code.get_matrix()]


def qr_image(text: str, size: int) -> QImage:
    """A square image of about ``size`` pixels, whole pixels per module so the edges stay sharp."""
    modules = matrix(text)
    count = len(modules)
    scale = max(1, size // count)
    side = scale * count
    image = QImage(side, side, QImage.Format.Format_RGB32)
    image.fill(QColor("white"))
    painter = QPainter(image)
    try:
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(QColor("black"))
        for y, row in enumerate(modules):
            for x, dark in enumerate(row):
                if dark:
                    painter.drawRect(QRect(x * scale, y * scale, scale, scale))
    finally:
        painter.end()
    return image
