"""Compilation of the weekly update: numba's ``njit`` with the project's settings, and parameter structs.

The submodels (:mod:`model.processes`) and the fused weekly kernels (:mod:`model.kernels`) are compiled with
:data:`njit`, so there is one implementation of each equation: the same function is called from Python (tests,
notebooks) and from inside a compiled kernel. Compiled code cannot read pydantic objects, so each parameter
group a kernel needs is passed as a one-element structured array of plain numbers (:func:`struct`), built once
each time the levers in force change; the submodels read its record's fields by name.

Floating-point semantics are NumPy's: no ``fastmath`` (no reassociation), so a compiled kernel computes the same
numbers as the array expressions it replaces.

The compiled code is cached on disk, and numba's cache checks only the file of each cached function, not the files
of the functions it calls: a kernel of :mod:`model.kernels` cached before a submodel of :mod:`model.processes`
changed would go on running the old submodel, and an edited equation would move nothing. So at import the
package's caches are dropped whenever any of its sources changed (:func:`drop_stale_caches`).
"""

from __future__ import annotations

import functools
import hashlib
import os
from pathlib import Path
from typing import Any

import numba
import numpy as np

#: where :func:`drop_stale_caches` keeps the fingerprint of the sources the cached code was compiled from
CACHE_STAMP = "numba-sources.sha256"


def sources_fingerprint(package: Path) -> str:
    """A fingerprint of the Python sources of the folder ``package`` (its ``*.py`` files, names and contents)."""
    digest = hashlib.sha256()
    for path in sorted(Path(package).glob("*.py")):
        digest.update(path.name.encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()


def drop_stale_caches(package: Path) -> bool:
    """Delete numba's cached code in ``package/__pycache__`` unless it was compiled from the sources there now.

    A compiled function may call compiled functions of any module of the package, so a change to any source
    makes every cached function of the package stale. The fingerprint of the sources
    (:func:`sources_fingerprint`) is kept next to the cache; when it differs, the cached code (``*.nbi``,
    ``*.nbc``) is deleted and recompiled on first use. A folder that cannot be written (a read-only install, whose
    sources do not change) is left alone.

    Returns:
        True when cached code was dropped (the sources changed, or no fingerprint was kept yet).
    """
    cache = Path(package) / "__pycache__"
    stamp = cache / CACHE_STAMP
    fingerprint = sources_fingerprint(package)
    try:
        if stamp.read_text(encoding="ascii") == fingerprint:
            return False
    except OSError:  # no fingerprint yet
        pass
    try:
        cache.mkdir(exist_ok=True)
        for path in [*cache.glob("*.nbi"), *cache.glob("*.nbc")]:
            path.unlink(missing_ok=True)
        tmp = cache / f".{CACHE_STAMP}.{os.getpid()}.tmp"  # renamed into place: a reader sees all of it or none
        tmp.write_text(fingerprint, encoding="ascii")
        os.replace(tmp, stamp)
    except OSError:
        return False
    return True


drop_stale_caches(Path(__file__).parent)

#: ``numba.njit`` as the model uses it: cached on disk (compiled once per machine), IEEE arithmetic
njit = functools.partial(numba.njit, cache=True, fastmath=False, nogil=True)


@functools.lru_cache(maxsize=None)
def _record_dtype(group_cls: type) -> np.dtype:
    return np.dtype([(name, np.int64 if info.annotation is int else np.float64)
                     for name, info in group_cls.model_fields.items()])


def struct(group: Any) -> np.ndarray:
    """The values of one parameter group as a one-element structured array, readable by compiled code.

    Whole-number fields are ``int64`` and every other field ``float64``, so a kernel is compiled once per group
    whatever numeric type a value was given in. A kernel receives the array (passing an array costs about a
    tenth of passing a named tuple) and hands its record ``s[0]`` to the submodels, which read fields by name
    (``b.rate_gain``).

    Args:
        group: a parameter group (a field of :class:`~model.parameters.Parameters`, e.g. ``p.burnout``).

    Returns:
        a structured array of shape (1,) with the group's field names.
    """
    cls = type(group)
    return np.array([tuple(getattr(group, name) for name in cls.model_fields)], dtype=_record_dtype(cls))
