"""api: keys, a uuid on every record the API names, custom fields, indexes for paging by change

Existing rows get a random uuid each; members get their phone number's digits (matching by phone). People, gifts and sign-ups get an index on (updated_at, id):
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
# SQLite rebuilds a table to alter it, and the rebuild drops its triggers: the members' search index
# (members/search.py, as at this revision) is kept in step by these, made again after each rebuild.
_SEARCHED = 'first_name, last_name, email, organisation'
_INDEX_NEW = ("INSERT INTO member_search(rowid, first_name, last_name, email, organisation) "
              "VALUES (new.id, new.first_name, new.last_name, new.email, new.organisation);")
_UNINDEX_OLD = ("INSERT INTO member_search(member_search, rowid, first_name, last_name, email, organisation) "
                "VALUES ('delete', old.id, old.first_name, old.last_name, old.email, old.organisation);")
SEARCH_TRIGGERS = [
    f"CREATE TRIGGER IF NOT EXISTS member_search_insert AFTER INSERT ON members BEGIN {_INDEX_NEW} END",
    f"CREATE TRIGGER IF NOT EXISTS member_search_delete AFTER DELETE ON members BEGIN {_UNINDEX_OLD} END",
    f"CREATE TRIGGER IF NOT EXISTS member_search_update AFTER UPDATE OF {_SEARCHED} ON members "
    f"BEGIN {_UNINDEX_OLD} {_INDEX_NEW} END",
]


def _restore_search_triggers() -> None:
    if op.get_bind().dialect.name == 'sqlite':
        for statement in SEARCH_TRIGGERS:
            op.execute(statement)


def _fill_uuids(table: str) -> None:
    connection = op.get_bind()
    rows = sa.table(table, sa.column('id', sa.Integer), sa.column('uuid', sa.String))
    ids = [row[0] for row in connection.execute(sa.select(rows.c.id).order_by(rows.c.id))]
    statement = sa.update(rows).where(rows.c.id == sa.bindparam('row_id')).values(uuid=sa.bindparam('new_uuid'))
    for start in range(0, len(ids), BATCH):
        connection.execute(statement, [{'row_id': row_id, 'new_uuid': str(uuid.uuid4())}
                                       for row_id in ids[start:start + BATCH]])


def _digits(number):
    digits = ''.join(character for character in number or '' if character.isdigit())
    if len(digits) == 11 and digits.startswith('1'):
        digits = digits[1:]
    return digits[:30] or None


def _fill_phone_digits() -> None:
    connection = op.get_bind()
    members = sa.table('members', sa.column('id', sa.Integer), sa.column('phone', sa.String),
                       sa.column('phone_digits', sa.String))
    rows = [{'row_id': row_id, 'digits': _digits(phone)} for row_id, phone in
            connection.execute(sa.select(members.c.id, members.c.phone).where(members.c.phone.is_not(None)))]
    statement = sa.update(members).where(members.c.id == sa.bindparam('row_id')).values(
        phone_digits=sa.bindparam('digits'))
    for start in range(0, len(rows), BATCH):
        connection.execute(statement, rows[start:start + BATCH])


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
        batch_op.add_column(sa.Column('phone_digits', sa.String(length=30), nullable=True))
        batch_op.create_index(batch_op.f('ix_members_phone_digits'), ['phone_digits'], unique=False)
    _fill_phone_digits()
    with op.batch_alter_table('tags', schema=None) as batch_op:
        batch_op.add_column(sa.Column('updated_at', sa.DateTime(), nullable=True))
    op.execute('UPDATE tags SET updated_at = created_at')
    with op.batch_alter_table('tags', schema=None) as batch_op:
        batch_op.alter_column('updated_at', existing_type=sa.DateTime(), nullable=False)
    for table, index in UPDATED_AT_INDEXES.items():
        op.create_index(index, table, ['updated_at', 'id'])
    _restore_search_triggers()


def downgrade():
    for table, index in UPDATED_AT_INDEXES.items():
        op.drop_index(index, table_name=table)
    with op.batch_alter_table('tags', schema=None) as batch_op:
        batch_op.drop_column('updated_at')
    with op.batch_alter_table('members', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_members_phone_digits'))
        batch_op.drop_column('phone_digits')
        batch_op.drop_column('custom_fields')
    for table in UUID_TABLES:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_constraint(op.f(f'uq_{table}_uuid'), type_='unique')
            batch_op.drop_column('uuid')
    op.drop_table('api_keys')
    _restore_search_triggers()
