"""CPU work off the event loop, with a bounded queue.

An evaluation (engine, response building, JSON) is CPU work: run on the event loop it stalls every
other request of the process, /healthz included. EvalPool runs it in a small thread pool and admits
at most `limit` jobs at once (running + waiting); beyond that the request is answered at once with
503 `overloaded` and `Retry-After`, instead of waiting in an unbounded queue. The count is kept on
the event loop's thread only (no lock needed). Each uvicorn worker process has its own pool.
One thread by default: evaluations hold the GIL (and durable-rules runs under one lock), so more
threads per process add GIL hand-offs, not throughput; add worker processes (`serve --workers`).
"""

import asyncio
from concurrent.futures import ThreadPoolExecutor

from service.errors import ApiError

RETRY_AFTER = 1  # seconds


class EvalPool:
    def __init__(self, threads: int = 1, limit: int = 64):
        self.threads = threads
        self.limit = limit
        self.admitted = 0
        self.rejected = 0
        self._executor = ThreadPoolExecutor(max_workers=threads, thread_name_prefix="evaluate")

    def overloaded(self) -> ApiError:
        self.rejected += 1
        return ApiError(503, "overloaded", f"服务繁忙(评估队列已满, 至多 {self.limit} 个), 请 {RETRY_AFTER} 秒后重试",
                        headers={"Retry-After": str(RETRY_AFTER)})

    async def run(self, fn, *args):
        """fn(*args) in the pool; 503 `overloaded` when `limit` jobs are already admitted."""
        if self.admitted >= self.limit:
            raise self.overloaded()
        self.admitted += 1
        try:
            return await asyncio.get_running_loop().run_in_executor(self._executor, fn, *args)
        finally:
            self.admitted -= 1

    def close(self) -> None:
        self._executor.shutdown(wait=True, cancel_futures=True)
