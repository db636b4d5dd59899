"""CPU work off the event loop, with a bounded queue.

An evaluation (engine, response building, JSON) is CPU work: run on the event loop it stalls every
other request of the process, /healthz included. EvalPool runs it in a small thread pool and admits
at most `limit` jobs at once (running + waiting); beyond that the request is answered at once with
503 `overloaded` and `Retry-After`, instead of waiting in an unbounded queue. The count is kept on
the event loop's thread only (no lock needed). Each uvicorn worker process has its own pool.
One thread by default: evaluations hold the GIL (and durable-rules runs under one lock), so more
threads per process add GIL hand-offs, not throughput; add worker processes (`serve --workers`).

The hand-off is lean on purpose (issue 12, HTTP throughput): a job is (function, arguments, the
loop's future) on a SimpleQueue, the thread settles the future with one call_soon_threadsafe.
concurrent.futures (run_in_executor) would add a second Future with its Condition and callback
chain per request, on the event loop's thread and under the GIL.
"""

import asyncio
import queue
import threading

from service.errors import ApiError

RETRY_AFTER = 1  # seconds
_STOP = None


def _settle(fut: asyncio.Future, ok: bool, value) -> None:
    if fut.cancelled():  # the request went away (client disconnect, shutdown)
        return
    if ok:
        fut.set_result(value)
    else:
        fut.set_exception(value)


class EvalPool:
    def __init__(self, threads: int = 1, limit: int = 64):
        self.threads = threads
        self.limit = limit
        self.admitted = 0
        self.rejected = 0
        self.closed = False
        self._jobs: queue.SimpleQueue = queue.SimpleQueue()
        self._threads = [threading.Thread(target=self._work, name=f"evaluate_{i}", daemon=True)
                         for i in range(threads)]
        for t in self._threads:
            t.start()

    def overloaded(self) -> ApiError:
        self.rejected += 1
        return ApiError(503, "overloaded", f"服务繁忙(评估队列已满, 至多 {self.limit} 个), 请 {RETRY_AFTER} 秒后重试",
                        headers={"Retry-After": str(RETRY_AFTER)})

    async def run(self, fn, *args):
        """fn(*args) in the pool; 503 `overloaded` when `limit` jobs are already admitted;
        RuntimeError once the pool is closed (no thread would ever run the job)."""
        if self.closed:
            raise RuntimeError("EvalPool is closed")
        if self.admitted >= self.limit:
            raise self.overloaded()
        self.admitted += 1
        try:
            loop = asyncio.get_running_loop()
            fut = loop.create_future()
            self._jobs.put((fn, args, loop, fut))
            return await fut
        finally:
            self.admitted -= 1

    def _work(self) -> None:
        while True:
            job = self._jobs.get()
            if job is _STOP:
                return
            fn, args, loop, fut = job
            if fut.cancelled():  # given up before it started: not run
                continue
            try:
                result, ok = fn(*args), True
            except BaseException as exc:  # noqa: BLE001 - handed to the awaiting request
                result, ok = exc, False
            try:
                loop.call_soon_threadsafe(_settle, fut, ok, result)
            except RuntimeError:  # the loop is closed (shutdown)
                pass
            del job, fn, args, fut, result  # do not keep the last job's objects alive while waiting

    def close(self) -> None:
        """Cancel the jobs not yet started, let the running ones finish, stop the threads (as
        ThreadPoolExecutor.shutdown(wait=True, cancel_futures=True)). Called on the loop's thread."""
        self.closed = True
        while True:
            try:
                job = self._jobs.get_nowait()
            except queue.Empty:
                break
            if job is not _STOP:
                job[3].cancel()
        for _ in self._threads:
            self._jobs.put(_STOP)
        for t in self._threads:
            t.join()
