"""Alembic environment: run with a connection handed in by ``queue_server.store.migrate``."""

from alembic import context

from queue_server.store.schema import Base

connection = context.config.attributes["connection"]
context.configure(connection=connection, target_metadata=Base.metadata, render_as_batch=True, compare_type=True)
with context.begin_transaction():
    context.run_migrations()
