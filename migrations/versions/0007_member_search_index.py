"""member search index: pg_trgm GIN indexes (PostgreSQL) or an FTS5 trigram table (SQLite)

The statements are copied here as they were when written (leap_members/members/search.py
makes the same for db.create_all), so later changes there do not rewrite history.

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-29

"""
from alembic import op

revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None

COLUMNS = ('first_name', 'last_name', 'email', 'organisation')
LISTED = ', '.join(COLUMNS)
NEW = ', '.join('new.' + name for name in COLUMNS)
OLD = ', '.join('old.' + name for name in COLUMNS)


def upgrade():
    bind = op.get_bind()
    if bind.dialect.name == 'postgresql':
        op.execute('CREATE EXTENSION IF NOT EXISTS pg_trgm')
        # The operator class by its schema: members may live in a schema of its own (search_path).
        schema = bind.exec_driver_sql(
            "SELECT n.nspname FROM pg_extension e JOIN pg_namespace n ON n.oid = e.extnamespace "
            "WHERE e.extname = 'pg_trgm'").scalar_one()
        for name in COLUMNS:
            op.execute(f'CREATE INDEX ix_members_{name}_trgm ON members USING gin ({name} "{schema}".gin_trgm_ops)')
        return
    op.execute(f"CREATE VIRTUAL TABLE member_search USING fts5({LISTED}, "
               "content='members', content_rowid='id', tokenize='trigram')")
    op.execute(f"CREATE TRIGGER member_search_insert AFTER INSERT ON members BEGIN "
               f"INSERT INTO member_search(rowid, {LISTED}) VALUES (new.id, {NEW}); END")
    op.execute(f"CREATE TRIGGER member_search_delete AFTER DELETE ON members BEGIN "
               f"INSERT INTO member_search(member_search, rowid, {LISTED}) VALUES ('delete', old.id, {OLD}); END")
    op.execute(f"CREATE TRIGGER member_search_update AFTER UPDATE OF {LISTED} ON members BEGIN "
               f"INSERT INTO member_search(member_search, rowid, {LISTED}) VALUES ('delete', old.id, {OLD}); "
               f"INSERT INTO member_search(rowid, {LISTED}) VALUES (new.id, {NEW}); END")
    op.execute("INSERT INTO member_search(member_search) VALUES ('rebuild')")
    # Statistics, so SQLite starts a filtered search from the index rather than from a category.
    op.execute("ANALYZE")


def downgrade():
    if op.get_bind().dialect.name == 'postgresql':
        for name in COLUMNS:
            op.execute(f'DROP INDEX ix_members_{name}_trgm')
        return
    for trigger in ('insert', 'delete', 'update'):
        op.execute(f'DROP TRIGGER member_search_{trigger}')
    op.execute('DROP TABLE member_search')
