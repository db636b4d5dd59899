"""Checks over a whole loaded corpus: conflicting / shadowed items, then the version lock.

Run by `penalty-rules lists validate` and by every strict load (engine and service start-up), so
a corpus the CLI would reject is never served."""

from pathlib import Path

from penalty_rules.errors import Problem
from penalty_rules.lint.conflicts import check_conflicts
from penalty_rules.load.lockfile import check_lock, read_lock
from penalty_rules.model.corpus import Corpus


def corpus_checks(corpus: Corpus, root: Path) -> list[Problem]:
    return check_conflicts(corpus, root) + check_lock(read_lock(root), corpus.hashes, corpus.files)
