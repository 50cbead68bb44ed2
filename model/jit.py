"""Compilation of the weekly update: numba's ``njit`` with the project's settings, and parameter structs.

The submodels (:mod:`model.processes`) and the fused weekly kernels (:mod:`model.kernels`) are compiled with
:data:`njit`, so there is one implementation of each equation: the same function is called from Python (tests,
notebooks) and from inside a compiled kernel. Compiled code cannot read pydantic objects, so each parameter
group a kernel needs is passed as a one-element structured array of plain numbers (:func:`struct`), built once
each time the levers in force change; the submodels read its record's fields by name.

Floating-point semantics are NumPy's: no ``fastmath`` (no reassociation), so a compiled kernel computes the same
numbers as the array expressions it replaces.
"""

from __future__ import annotations

import functools
from typing import Any

import numba
import numpy as np

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
