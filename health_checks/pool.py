"""Run picture checks in worker processes, each with a hard wall-clock deadline.

A check that overruns its deadline is answered "timeout" at once; its worker takes no more work
and is killed as soon as its other checks have ended, and a fresh worker replaces it. So a hung
OpenCV call can delay nobody else and leaks no thread, process or file descriptor.
Workers run several checks at a time in threads (OpenCV releases the GIL while it waits and
decodes; OPENCV_FFMPEG_IS_THREAD_SAFE lets opens run in parallel).
"""
from __future__ import annotations

import logging
import multiprocessing
import queue
import signal
import threading
import time
from collections import deque
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field

from health_checks.checks import PictureJob, run_picture_check, timeout_result
from health_checks.results import PictureResult

log = logging.getLogger(__name__)


def _worker_main(inbox, outbox, threads: int) -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the parent decides when workers stop

    def run(job: PictureJob) -> None:
        try:
            result = run_picture_check(job)
        except Exception as exc:  # report, never kill the worker
            result = PictureResult("error", "offline", ["signal_lost"],
                                   detail=f"{type(exc).__name__}")
        outbox.put((job.job_id, result))

    executor = ThreadPoolExecutor(threads, thread_name_prefix="picture")
    while True:
        job = inbox.get()
        if job is None:
            break
        executor.submit(run, job)
    executor.shutdown(wait=True)


@dataclass
class _Worker:
    process: multiprocessing.Process
    inbox: object
    in_flight: set[str] = field(default_factory=set)
    retired: bool = False


@dataclass
class _Pending:
    job: PictureJob
    future: Future
    deadline_s: float
    started: float = 0.0
    worker: _Worker | None = None


class PicturePool:
    def __init__(self, processes: int = 2, threads: int = 16, margin_s: float = 2.0) -> None:
        self.processes, self.threads, self.margin_s = processes, threads, margin_s
        self._context = multiprocessing.get_context("spawn")  # no fork of a threaded parent
        self._outbox = self._context.Queue()
        self._lock = threading.Lock()
        self._workers: list[_Worker] = []
        self._running: dict[str, _Pending] = {}
        self._waiting: deque[_Pending] = deque()
        self._closed = False
        for _ in range(processes):
            self._workers.append(self._start_worker())
        self._collector = threading.Thread(target=self._collect, daemon=True,
                                           name="picture-results")
        self._collector.start()
        self._monitor = threading.Thread(target=self._watch, daemon=True, name="picture-deadlines")
        self._monitor.start()

    # --- public --------------------------------------------------------------------------

    def submit(self, job: PictureJob) -> Future:
        future: Future = Future()
        deadline = job.deadline_s or job.settings.budget_s + self.margin_s
        pending = _Pending(job, future, deadline)
        with self._lock:
            if self._closed:
                raise RuntimeError("the picture pool is closed")
            self._waiting.append(pending)
            self._dispatch()
        return future

    def check(self, job: PictureJob) -> PictureResult:
        return self.submit(job).result()

    def worker_pids(self) -> list[int]:
        with self._lock:
            return [worker.process.pid for worker in self._workers]

    def close(self) -> None:
        with self._lock:
            self._closed = True
            workers = list(self._workers)
        for worker in workers:
            worker.inbox.put(None)
        for worker in workers:
            worker.process.join(timeout=5)
            if worker.process.is_alive():
                worker.process.kill()
                worker.process.join()
        self._outbox.put(None)
        self._collector.join(timeout=5)
        self._monitor.join(timeout=5)

    def __enter__(self) -> "PicturePool":
        return self

    def __exit__(self, *_exc) -> None:
        self.close()

    # --- internals -----------------------------------------------------------------------

    def _start_worker(self) -> _Worker:
        inbox = self._context.Queue()
        process = self._context.Process(target=_worker_main, args=(inbox, self._outbox,
                                                                   self.threads), daemon=True)
        process.start()
        return _Worker(process, inbox)

    def _dispatch(self) -> None:
        """Hand waiting checks to the least busy healthy worker (lock held)."""
        while self._waiting:
            workers = [w for w in self._workers if not w.retired and len(w.in_flight) < self.threads]
            if not workers:
                return
            worker = min(workers, key=lambda w: len(w.in_flight))
            pending = self._waiting.popleft()
            pending.started, pending.worker = time.monotonic(), worker
            worker.in_flight.add(pending.job.job_id)
            self._running[pending.job.job_id] = pending
            worker.inbox.put(pending.job)

    def _collect(self) -> None:
        while True:
            item = self._outbox.get()
            if item is None:
                return
            job_id, result = item
            with self._lock:
                pending = self._running.pop(job_id, None)
                if pending is None:
                    continue  # it had already timed out
                pending.worker.in_flight.discard(job_id)
                self._reap(pending.worker)
                self._dispatch()
            pending.future.set_result(result)

    def _watch(self) -> None:
        while True:
            time.sleep(0.05)
            expired = []
            with self._lock:
                if self._closed and not self._running:
                    return
                now = time.monotonic()
                for job_id, pending in list(self._running.items()):
                    if now - pending.started > pending.deadline_s:
                        del self._running[job_id]
                        # The worker's hung thread stays until the process is killed.
                        if not pending.worker.retired:
                            pending.worker.retired = True
                            if not self._closed:
                                self._workers.append(self._start_worker())
                        self._reap(pending.worker)
                        expired.append((pending, now - pending.started))
                self._dispatch()
            for pending, waited in expired:
                log.warning("picture check %s abandoned after %.1f s", pending.job.job_id, waited)
                pending.future.set_result(timeout_result(pending.job, waited))

    def _reap(self, worker: _Worker) -> None:
        """Kill a retired worker once none of its checks is still counted (lock held)."""
        if not worker.retired:
            return
        live = [p for p in self._running.values() if p.worker is worker]
        if live:
            return
        worker.process.kill()
        worker.process.join(timeout=5)
        worker.inbox.close()
        if worker in self._workers:
            self._workers.remove(worker)
