"""The pinned environment: constraints.txt pins every package, the venv matches it,
and pyproject.toml and workflow/envs/miro.yaml agree with it."""

import re
import tomllib
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

import yaml

REPO = Path(__file__).resolve().parents[1]


def canonical(name):
    return re.sub(r"[-_.]+", "-", name).lower()


def pins():
    lines = [line.strip() for line in (REPO / "constraints.txt").read_text().splitlines()]
    return dict(line.split("==") for line in lines if line and not line.startswith("#"))


def test_every_constraint_is_an_exact_pin():
    lines = [line for line in (REPO / "constraints.txt").read_text().splitlines() if line.strip() and not line.startswith("#")]
    assert lines and all(re.fullmatch(r"[A-Za-z0-9_.\-]+==[0-9][^\s+]*", line) for line in lines), lines


def test_the_venv_is_the_pinned_environment():
    mismatched = {}
    for name, pinned in pins().items():
        try:
            installed = version(name).split("+")[0]  # torch's local label (+cpu, +cu12x) is the build, not the version
        except PackageNotFoundError:
            installed = None
        if installed != pinned:
            mismatched[name] = (pinned, installed)
    assert not mismatched, f"installed packages differ from constraints.txt (pinned, installed): {mismatched}; run make venv"


def test_pyproject_and_conda_env_agree_with_the_pins():
    project = tomllib.loads((REPO / "pyproject.toml").read_text())["project"]
    requirements = project["dependencies"] + [r for extra in project["optional-dependencies"].values() for r in extra]
    pinned = {canonical(name) for name in pins()}
    names = {canonical(re.match(r"[A-Za-z0-9_.\-]+", requirement).group()) for requirement in requirements}
    assert names <= pinned, f"not in constraints.txt: {sorted(names - pinned)}"
    assert pins()["torch"] == re.search(r'"torch==([^"]+)"', (REPO / "pyproject.toml").read_text()).group(1)
    env = yaml.safe_load((REPO / "workflow" / "envs" / "miro.yaml").read_text())
    pip = next(entry["pip"] for entry in env["dependencies"] if isinstance(entry, dict))
    assert "-c ../../constraints.txt" in pip


def test_make_installs_with_the_pins():
    assert '-e ".[workflow,test]" -c constraints.txt' in (REPO / "Makefile").read_text()
