"""MIRO: Multifunctional Integration through Relational Optimization.

A recurrent graph neural network that moves every single-molecule localization
toward the centre of its cluster, so that DBSCAN on the moved points clusters
far better (Pineda et al., "Spatial Clustering of Molecular Localizations with
Graph Neural Networks"). All lengths are in nanometres unless a docstring says
otherwise.

The library is layered; each layer is a subpackage that re-exports its public
names:

* :mod:`miro.data` — localization files, verified downloads, released models,
  simulated fields of view;
* :mod:`miro.nn` — graphs of localizations, the MIRO model, weight files;
* :mod:`miro.training` — training sets, the loss, the training loop;
* :mod:`miro.inference` — squeezing, tiling, DBSCAN, classification,
  parameter tuning;
* :mod:`miro.evaluation` — the metrics of Table 1, per-FOV scores, statistics,
  tables;
* :mod:`miro.analysis` — nanocluster statistics, nuclear pore complexes;
* :mod:`miro.plotting` — the figures;
* :mod:`miro.cli` — the ``miro`` command; :mod:`miro.experiments` — a workflow
  config resolved into scenarios; :mod:`miro.provenance` — run records.

The main entry points are also attributes of :mod:`miro` itself
(``miro.read_localizations``, ``miro.load_released``, ``miro.miro_dbscan``,
``miro.evaluate`` ...); each is imported on first use, so ``import miro``
stays cheap.
"""

__version__ = "0.1.0"

#: Entry point -> the subpackage it is imported from on first use.
_ENTRY_POINTS = {
    "MiroInputError": "miro.errors",
    "read_localizations": "miro.data",
    "write_labels": "miro.data",
    "read_labels": "miro.data",
    "fetch_file": "miro.data",
    "fetch_folder": "miro.data",
    "simulate": "miro.data",
    "MIRO": "miro.nn",
    "load_released": "miro.nn",
    "load_checkpoint": "miro.nn",
    "save_checkpoint": "miro.nn",
    "build_training_set": "miro.training",
    "train": "miro.training",
    "dbscan_labels": "miro.inference",
    "squeeze_fov": "miro.inference",
    "miro_dbscan": "miro.inference",
    "tiled_squeeze": "miro.inference",
    "tiled_miro_dbscan": "miro.inference",
    "MiroDBSCAN": "miro.inference",
    "tune_dbscan": "miro.inference",
    "tune_miro_dbscan": "miro.inference",
    "METRICS": "miro.evaluation",
    "evaluate": "miro.evaluation",
    "evaluate_fovs": "miro.evaluation",
    "paired_test": "miro.evaluation",
}

__all__ = ["__version__", *_ENTRY_POINTS]


def __getattr__(name: str):
    """Import an entry point from its subpackage the first time it is asked for."""
    if name not in _ENTRY_POINTS:
        raise AttributeError(f"module 'miro' has no attribute {name!r}")
    from importlib import import_module

    value = getattr(import_module(_ENTRY_POINTS[name]), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    """The module's names and the entry points, imported or not."""
    return sorted({*globals(), *_ENTRY_POINTS})
