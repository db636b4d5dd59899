"""Load and validate every bundled list N times: cold first run, then the warm median.

Validation here is what `penalty-rules lists validate` checks without the citation lint: safe YAML
with positions, the pydantic schema, the referential checks, conflicts / shadowed items and the
version lock. Target: ≤ 1 s for loading and validating everything.

    .venv/bin/python benchmarks/bench_load.py [--runs 20] [--lists PATH]
"""

import argparse
import statistics
import sys
import time
from pathlib import Path

TARGET_MS = 1000.0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=20, help="warm runs after the cold one")
    parser.add_argument("--lists", type=Path, default=None, help="lists folder (default: bundled)")
    args = parser.parse_args()

    t0 = time.perf_counter()
    from penalty_rules.config import Settings
    from penalty_rules.lint.conflicts import check_conflicts
    from penalty_rules.load.loader import load_corpus
    from penalty_rules.load.lockfile import check_lock, read_lock

    import_ms = (time.perf_counter() - t0) * 1000
    root = args.lists or Settings.from_env().lists_dir

    def load_and_validate():
        result = load_corpus(root)
        corpus = result.corpus
        problems = result.problems + check_conflicts(corpus, root)
        problems += check_lock(read_lock(root), corpus.hashes, corpus.files)
        return corpus, problems

    t0 = time.perf_counter()
    corpus, problems = load_and_validate()
    cold_ms = (time.perf_counter() - t0) * 1000

    warm = []
    for _ in range(args.runs):
        t0 = time.perf_counter()
        load_and_validate()
        warm.append((time.perf_counter() - t0) * 1000)

    files = len(corpus.files)
    items = sum(len(d.items) for d in corpus.documents)
    errors = sum(1 for p in problems if p.severity == "error")
    median = statistics.median(warm) if warm else cold_ms
    print(f"lists:           {root}")
    print(f"versions loaded: {len(corpus.documents)} ({files} files), items: {items}, errors: {errors}")
    print(f"import:          {import_ms:8.1f} ms")
    print(f"cold first run:  {cold_ms:8.1f} ms per full load+validate")
    if warm:
        print(f"warm median:     {median:8.1f} ms per full load+validate  (n={len(warm)}, "
              f"min {min(warm):.1f}, max {max(warm):.1f})")
    print(f"throughput:      {items / (median / 1000):8.0f} items/s (warm median)")
    print(f"target:          {TARGET_MS:.0f} ms; cold/target = {cold_ms / TARGET_MS:.3f}, "
          f"warm/target = {median / TARGET_MS:.3f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
