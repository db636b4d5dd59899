"""The equality check: replay answers against the production path, case by case.

The production path is what the service runs for one case: `Engine` over the snapshot's corpus
with the statute library and durable-rules deciding which items fire (DurableMatcher), each case
read by the strict facts boundary and evaluated on its own (no projection, no memo); an engine
error is the answer the service would give as an error (`error:<code>`). The replay path is
ReplayCore (projection memo, reference evaluator, remembered search, unaffected-case copy).
"""

from dataclasses import dataclass, field
from datetime import date

from penalty_rules.replay.projection import RowError, read_row
from penalty_rules.replay.reader import Chunk, jsonable, read_chunk
from penalty_rules.replay.runner import production_answer, run_local


def production_engine(corpus, statutes_dir=None):
    from penalty_rules.engine.durable_adapter import DurableMatcher
    from penalty_rules.engine.engine import Engine

    statutes = None
    if statutes_dir is not None:
        from penalty_rules.statutes.library import StatuteLibrary

        statutes = StatuteLibrary(statutes_dir)
    return Engine(corpus, statutes=statutes, matcher=DurableMatcher(corpus))


@dataclass
class Equality:
    cases: int = 0
    decisions: int = 0
    differences: int = 0
    bad_rows_replay: int = 0
    bad_rows_production: int = 0
    examples: list = field(default_factory=list)  # (file, row, side, production, replay)
    seconds_production: float = 0.0
    seconds_replay: float = 0.0


_PROD: list = []
_TODAY: list = []


def _prod_chunk(args):
    import time

    chunk, ref_column, limit = args
    t0 = time.perf_counter()
    engines = _PROD[0]
    today = _TODAY[0]
    out, bad = [], 0
    for row_no, _ref, row in read_chunk(chunk, ref_column):
        if limit is not None and row_no >= limit:
            break
        if type(row) is RowError:
            bad += 1
            continue
        try:
            facts = read_row(jsonable(row))
        except RowError:
            bad += 1
            continue
        out.append((chunk.path, row_no, production_answer(engines[0], facts, today),
                    production_answer(engines[1], facts, today)))
    return out, bad, time.perf_counter() - t0


def check(corpora, chunks: list[Chunk], today: date, *, statutes_dir=None, workers: int = 2,
          ref_column="case_ref", progress=None) -> Equality:
    """Every row of `chunks`: production answers (both snapshots) against the replay's."""
    import multiprocessing as mp
    import time

    t0 = time.perf_counter()
    replay = run_local(corpora, chunks, today, workers=workers, ref_column=ref_column, collect=True)
    t_replay = time.perf_counter() - t0
    replayed = {(f, r): (a, b) for f, r, a, b in replay.answers}

    def build():
        _PROD[:] = [[production_engine(c, statutes_dir) for c in corpora]]
        _TODAY[:] = [today]

    result = Equality(bad_rows_replay=replay.bad, seconds_replay=t_replay)
    t1 = time.perf_counter()
    jobs = [(c, ref_column, None) for c in chunks]
    if workers <= 1:
        build()
        parts = map(_prod_chunk, jobs)
        pool = None
    else:
        pool = mp.get_context("fork").Pool(workers, initializer=build)
        parts = pool.imap_unordered(_prod_chunk, jobs)
    try:
        for rows, bad, _secs in parts:
            result.bad_rows_production += bad
            for f, r, pa, pb in rows:
                result.cases += 1
                result.decisions += 2
                got = replayed.get((f, r))
                for side, prod, rep in (("from", pa, got[0] if got else None), ("to", pb, got[1] if got else None)):
                    if prod != rep:
                        result.differences += 1
                        if len(result.examples) < 20:
                            result.examples.append((f, r, side, prod, rep))
            if progress:
                progress(len(rows) + bad)
    finally:
        if pool is not None:
            pool.close()
            pool.join()
    result.seconds_production = time.perf_counter() - t1
    return result
