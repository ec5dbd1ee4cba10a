"""The package layout: layers as subpackages, small modules with __all__, short functions, a cheap ``import miro``."""

import ast
import importlib
import subprocess
import sys
from pathlib import Path

import pytest

import miro

SRC = Path(miro.__file__).parent
MODULES = sorted(SRC.rglob("*.py"))


def _module_name(path: Path) -> str:
    parts = path.relative_to(SRC.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


@pytest.mark.parametrize("path", MODULES, ids=lambda p: str(p.relative_to(SRC)))
def test_module_is_small_and_declares_its_names(path):
    assert len(path.read_text().splitlines()) <= 700
    if path.name == "__main__.py":
        return
    module = importlib.import_module(_module_name(path))
    assert isinstance(module.__all__, list)
    assert len(set(module.__all__)) == len(module.__all__), "a name is exported twice"
    missing = [name for name in module.__all__ if not hasattr(module, name)]
    assert not missing, f"__all__ names what the module lacks: {missing}"


def test_functions_are_short():
    long = []
    for path in MODULES:
        lines = path.read_text().splitlines()
        for node in ast.walk(ast.parse("\n".join(lines))):
            if not isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                continue
            skip = set()
            if ast.get_docstring(node) is not None:
                skip = set(range(node.body[0].lineno, node.body[0].end_lineno + 1))
            code = [
                i for i in range(node.lineno, node.end_lineno + 1)
                if i not in skip and lines[i - 1].strip() and not lines[i - 1].strip().startswith("#")
            ]
            if len(code) > 80:
                long.append(f"{path.relative_to(SRC)}:{node.lineno} {node.name} ({len(code)} lines)")
    assert not long


def test_import_miro_loads_no_layer_and_entry_points_resolve():
    code = "import sys, miro; print(sorted(m for m in sys.modules if m.startswith('miro')))"
    loaded = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.strip()
    assert loaded == "['miro']"
    for name in miro._ENTRY_POINTS:
        assert getattr(miro, name) is getattr(importlib.import_module(miro._ENTRY_POINTS[name]), name)
    with pytest.raises(AttributeError):
        miro.no_such_name


def test_inference_names_are_lazy_and_agree_with_their_submodules():
    """miro.inference lists each submodule's __all__ and imports it on first use: DBSCAN alone
    (miro.inference.clustering, the workflow's DBSCAN jobs) loads neither torch nor torch_geometric,
    MIRO + DBSCAN no torch_geometric (its import costs about 1.6 s)."""
    import miro.inference as inference

    for submodule, names in inference._SUBMODULES.items():
        assert tuple(importlib.import_module(f"miro.inference.{submodule}").__all__) == names, submodule
    code = "import sys, miro.inference.clustering, miro.inference.tuning; print(sorted({'torch', 'torch_geometric'} & set(sys.modules)))"
    loaded = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.strip()
    assert loaded == "[]"
    # MIRO + DBSCAN, whole-FOV and tiled (the workflow's MIRO jobs, `miro cluster`) loads no torch_geometric
    code = ("import sys, numpy as np; from miro import MIRO; from miro.inference import MiroDBSCAN, tiled_squeeze; "
            "xy = np.random.default_rng(0).uniform(0, 2000, (300, 2)); model = MIRO(hidden_channels=4, num_steps=2); "
            "MiroDBSCAN(model, 0.2, eps=0.05, min_samples=3).fit_predict(xy); tiled_squeeze(model, xy, 0.2, progress=False); "
            "print(sorted(name for name in sys.modules if name.startswith('torch_geometric')))")
    loaded = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.strip()
    assert loaded == "[]"
    with pytest.raises(AttributeError):
        inference.no_such_name
