"""The compiled code's disk cache follows the sources: an edited submodel is what a cached kernel runs."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import model
from model import jit

SUBMODEL = "from model.jit import njit\n\n\n@njit\ndef rate(x):\n    return {factor} * x\n"
KERNEL = textwrap.dedent("""\
    from pathlib import Path

    from model.jit import drop_stale_caches, njit

    {drop}
    from . import submodel


    @njit
    def kernel(x):
        return submodel.rate(x) + 1.0
    """)


def _package(root: Path, factor: float, drop: bool = True) -> Path:
    pkg = root / "pkg"
    if not pkg.exists():  # the kernel's own file is written once: numba's cache notices a change of that file
        pkg.mkdir()
        (pkg / "__init__.py").write_text("")
        (pkg / "kernel.py").write_text(KERNEL.format(drop="drop_stale_caches(Path(__file__).parent)" if drop else ""))
    (pkg / "submodel.py").write_text(SUBMODEL.format(factor=factor))
    return pkg


def _run_kernel(root: Path) -> float:
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(root), str(Path(model.__file__).parents[1])])}
    out = subprocess.run([sys.executable, "-c", "from pkg.kernel import kernel; print(kernel(2.0))"], env=env,
                         capture_output=True, text=True, check=True, timeout=300)
    return float(out.stdout)


def test_a_cached_kernel_runs_the_submodel_as_edited_in_another_module(tmp_path):
    pkg = _package(tmp_path, 3.0)
    assert _run_kernel(tmp_path) == 7.0
    assert list((pkg / "__pycache__").glob("kernel.kernel-*.nbi"))  # compiled and cached
    _package(tmp_path, 5.0)  # only the submodel's module changes
    assert _run_kernel(tmp_path) == 11.0


def test_without_dropping_the_cache_a_kernel_keeps_the_old_submodel(tmp_path):
    # numba's own rule, which drop_stale_caches exists for: were it to change, the guard above could go
    _package(tmp_path, 3.0, drop=False)
    assert _run_kernel(tmp_path) == 7.0
    _package(tmp_path, 5.0, drop=False)
    assert _run_kernel(tmp_path) == 7.0


def test_cached_code_is_dropped_only_when_a_source_changed(tmp_path):
    pkg = tmp_path / "pkg"
    cache = pkg / "__pycache__"
    cache.mkdir(parents=True)
    (pkg / "a.py").write_text("x = 1\n")
    compiled = [cache / "a.f-3.py311.nbi", cache / "a.f-3.py311.1.nbc"]
    bytecode = cache / "a.cpython-311.pyc"
    for path in [*compiled, bytecode]:
        path.write_bytes(b"cached")
    assert jit.drop_stale_caches(pkg)  # no fingerprint yet: what is cached may be from any sources
    assert not any(p.exists() for p in compiled) and bytecode.exists()
    assert (cache / jit.CACHE_STAMP).read_text() == jit.sources_fingerprint(pkg)
    for path in compiled:
        path.write_bytes(b"cached")
    assert not jit.drop_stale_caches(pkg)  # the same sources: kept
    assert all(p.exists() for p in compiled)
    (pkg / "b.py").write_text("y = 2\n")  # a new module counts as a change
    assert jit.drop_stale_caches(pkg)
    assert not any(p.exists() for p in compiled)
    assert not jit.drop_stale_caches(pkg)
    (pkg / "a.py").write_text("x = 2\n")
    assert jit.drop_stale_caches(pkg)
    assert not list(cache.glob(".*.tmp"))


def test_the_model_package_is_checked_when_it_is_imported():
    package = Path(jit.__file__).parent
    assert (package / "__pycache__" / jit.CACHE_STAMP).read_text() == jit.sources_fingerprint(package)


def test_every_kernel_is_compiled():
    # a kernel left uncompiled gives the same numbers, so only its speed would show it: a per-slot Python loop
    import ast

    from model import kernels

    tree = ast.parse(Path(kernels.__file__).read_text())
    names = [node.name for node in tree.body if isinstance(node, ast.FunctionDef)]
    assert names and [n for n in names if not hasattr(getattr(kernels, n), "py_func")] == []
