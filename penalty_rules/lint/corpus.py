"""Checks over a whole loaded corpus: conflicting / shadowed items, unresolved import flags (an
exclusion kept as a condition), then the version lock.

Run by `penalty-rules lists validate` and by every strict load (engine and service start-up), so
a corpus the CLI would reject is never served."""

from pathlib import Path

from penalty_rules.errors import Problem
from penalty_rules.lint.conflicts import check_conflicts
from penalty_rules.lint.flags import check_flags
from penalty_rules.load.lockfile import check_lock, load_lock_full
from penalty_rules.model.corpus import Corpus
from penalty_rules.model.listdoc import Status


def draft_keys(corpus: Corpus) -> set[str]:
    """Versions that may stay unlocked: list versions with status draft (never statutory files)."""
    return {d.key for d in corpus.documents if d.status is Status.draft}


def corpus_checks(corpus: Corpus, root: Path) -> list[Problem]:
    lock, published, problems = load_lock_full(root)
    found = check_conflicts(corpus, root) + check_flags(corpus, root)
    if problems:  # a broken lock cannot be compared with: its own error refuses the corpus
        return found + problems
    return found + check_lock(lock, corpus.hashes, corpus.files, draft_keys(corpus), published)
