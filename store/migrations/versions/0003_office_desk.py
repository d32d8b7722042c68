"""Registration desk, civil status and interpreters (issue 18).

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-02 19:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "desk_counters",
        sa.Column("register", sa.String(length=32), nullable=False),
        sa.Column("year", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("n", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("register", "year"),
    )
    op.create_table(
        "interpreting_firms",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("contract_ref", sa.String(length=64), nullable=False),
        sa.Column("contact", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("name"),
    )
    op.create_table(
        "interpreters",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("firm_id", sa.Integer(), nullable=False),
        sa.Column("full_name", sa.Text(), nullable=False),
        sa.Column("username", sa.String(length=64), nullable=True),
        sa.Column("languages", sa.JSON(), nullable=False),
        sa.Column("qualifications", sa.Text(), nullable=False),
        sa.Column("code_signed_on", sa.Date(), nullable=True),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["firm_id"],
            ["interpreting_firms.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("username"),
    )
    op.create_index(op.f("ix_interpreters_firm_id"), "interpreters", ["firm_id"], unique=False)
    op.create_table(
        "desk_mail",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("reference", sa.String(length=32), nullable=False),
        sa.Column("received_on", sa.Date(), nullable=False),
        sa.Column("sender", sa.Text(), nullable=False),
        sa.Column("channel", sa.String(length=16), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("procedure", sa.String(length=16), nullable=False),
        sa.Column("division", sa.String(length=32), nullable=False),
        sa.Column("case_id", sa.String(length=32), nullable=True),
        sa.Column("checklist", sa.JSON(), nullable=False),
        sa.Column("missing_count", sa.Integer(), nullable=False),
        sa.Column("registered_by", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["case_id"],
            ["cases.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("reference"),
    )
    op.create_index(op.f("ix_desk_mail_case_id"), "desk_mail", ["case_id"], unique=False)
    op.create_index(
        "ix_desk_mail_division_missing", "desk_mail", ["division", "missing_count", "received_on"], unique=False
    )
    op.create_index("ix_desk_mail_division_received", "desk_mail", ["division", "received_on", "id"], unique=False)
    op.create_table(
        "interpreter_assignments",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("interpreter_id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.String(length=32), nullable=False),
        sa.Column("language", sa.String(length=32), nullable=False),
        sa.Column("starts_at", sa.DateTime(), nullable=False),
        sa.Column("place", sa.Text(), nullable=False),
        sa.Column("room", sa.String(length=64), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("created_by", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["case_id"],
            ["cases.id"],
        ),
        sa.ForeignKeyConstraint(
            ["interpreter_id"],
            ["interpreters.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index(op.f("ix_interpreter_assignments_case_id"), "interpreter_assignments", ["case_id"], unique=False)
    op.create_index(
        "ix_interpreter_assignments_who_when", "interpreter_assignments", ["interpreter_id", "starts_at"], unique=False
    )
    op.create_table(
        "interpreter_conflicts",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("interpreter_id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.String(length=32), nullable=False),
        sa.Column("declared_by", sa.String(length=64), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("declared_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["case_id"],
            ["cases.id"],
        ),
        sa.ForeignKeyConstraint(
            ["interpreter_id"],
            ["interpreters.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("interpreter_id", "case_id", name="uq_interpreter_conflict"),
    )
    op.create_index(op.f("ix_interpreter_conflicts_case_id"), "interpreter_conflicts", ["case_id"], unique=False)
    op.create_index(
        op.f("ix_interpreter_conflicts_interpreter_id"), "interpreter_conflicts", ["interpreter_id"], unique=False
    )
    op.create_table(
        "desk_originals",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("mail_id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.String(length=32), nullable=True),
        sa.Column("receipt_number", sa.String(length=32), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("item", sa.String(length=32), nullable=True),
        sa.Column("location", sa.Text(), nullable=False),
        sa.Column("received_on", sa.Date(), nullable=False),
        sa.Column("received_by", sa.String(length=64), nullable=False),
        sa.Column("job_id", sa.Integer(), nullable=True),
        sa.Column("document_id", sa.String(length=64), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["case_id"],
            ["cases.id"],
        ),
        sa.ForeignKeyConstraint(
            ["mail_id"],
            ["desk_mail.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("receipt_number"),
    )
    op.create_index(op.f("ix_desk_originals_case_id"), "desk_originals", ["case_id"], unique=False)
    op.create_index(op.f("ix_desk_originals_mail_id"), "desk_originals", ["mail_id"], unique=False)
    op.create_table(
        "protected_people",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("case_id", sa.String(length=32), nullable=False),
        sa.Column("applicant_id", sa.Integer(), nullable=False),
        sa.Column("protection", sa.String(length=16), nullable=False),
        sa.Column("granted_on", sa.Date(), nullable=False),
        sa.Column("birth_place", sa.Text(), nullable=False),
        sa.Column("father_name", sa.Text(), nullable=False),
        sa.Column("mother_name", sa.Text(), nullable=False),
        sa.Column("created_by", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["applicant_id"],
            ["applicants.id"],
        ),
        sa.ForeignKeyConstraint(
            ["case_id"],
            ["cases.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("applicant_id"),
    )
    op.create_index(op.f("ix_protected_people_case_id"), "protected_people", ["case_id"], unique=False)
    op.create_table(
        "civil_acts",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.String(length=32), nullable=False),
        sa.Column("act_type", sa.String(length=16), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("fields", sa.JSON(), nullable=False),
        sa.Column("content_hash", sa.String(length=64), nullable=True),
        sa.Column("corrects_id", sa.Integer(), nullable=True),
        sa.Column("created_by", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("signed_by", sa.String(length=64), nullable=True),
        sa.Column("signed_at", sa.DateTime(), nullable=True),
        sa.Column("issued_by", sa.String(length=64), nullable=True),
        sa.Column("issued_at", sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["case_id"],
            ["cases.id"],
        ),
        sa.ForeignKeyConstraint(
            ["corrects_id"],
            ["civil_acts.id"],
        ),
        sa.ForeignKeyConstraint(
            ["person_id"],
            ["protected_people.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("act_type", "year", "number", name="uq_civil_act_number"),
    )
    op.create_index(op.f("ix_civil_acts_case_id"), "civil_acts", ["case_id"], unique=False)
    op.create_index(op.f("ix_civil_acts_corrects_id"), "civil_acts", ["corrects_id"], unique=False)
    op.create_index(op.f("ix_civil_acts_person_id"), "civil_acts", ["person_id"], unique=False)


def downgrade() -> None:
    op.drop_index(op.f("ix_civil_acts_person_id"), table_name="civil_acts")
    op.drop_index(op.f("ix_civil_acts_corrects_id"), table_name="civil_acts")
    op.drop_index(op.f("ix_civil_acts_case_id"), table_name="civil_acts")
    op.drop_table("civil_acts")
    op.drop_index(op.f("ix_protected_people_case_id"), table_name="protected_people")
    op.drop_table("protected_people")
    op.drop_index(op.f("ix_desk_originals_mail_id"), table_name="desk_originals")
    op.drop_index(op.f("ix_desk_originals_case_id"), table_name="desk_originals")
    op.drop_table("desk_originals")
    op.drop_index(op.f("ix_interpreter_conflicts_interpreter_id"), table_name="interpreter_conflicts")
    op.drop_index(op.f("ix_interpreter_conflicts_case_id"), table_name="interpreter_conflicts")
    op.drop_table("interpreter_conflicts")
    op.drop_index("ix_interpreter_assignments_who_when", table_name="interpreter_assignments")
    op.drop_index(op.f("ix_interpreter_assignments_case_id"), table_name="interpreter_assignments")
    op.drop_table("interpreter_assignments")
    op.drop_index("ix_desk_mail_division_received", table_name="desk_mail")
    op.drop_index("ix_desk_mail_division_missing", table_name="desk_mail")
    op.drop_index(op.f("ix_desk_mail_case_id"), table_name="desk_mail")
    op.drop_table("desk_mail")
    op.drop_index(op.f("ix_interpreters_firm_id"), table_name="interpreters")
    op.drop_table("interpreters")
    op.drop_table("interpreting_firms")
    op.drop_table("desk_counters")
