"""The kiosk's look: two palettes (normal, high contrast) and a text scale, as one stylesheet.

Widgets carry a ``role`` property (``QPushButton[role="service"]``) and never set colours
or fonts themselves, so switching contrast or text size is one ``setStyleSheet`` on the
window.  Sizes are pixels for a 1080-pixel-wide portrait screen; a 1920x1080 landscape
screen uses the same sizes (its height is what limits it).  Colours keep at least 7:1
contrast for body text in both palettes (WCAG AAA), 4.5:1 for the greyed-out lines.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

LARGE_SCALE: Final = 1.3


@dataclass(frozen=True, slots=True)
class Palette:
    background: str
    text: str
    muted: str
    header_bg: str
    header_text: str
    button_bg: str
    button_text: str
    button_border: str
    pressed_bg: str
    primary_bg: str
    primary_text: str
    disabled_bg: str
    disabled_text: str
    disabled_border: str
    priority_bg: str
    priority_text: str
    warning_bg: str
    warning_text: str
    toggle_on_bg: str
    toggle_on_text: str
    border_width: int


NORMAL: Final = Palette(
    background="#EEF2F7", text="#0F1F38", muted="#3D4A5C", header_bg="#0B3D91", header_text="#FFFFFF",
    button_bg="#FFFFFF", button_text="#0F1F38", button_border="#8FA3BF", pressed_bg="#D6E4FA",
    primary_bg="#0B57D0", primary_text="#FFFFFF",
    disabled_bg="#E1E5EA", disabled_text="#4A525C", disabled_border="#C3CAD3",
    priority_bg="#5B2C83", priority_text="#FFFFFF", warning_bg="#B3261E", warning_text="#FFFFFF",
    toggle_on_bg="#0F1F38", toggle_on_text="#FFFFFF", border_width=3,
)

HIGH_CONTRAST: Final = Palette(
    background="#000000", text="#FFFFFF", muted="#FFFFFF", header_bg="#000000", header_text="#FFFF00",
    button_bg="#000000", button_text="#FFFF00", button_border="#FFFF00", pressed_bg="#333300",
    primary_bg="#FFFF00", primary_text="#000000",
    disabled_bg="#000000", disabled_text="#C8C8C8", disabled_border="#7A7A7A",
    priority_bg="#000000", priority_text="#00FFFF", warning_bg="#FFFF00", warning_text="#000000",
    toggle_on_bg="#FFFFFF", toggle_on_text="#000000", border_width=5,
)

# Base pixel sizes of the text roles at scale 1.0.
SIZES: Final = {
    "office": 30, "title": 54, "greeting": 66, "header_sub": 38, "subtitle": 34,
    "service_name": 40, "service_line": 28, "toolbar": 30,
    "body": 34, "number": 250, "number_failed": 320, "ticket_service": 44, "ticket_info": 38,
    "banner": 40, "offline_title": 64, "offline_text": 40, "primary": 46,
}


def palette(high_contrast: bool) -> Palette:
    return HIGH_CONTRAST if high_contrast else NORMAL


def px(role: str, scale: float) -> int:
    return round(SIZES[role] * scale)


def stylesheet(high_contrast: bool, scale: float) -> str:
    """The whole window's stylesheet for one contrast mode and text scale."""
    p = palette(high_contrast)
    b = p.border_width

    def f(role: str) -> int:
        return px(role, scale)

    return f"""
QWidget#kiosk_root, QWidget#screen, QScrollArea, QScrollArea > QWidget > QWidget {{
    background: {p.background}; color: {p.text}; }}
QLabel {{ color: {p.text}; background: transparent; }}
QWidget#header {{ background: {p.header_bg}; }}
QLabel[role="office"] {{ color: {p.header_text}; font-size: {f("office")}px; }}
QLabel[role="greeting"] {{ color: {p.header_text}; font-size: {f("greeting")}px; font-weight: bold; }}
QLabel[role="header_sub"] {{ color: {p.header_text}; font-size: {f("header_sub")}px; }}
QLabel[role="title"] {{ font-size: {f("title")}px; font-weight: bold; }}
QLabel[role="subtitle"] {{ font-size: {f("subtitle")}px; color: {p.muted}; }}
QLabel[role="body"] {{ font-size: {f("body")}px; }}
QLabel[role="note"] {{ font-size: {f("body")}px; font-weight: bold; }}
QLabel[role="ticket_service"] {{ font-size: {f("ticket_service")}px; font-weight: bold; }}
QLabel[role="ticket_info"] {{ font-size: {f("ticket_info")}px; }}
QLabel[role="number"] {{ font-size: {f("number")}px; font-weight: bold; }}
QLabel[role="number_failed"] {{ font-size: {f("number_failed")}px; font-weight: bold; }}
QLabel[role="banner"] {{ font-size: {f("banner")}px; font-weight: bold; color: {p.warning_text};
    background: {p.warning_bg}; padding: 18px; border-radius: 12px; }}
QLabel[role="take"] {{ font-size: {f("banner")}px; font-weight: bold; color: {p.text};
    background: transparent; padding: 12px; border-top: {b}px solid {p.button_border};
    border-bottom: {b}px solid {p.button_border}; }}
QLabel[role="priority_banner"] {{ font-size: {f("service_line")}px; font-weight: bold; color: {p.priority_text};
    background: {p.priority_bg}; padding: 14px; border-radius: 10px; border: {b}px solid {p.priority_text}; }}
QWidget#offline {{ background: {p.warning_bg if high_contrast else p.header_bg}; }}
QLabel[role="offline_title"] {{ font-size: {f("offline_title")}px; font-weight: bold;
    color: {p.warning_text if high_contrast else p.header_text}; }}
QLabel[role="offline_sign"] {{ font-size: {f("offline_title") * 3}px;
    color: {p.warning_text if high_contrast else p.header_text}; }}
QLabel[role="offline_text"] {{ font-size: {f("offline_text")}px;
    color: {p.warning_text if high_contrast else p.header_text}; }}
QPushButton {{ font-size: {f("toolbar")}px; color: {p.button_text}; background: {p.button_bg};
    border: {b}px solid {p.button_border}; border-radius: 14px; padding: 12px 22px; }}
QPushButton:pressed {{ background: {p.pressed_bg}; }}
QPushButton[role="toggle"]:checked {{ background: {p.toggle_on_bg}; color: {p.toggle_on_text};
    border-color: {p.toggle_on_bg}; }}
QPushButton[role="primary"] {{ font-size: {f("primary")}px; font-weight: bold; color: {p.primary_text};
    background: {p.primary_bg}; border-color: {p.primary_bg}; padding: 24px; }}
QPushButton[role="primary"]:disabled {{ color: {p.disabled_text}; background: {p.disabled_bg};
    border: {b}px dashed {p.disabled_border}; }}
QPushButton[role="priority"] {{ font-size: {f("service_line") + 4}px; font-weight: bold; color: {p.priority_text};
    background: {p.priority_bg}; border: {b}px solid {p.priority_text if high_contrast else p.priority_bg}; }}
QPushButton[role="print"] {{ font-size: {f("service_line") + 4}px; font-weight: bold; padding: 16px 36px; }}
QPushButton[role="print"]:disabled {{ color: {p.disabled_text}; background: {p.disabled_bg};
    border: {b}px dashed {p.disabled_border}; }}
QPushButton[role="priority_choice"] {{ font-size: {f("service_line") + 4}px; text-align: left; padding: 20px 28px; }}
QWidget[role="tile"] {{ background: {p.button_bg}; border: {b}px solid {p.button_border}; border-radius: 16px; }}
QWidget[role="tile"][pressed="true"] {{ background: {p.pressed_bg}; }}
QWidget[role="tile"][available="false"] {{ background: {p.disabled_bg}; border: {b}px dashed {p.disabled_border}; }}
QLabel[role="tile_name"] {{ font-size: {f("service_name")}px; font-weight: bold; color: {p.button_text}; }}
QLabel[role="tile_line"] {{ font-size: {f("service_line")}px; color: {p.muted}; }}
QLabel[role="tile_name"][available="false"] {{ color: {p.disabled_text}; }}
QLabel[role="tile_line"][available="false"] {{ color: {p.disabled_text}; font-weight: bold; }}
QLabel[role="tile_mark"] {{ font-size: {f("service_name")}px; font-weight: bold; color: {p.button_text}; }}
QLabel[role="tile_mark"][available="false"] {{ color: {p.disabled_text}; }}
QWidget#toolbar {{ background: {p.header_bg}; }}
QWidget#toolbar QPushButton {{ background: {p.button_bg}; }}
QWidget#toolbar QPushButton[role="toggle"]:checked {{ background: {p.toggle_on_bg if high_contrast else p.primary_bg};
    color: {p.toggle_on_text if high_contrast else p.primary_text}; }}
QLabel[role="help"] {{ font-size: {f("service_line")}px; color: {p.header_text}; }}
"""
