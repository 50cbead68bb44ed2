"""Compilation of the weekly update: numba's ``njit`` with the project's settings, and parameter structs.

The submodels (:mod:`model.processes`) and the fused weekly kernels (:mod:`model.kernels`) are compiled with
:data:`njit`, so there is one implementation of each equation: the same function is called from Python (tests,
notebooks) and from inside a compiled kernel. Compiled code cannot read pydantic objects, so each parameter
group a kernel needs is passed as an immutable named tuple of plain numbers (:func:`struct`), built once each
time the levers in force change.

Floating-point semantics are NumPy's: no ``fastmath`` (no reassociation), so a compiled kernel computes the same
numbers as the array expressions it replaces.
"""

from __future__ import annotations

import functools
from collections import namedtuple
from typing import Any

import numba

#: ``numba.njit`` as the model uses it: cached on disk (compiled once per machine), IEEE arithmetic
njit = functools.partial(numba.njit, cache=True, fastmath=False, nogil=True)


@functools.lru_cache(maxsize=None)
def _struct_type(group_cls: type) -> type:
    return namedtuple(group_cls.__name__ + "Struct", tuple(group_cls.model_fields))


def struct(group: Any) -> tuple:
    """The values of one parameter group as a named tuple of Python floats and ints, readable by compiled code.

    Whole-number fields stay ``int`` and every other field becomes ``float``, so a kernel is compiled once
    per group whatever numeric type a value was given in.

    Args:
        group: a parameter group (a field of :class:`~model.parameters.Parameters`, e.g. ``p.burnout``).

    Returns:
        a named tuple with the group's field names.
    """
    cls = type(group)
    values = []
    for name, info in cls.model_fields.items():
        v = getattr(group, name)
        values.append(int(v) if info.annotation is int else float(v))
    return _struct_type(cls)(*values)
