"""Small offices built directly from the core model, for store and server tests."""

from __future__ import annotations

from datetime import UTC, datetime

from queue_server.core.model import Office, Operator, Role, Service, WindowConfig

T0 = datetime(2026, 3, 5, 6, 0, tzinfo=UTC)  # 09:00 in Moscow, a Thursday


def small_office(windows: int = 4, office_id: str = "test") -> Office:
    services = (
        Service("passport", "Паспорт РФ", "Passport", prefix="А"),
        Service("results", "Выдача готовых документов", "Results", prefix="Д"),
    )
    operators = tuple(Operator(f"op{n}", f"Оператор {n}") for n in range(1, windows + 1))
    return Office(
        id=office_id, name="Тестовый офис", timezone="Europe/Moscow", services=services,
        windows=tuple(WindowConfig(n, services={"passport": 1.0, "results": 1.0}) for n in range(1, windows + 1)),
        operators=(*operators, Operator("boss", "Руководитель", role=Role.MANAGER)),
    )
