"""Statute texts: find the version of a law in force on a date and the cited article."""

from penalty_rules.statutes.library import StatuteLibrary
from penalty_rules.statutes.resolution import Resolution, ResolutionStatus

__all__ = ["Resolution", "ResolutionStatus", "StatuteLibrary"]
