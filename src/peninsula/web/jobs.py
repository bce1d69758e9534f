"""The ingest queue behind `POST /api/articles`: one writer thread, jobs answered by id.

A request queues its articles and gets a job id at once (202); the one thread runs the jobs in
order through the build pipeline, so the server stays the single writer and never runs two
builds at a time. `GET /api/jobs/{id}` tells a job's status and, once done, its new documents.
The last `KEEP` jobs are remembered (in memory: a restart forgets them).
"""

from __future__ import annotations

import logging
import queue
import threading
import time
import uuid
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from peninsula.errors import NotFound, PeninsulaError

__all__ = ["Job", "Jobs"]

KEEP = 1000
log = logging.getLogger(__name__)

Run = Callable[[list[dict[str, Any]]], dict[str, Any]]


@dataclass
class Job:
    """One queued request: `status` is queued, running, done or failed."""

    id: str
    articles: int
    status: str = "queued"
    result: dict[str, Any] = field(default_factory=dict)
    error: str | None = None
    done: threading.Event = field(default_factory=threading.Event, repr=False)

    def as_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "status": self.status,
            "articles": self.articles,
            "error": self.error,
            **self.result,
        }


class Jobs:
    """The queue and its writer thread, started with the first job."""

    def __init__(self, run: Run) -> None:
        self._run = run
        self._queue: queue.Queue[tuple[Job, list[dict[str, Any]]] | None] = queue.Queue()
        self._jobs: OrderedDict[str, Job] = OrderedDict()
        self._lock = threading.Lock()
        self._thread: threading.Thread | None = None

    def submit(self, articles: list[dict[str, Any]]) -> Job:
        job = Job(id=uuid.uuid4().hex, articles=len(articles))
        with self._lock:
            self._jobs[job.id] = job
            while len(self._jobs) > KEEP:
                self._jobs.popitem(last=False)
            if self._thread is None:
                self._thread = threading.Thread(target=self._work, name="peninsula-writer")
                self._thread.daemon = True
                self._thread.start()
        self._queue.put((job, articles))
        return job

    def get(self, job_id: str) -> Job:
        with self._lock:
            job = self._jobs.get(job_id)
        if job is None:
            raise NotFound(f"no job {job_id!r}")
        return job

    def wait(self, job: Job, seconds: float) -> bool:
        return job.done.wait(timeout=max(0.0, seconds))

    def close(self, timeout: float = 30.0) -> None:
        """Finish the jobs already queued, then stop the thread."""
        with self._lock:
            thread = self._thread
            self._thread = None
        if thread is not None:
            self._queue.put(None)
            thread.join(timeout=timeout)

    def _work(self) -> None:
        while True:
            item = self._queue.get()
            if item is None:
                return
            job, articles = item
            job.status = "running"
            started = time.monotonic()
            try:
                job.result = self._run(articles)
                job.status = "done"
            except PeninsulaError as exc:
                job.error, job.status = str(exc), "failed"
            except Exception:  # a job must never take the writer thread down
                log.exception("ingest job %s failed", job.id)
                job.error, job.status = "internal error", "failed"
            job.result = {**job.result, "seconds": round(time.monotonic() - started, 3)}
            job.done.set()
