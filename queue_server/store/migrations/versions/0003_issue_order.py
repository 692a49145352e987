"""issue order: the office-wide order tickets were issued in, the last tie-break of the queue

Revision ID: 0003
Revises: 0002
"""
import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("tickets", schema=None) as batch_op:
        batch_op.add_column(sa.Column("issue_order", sa.Integer(), nullable=False, server_default="0"))
    with op.batch_alter_table("offices", schema=None) as batch_op:
        batch_op.add_column(sa.Column("issued_total", sa.BigInteger(), nullable=False, server_default="0"))


def downgrade() -> None:
    with op.batch_alter_table("offices", schema=None) as batch_op:
        batch_op.drop_column("issued_total")
    with op.batch_alter_table("tickets", schema=None) as batch_op:
        batch_op.drop_column("issue_order")
