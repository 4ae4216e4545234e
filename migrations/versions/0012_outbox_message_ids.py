"""outbox message ids: each message's Message-ID is fixed when it is queued and sent on every attempt

Rows queued before this get one made of their id and a random token, on a domain of their own.

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-07

"""
import secrets

import sqlalchemy as sa
from alembic import op

revision = '0012'
down_revision = '0011'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('outbox_messages') as batch:
        batch.add_column(sa.Column('message_id', sa.String(length=255), nullable=True))
    op.execute(sa.text("UPDATE outbox_messages SET message_id = '<outbox.' || id || '.' || :token || "
                       "'@leap-members.invalid>'").bindparams(token=secrets.token_hex(8)))
    with op.batch_alter_table('outbox_messages') as batch:
        batch.alter_column('message_id', existing_type=sa.String(length=255), nullable=False)


def downgrade():
    with op.batch_alter_table('outbox_messages') as batch:
        batch.drop_column('message_id')
