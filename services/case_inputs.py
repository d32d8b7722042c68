"""What users send to create or change case data (validated before any service runs)."""

from __future__ import annotations

import datetime as dt
from typing import Literal

from pydantic import BaseModel, Field, field_validator

from store.accounts import DIVISIONS
from store.cases import PROCEDURES, STATUSES

Division = Literal["africa", "americas_maghreb", "asia", "europe_middle_east"]
Procedure = Literal["normal", "accelerated", "reexamination", "statelessness"]
Status = Literal["registered", "assigned", "interviewed", "decided", "closed"]
assert set(Division.__args__) == set(DIVISIONS)  # type: ignore[attr-defined]
assert set(Procedure.__args__) == set(PROCEDURES) and set(Status.__args__) == set(STATUSES)  # type: ignore[attr-defined]

_Text = Field(max_length=200)


class ApplicantIn(BaseModel):
    full_name: str = Field(min_length=1, max_length=200)
    date_of_birth: dt.date | None = None
    nationality: str | None = Field(
        default=None, pattern=r"^[A-Z]{3}$", description="ISO 3166 alpha-3; empty if stateless"
    )
    languages: list[str] = Field(default_factory=list, max_length=10)

    @field_validator("languages")
    @classmethod
    def _short(cls, v: list[str]) -> list[str]:
        return [x.strip()[:40] for x in v if x.strip()]


class CaseIn(BaseModel):
    reference: str = Field(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9][A-Za-z0-9/_.-]*$")
    registered_on: dt.date
    procedure: Procedure = "normal"
    division: Division
    applicants: list[ApplicantIn] = Field(min_length=1, max_length=20)
    assigned_officer: str | None = Field(default=None, max_length=64, description="username")


class CaseChange(BaseModel):
    status: Status | None = None
    procedure: Procedure | None = None
    assigned_officer: str | None = Field(default=None, max_length=64, description="username")
    decision_document_id: str | None = Field(default=None, pattern=r"^[0-9a-f]{20}$")


class InterviewIn(BaseModel):
    held_on: dt.date
    interpreter_language: str | None = Field(default=None, max_length=32)
    transcript: str = Field(default="", max_length=500_000)


class NoteIn(BaseModel):
    text: str = Field(min_length=1, max_length=20_000)


class GrantIn(BaseModel):
    username: str = Field(min_length=1, max_length=64)
    reason: str = Field(default="", max_length=500)
    expires_on: dt.date | None = None


class MovementIn(BaseModel):
    to_location: str = Field(min_length=1, max_length=32, description="location code")
    reason: str = Field(default="", max_length=500)
    borrower: str | None = Field(default=None, max_length=64, description="who takes the file (check-out)")
    due_back: dt.date | None = None


class LocationIn(BaseModel):
    code: str = Field(min_length=1, max_length=32, pattern=r"^[A-Za-z0-9_.-]+$")
    name: str = Field(min_length=1, max_length=200)
    kind: Literal["store", "office", "historical"]
