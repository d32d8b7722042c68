"""Missions (issue 23): missions, participants, oral sources (identity visible to the mission's members only).

Tables are declared here (imported by ``store.db.register_tables``)."""

from __future__ import annotations
