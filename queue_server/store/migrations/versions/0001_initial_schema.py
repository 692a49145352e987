"""initial schema

Revision ID: 0001
Revises: (none)
Create Date: 2026-11-22 14:19:20.610466
"""
import sqlalchemy as sa
from alembic import op

revision = '0001'
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:

    op.create_table('offices',
    sa.Column('id', sa.String(length=64), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('timezone', sa.String(length=64), nullable=False),
    sa.Column('last_seq', sa.BigInteger(), nullable=False),
    sa.Column('running_text', sa.Text(), nullable=False),
    sa.Column('service_active', sa.JSON(), nullable=False),
    sa.Column('config', sa.JSON(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_offices'))
    )
    op.create_table('accounts',
    sa.Column('login', sa.String(length=64), nullable=False),
    sa.Column('office_id', sa.String(length=64), nullable=False),
    sa.Column('role', sa.String(length=16), nullable=False),
    sa.Column('display_name', sa.String(length=200), nullable=False),
    sa.Column('password_hash', sa.String(length=200), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.ForeignKeyConstraint(['office_id'], ['offices.id'], name=op.f('fk_accounts_office_id_offices')),
    sa.PrimaryKeyConstraint('login', name=op.f('pk_accounts'))
    )
    op.create_table('counters',
    sa.Column('office_id', sa.String(length=64), nullable=False),
    sa.Column('grp', sa.String(length=16), nullable=False),
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('last_number', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['office_id'], ['offices.id'], name=op.f('fk_counters_office_id_offices')),
    sa.PrimaryKeyConstraint('office_id', 'grp', 'day', name=op.f('pk_counters'))
    )
    op.create_table('devices',
    sa.Column('id', sa.String(length=64), nullable=False),
    sa.Column('office_id', sa.String(length=64), nullable=False),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('token_sha256', sa.String(length=64), nullable=False),
    sa.Column('settings', sa.JSON(), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.ForeignKeyConstraint(['office_id'], ['offices.id'], name=op.f('fk_devices_office_id_offices')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_devices')),
    sa.UniqueConstraint('token_sha256', name=op.f('uq_devices_token_sha256'))
    )
    op.create_table('events',
    sa.Column('office_id', sa.String(length=64), nullable=False),
    sa.Column('seq', sa.BigInteger(), autoincrement=False, nullable=False),
    sa.Column('type', sa.String(length=48), nullable=False),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('ticket_id', sa.String(length=64), nullable=True),
    sa.Column('label', sa.String(length=16), nullable=True),
    sa.Column('from_state', sa.String(length=16), nullable=True),
    sa.Column('to_state', sa.String(length=16), nullable=True),
    sa.Column('service_id', sa.String(length=64), nullable=True),
    sa.Column('window', sa.Integer(), nullable=True),
    sa.Column('operator', sa.String(length=64), nullable=True),
    sa.Column('data', sa.JSON(), nullable=False),
    sa.ForeignKeyConstraint(['office_id'], ['offices.id'], name=op.f('fk_events_office_id_offices')),
    sa.PrimaryKeyConstraint('office_id', 'seq', name=op.f('pk_events'))
    )
    with op.batch_alter_table('events', schema=None) as batch_op:
        batch_op.create_index('ix_events_office_at', ['office_id', 'at'], unique=False)
        batch_op.create_index('ix_events_ticket', ['ticket_id'], unique=False)

    op.create_table('replies',
    sa.Column('key', sa.String(length=200), nullable=False),
    sa.Column('office_id', sa.String(length=64), nullable=False),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('reply', sa.JSON(), nullable=False),
    sa.ForeignKeyConstraint(['office_id'], ['offices.id'], name=op.f('fk_replies_office_id_offices')),
    sa.PrimaryKeyConstraint('key', name=op.f('pk_replies'))
    )
    with op.batch_alter_table('replies', schema=None) as batch_op:
        batch_op.create_index('ix_replies_at', ['at'], unique=False)

    op.create_table('tickets',
    sa.Column('id', sa.String(length=64), nullable=False),
    sa.Column('office_id', sa.String(length=64), nullable=False),
    sa.Column('label', sa.String(length=16), nullable=False),
    sa.Column('number', sa.Integer(), nullable=False),
    sa.Column('service_id', sa.String(length=64), nullable=False),
    sa.Column('local_day', sa.Date(), nullable=False),
    sa.Column('issued_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('channel', sa.String(length=16), nullable=False),
    sa.Column('priority_id', sa.String(length=64), nullable=True),
    sa.Column('state', sa.String(length=16), nullable=False),
    sa.Column('queued_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('front', sa.Boolean(), nullable=False),
    sa.Column('window', sa.Integer(), nullable=True),
    sa.Column('operator', sa.String(length=64), nullable=True),
    sa.Column('target_window', sa.Integer(), nullable=True),
    sa.Column('target_operator', sa.String(length=64), nullable=True),
    sa.Column('return_operator', sa.String(length=64), nullable=True),
    sa.Column('return_service', sa.String(length=64), nullable=True),
    sa.Column('recalls', sa.Integer(), nullable=False),
    sa.Column('called_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('first_called_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('started_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('finished_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('result', sa.String(length=32), nullable=True),
    sa.Column('postponed_until', sa.DateTime(timezone=True), nullable=True),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('comment', sa.Text(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['office_id'], ['offices.id'], name=op.f('fk_tickets_office_id_offices')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_tickets'))
    )
    with op.batch_alter_table('tickets', schema=None) as batch_op:
        batch_op.create_index('ix_tickets_office_day', ['office_id', 'local_day'], unique=False)
        batch_op.create_index('ix_tickets_office_state', ['office_id', 'state'], unique=False)

    op.create_table('windows',
    sa.Column('office_id', sa.String(length=64), nullable=False),
    sa.Column('number', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('operator', sa.String(length=64), nullable=True),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('current', sa.String(length=64), nullable=True),
    sa.Column('cycle_pos', sa.Integer(), nullable=False),
    sa.Column('since', sa.DateTime(timezone=True), nullable=True),
    sa.Column('services', sa.JSON(), nullable=False),
    sa.ForeignKeyConstraint(['office_id'], ['offices.id'], name=op.f('fk_windows_office_id_offices')),
    sa.PrimaryKeyConstraint('office_id', 'number', name=op.f('pk_windows'))
    )
    op.create_table('sessions',
    sa.Column('token_sha256', sa.String(length=64), nullable=False),
    sa.Column('login', sa.String(length=64), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('expires_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['login'], ['accounts.login'], name=op.f('fk_sessions_login_accounts')),
    sa.PrimaryKeyConstraint('token_sha256', name=op.f('pk_sessions'))
    )



def downgrade() -> None:

    op.drop_table('sessions')
    op.drop_table('windows')
    with op.batch_alter_table('tickets', schema=None) as batch_op:
        batch_op.drop_index('ix_tickets_office_state')
        batch_op.drop_index('ix_tickets_office_day')

    op.drop_table('tickets')
    with op.batch_alter_table('replies', schema=None) as batch_op:
        batch_op.drop_index('ix_replies_at')

    op.drop_table('replies')
    with op.batch_alter_table('events', schema=None) as batch_op:
        batch_op.drop_index('ix_events_ticket')
        batch_op.drop_index('ix_events_office_at')

    op.drop_table('events')
    op.drop_table('devices')
    op.drop_table('counters')
    op.drop_table('accounts')
    op.drop_table('offices')

