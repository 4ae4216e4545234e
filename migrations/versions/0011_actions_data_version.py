"""actions data version: triggers that replace the 'actions' version on every write to actions (what
the kept list of open actions shows, sign-up counts included)

The statements are copied here as they were when written (leap_members/core/dataversions.py
makes the same for db.create_all), so later changes there do not rewrite history. The PostgreSQL
function new_data_version() came with 0010.

Revision ID: 0011
Revises: 0010
Create Date: 2026-11-29

"""
import secrets

import sqlalchemy as sa
from alembic import op

revision = '0011'
down_revision = '0010'
branch_labels = None
depends_on = None

NAME = 'actions'
TABLE = 'actions'
CHANGES = ('INSERT', 'UPDATE', 'DELETE')
TRIGGER = f'{TABLE}_{NAME}_version'


def upgrade():
    versions = sa.table('data_versions', sa.column('name', sa.String), sa.column('version', sa.BigInteger))
    op.bulk_insert(versions, [{'name': NAME, 'version': secrets.randbits(62)}])   # known from the start
    if op.get_bind().dialect.name == 'postgresql':
        op.execute(f"CREATE CONSTRAINT TRIGGER {TRIGGER} AFTER INSERT OR UPDATE OR DELETE ON {TABLE} "
                   f"DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION new_data_version('{NAME}')")
        op.execute(f"CREATE TRIGGER {TRIGGER}_truncate AFTER TRUNCATE ON {TABLE} "
                   f"FOR EACH STATEMENT EXECUTE FUNCTION new_data_version('{NAME}')")
        return
    write = (f"INSERT INTO data_versions (name, version) VALUES ('{NAME}', random()) "
             "ON CONFLICT (name) DO UPDATE SET version = excluded.version;")
    for change in CHANGES:
        op.execute(f"CREATE TRIGGER {TRIGGER}_{change.lower()} AFTER {change} ON {TABLE} BEGIN {write} END")


def downgrade():
    if op.get_bind().dialect.name == 'postgresql':
        op.execute(f'DROP TRIGGER {TRIGGER} ON {TABLE}')
        op.execute(f'DROP TRIGGER {TRIGGER}_truncate ON {TABLE}')
    else:
        for change in CHANGES:
            op.execute(f'DROP TRIGGER {TRIGGER}_{change.lower()}')
    op.execute(sa.text("DELETE FROM data_versions WHERE name = :name").bindparams(name=NAME))
