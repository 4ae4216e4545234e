"""directory data version: data_versions, and triggers that replace the 'directory' version on every
write to members, donations and action_signups (the tables a directory page reads)

The statements are copied here as they were when written (leap_members/core/dataversions.py
makes the same for db.create_all), so later changes there do not rewrite history.

Revision ID: 0010
Revises: 0009
Create Date: 2026-11-29

"""
import secrets

import sqlalchemy as sa
from alembic import op

revision = '0010'
down_revision = '0009'
branch_labels = None
depends_on = None

NAME = 'directory'
TABLES = ('action_signups', 'donations', 'members')
CHANGES = ('INSERT', 'UPDATE', 'DELETE')

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


def upgrade():
    versions = op.create_table(
        'data_versions',
        sa.Column('name', sa.String(length=40), nullable=False),
        sa.Column('version', sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint('name', name=op.f('pk_data_versions')),
    )
    op.bulk_insert(versions, [{'name': NAME, 'version': secrets.randbits(62)}])   # known from the start
    if op.get_bind().dialect.name == 'postgresql':
        op.execute(POSTGRESQL_FUNCTION)
        for table in TABLES:
            trigger = f'{table}_{NAME}_version'
            op.execute(f"CREATE CONSTRAINT TRIGGER {trigger} AFTER INSERT OR UPDATE OR DELETE ON {table} "
                       f"DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION new_data_version('{NAME}')")
            op.execute(f"CREATE TRIGGER {trigger}_truncate AFTER TRUNCATE ON {table} "
                       f"FOR EACH STATEMENT EXECUTE FUNCTION new_data_version('{NAME}')")
        return
    write = (f"INSERT INTO data_versions (name, version) VALUES ('{NAME}', random()) "
             "ON CONFLICT (name) DO UPDATE SET version = excluded.version;")
    for table in TABLES:
        for change in CHANGES:
            op.execute(f"CREATE TRIGGER {table}_{NAME}_version_{change.lower()} AFTER {change} ON {table} "
                       f"BEGIN {write} END")


def downgrade():
    if op.get_bind().dialect.name == 'postgresql':
        for table in TABLES:
            op.execute(f'DROP TRIGGER {table}_{NAME}_version ON {table}')
            op.execute(f'DROP TRIGGER {table}_{NAME}_version_truncate ON {table}')
        op.execute('DROP FUNCTION new_data_version()')
    else:
        for table in TABLES:
            for change in CHANGES:
                op.execute(f'DROP TRIGGER {table}_{NAME}_version_{change.lower()}')
    op.drop_table('data_versions')
