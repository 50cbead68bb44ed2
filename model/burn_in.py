"""Shared burn-ins: runs whose burn-in is the same simulate it once per process and start from a copy.

The burn-in runs under the default policies (:meth:`model.parameters.Parameters.at_week`), so the paired runs of
an experiment (every policy of a comparison in one context with one replicate's seed, both arms of the
dashboard, the arms of a tipping sweep, a lever sample of a sensitivity analysis) simulate the same burn-in. Its
end state is a function of the model's class, the seed, the burn-in's length, the warm start, the service (team
types and staff snapshot), the parameters in force during it (``params.at_week(-burn_in_weeks)``: the context's
uncertainties and the structural levers; not the start weeks, which are 0 or later and so act only after it)
and the few run parameters that programmes read when the model is built
(:attr:`model.programmes.base.Programme.setup_reads`).
:func:`key` digests exactly these. The model keeps its state at the end of the burn-in under that key
(:data:`SHARED`) from the second time that burn-in is simulated, and every later model with the same key starts
from a copy of it instead of simulating the burn-in again. The copy is the state itself (arrays, the random
streams' positions, programme state, Mesa's agents), kept as a pickle (:func:`freeze`, :func:`thaw`: keeping
costs about a quarter and resuming about two thirds of a deep copy, and the kept state cannot be changed by a
run), so the run is the same, number for number, as one that simulated its own burn-in;
``tests/test_burn_in.py`` checks that for every library policy in every library context. So a model's state
(programmes' included) must be picklable to be shared: functions at module level, not lambdas or local
functions; a state that is not is not kept, with a warning.
"""

from __future__ import annotations

import collections
import contextlib
import hashlib
import inspect
import io
import json
import pickle
import threading
import warnings
from collections.abc import Iterator
from typing import Any

#: settled burn-ins kept per process (least recently used dropped first)
MAX_ENTRIES = 16
#: the largest service kept: bigger runs are rarely repeated, and a copy costs its memory
MAX_POSTS = 5_000
#: posts of all the kept services together (about 1 KB each as a pickle, with their agents)
MAX_KEPT_POSTS = 40_000
#: keys of burn-ins simulated once (a burn-in simulated a second time is kept)
MAX_SEEN = 4_096


def key(params, seed: int, burn_in_weeks: int, warm_start: bool, service: Any, setup_reads: tuple[str, ...],
        model_class: str = "") -> str:
    """The digest of everything a burn-in's end state depends on.

    Args:
        params: the run's parameters (:class:`~model.parameters.Parameters`).
        seed: the run's root seed.
        burn_in_weeks: its unrecorded weeks.
        warm_start: whether the established staff come from a settled pilot.
        service: the run's :class:`~model.service.Service` (team types, staff snapshot), pickled into the digest.
        setup_reads: dotted names of the run parameters read while the model is built.
        model_class: the model's class (a subclass may run its burn-in differently).
    """
    in_force = params.at_week(-int(burn_in_weeks)).model_dump(mode="json")
    for group in in_force.values():  # start weeks (0 or later) only say when levers switch after the burn-in
        if isinstance(group, dict):
            group.pop("start_week", None)
    spec = {"class": model_class, "seed": int(seed), "burn_in_weeks": int(burn_in_weeks),
            "warm_start": bool(warm_start), "in_force": in_force,
            "setup": {name: params.get(name) for name in setup_reads}}
    digest = hashlib.sha256(json.dumps(spec, sort_keys=True, default=repr).encode())
    digest.update(pickle.dumps(service))
    return digest.hexdigest()


class BurnIns:
    """Settled burn-ins by :func:`key`, least recently used dropped first: at most ``max_entries`` of them and
    :data:`MAX_KEPT_POSTS` posts in all. Safe to use from several threads (the dashboard steps in one)."""

    def __init__(self, max_entries: int = MAX_ENTRIES):
        self.max_entries = max_entries
        self.enabled = True  # False: no model of this process reads or keeps a burn-in
        self._unshared = threading.local()  # depth of unshared() blocks in each thread
        self._keeping = threading.local()  # depth of keeping() blocks in each thread
        self.hits = 0  # burn-ins not simulated again, since the process started or the last clear()
        self._entries: collections.OrderedDict[str, tuple[bytes, int, int]] = collections.OrderedDict()
        self._seen: collections.OrderedDict[str, None] = collections.OrderedDict()
        self._lock = threading.Lock()

    def wants(self, digest: str, n_posts: int) -> bool:
        """Whether a burn-in just simulated under this key, of a service of ``n_posts``, should be kept (and note
        that it was simulated).

        It is kept if sharing is active, the service has at most :data:`MAX_POSTS` posts, and a burn-in with this
        key was simulated before in this process (or, inside a :func:`keeping` block, the first time): freezing
        it costs about 2 ms at 300 posts (a run of 260 weeks about 150 ms), which jobs whose every run has a
        burn-in of its own (a sensitivity analysis over uncertainties, a calibration) would pay for nothing.
        """
        if not self.active or n_posts > MAX_POSTS:
            return False
        with self._lock:
            seen = digest in self._seen
            if seen:
                self._seen.move_to_end(digest)
            else:
                self._seen[digest] = None
                while len(self._seen) > MAX_SEEN:
                    self._seen.popitem(last=False)
            return seen or bool(getattr(self._keeping, "depth", 0))

    @property
    def active(self) -> bool:
        """Whether models built now, in this thread, read and keep burn-ins."""
        return self.enabled and not getattr(self._unshared, "depth", 0)

    def get(self, digest: str) -> tuple[bytes, int] | None:
        """(state at the end of its burn-in, as :func:`freeze` made it; next agent id) kept under ``digest``, or
        None."""
        with self._lock:
            if not self.active or digest not in self._entries:
                return None
            self._entries.move_to_end(digest)
            self.hits += 1
            return self._entries[digest][:2]

    def put(self, digest: str, frozen: bytes, next_agent_id: int, n_posts: int) -> None:
        """Keep ``frozen`` (:func:`freeze` of a model at the end of its burn-in, a service of ``n_posts``) under
        ``digest``."""
        with self._lock:
            if not self.active:
                return
            self._entries[digest] = (frozen, next_agent_id, n_posts)
            self._entries.move_to_end(digest)
            while len(self._entries) > self.max_entries or (
                    len(self._entries) > 1 and self.kept_posts() > MAX_KEPT_POSTS):
                self._entries.popitem(last=False)

    def kept_posts(self) -> int:
        """Posts of the kept services together."""
        return sum(n_posts for _, _, n_posts in self._entries.values())

    def clear(self) -> None:
        """Forget every kept and seen burn-in, and the count of hits."""
        with self._lock:
            self._entries.clear()
            self._seen.clear()
            self.hits = 0

    def __len__(self) -> int:
        return len(self._entries)


#: this process's settled burn-ins
SHARED = BurnIns()


#: what a frozen state calls the model it belongs to
_OWNER = "owner"


class _Freezer(pickle.Pickler):
    def __init__(self, file: io.BytesIO, owner: Any) -> None:
        super().__init__(file, protocol=pickle.HIGHEST_PROTOCOL)
        self._owner = owner

    def persistent_id(self, obj: Any) -> str | None:
        return _OWNER if obj is self._owner else None


class _Thawer(pickle.Unpickler):
    def __init__(self, file: io.BytesIO, owner: Any) -> None:
        super().__init__(file)
        self._owner = owner

    def persistent_load(self, pid: str) -> Any:
        if pid != _OWNER:
            raise pickle.UnpicklingError(f"unknown reference {pid!r} in a frozen burn-in")
        return self._owner


def freeze(model: Any) -> bytes | None:
    """The state of ``model`` (its ``__dict__`` but the bound methods of its own it holds) as bytes, every
    reference to the model itself (its agents', its programmes') kept as a reference to whichever model
    :func:`thaw` gives it to.

    Returns:
        None, with a warning, when the state cannot be pickled (a programme or a subclass holding a lambda or a
        local function): that burn-in is then not kept, and every run simulates its own.
    """
    out = io.BytesIO()
    # its bound methods held as attributes (Mesa's wrapped step) are those the new model was built with
    state = {k: v for k, v in model.__dict__.items() if not (inspect.ismethod(v) and v.__self__ is model)}
    try:
        _Freezer(out, model).dump(state)
    except (pickle.PicklingError, TypeError, AttributeError) as exc:
        warnings.warn(f"the state of {type(model).__name__} cannot be pickled ({exc}), so its burn-in is not "
                      "shared: every run simulates its own. Keep functions at module level in programme state",
                      RuntimeWarning, stacklevel=2)
        return None
    return out.getvalue()


def thaw(frozen: bytes, model: Any) -> dict[str, Any]:
    """A new copy of the state :func:`freeze` made, for ``model``: its references to the frozen model are ``model``."""
    return _Thawer(io.BytesIO(frozen), model).load()


@contextlib.contextmanager
def _deeper(local: threading.local) -> Iterator[None]:
    """One level deeper in ``local.depth`` (this thread's count of open blocks) while the block runs."""
    local.depth = getattr(local, "depth", 0) + 1
    try:
        yield
    finally:
        local.depth -= 1


def unshared() -> contextlib.AbstractContextManager[None]:
    """Within the block every model this thread builds simulates its own burn-in, and none is kept (the warm-start
    pilot, tests and benchmarks). Blocks nest, and other threads' models are not affected."""
    return _deeper(SHARED._unshared)


def keeping() -> contextlib.AbstractContextManager[None]:
    """Within the block this thread keeps a burn-in the first time it is simulated, not only the second: for a
    caller that knows more runs with the same burn-in follow (a batch of policies of one replicate). Blocks
    nest; outside a block, and in other threads, the rule of :meth:`BurnIns.wants` is unchanged."""
    return _deeper(SHARED._keeping)
