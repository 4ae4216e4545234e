"""event attendance: check-in marks on sign-ups, an event's host, and guests who are not members

Revision ID: 0020
Revises: 0019
Create Date: 2026-12-08

The host's foreign key needs a copy of ``actions`` on SQLite (it cannot add a constraint to a
table); migrations/env.py makes every such copy with foreign keys off, so the sign-ups and letter
targets that point at actions stay.
"""
import sqlalchemy as sa
from alembic import op

revision = '0020'
down_revision = '0019'
branch_labels = None
depends_on = None


def upgrade():
    op.add_column('action_signups', sa.Column('attendance', sa.String(length=20), nullable=True))
    op.add_column('action_signups', sa.Column('checked_in_at', sa.DateTime(), nullable=True))
    op.add_column('action_signups', sa.Column('checked_in_by', sa.String(length=300), nullable=True))
    op.add_column('action_signups', sa.Column('walk_in', sa.Boolean(), server_default=sa.false(), nullable=False))
    with op.batch_alter_table('actions') as batch_op:
        batch_op.add_column(sa.Column('host_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key(op.f('fk_actions_host_id_members'), 'members', ['host_id'], ['id'],
                                    ondelete='SET NULL')
    op.create_table('event_guests',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('action_id', sa.Integer(), nullable=False),
    sa.Column('first_name', sa.String(length=80), nullable=False),
    sa.Column('last_name', sa.String(length=80), nullable=False),
    sa.Column('email', sa.String(length=254), nullable=False),
    sa.Column('phone', sa.String(length=30), nullable=True),
    sa.Column('member_id', sa.Integer(), nullable=True),
    sa.Column('checked_in_at', sa.DateTime(), nullable=False),
    sa.Column('checked_in_by', sa.String(length=300), nullable=False),
    sa.ForeignKeyConstraint(['action_id'], ['actions.id'], name=op.f('fk_event_guests_action_id_actions'),
                            ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['member_id'], ['members.id'], name=op.f('fk_event_guests_member_id_members'),
                            ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_event_guests')),
    sa.UniqueConstraint('action_id', 'email', name=op.f('uq_event_guests_action_id'))
    )
    op.create_index('ix_event_guests_email', 'event_guests', ['email'])
    op.create_index(op.f('ix_event_guests_member_id'), 'event_guests', ['member_id'])


def downgrade():
    op.drop_index(op.f('ix_event_guests_member_id'), table_name='event_guests')
    op.drop_index('ix_event_guests_email', table_name='event_guests')
    op.drop_table('event_guests')
    with op.batch_alter_table('actions') as batch_op:
        batch_op.drop_constraint(op.f('fk_actions_host_id_members'), type_='foreignkey')
        batch_op.drop_column('host_id')
    with op.batch_alter_table('action_signups') as batch_op:
        for column in ('walk_in', 'checked_in_by', 'checked_in_at', 'attendance'):
            batch_op.drop_column(column)

