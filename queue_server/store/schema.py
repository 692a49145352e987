"""SQLAlchemy 2 tables of the store.  Persistence models only: the domain objects live in
``queue_server.core`` and ``mapping.py`` translates between the two.

All times are aware UTC (``UTCDateTime``) with microseconds, on SQLite and PostgreSQL alike.
Every table is created by the Alembic migrations in ``migrations/``; a test checks that the
migrations and these models agree.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any, ClassVar

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Text,
    TypeDecorator,
)
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class UTCDateTime(TypeDecorator[datetime]):
    """Aware UTC in, aware UTC out; SQLite (which forgets the zone) stores naive UTC."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to the store; use aware UTC")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)
    type_annotation_map: ClassVar = {datetime: UTCDateTime, dict[str, Any]: JSON}


class OfficeRow(Base):
    """One office; ``last_seq`` is the head of its gapless event sequence and the row whose
    lock serialises the office's commands across processes."""

    __tablename__ = "offices"
    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    timezone: Mapped[str] = mapped_column(String(64))
    last_seq: Mapped[int] = mapped_column(BigInteger, default=0)
    issued_total: Mapped[int] = mapped_column(BigInteger, default=0)
    running_text: Mapped[str] = mapped_column(Text, default="")
    service_active: Mapped[dict[str, Any]] = mapped_column(default=dict)
    config: Mapped[dict[str, Any]] = mapped_column(default=dict)


class TicketRow(Base):
    __tablename__ = "tickets"
    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    office_id: Mapped[str] = mapped_column(ForeignKey("offices.id"))
    label: Mapped[str] = mapped_column(String(16))
    number: Mapped[int] = mapped_column(Integer)
    service_id: Mapped[str] = mapped_column(String(64))
    local_day: Mapped[date] = mapped_column(Date)
    issued_at: Mapped[datetime]
    channel: Mapped[str] = mapped_column(String(16))
    priority_id: Mapped[str | None] = mapped_column(String(64))
    state: Mapped[str] = mapped_column(String(16))
    queued_at: Mapped[datetime | None]
    front: Mapped[bool] = mapped_column(Boolean, default=False)
    window: Mapped[int | None] = mapped_column(Integer)
    operator: Mapped[str | None] = mapped_column(String(64))
    target_window: Mapped[int | None] = mapped_column(Integer)
    target_operator: Mapped[str | None] = mapped_column(String(64))
    return_operator: Mapped[str | None] = mapped_column(String(64))
    return_service: Mapped[str | None] = mapped_column(String(64))
    recalls: Mapped[int] = mapped_column(Integer, default=0)
    called_at: Mapped[datetime | None]
    first_called_at: Mapped[datetime | None]
    started_at: Mapped[datetime | None]
    finished_at: Mapped[datetime | None]
    result: Mapped[str | None] = mapped_column(String(32))
    postponed_until: Mapped[datetime | None]
    reason: Mapped[str] = mapped_column(Text, default="")
    comment: Mapped[str] = mapped_column(Text, default="")
    issue_order: Mapped[int] = mapped_column(Integer, default=0)
    version: Mapped[int] = mapped_column(Integer)

    __table_args__ = (
        Index("ix_tickets_office_state", "office_id", "state"),
        Index("ix_tickets_office_day", "office_id", "local_day"),
    )


class EventRow(Base):
    """The event log: the truth.  (office_id, seq) is the primary key: no duplicates, and the
    store hands out seq from the office row under its lock, so there are no gaps either."""

    __tablename__ = "events"
    office_id: Mapped[str] = mapped_column(ForeignKey("offices.id"), primary_key=True)
    seq: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    type: Mapped[str] = mapped_column(String(48))
    at: Mapped[datetime]
    ticket_id: Mapped[str | None] = mapped_column(String(64))
    label: Mapped[str | None] = mapped_column(String(16))
    from_state: Mapped[str | None] = mapped_column(String(16))
    to_state: Mapped[str | None] = mapped_column(String(16))
    service_id: Mapped[str | None] = mapped_column(String(64))
    window: Mapped[int | None] = mapped_column(Integer)
    operator: Mapped[str | None] = mapped_column(String(64))
    data: Mapped[dict[str, Any]] = mapped_column(default=dict)

    __table_args__ = (
        Index("ix_events_ticket", "ticket_id"),
        Index("ix_events_office_at", "office_id", "at"),
    )


class WindowRow(Base):
    __tablename__ = "windows"
    office_id: Mapped[str] = mapped_column(ForeignKey("offices.id"), primary_key=True)
    number: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    status: Mapped[str] = mapped_column(String(16))
    operator: Mapped[str | None] = mapped_column(String(64))
    reason: Mapped[str] = mapped_column(Text, default="")
    current: Mapped[str | None] = mapped_column(String(64))
    cycle_pos: Mapped[int] = mapped_column(Integer, default=0)
    since: Mapped[datetime | None]
    services: Mapped[dict[str, Any]] = mapped_column(default=dict)


class CounterRow(Base):
    """The last number issued per (office, numbering group, local day): never max()+1."""

    __tablename__ = "counters"
    office_id: Mapped[str] = mapped_column(ForeignKey("offices.id"), primary_key=True)
    grp: Mapped[str] = mapped_column(String(16), primary_key=True)
    day: Mapped[date] = mapped_column(Date, primary_key=True)
    last_number: Mapped[int] = mapped_column(Integer)


class AccountRow(Base):
    __tablename__ = "accounts"
    login: Mapped[str] = mapped_column(String(64), primary_key=True)
    office_id: Mapped[str] = mapped_column(ForeignKey("offices.id"))
    role: Mapped[str] = mapped_column(String(16))
    display_name: Mapped[str] = mapped_column(String(200))
    password_hash: Mapped[str] = mapped_column(String(200))
    active: Mapped[bool] = mapped_column(Boolean, default=True)


class DeviceRow(Base):
    """A kiosk or a board.  Only the SHA-256 of its token is kept."""

    __tablename__ = "devices"
    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    office_id: Mapped[str] = mapped_column(ForeignKey("offices.id"))
    kind: Mapped[str] = mapped_column(String(16))
    token_sha256: Mapped[str] = mapped_column(String(64), unique=True)
    settings: Mapped[dict[str, Any]] = mapped_column(default=dict)
    active: Mapped[bool] = mapped_column(Boolean, default=True)


class SessionRow(Base):
    """An operator's session token (its SHA-256), valid until ``expires_at``."""

    __tablename__ = "sessions"
    token_sha256: Mapped[str] = mapped_column(String(64), primary_key=True)
    login: Mapped[str] = mapped_column(ForeignKey("accounts.login"))
    created_at: Mapped[datetime]
    expires_at: Mapped[datetime]


class ReplyRow(Base):
    """The reply to a command, by (client, request id): a retried request gets it again."""

    __tablename__ = "replies"
    key: Mapped[str] = mapped_column(String(200), primary_key=True)
    office_id: Mapped[str] = mapped_column(ForeignKey("offices.id"))
    at: Mapped[datetime]
    reply: Mapped[dict[str, Any]] = mapped_column(default=dict)

    __table_args__ = (Index("ix_replies_at", "at"),)


class PrintJobRow(Base):
    """One printed ticket or info page: queued -> printing -> printed, or failed with a reason.

    Written in the same transaction as the ticket it prints (or the reply of ``service.print_info``),
    so a ticket is never issued without its job and a retried request never queues a second one.
    ``kind`` "ticket" has ``ticket_id``; ``kind`` "info" has ``service_id`` and ``lang`` instead.
    """

    __tablename__ = "print_jobs"
    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    office_id: Mapped[str] = mapped_column(ForeignKey("offices.id"))
    kind: Mapped[str] = mapped_column(String(16), default="ticket")
    ticket_id: Mapped[str | None] = mapped_column(ForeignKey("tickets.id"))
    service_id: Mapped[str | None] = mapped_column(String(64))
    lang: Mapped[str] = mapped_column(String(8), default="ru")
    printer_id: Mapped[str] = mapped_column(String(64))
    device_id: Mapped[str] = mapped_column(String(64))
    state: Mapped[str] = mapped_column(String(16))
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    reason: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]

    __table_args__ = (Index("ix_print_jobs_state", "state", "printer_id"),)
