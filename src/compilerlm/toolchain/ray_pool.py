"""The engine's worker pool on a Ray cluster: the same evaluations, spread over machines.

`RayPool` has WorkerPool's interface (submit -> Future[Measurement]), so the Engine, the
autotuner and PassListEval run on Ray without code changes in the caller. Each Ray actor owns
a one-process WorkerPool, so LLVM crashes stay isolated inside the actor's own worker; the
actor returns Measurement records and the driver alone writes the store.

    pool = RayPool("local", workers=2)      # or "auto", or "ray://host:10001"
"""

from __future__ import annotations

import itertools
import os
import threading
from concurrent.futures import Future

from ..errors import CompilerlmError
from .measure import Request
from .worker import DEFAULT_TIMEOUT_S


def init_ray(address: str, num_cpus: int | None = None):
    """Start (`local`) or join (`auto`, an address) a Ray cluster; idempotent."""
    try:
        import ray
    except ImportError as e:  # a dependency of compilerlm; only a broken install lacks it
        raise CompilerlmError("ray is not installed: pip install 'ray==2.60.0'") from e
    if ray.is_initialized():
        return ray
    kwargs = dict(include_dashboard=False, log_to_driver=False, configure_logging=False)
    try:
        if address == "local":
            ray.init(num_cpus=num_cpus or os.cpu_count(), **kwargs)
        else:
            ray.init(address=address, **kwargs)
    except Exception as e:
        raise CompilerlmError(f"cannot start or join Ray cluster {address!r}: {e}") from e
    return ray


class RayPool:
    """WorkerPool's interface over Ray actors, each with its own crash-isolated LLVM worker."""

    def __init__(self, address: str, workers: int = 2, timeout: float = DEFAULT_TIMEOUT_S):
        ray = init_ray(address, num_cpus=workers if address == "local" else None)
        self._ray = ray

        @ray.remote(num_cpus=1)
        class EvaluatorActor:
            def __init__(self, timeout):
                from compilerlm.toolchain.worker import WorkerPool
                self.pool = WorkerPool(workers=1, timeout=timeout)

            def pid(self):
                return os.getpid()

            def measure(self, ir, request):
                return self.pool.submit(ir, request).result()

        self.timeout = timeout
        self._actors = [EvaluatorActor.remote(timeout) for _ in range(workers)]
        self._pids = ray.get([a.pid.remote() for a in self._actors])
        self._used: set[int] = set()
        self._next = itertools.cycle(range(len(self._actors)))
        self._irs: dict[str, object] = {}  # input hash -> ObjectRef of its IR in the store
        self._lock = threading.Lock()

    @property
    def size(self) -> int:
        return len(self._actors)

    def worker_pids(self) -> list[int]:
        """Processes (Ray actors) that evaluated at least one request."""
        return [self._pids[i] for i in sorted(self._used)]

    def submit(self, ir: bytes, request: Request) -> "Future":
        with self._lock:
            ref = self._irs.get(request.input_hash)
            if ref is None:
                ref = self._irs[request.input_hash] = self._ray.put(ir)
            i = next(self._next)
            self._used.add(i)
        return self._actors[i].measure.remote(ref, request).future()

    def close(self, kill: bool = True) -> None:
        """Kill the actors (Ray gives no gentler stop worth waiting for)."""
        for actor in self._actors:
            self._ray.kill(actor)
        self._actors = []
