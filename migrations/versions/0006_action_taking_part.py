"""actions.taking_part: the counted sign-ups of each action, kept instead of counted per view

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-29

"""
import sqlalchemy as sa
from alembic import op

revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None

COUNTED = ('signed', 'sent', 'registered', 'offered', 'accepted')


def upgrade():
    with op.batch_alter_table('actions') as batch_op:
        batch_op.add_column(sa.Column('taking_part', sa.Integer(), server_default='0', nullable=False))
    statuses = ", ".join(f"'{status}'" for status in COUNTED)
    op.execute(f"""
        UPDATE actions SET taking_part = (
            SELECT count(*) FROM action_signups s JOIN members m ON m.id = s.member_id
            WHERE s.action_id = actions.id AND s.status IN ({statuses}) AND m.email_confirmed_at IS NOT NULL)
    """)


def downgrade():
    with op.batch_alter_table('actions') as batch_op:
        batch_op.drop_column('taking_part')
