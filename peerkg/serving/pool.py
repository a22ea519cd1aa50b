"""The query workers of the endpoint, with the per-query time limit and result-size limit.

A request takes an idle worker (waiting at most QUEUE_SECONDS for one), sends it the query and waits at
most the time limit for the answer. A worker that has not answered by then is killed, which stops its query
whatever it was doing, and a fresh worker takes its place; the other workers go on serving.
"""

from __future__ import annotations

import contextlib
import json
import os
import queue
import select
import subprocess
import sys
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from peerkg.errors import StoreError

TEXT = "text/plain; charset=utf-8"
STARTUP_SECONDS = 60.0
QUEUE_SECONDS = 60.0  # how long a request waits for a free worker (under load) before it is answered 503


@dataclass(frozen=True)
class Answer:
    """An HTTP answer: status, media type, body."""

    status: int
    media_type: str
    body: bytes


class WorkerGone(Exception):
    """The worker exited or did not answer in time."""


class Worker:
    """One `python -m peerkg.serving.worker STORE` subprocess and its pipes."""

    def __init__(self, store: Path) -> None:
        self.process = subprocess.Popen([sys.executable, "-m", "peerkg.serving.worker", str(store)],
                                        stdin=subprocess.PIPE, stdout=subprocess.PIPE)
        assert self.process.stdout is not None and self.process.stdin is not None
        self.stdin = self.process.stdin
        self.fd = self.process.stdout.fileno()
        self.buffer = b""
        try:
            status, _, body = self.read(time.monotonic() + STARTUP_SECONDS)
        except WorkerGone:
            self.kill()
            raise StoreError(f"the query worker did not start on the store {store}") from None
        if status != 200:
            self.kill()
            raise StoreError(body.decode("utf-8", "replace"))

    def _fill(self, deadline: float) -> None:
        remaining = deadline - time.monotonic()
        if remaining <= 0 or not select.select([self.fd], [], [], remaining)[0]:
            raise WorkerGone("time limit")
        chunk = os.read(self.fd, 1 << 20)
        if not chunk:
            raise WorkerGone("the worker exited")
        self.buffer += chunk

    def read(self, deadline: float) -> tuple[int, str, bytes]:
        """The next answer, or WorkerGone when it has not fully arrived by `deadline` (monotonic time)."""
        while b"\n" not in self.buffer:
            self._fill(deadline)
        line, _, self.buffer = self.buffer.partition(b"\n")
        header = json.loads(line)
        while len(self.buffer) < header["length"]:
            self._fill(deadline)
        body, self.buffer = self.buffer[:header["length"]], self.buffer[header["length"]:]
        return int(header["status"]), str(header["type"]), body

    def ask(self, request: dict[str, Any], deadline: float) -> tuple[int, str, bytes]:
        """Sends one request (worker.py's JSON) and reads its (status, media type, body); WorkerGone when the
        worker exits or has not answered by `deadline`."""
        try:
            self.stdin.write(json.dumps(request).encode() + b"\n")
            self.stdin.flush()
        except OSError:
            raise WorkerGone("the worker exited") from None
        return self.read(deadline)

    def kill(self) -> None:
        """Stops the subprocess at once (whatever it is computing) and closes its pipes."""
        if self.process.poll() is None:
            self.process.kill()
        self.process.wait()
        for stream in (self.process.stdin, self.process.stdout):
            if stream is not None:
                with contextlib.suppress(OSError):  # a request it never read: a broken pipe, nothing to do
                    stream.close()


class Pool:
    """`size` workers over the store folder; `run` answers one query within `time_limit` seconds and
    `max_bytes` of result. Raises StoreError at start when a worker cannot open the store."""

    def __init__(self, store: Path, size: int, time_limit: float, max_bytes: int) -> None:
        self.store, self.time_limit, self.max_bytes = store, time_limit, max_bytes
        self.idle: queue.Queue[Worker] = queue.Queue()
        self.all: set[Worker] = set()
        self.lock = threading.Lock()
        self.closed = False
        # Workers die with the thread that started them (Linux's parent-death signal follows the thread), so
        # replacements are started by one thread that lives as long as the pool, not by a request's thread.
        self.to_start: queue.Queue[bool] = queue.Queue()
        self.starter = threading.Thread(target=self._start_workers, name="peerkg-workers", daemon=True)
        try:
            for _ in range(size):
                self._add(Worker(store))
        except BaseException:
            self.close()
            raise
        self.starter.start()

    def _start_workers(self) -> None:
        while self.to_start.get():
            try:
                self._add(Worker(self.store))
            except StoreError as exc:
                print(f"peerkg serve: could not start a query worker: {exc}", file=sys.stderr)

    def _add(self, worker: Worker) -> None:
        with self.lock:
            if self.closed:
                worker.kill()
                return
            self.all.add(worker)
        self.idle.put(worker)

    def _replace(self, worker: Worker) -> None:
        worker.kill()
        with self.lock:
            self.all.discard(worker)
        self.to_start.put(True)

    def run(self, query: str, accept: str | None, default_graphs: list[str] | None = None,
            named_graphs: list[str] | None = None) -> Answer:
        """The answer to one query: 200 with the result in the negotiated format; 400, 406 or 507 (past the
        size limit) from the worker; 503 when the time limit passed (the query is stopped) or no worker
        became free within QUEUE_SECONDS."""
        try:
            worker = self.idle.get(timeout=QUEUE_SECONDS)
        except queue.Empty:
            return Answer(503, TEXT, f"every query worker stayed busy for {QUEUE_SECONDS:g} s; try again "
                          "later".encode())
        request = {"query": query, "accept": accept, "max_bytes": self.max_bytes,
                   "default_graphs": default_graphs, "named_graphs": named_graphs}
        try:
            status, media, body = worker.ask(request, time.monotonic() + self.time_limit)
        except WorkerGone as exc:
            crashed = worker.process.poll() is not None
            self._replace(worker)
            if crashed:
                return Answer(500, TEXT, f"the query worker stopped ({exc}); the query was not answered".encode())
            return Answer(503, TEXT, f"the query ran past the time limit of {self.time_limit:g} s and was "
                          "stopped".encode())
        self.idle.put(worker)
        return Answer(status, media, body)

    def close(self) -> None:
        """Stops every worker."""
        with self.lock:
            self.closed = True
            workers = list(self.all)
            self.all.clear()
        self.to_start.put(False)
        for worker in workers:
            worker.kill()
