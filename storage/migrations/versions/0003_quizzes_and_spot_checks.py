"""quizzes and spot-checks

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-23 18:25:40.597768
"""
from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

import storage.types

revision: str = '0003'
down_revision: str | None = '0002'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:

    op.create_table('spot_checks',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('team_id', sa.Integer(), nullable=False),
    sa.Column('picked', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('started_at', storage.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('closes_at', storage.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('reported_at', storage.types.UTCDateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['team_id'], ['teams.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('spot_checks', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_spot_checks_team_id'), ['team_id'], unique=False)

    op.create_table('quiz_polls',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('poll_id', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('team_id', sa.Integer(), nullable=False),
    sa.Column('chat_id', sa.BigInteger(), nullable=False),
    sa.Column('message_id', sa.BigInteger(), nullable=False),
    sa.Column('question_id', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('correct_option', sa.Integer(), nullable=False),
    sa.Column('kind', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('spotcheck_id', sa.Integer(), nullable=True),
    sa.Column('sent_at', storage.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('closes_at', storage.types.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['spotcheck_id'], ['spot_checks.id'], ),
    sa.ForeignKeyConstraint(['team_id'], ['teams.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('quiz_polls', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_quiz_polls_poll_id'), ['poll_id'], unique=True)
        batch_op.create_index(batch_op.f('ix_quiz_polls_question_id'), ['question_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_quiz_polls_team_id'), ['team_id'], unique=False)

    op.create_table('quiz_answers',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('quiz_poll_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.BigInteger(), nullable=False),
    sa.Column('option', sa.Integer(), nullable=False),
    sa.Column('correct', sa.Boolean(), nullable=False),
    sa.Column('member', sa.Boolean(), nullable=False),
    sa.Column('retracted', sa.Boolean(), nullable=False),
    sa.Column('answered_at', storage.types.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['quiz_poll_id'], ['quiz_polls.id'], ),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('quiz_poll_id', 'user_id', name='uq_quiz_answer')
    )
    with op.batch_alter_table('quiz_answers', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_quiz_answers_quiz_poll_id'), ['quiz_poll_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_quiz_answers_user_id'), ['user_id'], unique=False)




def downgrade() -> None:

    with op.batch_alter_table('quiz_answers', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_quiz_answers_user_id'))
        batch_op.drop_index(batch_op.f('ix_quiz_answers_quiz_poll_id'))

    op.drop_table('quiz_answers')
    with op.batch_alter_table('quiz_polls', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_quiz_polls_team_id'))
        batch_op.drop_index(batch_op.f('ix_quiz_polls_question_id'))
        batch_op.drop_index(batch_op.f('ix_quiz_polls_poll_id'))

    op.drop_table('quiz_polls')
    with op.batch_alter_table('spot_checks', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_spot_checks_team_id'))

    op.drop_table('spot_checks')

