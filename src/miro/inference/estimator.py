r"""MIRO then DBSCAN as one scikit-learn style clusterer.

:class:`MiroDBSCAN` holds the settings that travel together — the model, its
connectivity radius :math:`R`, recurrent steps :math:`K`, the step read, DBSCAN's
``eps`` (nm) and ``min_samples``, and how a field is cut or normalised — and
clusters a field of view given in nm:

.. math::
    \mathbf{s}_i = \mathbf{p}_i - R\,\hat{\mathbf{y}}^{k}_i, \qquad
    \text{labels} = \mathrm{DBSCAN}_{\varepsilon,\,m}(\{\mathbf{s}_i\}),

with label 0 for localizations in no cluster. ``clusterer`` puts another method of
:data:`miro.inference.baselines.CLUSTERERS` in DBSCAN's place (MIRO + HDBSCAN:
``clusterer="HDBSCAN", cluster_params={"min_cluster_size": 10}``). A whole field is one graph
(:func:`miro.inference.squeeze_fov`); with ``tiling=True`` a field of any size is
squeezed in overlapping tiles of the model's FOV size and clustered at once
(:func:`miro.inference.tiling.tiled_squeeze`).

:meth:`MiroDBSCAN.from_files` builds one from a model file and, optionally, a
parameters file of the workflow (``results/dbscan_params/<scenario>/<method>.json``)
or the settings of a released model (:mod:`miro.data.released`).
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
from sklearn.base import BaseEstimator, ClusterMixin

from miro.errors import MiroInputError
from miro.inference.clustering import check_dbscan_params, dbscan_labels
from miro.inference.squeezing import squeeze_fov
from miro.inference.tiling import DEFAULT_OVERLAP_NM, DEFAULT_TILE_SIZE_NM, tiled_squeeze

__all__ = ["MiroDBSCAN"]


class MiroDBSCAN(ClusterMixin, BaseEstimator):
    """MIRO + DBSCAN clustering of localizations (nm).

    Parameters
    ----------
    model : miro.nn.model.MIRO
        Trained model (:func:`miro.nn.weights.load_checkpoint`, :func:`miro.nn.weights.load_released`).
    connectivity_radius : float
        :math:`R` in normalised units (a fraction of the FOV or tile side), as trained.
    num_steps : int, optional
        :math:`K`; default ``model.num_steps``.
    eps : float, optional
        DBSCAN radius on the squeezed points (nm, in the frame set by ``inverse``);
        needed to cluster, not to squeeze.
    min_samples : int, optional
        Squeezed neighbours within ``eps`` (the point included) of a core point.
    step : int, default -1
        The step whose prediction is applied (0-based, -1 = last; mMIRO's small
        scale: ``cutoff_step - 1``).
    tiling : bool, default False
        False: the field is one graph, normalised as ``normalization`` says. True:
        tiles of ``tile_size_nm`` overlapping ``overlap_nm``, squeezed in batches
        (by ``workers`` processes) and clustered at once.
    tile_size_nm, overlap_nm : float
        Tile side (the side of the FOVs the model was trained on) and overlap (nm).
    normalization : {"authors", "isotropic"}, default "authors"
        Whole-field normalisation (:func:`miro.nn.graph.normalize_fov`): per-FOV min-max,
        or ``length_nm`` nm per unit.
    length_nm : float, default 2000
    inverse : {"authors", "exact"}, default "authors"
        Whole field: how normalised units go back to nm (:func:`miro.inference.squeeze_fov`).
    num_eigenvectors : int, default 5
    device : str or torch.device, optional
    workers, batch_tiles, progress
        Tiling: worker processes, tiles per model call and a progress bar
        (:func:`miro.inference.tiling.tiled_squeeze`).
    n_jobs : int, optional
        Threads of DBSCAN's neighbour search.
    clusterer : str, default "DBSCAN"
        The method run on the squeezed points (:data:`miro.inference.baselines.CLUSTERERS`);
        any other than DBSCAN takes its parameters from ``cluster_params``, not ``eps`` / ``min_samples``.
    cluster_params : dict, optional
        Parameters of ``clusterer`` (e.g. HDBSCAN's ``min_cluster_size``, ``min_samples``).

    Attributes
    ----------
    labels_ : ndarray of shape (N,), int64
        Cluster of each localization after :meth:`fit` (0 = not clustered).
    squeezed_ : ndarray of shape (N, 2)
        Squeezed positions (nm) after :meth:`fit`.
    """

    def __init__(
        self,
        model,
        connectivity_radius: float,
        num_steps: int | None = None,
        eps: float | None = None,
        min_samples: int | None = None,
        *,
        step: int = -1,
        tiling: bool = False,
        tile_size_nm: float = DEFAULT_TILE_SIZE_NM,
        overlap_nm: float = DEFAULT_OVERLAP_NM,
        normalization: str = "authors",
        length_nm: float = 2000.0,
        inverse: str = "authors",
        num_eigenvectors: int = 5,
        device=None,
        workers: int | None = None,
        batch_tiles: int | None = None,
        progress: bool | None = False,
        n_jobs: int | None = None,
        clusterer: str = "DBSCAN",
        cluster_params: dict | None = None,
    ):
        self.model = model
        self.connectivity_radius = connectivity_radius
        self.num_steps = num_steps
        self.eps = eps
        self.min_samples = min_samples
        self.step = step
        self.tiling = tiling
        self.tile_size_nm = tile_size_nm
        self.overlap_nm = overlap_nm
        self.normalization = normalization
        self.length_nm = length_nm
        self.inverse = inverse
        self.num_eigenvectors = num_eigenvectors
        self.device = device
        self.workers = workers
        self.batch_tiles = batch_tiles
        self.progress = progress
        self.n_jobs = n_jobs
        self.clusterer = clusterer
        self.cluster_params = cluster_params

    @classmethod
    def from_files(cls, model_path, params_path=None, *, released=None, **settings) -> MiroDBSCAN:
        """A clusterer from a model file and where its settings are written down.

        Settings are taken, first found first: ``settings`` given here; the workflow's
        parameters file ``params_path`` (its ``chosen`` eps / min_samples and the
        ``squeezed`` R, K and step); our checkpoint's metadata (``connectivity_radius``,
        ``num_steps``, ``eps``, ``min_samples``; a parameters file of another method, e.g.
        ``MIRO_HDBSCAN.json``, gives ``clusterer`` and ``cluster_params``); ``released`` (a
        :class:`miro.data.released.ReleasedModel`), by default the row of the authors'
        file of that name in the released-weights manifest.
        """
        from miro.data.released import released_model
        from miro.nn.weights import load_checkpoint

        found = {}
        released = released if released is not None else released_model(model_path)
        if released is not None:
            found.update(
                connectivity_radius=released.connectivity_radius,
                num_steps=released.num_steps,
                eps=released.eps,
                min_samples=released.min_samples,
            )
        model, metadata = load_checkpoint(model_path, map_location=settings.get("device") or "cpu")
        if "connectivity_radius" in metadata:  # our checkpoint (miro.nn.weights.save_checkpoint); others hold only layer sizes
            found.update({key: metadata[key] for key in ("connectivity_radius", "num_steps", "eps", "min_samples") if metadata.get(key) is not None})
        if params_path is not None:
            found.update(_read_params(params_path))
        found.update(settings)
        if "connectivity_radius" not in found:
            raise MiroInputError(
                f"{model_path}: no connectivity radius R in the model's metadata; give connectivity_radius (the R it was trained with)"
            )
        return cls(model, **found)

    def squeeze(self, X) -> np.ndarray:
        """Squeezed positions (nm) of localizations ``X`` of shape (N, 2), nm."""
        shared = dict(num_steps=self.num_steps, step=self.step, num_eigenvectors=self.num_eigenvectors, device=self.device)
        if self.tiling:
            tiles = dict(tile_size_nm=self.tile_size_nm, overlap_nm=self.overlap_nm, batch_tiles=self.batch_tiles, workers=self.workers)
            return tiled_squeeze(self.model, X, self.connectivity_radius, progress=self.progress, **tiles, **shared)
        whole_field = dict(normalization=self.normalization, inverse=self.inverse, length_nm=self.length_nm)
        return squeeze_fov(self.model, X, self.connectivity_radius, **whole_field, **shared)

    def fit(self, X, y=None) -> MiroDBSCAN:
        """Squeeze ``X`` (N, 2; nm) and cluster the squeezed points: sets ``squeezed_`` and ``labels_``."""
        if self.clusterer != "DBSCAN":
            from miro.inference.baselines import cluster_labels

            cluster_labels(self.clusterer, np.zeros((0, 2)), **(self.cluster_params or {}))  # bad values fail before the squeeze
            self.squeezed_ = self.squeeze(X)
            self.labels_ = cluster_labels(self.clusterer, self.squeezed_, **(self.cluster_params or {}))
            return self
        if self.eps is None or self.min_samples is None:
            raise MiroInputError("MiroDBSCAN: eps and min_samples are needed to cluster; give both (squeeze() needs neither)")
        check_dbscan_params(float(self.eps), self.min_samples)  # before the squeeze, so a bad value fails at once
        self.squeezed_ = self.squeeze(X)
        self.labels_ = dbscan_labels(self.squeezed_, float(self.eps), int(self.min_samples), n_jobs=self.n_jobs)
        return self


def _read_params(path) -> dict:
    """eps / min_samples chosen and, for a MIRO-type method, R, K and step, from a workflow parameters file."""
    try:
        record = json.loads(Path(path).read_text())
        if record.get("clusterer", "DBSCAN") != "DBSCAN":  # MIRO + another method (parameters file of MIRO_HDBSCAN)
            found = {"clusterer": record["clusterer"], "cluster_params": dict(record["chosen"])}
        else:
            found = {"eps": record["chosen"]["eps"], "min_samples": record["chosen"]["min_samples"]}
    except FileNotFoundError:
        raise MiroInputError(f"{path}: parameters file not found") from None
    except (ValueError, KeyError, TypeError):
        raise MiroInputError(f"{path}: not a DBSCAN parameters file (results/dbscan_params/<scenario>/<method>.json with 'chosen')") from None
    found.update(record.get("squeezed", {}))
    return found
