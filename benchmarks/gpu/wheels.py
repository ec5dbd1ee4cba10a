"""Wheel bookkeeping of the GPU-check kit (benchmarks/gpu/README.md).

Two sub-commands, both reading the ``Requires-Dist`` lines of wheel METADATA:

``closure MAIN_DIR ALT_DIR``
    (prepare.sh, on this machine) every requirement of every wheel, evaluated
    for CPython 3.12 on Linux x86-64 and without extras, must be met by a
    wheel of MAIN_DIR or ALT_DIR, by a package the GPU image already holds
    (DEVICE below, copied from /work/.library/device/KINDS.md) or be one the
    kit leaves out on purpose (OMITTED). Exits 1 and names what is missing.

``select MAIN_DIR ALT_DIR [PYPROJECT]``
    (run.sh, on the device, before anything is installed) prints the paths of
    the wheels to install: all of MAIN_DIR, plus each wheel of ALT_DIR whose
    package the running Python lacks or holds in a version that a
    requirement of the installed set (or of the project's pyproject.toml,
    torch excepted) rules out. ALT_DIR holds packages the image has, carried
    in case its versions do not fit (e.g. snakemake wants packaging<26).
    Unmet requirements with no wheel to fix them are reported on stderr.
"""

from __future__ import annotations

import re
import sys
import zipfile
from email.parser import Parser
from importlib import metadata
from pathlib import Path

try:
    from packaging.requirements import Requirement
    from packaging.utils import canonicalize_name
    from packaging.version import Version
except ImportError:  # a bare interpreter: pip's vendored copy
    from pip._vendor.packaging.requirements import Requirement
    from pip._vendor.packaging.utils import canonicalize_name
    from pip._vendor.packaging.version import Version

# Python packages of the device image ('cuda'), as KINDS.md lists them (2026-11-17).
DEVICE = set(map(canonicalize_name, """
absl-py accelerate aiofiles aiohappyeyeballs aiohttp aiosignal annotated-doc anyio attrs botorch build certifi
charset-normalizer chex click cloudpickle cmake colorama contourpy coverage cuda-bindings cuda-core
cuda-pathfinder cuda-toolkit cupy-cuda13x cycler cython diffrax e3nn einops equinox etils execnet filelock
flatbuffers flax fonttools formulaic frozenlist fsspec gpytorch grpcio h11 h5py hf-xet httpcore httpx
huggingface-hub humanize hypothesis idna imageio iniconfig interface-meta jax jax-cuda13-pjrt
jax-cuda13-plugin jaxlib jaxtyping jinja2 joblib kiwisolver lazy-loader lightning lightning-utilities
linear-operator lineax llvmlite lxml markdown markdown-it-py markupsafe matplotlib mdurl meson ml-dtypes
mpi4py mpmath msgpack multidict multipledispatch mypy-extensions nanobind narwhals networkx ninja numba
numba-cuda numpy numpyro nvidia-cublas nvidia-cuda-cupti nvidia-cuda-nvrtc nvidia-cuda-runtime
nvidia-cudnn-cu13 nvidia-cufft nvidia-cufile nvidia-curand nvidia-cusolver nvidia-cusparse
nvidia-cusparselt-cu13 nvidia-ml-py nvidia-nccl-cu13 nvidia-nvjitlink nvidia-nvshmem-cu13 nvidia-nvtx onnx
onnx-ir onnxruntime onnxscript opencv-python-headless optax opt-einsum opt-einsum-fx optimistix
orbax-checkpoint packaging pandas pathspec patsy peft pillow pip pluggy portalocker prometheus-client
propcache protobuf psutil pyarrow pybind11 py-cpuinfo pygments pyparsing pyproject-hooks pyre-extensions
pytest pytest-benchmark pytest-cov pytest-mock pytest-timeout pytest-xdist python-dateutil
pytorch-lightning pyyaml regex requests rich sacrebleu safetensors scikit-build-core scikit-image
scikit-learn scipy seaborn sentencepiece sentence-transformers setuptools shellingham simplejson six
sortedcontainers statsmodels sympy tabulate tensorboard tensorboard-data-server tensorstore threadpoolctl
tifffile tiktoken timm tokenizers toolz torch torchaudio torchdiffeq torch-geometric torchmetrics torchvision
tqdm transformers treescope triton typer typing-extensions typing-inspect urllib3 uvloop wadler-lindig
werkzeug wheel wrapt xarray xxhash yarl zipp
""".split()))

# Left out on purpose: pulp (~17 MB with its CBC solver) is only imported by Snakemake's
# ilp scheduler; run.sh passes --scheduler greedy.
OMITTED = {"pulp"}

# The device's interpreter, for evaluating markers on this machine (closure).
DEVICE_ENV = {
    "python_version": "3.12", "python_full_version": "3.12.3", "implementation_name": "cpython",
    "platform_python_implementation": "CPython", "sys_platform": "linux", "platform_system": "Linux",
    "platform_machine": "x86_64", "os_name": "posix", "platform_release": "", "platform_version": "",
    "implementation_version": "3.12.3", "extra": "",
}


def wheel_info(path: Path) -> tuple[str, Version, list[Requirement]]:
    """(canonical name, version, requirements) of a wheel, from its METADATA."""
    with zipfile.ZipFile(path) as archive:
        name = next(n for n in archive.namelist() if re.fullmatch(r"[^/]+\.dist-info/METADATA", n))
        meta = Parser().parsestr(archive.read(name).decode())
    return canonicalize_name(meta["Name"]), Version(meta["Version"]), [Requirement(r) for r in meta.get_all("Requires-Dist") or []]


def applies(req: Requirement, env: dict | None) -> bool:
    """Whether a requirement holds without extras (env None: the running interpreter)."""
    if req.marker is None:
        return True
    return req.marker.evaluate({**(env or {}), "extra": ""}) if env else req.marker.evaluate({"extra": ""})


def wheels(folder: Path) -> dict[str, tuple[Path, Version, list[Requirement]]]:
    found = {}
    for path in sorted(folder.glob("*.whl")):
        name, version, reqs = wheel_info(path)
        if name in found:
            sys.exit(f"{folder}: two wheels of {name}: {found[name][0].name}, {path.name}")
        found[name] = (path, version, reqs)
    return found


def closure(main_dir: Path, alt_dir: Path) -> int:
    main, alt = wheels(main_dir), wheels(alt_dir)
    missing = []
    for name, (path, _, reqs) in sorted({**alt, **main}.items()):
        for req in reqs:
            if not applies(req, DEVICE_ENV):
                continue
            dep = canonicalize_name(req.name)
            if dep in main:
                if not req.specifier.contains(main[dep][1], prereleases=True):
                    missing.append(f"{path.name}: {req} but the kit has {dep} {main[dep][1]}")
            elif dep not in alt and dep not in DEVICE and dep not in OMITTED:
                missing.append(f"{path.name}: {req} (neither in the kit nor on the device)")
    overlap = sorted(set(main) & DEVICE)
    if overlap:
        print(f"note: {main_dir} carries packages the device also has (they take precedence there): {', '.join(overlap)}")
    for line in missing:
        print(f"missing: {line}", file=sys.stderr)
    print(f"closure: {len(main)} wheels + {len(alt)} fallback wheels, {'OK' if not missing else f'{len(missing)} unmet'}")
    return 1 if missing else 0


def installed_version(name: str) -> Version | None:
    try:
        return Version(metadata.version(name))
    except metadata.PackageNotFoundError:
        return None


def project_requirements(pyproject: Path | None) -> list[Requirement]:
    """[project].dependencies of pyproject.toml, torch excepted (the device's CUDA build is the point)."""
    if pyproject is None or not pyproject.is_file():
        return []
    import tomllib

    deps = tomllib.loads(pyproject.read_text())["project"]["dependencies"]
    return [r for r in map(Requirement, deps) if canonicalize_name(r.name) != "torch"]


def select(main_dir: Path, alt_dir: Path, pyproject: Path | None) -> int:
    main, alt = wheels(main_dir), wheels(alt_dir)
    chosen = {name: version for name, (_, version, _) in main.items()}
    picked: list[Path] = []
    todo = [(f"{p.name}", r) for p, _, reqs in main.values() for r in reqs]
    todo += [("pyproject.toml", r) for r in project_requirements(pyproject)]
    while todo:
        who, req = todo.pop(0)
        if not applies(req, None):
            continue
        dep = canonicalize_name(req.name)
        have = chosen.get(dep) or installed_version(dep)
        if have is not None and req.specifier.contains(have, prereleases=True):
            continue
        if dep in alt and dep not in chosen and req.specifier.contains(alt[dep][1], prereleases=True):
            path, version, reqs = alt[dep]
            chosen[dep] = version
            picked.append(path)
            print(f"fallback wheel {path.name}: {who} needs {req}, found {have or 'none'}", file=sys.stderr)
            todo += [(path.name, r) for r in reqs]
        elif dep not in OMITTED:
            print(f"warning: {who} needs {req}, found {have or 'none'}, no wheel in the kit fixes it", file=sys.stderr)
    for path in [p for p, _, _ in main.values()] + picked:
        print(path)
    return 0


if __name__ == "__main__":
    command, *paths = sys.argv[1:] or ["help"]
    if command == "closure" and len(paths) == 2:
        sys.exit(closure(Path(paths[0]), Path(paths[1])))
    if command == "select" and len(paths) in (2, 3):
        sys.exit(select(Path(paths[0]), Path(paths[1]), Path(paths[2]) if len(paths) == 3 else None))
    sys.exit(__doc__)
