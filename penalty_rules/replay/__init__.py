"""Caseload replay under two list snapshots (see README: Caseload replay)."""
