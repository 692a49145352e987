"""info print jobs: a job prints a ticket or a service's info page (kind, service_id, lang)

Revision ID: 0004
Revises: 0003
"""
import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("print_jobs", schema=None) as batch_op:
        batch_op.add_column(sa.Column("kind", sa.String(length=16), nullable=False, server_default="ticket"))
        batch_op.add_column(sa.Column("service_id", sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column("lang", sa.String(length=8), nullable=False, server_default="ru"))
        batch_op.alter_column("ticket_id", existing_type=sa.String(length=64), nullable=True)


def downgrade() -> None:
    op.execute("DELETE FROM print_jobs WHERE ticket_id IS NULL")  # info pages: nothing older can hold them
    with op.batch_alter_table("print_jobs", schema=None) as batch_op:
        batch_op.alter_column("ticket_id", existing_type=sa.String(length=64), nullable=False)
        batch_op.drop_column("lang")
        batch_op.drop_column("service_id")
        batch_op.drop_column("kind")
