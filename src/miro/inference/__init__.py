"""Inference: squeeze localizations with a trained model, then cluster them.

* :mod:`miro.inference.squeezing` squeezes one field of view (the graph, the
  model's step outputs, the moved points in nm) and clusters it: MIRO +
  DBSCAN;
* :mod:`miro.inference.tiling` does the same for fields of any size, tile by
  tile, in worker processes;
* :mod:`miro.inference.clustering` is DBSCAN with the benchmark's label
  convention (0 = not clustered);
* :mod:`miro.inference.baselines` is HDBSCAN, OPTICS and ToMATo with the same
  convention, and every method by name (:data:`CLUSTERERS`);
* :mod:`miro.inference.estimator` wraps MIRO + DBSCAN as a scikit-learn
  estimator;
* :mod:`miro.inference.classification` adds cMIRO's shape classes;
* :mod:`miro.inference.tuning` chooses DBSCAN's ``eps`` and ``min_samples``
  (and any method's parameters) on held-in point clouds.

Each public name is imported from its submodule on first use, so that
``import miro.inference.clustering`` (DBSCAN alone, as the workflow's DBSCAN
jobs use it) does not load PyTorch and PyTorch Geometric (about 2 s a job).
"""

from importlib import import_module

#: Submodule -> the public names it defines (its ``__all__``; tests/test_layout.py checks both agree).
_SUBMODULES = {
    "baselines": ("Clusterer", "CLUSTERERS", "cluster_labels", "hdbscan_labels", "optics_labels", "tomato_labels"),
    "classification": ("CLUSTERINGS", "refine_by_cluster", "classify_fov", "confusion_matrix", "classification_report"),
    "clustering": ("check_dbscan_params", "check_dbscan_memory", "available_memory", "dbscan_labels", "radius_graph",
                   "dbscan_labels_of_graph"),
    "estimator": ("MiroDBSCAN",),
    "squeezing": ("MAX_DISPLACEMENT", "step_output", "squeeze", "fov_graph", "squeeze_fov", "miro_dbscan"),
    "tiling": ("TileLayout", "tile_layout", "iter_tiles", "tiled_squeeze", "tiled_miro_dbscan",
               "DEFAULT_TILE_SIZE_NM", "DEFAULT_OVERLAP_NM"),
    "tuning": ("TuningResult", "grid_search", "tune_dbscan", "tune_miro_dbscan", "tune_clusterer", "choose_parameters",
               "metric_function", "metric_target"),
}
_HOME = {name: submodule for submodule, names in _SUBMODULES.items() for name in names}

__all__ = list(_HOME)


def __getattr__(name: str):
    """Import a submodule, or a public name from its submodule, the first time it is asked for."""
    if name in _SUBMODULES:
        return import_module(f"{__name__}.{name}")
    if name not in _HOME:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(import_module(f"{__name__}.{_HOME[name]}"), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    """The module's names, the submodules and the public names, imported or not."""
    return sorted({*globals(), *_SUBMODULES, *_HOME})
