"""households visits problems roster

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-23 18:12:19.685209
"""
from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

import storage.types

revision: str = '0002'
down_revision: str | None = '0001'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:

    op.create_table('households',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('team_id', sa.Integer(), nullable=False),
    sa.Column('head_name', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('group_name', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('kind', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('responsible_user_id', sa.BigInteger(), nullable=True),
    sa.Column('note', sqlmodel.sql.sqltypes.AutoString(), nullable=True),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('created_at', storage.types.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['responsible_user_id'], ['users.id'], ),
    sa.ForeignKeyConstraint(['team_id'], ['teams.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('team_id', 'head_name', 'group_name', name='uq_household_name')
    )
    with op.batch_alter_table('households', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_households_team_id'), ['team_id'], unique=False)

    op.create_table('roster_entries',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('team_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.BigInteger(), nullable=True),
    sa.Column('name', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('identity', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('gender', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('political_status', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('age', sa.Integer(), nullable=True),
    sa.Column('education', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('dispatch_level', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('unit_and_post', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('unit_nature', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('post_level', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('dispatched_on', sa.Date(), nullable=True),
    sa.Column('retained', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('phone', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.ForeignKeyConstraint(['team_id'], ['teams.id'], ),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('team_id', 'name', name='uq_roster_team_name')
    )
    with op.batch_alter_table('roster_entries', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_roster_entries_team_id'), ['team_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_roster_entries_user_id'), ['user_id'], unique=False)

    op.create_table('visits',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('team_id', sa.Integer(), nullable=False),
    sa.Column('household_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.BigInteger(), nullable=False),
    sa.Column('local_date', sa.Date(), nullable=False),
    sa.Column('visited_at', storage.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('by_phone', sa.Boolean(), nullable=False),
    sa.Column('note', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('message_id', sa.BigInteger(), nullable=True),
    sa.ForeignKeyConstraint(['household_id'], ['households.id'], ),
    sa.ForeignKeyConstraint(['team_id'], ['teams.id'], ),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('team_id', 'message_id', name='uq_visit_message')
    )
    with op.batch_alter_table('visits', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_visits_household_id'), ['household_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_visits_local_date'), ['local_date'], unique=False)
        batch_op.create_index(batch_op.f('ix_visits_team_id'), ['team_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_visits_user_id'), ['user_id'], unique=False)

    op.create_table('problems',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('team_id', sa.Integer(), nullable=False),
    sa.Column('number', sa.Integer(), nullable=False),
    sa.Column('household_id', sa.Integer(), nullable=False),
    sa.Column('visit_id', sa.Integer(), nullable=True),
    sa.Column('text', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('status', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('assignee_user_id', sa.BigInteger(), nullable=True),
    sa.Column('resolution', sqlmodel.sql.sqltypes.AutoString(), nullable=True),
    sa.Column('opened_by', sa.BigInteger(), nullable=False),
    sa.Column('opened_at', storage.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('closed_at', storage.types.UTCDateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['assignee_user_id'], ['users.id'], ),
    sa.ForeignKeyConstraint(['household_id'], ['households.id'], ),
    sa.ForeignKeyConstraint(['team_id'], ['teams.id'], ),
    sa.ForeignKeyConstraint(['visit_id'], ['visits.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('team_id', 'number', name='uq_problem_number')
    )
    with op.batch_alter_table('problems', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_problems_household_id'), ['household_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_problems_team_id'), ['team_id'], unique=False)

    op.create_table('visit_attachments',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('visit_id', sa.Integer(), nullable=False),
    sa.Column('kind', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('file_id', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('message_id', sa.BigInteger(), nullable=False),
    sa.Column('attached_at', storage.types.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['visit_id'], ['visits.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('visit_id', 'message_id', name='uq_attachment_message')
    )
    with op.batch_alter_table('visit_attachments', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_visit_attachments_visit_id'), ['visit_id'], unique=False)

    op.create_table('problem_events',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('problem_id', sa.Integer(), nullable=False),
    sa.Column('kind', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('by_user_id', sa.BigInteger(), nullable=False),
    sa.Column('at', storage.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('detail', sqlmodel.sql.sqltypes.AutoString(), nullable=True),
    sa.ForeignKeyConstraint(['problem_id'], ['problems.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('problem_events', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_problem_events_problem_id'), ['problem_id'], unique=False)

    with op.batch_alter_table('teams', schema=None) as batch_op:
        batch_op.add_column(sa.Column('visit_schedule', sqlmodel.sql.sqltypes.AutoString(), nullable=True))
        batch_op.add_column(sa.Column('village_types', sqlmodel.sql.sqltypes.AutoString(), nullable=False, server_default=''))
        batch_op.add_column(sa.Column('has_work_team', sqlmodel.sql.sqltypes.AutoString(), nullable=False, server_default=''))




def downgrade() -> None:

    with op.batch_alter_table('teams', schema=None) as batch_op:
        batch_op.drop_column('has_work_team')
        batch_op.drop_column('village_types')
        batch_op.drop_column('visit_schedule')

    with op.batch_alter_table('problem_events', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_problem_events_problem_id'))

    op.drop_table('problem_events')
    with op.batch_alter_table('visit_attachments', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_visit_attachments_visit_id'))

    op.drop_table('visit_attachments')
    with op.batch_alter_table('problems', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_problems_team_id'))
        batch_op.drop_index(batch_op.f('ix_problems_household_id'))

    op.drop_table('problems')
    with op.batch_alter_table('visits', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_visits_user_id'))
        batch_op.drop_index(batch_op.f('ix_visits_team_id'))
        batch_op.drop_index(batch_op.f('ix_visits_local_date'))
        batch_op.drop_index(batch_op.f('ix_visits_household_id'))

    op.drop_table('visits')
    with op.batch_alter_table('roster_entries', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_roster_entries_user_id'))
        batch_op.drop_index(batch_op.f('ix_roster_entries_team_id'))

    op.drop_table('roster_entries')
    with op.batch_alter_table('households', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_households_team_id'))

    op.drop_table('households')

