"""Crash isolation: long-lived worker processes that run LLVM, restarted when LLVM kills them.

Some pipelines abort the process (`report_fatal_error`, e.g. `globaldce,licm`), a few crash
it with a signal, and some run for minutes. Each worker is a separate Python process holding
its own libLLVM; the parent talks to it over a socket pair. A worker that dies yields a
`crash` measurement (with LLVM's message, caught by a fatal-error handler), one that runs past
the time limit is killed and yields `timeout`; either way the next request starts a fresh
worker (~0.5 s) and the caller never sees an exception. Forking per evaluation would cost
9-18 ms each; a long-lived worker adds ~0.3 ms.

    requests = [Request(unit.hash, "default<Oz>", None, CodegenOptions())]
    with WorkerPool(workers=2, timeout=120) as pool:
        futures = [pool.submit(unit.ir, request) for request in requests]
        results = [f.result() for f in futures]     # Measurements
"""

from __future__ import annotations

import os
import queue
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from concurrent.futures import Future
from dataclasses import replace
from multiprocessing.connection import Connection

from .measure import CRASH, KILLED, TIMEOUT, Evaluator, Measurement, NeedModule, Request

DEFAULT_TIMEOUT_S = 120.0  # the paper excludes pass lists that run past 120 s
FATAL_EXIT_CODE = 70
# Signals LLVM never sends itself: a worker dead of one was killed from outside (the OOM
# killer's SIGKILL, a user's kill), so its request is tried once more on a fresh worker.
OUTSIDE_SIGNALS = {signal.SIGKILL, signal.SIGTERM, signal.SIGHUP, signal.SIGINT}


def _signal_name(returncode: int) -> str:
    if returncode < 0:
        try:
            return signal.Signals(-returncode).name
        except ValueError:
            return f"signal {-returncode}"
    return f"exit status {returncode}"


class _Worker:
    """One worker process and the parent-side thread that feeds it."""

    def __init__(self, pool: "WorkerPool", index: int):
        self.pool = pool
        self.index = index
        self.proc: subprocess.Popen | None = None
        self.conn: Connection | None = None
        self.stderr = None
        self.loaded: set[str] = set()  # input hashes this process has been sent
        self.pids: list[int] = []  # every process this slot has run (tests check parallelism)
        self.thread = threading.Thread(target=self._loop, name=f"compilerlm-worker-{index}",
                                       daemon=True)
        self.thread.start()

    # -- process lifecycle ------------------------------------------------------
    def _start(self) -> None:
        parent_sock, child_sock = socket.socketpair()
        self.stderr = tempfile.TemporaryFile()
        env = dict(os.environ, PYTHONUNBUFFERED="1")
        self.proc = subprocess.Popen(
            [sys.executable, "-c", _WORKER_MAIN, str(child_sock.fileno())],
            pass_fds=(child_sock.fileno(),), stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL, stderr=self.stderr, env=env, close_fds=True)
        child_sock.close()
        self.conn = Connection(parent_sock.detach())
        self.loaded = set()
        self.pids.append(self.proc.pid)

    def _stop(self) -> None:
        if self.proc is not None:
            if self.proc.poll() is None:
                self.proc.kill()
            self.proc.wait()
        if self.conn is not None:
            self.conn.close()
        if self.stderr is not None:
            self.stderr.close()
        self.proc = self.conn = self.stderr = None
        self.loaded = set()

    def kill(self) -> None:
        """Kill the process now (from another thread); the feeding thread sees it die."""
        proc = self.proc
        if proc is not None and proc.poll() is None:
            proc.kill()

    def _stderr_tail(self) -> str:
        if self.stderr is None:
            return ""
        self.stderr.seek(0)
        lines = [ln for ln in self.stderr.read().decode(errors="replace").splitlines()
                 if ln.strip()]
        return lines[-1].strip() if lines else ""

    # -- request handling -----------------------------------------------------------
    def _loop(self) -> None:
        while True:
            item = self.pool._queue.get()
            if item is None:
                self._stop()
                return
            ir, request, future = item
            if not future.set_running_or_notify_cancel():
                continue
            try:
                future.set_result(self._handle(ir, request))
            except BaseException as e:  # never leave a caller waiting
                future.set_exception(e)

    def _handle(self, ir: bytes, request: Request) -> Measurement:
        reply = self._attempt(ir, request)
        if reply.status == KILLED and not self.pool.killing:
            reply = self._attempt(ir, request)  # killed from outside: once more, afresh
        return reply

    def _attempt(self, ir: bytes, request: Request) -> Measurement:
        if self.pool.killing:  # the pool is being killed: start nothing new
            return Measurement(status=KILLED, pipeline=request.pipeline,
                               input_hash=request.input_hash, error="the run was stopped")
        if self.proc is None or self.proc.poll() is not None:
            self._stop()
            self._start()
        send_ir = request.input_hash not in self.loaded
        # One deadline for the whole evaluation: sending a large module, the worker's parse
        # and check of it, and the passes all count against the time limit.
        deadline = time.monotonic() + self.pool.timeout
        for _attempt in range(2):
            msg = replace(request, ir=ir if send_ir else None)
            try:
                self.conn.send(msg)
                reply = self._receive(request, deadline)
            except (BrokenPipeError, ConnectionResetError, EOFError, OSError):
                reply = self._crashed(request, "")
            if isinstance(reply, Measurement):
                if reply.status in (CRASH, TIMEOUT, KILLED):
                    self._stop()
                else:
                    self.loaded.add(request.input_hash)
                return reply
            send_ir = True  # the worker evicted the module: send it again
        raise RuntimeError("worker kept asking for the module")

    def _receive(self, request: Request, deadline: float):
        timeout = self.pool.timeout
        if not self.conn.poll(max(0.0, deadline - time.monotonic())):
            return Measurement(status=TIMEOUT, pipeline=request.pipeline,
                               input_hash=request.input_hash, seconds=timeout,
                               error=f"ran past {timeout:g} s")
        kind, payload = self.conn.recv()
        if kind == "result":
            return payload
        if kind == "need_module":
            return None
        if kind == "fatal":
            return self._crashed(request, payload)
        raise RuntimeError(f"unexpected worker message {kind!r}")

    def _crashed(self, request: Request, reason: str) -> Measurement:
        if self.proc is not None:
            try:
                self.proc.wait(timeout=5)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        code = self.proc.returncode if self.proc is not None else None
        how = _signal_name(code) if code is not None else "worker lost"
        if not reason and code is not None and code < 0 and -code in OUTSIDE_SIGNALS:
            return Measurement(status=KILLED, pipeline=request.pipeline,
                               input_hash=request.input_hash,
                               error=f"LLVM worker killed from outside ({how}), twice; not "
                                     f"cached, so a rerun measures it again")
        if reason:
            reason = f"LLVM fatal error: {reason.strip()}"
        else:
            tail = self._stderr_tail()
            reason = f"LLVM worker died ({how})" + (f": {tail}" if tail else "")
        return Measurement(status=CRASH, pipeline=request.pipeline,
                           input_hash=request.input_hash, error=reason)


class WorkerPool:
    """A fixed number of crash-isolated LLVM worker processes fed from one queue."""

    def __init__(self, workers: int = 1, timeout: float = DEFAULT_TIMEOUT_S):
        if workers < 1:
            raise ValueError("workers must be at least 1")
        self.timeout = timeout
        self._queue: queue.Queue = queue.Queue()
        self._workers = [_Worker(self, i) for i in range(workers)]
        self._closed = False
        self.killing = False  # close(kill=True) under way: workers are not restarted

    @property
    def size(self) -> int:
        return len(self._workers)

    def worker_pids(self) -> list[int]:
        return [pid for w in self._workers for pid in w.pids]

    def submit(self, ir: bytes, request: Request) -> "Future[Measurement]":
        if self._closed:
            raise RuntimeError("the worker pool is closed")
        future: Future = Future()
        self._queue.put((ir, request, future))
        return future

    def close(self, kill: bool = False) -> None:
        """Stop the workers once the queue is drained; with `kill` (Ctrl-C, an error: nobody
        waits for the results) at once, their processes killed mid-evaluation."""
        if self._closed and not kill:
            return
        self._closed = True
        if kill:
            self.killing = True
            while True:  # requests not started yet: cancelled, not run
                try:
                    item = self._queue.get_nowait()
                except queue.Empty:
                    break
                if item is not None:
                    item[2].cancel()
            for w in self._workers:
                w.kill()
        for _ in self._workers:
            self._queue.put(None)
        for w in self._workers:
            w.thread.join(timeout=2 if kill else 30)

    def __enter__(self):
        return self

    def __exit__(self, exc_type, *exc):
        self.close(kill=exc_type is not None)


# -- the worker process -------------------------------------------------------------

# `python -c` rather than `-m`: running a module of an already-imported package warns.
_WORKER_MAIN = ("import signal, sys; signal.signal(signal.SIGINT, signal.SIG_IGN); "
                "from compilerlm.toolchain.worker import serve; serve(int(sys.argv[1]))")
PR_SET_PDEATHSIG = 1


def _die_with_parent() -> None:
    """Ask Linux to kill this worker when its parent dies (kill -9 included): a worker
    busy in a pipeline that never ends would otherwise outlive the run, burning a core."""
    try:
        import ctypes
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
    except (OSError, AttributeError):  # not Linux: the socket's EOF still ends idle workers
        pass
    if os.getppid() == 1:  # the parent died before prctl took effect
        os._exit(0)


def serve(fd: int) -> None:
    """The worker's main loop: measure requests from the parent until the socket closes.
    Ctrl-C is ignored here: interrupting is the parent's to handle."""
    _die_with_parent()
    conn = Connection(fd)

    def on_fatal(reason: str) -> None:
        # LLVM is about to exit: tell the parent why, then leave without running destructors.
        try:
            conn.send(("fatal", reason))
        finally:
            os._exit(FATAL_EXIT_CODE)

    evaluator = Evaluator()
    evaluator.llvm.install_fatal_error_handler(on_fatal)
    while True:
        try:
            request = conn.recv()
        except (EOFError, OSError):
            return
        try:
            conn.send(("result", evaluator.measure(request)))
        except NeedModule:
            conn.send(("need_module", request.input_hash))

