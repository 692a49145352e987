"""Spread N clients over K demo offices the way a region looks.

Per office (``demo`` is office 1, ``demo-{i}`` office i; every login and device token of
office i >= 2 carries the suffix ``-{i}``, docs/configuration.md "The demo"):

- 2 kiosks (token ``demo-kiosk``),
- 2 boards: the hall board (``demo-display``) and the window-1 board (``demo-window-1``),
- 1 manager (``manager``),
- the rest operator consoles, operator n at window n, at most 20 (the demo has 20 windows),
- anything beyond 25 clients per office: more boards, alternating hall and window board.

Offices get ``N // K`` clients, the first ``N % K`` one more.  An office with fewer than 6
clients keeps, in this order, a kiosk, the hall board, an operator, the window board, a
second kiosk, the manager: at least 3 per office (kiosk, board, operator) are needed for the
bench to measure anything.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Final

MAX_OPERATORS: Final = 20
KIOSKS: Final = 2
BOARDS: Final = 2
MANAGERS: Final = 1
MIN_PER_OFFICE: Final = 3
KIOSK_TOKEN: Final = "demo-kiosk"
BOARD_TOKENS: Final = ("demo-display", "demo-window-1")
BOARD_WINDOWS: Final = (None, 1)


class Kind(StrEnum):
    KIOSK = "kiosk"
    BOARD = "board"
    MANAGER = "manager"
    OPERATOR = "operator"


@dataclass(frozen=True)
class ClientSpec:
    kind: Kind
    office: str            # office id: "demo", "demo-2", ...
    office_index: int      # 1-based
    token: str | None = None
    login: str | None = None
    window: int | None = None   # an operator's window; a window board's window

    @property
    def name(self) -> str:
        what = self.login or self.token or "?"
        return f"{self.kind.value}:{what}" if self.window is None else f"{self.kind.value}:{what}@{self.window}"


def office_id(index: int) -> str:
    return "demo" if index == 1 else f"demo-{index}"


def suffixed(name: str, index: int) -> str:
    """A demo login or token as office ``index`` spells it."""
    return name if index == 1 else f"{name}-{index}"


def office_sizes(clients: int, offices: int) -> list[int]:
    if offices < 1:
        raise ValueError("at least one office")
    if clients < MIN_PER_OFFICE * offices:
        raise ValueError(f"{clients} clients over {offices} offices: at least {MIN_PER_OFFICE} per office "
                         f"(a kiosk, a board, an operator) are needed")
    base, extra = divmod(clients, offices)
    return [base + (1 if i < extra else 0) for i in range(offices)]


def _kiosk(index: int) -> ClientSpec:
    return ClientSpec(Kind.KIOSK, office_id(index), index, token=suffixed(KIOSK_TOKEN, index))


def _board(index: int, which: int) -> ClientSpec:
    return ClientSpec(Kind.BOARD, office_id(index), index, token=suffixed(BOARD_TOKENS[which % 2], index),
                      window=BOARD_WINDOWS[which % 2])


def _operator(index: int, window: int) -> ClientSpec:
    return ClientSpec(Kind.OPERATOR, office_id(index), index, login=suffixed(f"operator{window}", index), window=window)


def _manager(index: int) -> ClientSpec:
    return ClientSpec(Kind.MANAGER, office_id(index), index, login=suffixed("manager", index))


def plan_office(index: int, size: int) -> list[ClientSpec]:
    """The ``size`` clients of office ``index``."""
    if size < MIN_PER_OFFICE:
        raise ValueError(f"an office needs at least {MIN_PER_OFFICE} clients, not {size}")
    if size < KIOSKS + BOARDS + MANAGERS + 1:
        order = [_kiosk(index), _board(index, 0), _operator(index, 1), _board(index, 1), _kiosk(index)]
        return order[:size]
    operators = min(MAX_OPERATORS, size - KIOSKS - BOARDS - MANAGERS)
    extra_boards = size - KIOSKS - BOARDS - MANAGERS - operators
    return [
        *(_kiosk(index) for _ in range(KIOSKS)),
        *(_board(index, which) for which in range(BOARDS + extra_boards)),
        *(_manager(index) for _ in range(MANAGERS)),
        *(_operator(index, window) for window in range(1, operators + 1)),
    ]


def plan_region(clients: int, offices: int) -> list[ClientSpec]:
    """Every client of the region, office by office."""
    plan: list[ClientSpec] = []
    for i, size in enumerate(office_sizes(clients, offices), start=1):
        plan.extend(plan_office(i, size))
    return plan
