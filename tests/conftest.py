"""Shared fixtures: paths to the read-only data in ../shared/data, and a config resolved as the workflow does."""

import copy
from pathlib import Path

import pytest
import torch
import yaml

REPO = Path(__file__).resolve().parents[1]
SHARED_DATA = REPO.parent / "shared" / "data"
BENCHMARK = SHARED_DATA / "nieves2023-benchmark"
AUTHORS = SHARED_DATA / "miro-authors"


@pytest.fixture(scope="session")
def benchmark_dir() -> Path:
    """Local copy of the Nieves et al. (2023) benchmark (../shared/data/nieves2023-benchmark)."""
    if not BENCHMARK.is_dir():
        pytest.skip(f"benchmark data not found at {BENCHMARK}")
    return BENCHMARK


@pytest.fixture(scope="session")
def authors_dir() -> Path:
    """Files released by the MIRO authors (../shared/data/miro-authors)."""
    if not AUTHORS.is_dir():
        pytest.skip(f"authors' files not found at {AUTHORS}")
    return AUTHORS


@pytest.fixture(autouse=True)
def one_torch_thread():
    """One intra-op torch thread per test: on a shared 2-core machine two spinning threads
    were measured 4-9x slower than one."""
    before = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(before)


def resolve_config(*overlays):
    """The :class:`miro.experiments.Experiment` of config/config.yaml overlaid by ``overlays``
    (paths or YAML text), resolved as the workflow's common.smk does, without Snakemake runs."""
    from snakemake.utils import update_config, validate

    from miro.experiments import Experiment, check_scenario_sources

    config = yaml.safe_load((REPO / "config" / "config.yaml").read_text())
    for overlay in overlays:
        update_config(config, yaml.safe_load(overlay.read_text() if isinstance(overlay, Path) else overlay))
    check_scenario_sources(config)
    schema = str(REPO / "workflow" / "schemas" / "config.schema.yaml")
    figure4a_off = config.get("figure4a", {}) is None
    if figure4a_off:
        del config["figure4a"]
    validate(config, schema, set_default=True)
    config["figure4a"] = None if figure4a_off else config["figure4a"]
    return Experiment.from_config(copy.deepcopy(config), REPO)
