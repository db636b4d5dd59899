"""Worker functions for service.workers.run(target=...) in tests/service/test_serve_workers.py.

They run in spawned children, which import this module by name: it imports nothing from conftest
(in a full run `conftest` may name another folder's conftest in the child, and a worker failing on
that import looks like a start-up failure). Each leaves a mark file, so a test can tell that the
target itself ran."""

import os
from pathlib import Path


def crash_at_start(host, port, options, parent, lock, started):
    Path(options["marks"], f"{os.getpid()}").touch()
    raise SystemExit(1)  # like an ImportError of the app: never started


def crash_after_start(host, port, options, parent, lock, started):
    started.value = 1
    Path(options["marks"], f"{os.getpid()}").touch()
    raise SystemExit(1)
