"""The console's look: one stylesheet, high contrast, large type for an eight-hour day.

Widgets set object names and dynamic properties (``role``, ``level``, ``state``); the colours
live here only.  Colours pass WCAG AA on their backgrounds.
"""

from __future__ import annotations

from typing import Final

from PySide6.QtWidgets import QWidget

STYLE: Final = """
QWidget { font-size: 15px; color: #1B1F24; }
QMainWindow, #work, #login { background: #F2F4F7; }
QDialog { background: #FFFFFF; }
QDialog QLabel#prompt { font-size: 16px; margin-bottom: 6px; }
QLabel#hint { color: #8A1C1C; }

#header { background: #1F3A5F; }
#header QLabel { color: #FFFFFF; }
#windowTitle { font-size: 26px; font-weight: 600; }
#windowStatus { font-size: 16px; padding: 3px 10px; border-radius: 10px; background: #2E5A8A; }
#windowStatus[state="open"] { background: #1E7B34; }
#windowStatus[state="break"] { background: #B07A00; }
#windowStatus[state="closed"] { background: #6B6B6B; }
#userName { font-size: 15px; }
#clock { font-size: 22px; font-weight: 600; }
#connection { font-size: 14px; padding: 3px 10px; border-radius: 10px; background: #1E7B34; }
#connection[state="offline"], #connection[state="auth_failed"], #connection[state="auth_required"],
#connection[state="closed"] { background: #B3261E; }
#connection[state="connecting"], #connection[state="resyncing"] { background: #B07A00; }
#header QPushButton { color: #FFFFFF; background: transparent; border: 1px solid #8FA8C8; border-radius: 6px;
                      padding: 4px 12px; }

#offlineBanner { background: #B3261E; color: #FFFFFF; font-size: 17px; font-weight: 600; padding: 8px; }

#card { background: #FFFFFF; border: 1px solid #C9D1DB; border-radius: 10px; }
#cardBand { font-size: 17px; font-weight: 600; padding: 8px 14px; border-top-left-radius: 10px;
            border-top-right-radius: 10px; color: #FFFFFF; background: #6B6B6B; }
#cardBand[state="called"] { background: #1D5FB4; }
#cardBand[state="serving"] { background: #1E7B34; }
#cardBand[state="break"] { background: #B07A00; }
#cardLabel { font-size: 76px; font-weight: 700; color: #10243E; }
#cardIdle { font-size: 34px; font-weight: 600; color: #44505E; }
#cardHint { font-size: 16px; color: #44505E; }
#cardKey { color: #55606E; font-size: 15px; }
#cardValue { font-size: 18px; font-weight: 600; }
#cardTimer { font-size: 40px; font-weight: 700; color: #10243E; }
#cardValue[level="warning"], #cardTimer[level="warning"] { color: #8A5A00; }
#cardValue[level="breach"], #cardTimer[level="breach"] { color: #B3261E; }
#cardComment { font-size: 16px; background: #FFF6D6; border: 1px solid #E8D48A; border-radius: 6px; padding: 6px; }
#cardPriority { font-size: 18px; font-weight: 700; color: #7A1FA2; }

QPushButton { font-size: 16px; padding: 8px 12px; border-radius: 8px; border: 1px solid #9AA6B4;
              background: #FFFFFF; }
QPushButton:hover { background: #EAF1FB; }
QPushButton:focus { border: 2px solid #1D5FB4; }
QPushButton:disabled { color: #9AA3AD; background: #ECEEF1; border-color: #D5DAE0; }
QPushButton[role="action"] { min-height: 54px; font-size: 17px; font-weight: 600; text-align: left;
                             padding-left: 14px; }
QPushButton[role="primary"] { min-height: 66px; font-size: 20px; font-weight: 700; color: #FFFFFF;
                              background: #1D5FB4; border: none; text-align: left; padding-left: 16px; }
QPushButton[role="primary"]:hover { background: #174E96; }
QPushButton[role="primary"]:disabled { color: #9AA3AD; background: #ECEEF1; border: 1px solid #D5DAE0; }
QPushButton[role="danger"] { min-height: 54px; font-size: 17px; font-weight: 600; color: #8A1C1C;
                             text-align: left; padding-left: 14px; }
QPushButton[role="danger"]:disabled { color: #9AA3AD; }

#panel { background: #FFFFFF; border: 1px solid #C9D1DB; border-radius: 10px; }
#panelTitle { font-size: 17px; font-weight: 700; color: #10243E; }
#chip { padding: 3px 8px; border-radius: 8px; background: #E7ECF2; font-size: 14px; }
#chip[level="warning"] { background: #FFE08A; color: #3D2E00; }
#chip[level="breach"] { background: #F4A6A6; color: #4A0000; }
#dayNumber { font-size: 28px; font-weight: 700; color: #10243E; }
#dayKey { color: #55606E; font-size: 14px; }
#dayDetail { color: #10243E; font-size: 14px; }
#empty { color: #55606E; font-size: 16px; padding: 16px; }

QTableView { background: #FFFFFF; gridline-color: #E1E6EC; font-size: 15px;
             selection-background-color: #1D5FB4; selection-color: #FFFFFF; }
QHeaderView::section { background: #E7ECF2; padding: 5px; border: none; border-right: 1px solid #D0D7DF;
                       font-weight: 600; }
QTabWidget::pane { border: none; }
QTabWidget#hallTabs::pane { background: #FFFFFF; border: 1px solid #C9D1DB; border-radius: 8px; top: -1px; }
QTabWidget#hallTabs QTabBar::tab { font-size: 15px; padding: 6px 14px; }
QTabBar::tab { font-size: 16px; padding: 8px 18px; background: #DCE3EC; border-top-left-radius: 8px;
               border-top-right-radius: 8px; margin-right: 2px; }
QTabBar::tab:selected { background: #FFFFFF; font-weight: 700; }

#loginBox { background: #FFFFFF; border: 1px solid #C9D1DB; border-radius: 12px; }
#loginTitle { font-size: 24px; font-weight: 700; color: #10243E; }
#loginError { color: #B3261E; font-size: 15px; font-weight: 600; }
QLineEdit, QPlainTextEdit { font-size: 16px; padding: 5px; border: 1px solid #9AA6B4; border-radius: 6px;
                            background: #FFFFFF; }
QSpinBox, QComboBox, QDoubleSpinBox { font-size: 16px; min-height: 32px; }
QDialogButtonBox QPushButton { min-width: 110px; min-height: 34px; }
QDialog QCheckBox { font-size: 16px; }
#alert { color: #B3261E; font-size: 16px; font-weight: 700; }
#mgrSummary { font-size: 16px; font-weight: 600; color: #10243E; }
#dashTitle { font-size: 22px; font-weight: 700; color: #10243E; }
#dashAsOf { font-size: 15px; color: #44505E; margin-right: 8px; }
#dashNote { font-size: 14px; color: #44505E; }
#queueAlert { font-size: 17px; font-weight: 700; padding: 8px 12px; border-radius: 8px; background: #D7F0D8;
              color: #0B3D10; }
#queueAlert[level="warning"] { background: #FFE08A; color: #3D2E00; }
#queueAlert[level="breach"] { background: #F4A6A6; color: #4A0000; }
#tile { background: #FFFFFF; border: 1px solid #C9D1DB; border-radius: 10px; }
#tile[level="warning"] { background: #FFE08A; }
#tile[level="breach"] { background: #F4A6A6; }
#tileValue { font-size: 30px; font-weight: 700; color: #10243E; }
#tileKey { font-size: 14px; color: #44505E; }
#status { font-size: 15px; padding-left: 10px; }
#status[error="true"] { color: #B3261E; font-weight: 600; }
"""


def set_prop(widget: QWidget, name: str, value: object) -> None:
    """Set a dynamic property the stylesheet selects on, and re-polish only when it changed."""
    if widget.property(name) == value:
        return
    widget.setProperty(name, value)
    style = widget.style()
    style.unpolish(widget)
    style.polish(widget)
