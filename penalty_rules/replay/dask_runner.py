"""Replay on a Dask cluster (dask.distributed): the same ReplayCore.process per partition.

- Partitions are the chunks of the input (Parquet row groups, byte ranges of JSONL/CSV files,
  many files): every worker must be able to read the input paths (a shared file system, or
  files copied to the same path on every node).
- The lists snapshot (both corpora, pickled) travels once to each worker in a WorkerPlugin, which
  builds the engines and the projection memo once per worker process; tasks find them by the
  plugin's name (one name per snapshot and date, so several replays can share a cluster).
- The first partition runs alone on one worker; the projections it decided (the common fact
  patterns) seed every worker's memo, so they are not decided once per worker.
- Partial results are merged on the client: the counts are those of the single-process run.
Workers need this package installed (same version) and its dependencies (durable-rules is not
needed on workers: the replay path is the reference evaluator).
"""

import hashlib
import pickle
import threading
from datetime import date

from penalty_rules.gc_policy import settled_heap
from penalty_rules.replay.runner import Partial, ReplayCore

try:
    from distributed import WorkerPlugin
except ImportError:  # pragma: no cover - dask[distributed] is a dependency
    WorkerPlugin = object


class ReplaySnapshotPlugin(WorkerPlugin):
    """Carries the lists snapshot to each worker and builds the replay engines there once."""

    def __init__(self, payload: bytes, today: date):
        self.payload = payload
        self.today = today
        self.name = "penalty-rules-replay-" + hashlib.sha256(payload + today.isoformat().encode()).hexdigest()[:16]
        self.core = None
        self.lock = None

    def setup(self, worker=None):
        corpora = pickle.loads(self.payload)
        self.core = ReplayCore(corpora, self.today)
        self.lock = threading.Lock()  # one replay at a time per worker process (engines are not shared by threads)

    def teardown(self, worker=None):
        self.core = None


def _replay_partition(chunk, plugin_name: str, ref_column):
    from distributed import get_worker

    plugin = get_worker().plugins[plugin_name]
    with plugin.lock, settled_heap(collect=False):  # penalty_rules.gc_policy, restored after the partition
        return plugin.core.process(chunk, ref_column)


def _warm_partition(chunk, plugin_name: str, ref_column):
    """The first partition: processed, and what it decided exported for the other workers."""
    from distributed import get_worker

    plugin = get_worker().plugins[plugin_name]
    with plugin.lock, settled_heap(collect=False):
        return plugin.core.process(chunk, ref_column), plugin.core.export_memo()


def _seed(plugin_name: str, exported: dict, dask_worker=None) -> int:
    plugin = dask_worker.plugins[plugin_name]
    with plugin.lock:
        return plugin.core.import_memo(exported)


def run_dask(corpora, chunks, today: date, address: str, *, ref_column="case_ref", progress=None,
             workers: int = 2) -> tuple[Partial, dict]:
    """`address`: a scheduler address (tcp://…:8786) or "local" (a LocalCluster of `workers`
    processes with one thread each, closed at the end)."""
    from distributed import Client, LocalCluster, as_completed

    cluster = None
    if address == "local":
        cluster = LocalCluster(n_workers=workers, threads_per_worker=1, processes=True, dashboard_address=None)
        client = Client(cluster)
    else:
        client = Client(address)
    try:
        payload = pickle.dumps(list(corpora), protocol=pickle.HIGHEST_PROTOCOL)
        plugin = ReplaySnapshotPlugin(payload, today)
        client.register_plugin(plugin, name=plugin.name)
        n_workers = len(client.scheduler_info().get("workers", {}))
        total = Partial()
        partitions = len(chunks)
        if len(chunks) > 1 and n_workers > 1:
            # the first partition on one worker; what it decided (the common fact patterns) seeds
            # every worker's memo, so the common projections are decided once, not once per worker
            first, exported = client.submit(_warm_partition, chunks[0], plugin.name, ref_column, pure=False).result()
            client.run(_seed, plugin.name, exported)
            total.merge(first)
            if progress:
                progress(first.rows)
            chunks = chunks[1:]
        futures = client.map(_replay_partition, chunks, plugin_name=plugin.name, ref_column=ref_column,
                             pure=False)
        for fut in as_completed(futures):
            part = fut.result()
            total.merge(part)
            if progress:
                progress(part.rows)
            fut.release()
        try:
            client.unregister_worker_plugin(plugin.name)
        except Exception:  # noqa: BLE001 - older schedulers: the plugin stays until the workers restart
            pass
        return total, {"workers": n_workers, "partitions": partitions}
    finally:
        client.close()
        if cluster is not None:
            cluster.close()
