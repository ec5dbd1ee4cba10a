r"""Other clustering methods of SMLM, on the same footing as DBSCAN.

Each function clusters localizations ``xy`` (n, 2) in nm and returns labels in the
benchmark's convention (Nieves et al., 2023; :mod:`miro.inference.clustering`):
0 = not clustered, clusters 1..K. None draws random numbers: the same input gives
the same labels.

* :func:`hdbscan_labels` — HDBSCAN (Campello et al., 2013; scikit-learn). With the
  core distance :math:`c_m(\mathbf{p})`, the distance to the ``min_samples``-th
  nearest localization (itself included), the mutual reachability distance

  .. math:: d_m(\mathbf{p}, \mathbf{q}) = \max\{c_m(\mathbf{p}),\, c_m(\mathbf{q}),\, \lVert\mathbf{p}-\mathbf{q}\rVert\}

  defines a minimum spanning tree; cutting it at every level gives a hierarchy of
  clusters, and the clusters of at least ``min_cluster_size`` localizations that
  are most stable, :math:`\sum_{\mathbf{p}\in C} (\lambda_{\mathbf{p}} - \lambda_{\mathrm{birth}})`
  with :math:`\lambda = 1/d_m`, are kept (excess of mass). No distance to choose.
* :func:`optics_labels` — OPTICS (Ankerst et al., 1999; scikit-learn): localizations
  ordered by reachability :math:`r(\mathbf{q}) = \max\{c_m(\mathbf{p}), \lVert\mathbf{p}-\mathbf{q}\rVert\}`;
  clusters are the valleys of the reachability plot whose walls fall and rise by a
  relative ``xi`` (:math:`r_{i+1} \le r_i (1 - \xi)`), or, with ``eps``, the
  DBSCAN-like cut :math:`r < \varepsilon`.
* :func:`tomato_labels` — ToMATo (Chazal et al., 2013; gudhi): a density
  :math:`f(\mathbf{p}) = |\{\mathbf{q} : \lVert\mathbf{p}-\mathbf{q}\rVert \le r\}|`
  (localizations within ``radius`` nm, itself included, as Pike et al. 2020 for
  SMLM) on a neighbourhood graph (radius ``radius``, or the ``k`` nearest
  neighbours); every localization climbs the graph to a local density maximum, and
  a mode whose prominence (peak density minus the density where it meets a higher
  mode) is below ``merge_threshold`` joins that mode. Localizations with
  :math:`f < ` ``min_density`` and clusters smaller than ``min_cluster_size`` are
  not clustered (DBSCAN's ``min_samples`` is the special case without merging).

:data:`CLUSTERERS` names every method (``DBSCAN`` included) with the parameters a
fit needs and those a fit can be cut at again cheaply, which
:func:`miro.inference.tuning.tune_clusterer` uses to search a grid;
:func:`cluster_labels` runs one by name.

References
----------
Campello, Moulavi & Sander (2013), PAKDD, doi:10.1007/978-3-642-37456-2_14.
Ankerst, Breunig, Kriegel & Sander (1999), SIGMOD, doi:10.1145/304181.304187.
Chazal, Guibas, Oudot & Skraba (2013), J. ACM 60(6):41, doi:10.1145/2535927.
Pike et al. (2020), Bioinformatics 36(5):1614, doi:10.1093/bioinformatics/btz788.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Callable

import numpy as np

from miro._validation import as_cloud, check_choice, check_count, check_number
from miro.errors import MiroInputError
from miro.inference.clustering import check_dbscan_memory, dbscan_labels

__all__ = ["Clusterer", "CLUSTERERS", "cluster_labels", "hdbscan_labels", "optics_labels", "tomato_labels"]


def _points(xy) -> np.ndarray:
    return as_cloud(xy, "xy")


def _from_sklearn(labels: np.ndarray) -> np.ndarray:
    """scikit-learn's labels (-1 = noise) in the benchmark's convention (0 = not clustered)."""
    return np.asarray(labels, dtype=np.int64) + 1


# --------------------------------------------------------------------------- HDBSCAN


def _check_hdbscan(min_cluster_size, min_samples, cluster_selection_epsilon) -> None:
    check_number(min_cluster_size, "min_cluster_size", integer=True, minimum=2)
    if min_samples is not None:
        check_number(min_samples, "min_samples", integer=True, minimum=1)
    check_number(cluster_selection_epsilon, "cluster_selection_epsilon", integer=False, minimum=0)


def hdbscan_labels(xy, min_cluster_size: int = 10, min_samples: int | None = None, cluster_selection_epsilon: float = 0.0) -> np.ndarray:
    """Cluster localizations (nm) with HDBSCAN; 0 = not clustered.

    Parameters
    ----------
    xy : array_like of shape (n, 2)
        Localizations in nm.
    min_cluster_size : int, default 10
        Smallest cluster kept (localizations), >= 2.
    min_samples : int, optional
        Neighbours (the point included) of the core distance; default ``min_cluster_size``.
    cluster_selection_epsilon : float, default 0
        Clusters closer than this (nm) are not split further.

    Returns
    -------
    ndarray of shape (n,), int64
    """
    from sklearn.cluster import HDBSCAN

    xy = _points(xy)
    _check_hdbscan(min_cluster_size, min_samples, cluster_selection_epsilon)
    if len(xy) < max(min_cluster_size, min_samples or 0, 2):
        return np.zeros(len(xy), dtype=np.int64)
    model = HDBSCAN(min_cluster_size=int(min_cluster_size), min_samples=None if min_samples is None else int(min_samples),
                    cluster_selection_epsilon=float(cluster_selection_epsilon), copy=True)
    return _from_sklearn(model.fit(xy).labels_)


# --------------------------------------------------------------------------- OPTICS


def _optics_fit(xy, min_samples: int = 10, max_eps: float = math.inf):
    """OPTICS ordering and reachability of ``xy`` (nm); None for too few points."""
    from sklearn.cluster import OPTICS

    xy = _points(xy)
    check_number(min_samples, "min_samples", integer=True, minimum=2)
    if not (isinstance(max_eps, (int, float)) and not isinstance(max_eps, bool) and max_eps > 0):  # inf allowed
        raise MiroInputError(f"max_eps={max_eps!r}: give a positive distance in nm (or inf)")
    if len(xy) < min_samples:
        return len(xy), None
    if math.isfinite(max_eps):
        check_dbscan_memory(xy, float(max_eps))
    # cluster_method "dbscan" extracts nothing costly; the clusters come from _optics_cut
    return len(xy), OPTICS(min_samples=int(min_samples), max_eps=float(max_eps), cluster_method="dbscan").fit(xy)


def _optics_cut(fit, xi: float = 0.05, eps: float | None = None, min_cluster_size: int | None = None) -> np.ndarray:
    from sklearn.cluster import cluster_optics_dbscan, cluster_optics_xi

    n, model = fit
    if eps is not None:
        check_number(eps, "eps", integer=False, minimum=0, inclusive=False)
    else:
        check_number(xi, "xi", integer=False, minimum=0, inclusive=False)
        if xi >= 1:
            raise MiroInputError(f"xi={xi!r}: must be in (0, 1), the relative steepness of a cluster's walls")
    if min_cluster_size is not None:
        check_number(min_cluster_size, "min_cluster_size", integer=True, minimum=2)
    if model is None:
        return np.zeros(n, dtype=np.int64)
    if eps is not None:
        return _from_sklearn(cluster_optics_dbscan(reachability=model.reachability_, core_distances=model.core_distances_,
                                                   ordering=model.ordering_, eps=float(eps)))
    labels, _ = cluster_optics_xi(reachability=model.reachability_, predecessor=model.predecessor_, ordering=model.ordering_,
                                  min_samples=model.min_samples, min_cluster_size=min_cluster_size, xi=float(xi))
    return _from_sklearn(labels)


def optics_labels(xy, min_samples: int = 10, xi: float = 0.05, *, eps: float | None = None,
                  min_cluster_size: int | None = None, max_eps: float = math.inf) -> np.ndarray:
    """Cluster localizations (nm) with OPTICS; 0 = not clustered.

    Parameters
    ----------
    xy : array_like of shape (n, 2)
        Localizations in nm.
    min_samples : int, default 10
        Neighbours (the point included) of a core point, >= 2.
    xi : float, default 0.05
        Relative steepness, in (0, 1), of the reachability valleys taken as clusters.
    eps : float, optional
        nm: cut the reachability plot at ``eps`` like DBSCAN instead of using ``xi``.
    min_cluster_size : int, optional
        Smallest cluster of the ``xi`` extraction; default ``min_samples``.
    max_eps : float, default inf
        nm: largest neighbourhood searched (smaller is faster; reachabilities beyond are infinite).

    Returns
    -------
    ndarray of shape (n,), int64
    """
    return _optics_cut(_optics_fit(xy, min_samples, max_eps), xi, eps, min_cluster_size)


# --------------------------------------------------------------------------- ToMATo


def _tomato_fit(xy, radius: float = 40.0, graph: str = "radius", k: int = 10):
    """ToMATo's density (localizations within ``radius`` nm), graph and merge tree of ``xy``."""
    from gudhi.clustering.tomato import Tomato
    from sklearn.neighbors import KDTree

    xy = _points(xy)
    check_number(radius, "radius", integer=False, minimum=0, inclusive=False)
    check_choice(graph, ("radius", "knn"), "graph")
    check_number(k, "k", integer=True, minimum=2)
    if len(xy) == 0:
        return None
    check_dbscan_memory(xy, float(radius))
    tree = KDTree(xy)
    within = tree.query_radius(xy, float(radius))
    density = np.array([len(n) for n in within], dtype=float)
    if graph == "knn":
        _, nearest = tree.query(xy, k=min(int(k), len(xy)))
        neighbours = [set(row) for row in nearest.tolist()]
        for i, row in enumerate(nearest.tolist()):  # symmetric: j near i or i near j
            for j in row:
                neighbours[j].add(i)
        within = [np.fromiter(sorted(s), dtype=np.int64) for s in neighbours]
    tomato = Tomato(graph_type="manual", density_type="manual").fit(list(within), weights=density)
    return tomato, density


def _tomato_cut(fit, merge_threshold: float = 5.0, min_density: float = 1.0, min_cluster_size: int = 1) -> np.ndarray:
    check_number(merge_threshold, "merge_threshold", integer=False, minimum=0)
    check_number(min_density, "min_density", integer=False, minimum=0)
    check_count(min_cluster_size, "min_cluster_size", minimum=1)
    if fit is None:
        return np.zeros(0, dtype=np.int64)
    tomato, density = fit
    tomato.merge_threshold_ = float(merge_threshold)
    raw = np.where(density >= min_density, np.asarray(tomato.labels_, dtype=np.int64), -1)
    ids, first, counts = np.unique(raw, return_index=True, return_counts=True)
    kept = (ids >= 0) & (counts >= min_cluster_size)
    new_id = np.zeros(len(ids), dtype=np.int64)
    order = np.argsort(first[kept], kind="stable")  # clusters numbered by their first localization
    new_id[np.flatnonzero(kept)[order]] = np.arange(1, kept.sum() + 1)
    return new_id[np.searchsorted(ids, raw)]


def tomato_labels(xy, radius: float = 40.0, merge_threshold: float = 5.0, min_density: float = 1.0,
                  min_cluster_size: int = 1, *, graph: str = "radius", k: int = 10) -> np.ndarray:
    """Cluster localizations (nm) with ToMATo; 0 = not clustered.

    Parameters
    ----------
    xy : array_like of shape (n, 2)
        Localizations in nm.
    radius : float, default 40
        nm: the density of a localization counts the localizations within it (itself included);
        with ``graph="radius"`` also the graph's edge length.
    merge_threshold : float, default 5
        Smallest prominence (localizations) of a density mode kept as its own cluster, >= 0.
    min_density : float, default 1
        Localizations with fewer neighbours within ``radius`` (itself included) are not clustered.
    min_cluster_size : int, default 1
        Smaller clusters are not clustered.
    graph : {"radius", "knn"}, default "radius"
        Edges to the localizations within ``radius``, or to the ``k`` nearest (symmetrised).
    k : int, default 10
        Neighbours of the k-NN graph (the point included), >= 2.

    Returns
    -------
    ndarray of shape (n,), int64
        Clusters numbered in the order of their first localization.
    """
    return _tomato_cut(_tomato_fit(xy, radius, graph, k), merge_threshold, min_density, min_cluster_size)


# --------------------------------------------------------------------------- registry


@dataclass(frozen=True)
class Clusterer:
    """A clustering method: ``fit(xy, **fit params)``, then ``cut(fit, **cut params)`` -> labels.

    A grid search fits once per combination of ``fit_params`` and cuts that fit at every
    combination of ``cut_params`` (OPTICS' xi, ToMATo's merge threshold).
    """

    name: str
    fit: Callable
    cut: Callable
    fit_params: tuple
    cut_params: tuple

    def labels(self, xy, **params) -> np.ndarray:
        unknown = sorted(set(params) - set(self.fit_params) - set(self.cut_params))
        if unknown:
            raise MiroInputError(
                f"{self.name}: unknown parameter {unknown[0]!r}; it takes {', '.join(self.fit_params + self.cut_params)}"
            )
        fitted = self.fit(xy, **{key: params[key] for key in self.fit_params if key in params})
        return self.cut(fitted, **{key: params[key] for key in self.cut_params if key in params})


def _dbscan_cut(xy, eps: float, min_samples: int) -> np.ndarray:
    return dbscan_labels(xy, float(eps), int(min_samples))


#: Every method by its workflow name.
CLUSTERERS: dict[str, Clusterer] = {
    "DBSCAN": Clusterer("DBSCAN", lambda xy: np.asarray(xy, dtype=float), _dbscan_cut, (), ("eps", "min_samples")),
    "HDBSCAN": Clusterer("HDBSCAN", lambda xy: xy, hdbscan_labels, (), ("min_cluster_size", "min_samples", "cluster_selection_epsilon")),
    "OPTICS": Clusterer("OPTICS", _optics_fit, _optics_cut, ("min_samples", "max_eps"), ("xi", "eps", "min_cluster_size")),
    "ToMATo": Clusterer("ToMATo", _tomato_fit, _tomato_cut, ("radius", "graph", "k"), ("merge_threshold", "min_density", "min_cluster_size")),
}


def cluster_labels(method: str, xy, **params) -> np.ndarray:
    """Labels (0 = not clustered) of localizations ``xy`` (n, 2; nm) by ``method`` of :data:`CLUSTERERS`.

    Examples
    --------
    >>> import numpy as np
    >>> rng = np.random.default_rng(0)
    >>> xy = np.vstack([rng.normal(0, 10, (40, 2)), rng.normal(500, 10, (40, 2))])
    >>> sorted(set(cluster_labels("HDBSCAN", xy, min_cluster_size=10).tolist()))
    [1, 2]
    """
    return CLUSTERERS[check_choice(method, CLUSTERERS, "method")].labels(xy, **params)
