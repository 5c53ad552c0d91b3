"""Issue 13: Spanish versions of a crisis line's public fields

Revision ID: 0014_help_spanish
Revises: 0013_reliability
Create Date: 2026-11-26

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0014_help_spanish'
down_revision = '0013_reliability'
branch_labels = None
depends_on = None

# Empty means "show the English text" on the Spanish kiosk, so existing lines need no data.
COLUMNS = (
    ('name_es', sa.String(length=120)),
    ('hours_es', sa.String(length=120)),
    ('languages_es', sa.String(length=200)),
    ('public_note_es', sa.Text()),
)


def upgrade():
    with op.batch_alter_table('crisis_lines', schema=None) as batch_op:
        for name, kind in COLUMNS:
            batch_op.add_column(sa.Column(name, kind, server_default='', nullable=False))


def downgrade():
    with op.batch_alter_table('crisis_lines', schema=None) as batch_op:
        for name, _kind in reversed(COLUMNS):
            batch_op.drop_column(name)
