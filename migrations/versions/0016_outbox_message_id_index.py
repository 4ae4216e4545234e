"""outbox message-id index: a bounce or complaint that names its message by Message-ID finds it

Providers' reports (SES, the generic webhook) and returned mail without a VERP return path name the
message by the Message-ID header we gave it; without an index each would read the whole outbox.

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-07

"""
from alembic import op

revision = '0016'
down_revision = '0015'
branch_labels = None
depends_on = None


def upgrade():
    op.create_index(op.f('ix_outbox_messages_message_id'), 'outbox_messages', ['message_id'])


def downgrade():
    op.drop_index(op.f('ix_outbox_messages_message_id'), table_name='outbox_messages')
