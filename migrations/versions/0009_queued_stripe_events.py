"""stripe_events.attempts and retry_at: the webhook stores events, the event worker applies them

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-29

"""
import sqlalchemy as sa
from alembic import op

revision = '0009'
down_revision = '0008'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('stripe_events') as batch_op:
        batch_op.add_column(sa.Column('attempts', sa.Integer(), server_default='0', nullable=False))
        batch_op.add_column(sa.Column('retry_at', sa.DateTime(), nullable=True))


def downgrade():
    with op.batch_alter_table('stripe_events') as batch_op:
        batch_op.drop_column('retry_at')
        batch_op.drop_column('attempts')
