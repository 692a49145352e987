"""Persistence: SQLAlchemy 2 tables, Alembic migrations and the one-command transaction."""

from .store import ConcurrencyConflict, OfficeTransaction, Store

__all__ = ["ConcurrencyConflict", "OfficeTransaction", "Store"]
