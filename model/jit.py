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
import sys
from collections import namedtuple
from typing import Any

import numba

from .parameters import Parameters

#: ``numba.njit`` as the model uses it: cached on disk (compiled once per machine), IEEE arithmetic
njit = functools.partial(numba.njit, cache=True, fastmath=False, nogil=True)


def _declare_struct_types() -> dict[type, type]:
    """One named-tuple class per parameter group, defined at import as attributes of this module.

    The classes must be importable by name (``model.jit.BurnoutStruct``): numba's on-disk cache identifies a
    compiled kernel by its argument types, and a named-tuple type is recorded by its class, so a class created
    afresh in every process would make every process compile the kernels again.
    """
    module = sys.modules[__name__]
    types = {}
    for info in Parameters.model_fields.values():
        group_cls = info.annotation
        name = group_cls.__name__ + "Struct"
        cls = namedtuple(name, tuple(group_cls.model_fields), module=__name__)
        setattr(module, name, cls)
        types[group_cls] = cls
    return types


_STRUCT_TYPES = _declare_struct_types()


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
    return _STRUCT_TYPES[cls](*values)
