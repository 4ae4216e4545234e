"""drop data versions: the triggers on members, donations, action_signups and actions, their
function and the data_versions table (no page is kept per worker any more)

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-07

"""
import secrets

import sqlalchemy as sa
from alembic import op

revision = '0013'
down_revision = '0012'
branch_labels = None
depends_on = None

# version name -> the tables its triggers were on (0010, 0011)
FOLLOWED = {'directory': ('action_signups', 'donations', 'members'), 'actions': ('actions',)}
CHANGES = ('insert', 'update', 'delete')

POSTGRESQL_FUNCTION = """
CREATE OR REPLACE FUNCTION new_data_version() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF current_setting('leap_members.version_written_' || TG_ARGV[0], true) IS DISTINCT FROM 'yes' THEN
        INSERT INTO data_versions (name, version)
            VALUES (TG_ARGV[0], floor(random() * 9e18)::bigint)
            ON CONFLICT (name) DO UPDATE SET version = excluded.version;
        PERFORM set_config('leap_members.version_written_' || TG_ARGV[0], 'yes', true);
    END IF;
    RETURN NULL;
END $$
"""


def _triggers():
    for name, tables in FOLLOWED.items():
        for table in tables:
            yield name, table, f'{table}_{name}_version'


def upgrade():
    postgresql = op.get_bind().dialect.name == 'postgresql'
    for _name, table, trigger in _triggers():
        if postgresql:
            op.execute(f'DROP TRIGGER IF EXISTS {trigger} ON {table}')
            op.execute(f'DROP TRIGGER IF EXISTS {trigger}_truncate ON {table}')
        else:
            for change in CHANGES:
                op.execute(f'DROP TRIGGER IF EXISTS {trigger}_{change}')
    if postgresql:
        op.execute('DROP FUNCTION IF EXISTS new_data_version()')
    op.drop_table('data_versions')


def downgrade():
    versions = op.create_table(
        'data_versions',
        sa.Column('name', sa.String(length=40), nullable=False),
        sa.Column('version', sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint('name', name=op.f('pk_data_versions')),
    )
    op.bulk_insert(versions, [{'name': name, 'version': secrets.randbits(62)} for name in FOLLOWED])
    postgresql = op.get_bind().dialect.name == 'postgresql'
    if postgresql:
        op.execute(POSTGRESQL_FUNCTION)
    for name, table, trigger in _triggers():
        if postgresql:
            op.execute(f"CREATE CONSTRAINT TRIGGER {trigger} AFTER INSERT OR UPDATE OR DELETE ON {table} "
                       f"DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION new_data_version('{name}')")
            op.execute(f"CREATE TRIGGER {trigger}_truncate AFTER TRUNCATE ON {table} "
                       f"FOR EACH STATEMENT EXECUTE FUNCTION new_data_version('{name}')")
            continue
        write = (f"INSERT INTO data_versions (name, version) VALUES ('{name}', random()) "
                 "ON CONFLICT (name) DO UPDATE SET version = excluded.version;")
        for change in CHANGES:
            op.execute(f"CREATE TRIGGER {trigger}_{change} AFTER {change.upper()} ON {table} BEGIN {write} END")
