"""api: keys, a uuid on every record the API names, custom fields, indexes for paging by change

Existing rows get a random uuid each. People, gifts and sign-ups get an index on (updated_at, id):
the API pages them in that order without sorting the table.

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-07

"""
import uuid

import sqlalchemy as sa
from alembic import op

revision = '0017'
down_revision = '0016'
branch_labels = None
depends_on = None

UUID_TABLES = ('members', 'tags', 'segments', 'donations', 'actions', 'action_signups')
UPDATED_AT_INDEXES = {'members': 'ix_members_updated_at', 'donations': 'ix_donations_updated_at',
                      'action_signups': 'ix_action_signups_updated_at'}
BATCH = 5000


def _fill_uuids(table: str) -> None:
    connection = op.get_bind()
    rows = sa.table(table, sa.column('id', sa.Integer), sa.column('uuid', sa.String))
    ids = [row[0] for row in connection.execute(sa.select(rows.c.id).order_by(rows.c.id))]
    statement = sa.update(rows).where(rows.c.id == sa.bindparam('row_id')).values(uuid=sa.bindparam('new_uuid'))
    for start in range(0, len(ids), BATCH):
        connection.execute(statement, [{'row_id': row_id, 'new_uuid': str(uuid.uuid4())}
                                       for row_id in ids[start:start + BATCH]])


def upgrade():
    op.create_table('api_keys',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=120), nullable=False),
    sa.Column('prefix', sa.String(length=12), nullable=False),
    sa.Column('key_hash', sa.String(length=64), nullable=False),
    sa.Column('scope', sa.String(length=10), nullable=False),
    sa.Column('subscribe_new_people', sa.Boolean(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('created_by_label', sa.String(length=300), nullable=False),
    sa.Column('last_used_at', sa.DateTime(), nullable=True),
    sa.Column('revoked_at', sa.DateTime(), nullable=True),
    sa.Column('revoked_by_label', sa.String(length=300), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_api_keys')),
    sa.UniqueConstraint('key_hash', name=op.f('uq_api_keys_key_hash'))
    )
    for table in UUID_TABLES:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.add_column(sa.Column('uuid', sa.String(length=36), nullable=True))
        _fill_uuids(table)
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.alter_column('uuid', existing_type=sa.String(length=36), nullable=False)
            batch_op.create_unique_constraint(op.f(f'uq_{table}_uuid'), ['uuid'])
    with op.batch_alter_table('members', schema=None) as batch_op:
        batch_op.add_column(sa.Column('custom_fields', sa.JSON(), nullable=False, server_default='{}'))
    with op.batch_alter_table('tags', schema=None) as batch_op:
        batch_op.add_column(sa.Column('updated_at', sa.DateTime(), nullable=True))
    op.execute('UPDATE tags SET updated_at = created_at')
    with op.batch_alter_table('tags', schema=None) as batch_op:
        batch_op.alter_column('updated_at', existing_type=sa.DateTime(), nullable=False)
    for table, index in UPDATED_AT_INDEXES.items():
        op.create_index(index, table, ['updated_at', 'id'])


def downgrade():
    for table, index in UPDATED_AT_INDEXES.items():
        op.drop_index(index, table_name=table)
    with op.batch_alter_table('tags', schema=None) as batch_op:
        batch_op.drop_column('updated_at')
    with op.batch_alter_table('members', schema=None) as batch_op:
        batch_op.drop_column('custom_fields')
    for table in UUID_TABLES:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_constraint(op.f(f'uq_{table}_uuid'), type_='unique')
            batch_op.drop_column('uuid')
    op.drop_table('api_keys')
