r"""Quantifying segmented nuclear pore complexes (NPCs): Fig. 5c–f of Pineda et al.

Multiscale MIRO (mMIRO) squeezes every localization of an SMLM image of
Nup96 twice: toward its **corner** (the squeezed positions after step
:math:`c`, the last small-scale step) and toward its **NPC** (after the last
step :math:`K`). DBSCAN on each gives two labellings of the same
localizations (0 = not clustered). This module turns them into the paper's
numbers:

* :func:`corner_table` — one row per corner cluster: its localizations, its
  centroid (nm) and the NPC it belongs to (:func:`assign_corners`);
* :func:`npc_table` — one row per NPC: its localizations, centroid, mean
  radius (nm) and number of corners;
* :func:`fit_exponential` — the mean number of localizations per corner from
  an exponential law (the paper: 12.28 per spot for Nup96-mMaple);
* :func:`corners_histogram` and :func:`fit_labelling_efficiency` — the number
  of corners per NPC and the effective labelling efficiency (ELE) of
  Thevathasan et al. (2019), as SMAP fits it;
* :func:`summarize` — all of it as one two-column table.

A Nup96-labelled NPC seen from above shows 8 corners, each holding 4 Nup96
copies (2 in the cytoplasmic and 2 in the nucleoplasmic ring). Coordinates
are in nm throughout.

References
----------
Thevathasan, J. V. et al. Nuclear pores as versatile reference standards for
quantitative superresolution microscopy. Nat. Methods 16, 1045–1053 (2019).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import optimize, stats

from miro._validation import check_whole_number, check_xy, whole_counts, whole_labels
from miro.errors import MiroInputError

__all__ = [
    "assign_corners",
    "corner_table",
    "npc_table",
    "ExponentialFit",
    "fit_exponential",
    "corners_histogram",
    "LabellingEfficiencyFit",
    "fit_labelling_efficiency",
    "summarize",
]

NPC_COLUMNS = ["npc", "x", "y", "n_localizations", "radius", "n_corners"]
CORNER_COLUMNS = ["corner", "npc", "x", "y", "n_localizations"]


def _inputs(xy, npc_labels, corner_labels):
    xy = check_xy(xy, "xy")
    return xy, whole_labels(npc_labels, "npc_labels", len(xy)), whole_labels(corner_labels, "corner_labels", len(xy))


def assign_corners(npc_labels, corner_labels) -> pd.Series:
    """The NPC each corner cluster belongs to: the NPC label most of its localizations carry.

    A corner whose localizations are mostly not in an NPC (label 0) belongs to
    none. Ties go to the smaller label, so a corner split evenly between an
    NPC and the background belongs to none.

    Parameters
    ----------
    npc_labels, corner_labels : array-like of int, shape (n,)
        Labels of the same localizations at the NPC (ring) and corner scale;
        0 = not clustered.

    Returns
    -------
    pandas.Series
        Indexed by corner label (1..), named ``npc``; 0 = in no NPC.
    """
    npc = whole_labels(npc_labels, "npc_labels")
    corner = whole_labels(corner_labels, "corner_labels", len(npc))
    inside = corner > 0
    pairs = pd.DataFrame({"corner": corner[inside], "npc": npc[inside]})
    counts = pairs.groupby(["corner", "npc"]).size().reset_index(name="n")
    # most localizations first, then the smaller NPC label
    best = counts.sort_values(["corner", "n", "npc"], ascending=[True, False, True]).drop_duplicates("corner")
    return best.set_index("corner")["npc"].rename("npc")


def corner_table(xy, npc_labels, corner_labels) -> pd.DataFrame:
    """One row per corner cluster: its NPC, centroid (nm) and number of localizations.

    Parameters
    ----------
    xy : array-like of shape (n, 2)
        Localizations (nm).
    npc_labels, corner_labels : array-like of int, shape (n,)
        NPC and corner label of every localization; 0 = not clustered.

    Returns
    -------
    pandas.DataFrame
        Columns ``corner``, ``npc`` (:func:`assign_corners`; 0 = in no NPC),
        ``x``, ``y`` (centroid, nm) and ``n_localizations``, sorted by corner.
    """
    xy, npc, corner = _inputs(xy, npc_labels, corner_labels)
    inside = corner > 0
    points = pd.DataFrame({"corner": corner[inside], "x": xy[inside, 0], "y": xy[inside, 1]})
    table = points.groupby("corner").agg(x=("x", "mean"), y=("y", "mean"), n_localizations=("x", "size")).reset_index()
    table.insert(1, "npc", assign_corners(npc, corner).reindex(table["corner"]).to_numpy(dtype=np.int64))
    return table[CORNER_COLUMNS]


def npc_table(xy, npc_labels, corner_labels) -> pd.DataFrame:
    r"""One row per NPC: centroid, localizations, mean radius and number of corners.

    Parameters
    ----------
    xy : array-like of shape (n, 2)
        Localizations (nm).
    npc_labels, corner_labels : array-like of int, shape (n,)
        NPC and corner label of every localization; 0 = not clustered.

    Returns
    -------
    pandas.DataFrame
        Columns ``npc``; ``x``, ``y``: centroid :math:`\bar{\mathbf{p}}` of
        its localizations (nm); ``n_localizations``; ``radius``: their mean
        distance to the centroid, :math:`\frac{1}{n}\sum_i
        \lVert\mathbf{p}_i - \bar{\mathbf{p}}\rVert` (nm; about 50 nm for
        Nup96); ``n_corners``: corner clusters that belong to it
        (:func:`assign_corners`). Sorted by NPC label.
    """
    xy, npc, corner = _inputs(xy, npc_labels, corner_labels)
    inside = npc > 0
    points = pd.DataFrame({"npc": npc[inside], "x": xy[inside, 0], "y": xy[inside, 1]})
    table = points.groupby("npc").agg(x=("x", "mean"), y=("y", "mean"), n_localizations=("x", "size")).reset_index()
    centre = table.set_index("npc").loc[points["npc"], ["x", "y"]].to_numpy()
    points["distance"] = np.hypot(*(points[["x", "y"]].to_numpy() - centre).T)
    table["radius"] = points.groupby("npc")["distance"].mean().to_numpy()
    owners = assign_corners(npc, corner)
    table["n_corners"] = owners[owners > 0].value_counts().reindex(table["npc"], fill_value=0).to_numpy(dtype=np.int64)
    return table[NPC_COLUMNS]


@dataclass(frozen=True)
class ExponentialFit:
    r"""Exponential law of counts :math:`n \ge n_0` (see :func:`fit_exponential`).

    Attributes
    ----------
    mean : float
        :math:`\lambda`, the mean of the exponential law (localizations).
    stderr : float
        Its asymptotic standard error.
    lower : int
        :math:`n_0`, the smallest count fitted.
    n : int
        Number of counts fitted (those :math:`\ge n_0`).
    """

    mean: float
    stderr: float
    lower: int
    n: int

    def pmf(self, k) -> np.ndarray:
        r"""Probability of the count ``k``: :math:`(1 - q)\,q^{k - n_0}` for :math:`k \ge n_0`, else 0."""
        k = np.asarray(k, dtype=float)
        q = np.exp(-1.0 / self.mean)
        return np.where(k >= self.lower, (1 - q) * q ** np.maximum(k - self.lower, 0), 0.0)


def fit_exponential(counts, lower: int | None = None) -> ExponentialFit:
    r"""Maximum-likelihood exponential law of integer counts, above a lower cutoff.

    The number of localizations of a corner is modelled as exponential with
    mean :math:`\lambda` and recorded as a whole number, i.e. geometric (the
    discrete exponential, :math:`N = \lfloor X \rfloor` for :math:`X \sim
    \mathrm{Exp}(\lambda)`). Clustering misses small corners (DBSCAN keeps no
    cluster below ``min_samples`` localizations), so only counts
    :math:`n \ge n_0` are fitted; by memorylessness they follow

    .. math::

        P(N = n \mid N \ge n_0) = (1 - q)\,q^{\,n - n_0}, \qquad
        q = e^{-1/\lambda}, \quad n = n_0, n_0 + 1, \dots

    whose maximum-likelihood estimate, with :math:`m = \overline{n - n_0}`
    the mean excess over the cutoff, is

    .. math::

        \hat q = \frac{m}{1 + m}, \qquad
        \hat\lambda = \frac{1}{\ln(1 + 1/m)} \approx m + \tfrac12,

    with asymptotic standard error (Fisher information of the geometric law
    and the delta method)

    .. math:: \operatorname{se}(\hat\lambda) = \frac{\hat\lambda^2}{\sqrt{N\,m\,(1 + m)}}.

    :math:`\hat\lambda` is the decay length of the histogram,
    :math:`P(n) \propto e^{-n/\lambda}`, which is what an exponential fit to
    the histogram of localizations per spot (Fig. 5f) reports.

    Parameters
    ----------
    counts : array-like of int
        Localizations per corner (or per any cluster), >= 0.
    lower : int, optional
        :math:`n_0`; counts below it are left out. Default: the smallest count
        (the corner DBSCAN's ``min_samples`` is the natural choice).

    Returns
    -------
    ExponentialFit

    Raises
    ------
    MiroInputError
        Counts that are not whole numbers >= 0, a bad cutoff, or fewer than two
        counts >= ``lower`` with at least one above it (no decay to fit).
    """
    values = whole_counts(counts, "counts")
    if lower is None:
        if values.size == 0:
            raise MiroInputError("counts: no counts to fit; need localizations per corner of at least two corners")
        lower = int(values.min())
    elif int(lower) != lower or lower < 0:
        raise MiroInputError(f"lower: must be a whole count >= 0 (e.g. the corner DBSCAN's min_samples), got {lower!r}")
    lower = int(lower)
    kept = values[values >= lower]
    excess = float(np.mean(kept - lower)) if kept.size else 0.0
    if kept.size < 2 or excess == 0:
        raise MiroInputError(
            f"counts: {kept.size} count(s) >= {lower}, none above it; an exponential needs at least two counts, some above the cutoff"
        )
    mean = 1.0 / np.log1p(1.0 / excess)
    stderr = mean**2 / np.sqrt(kept.size * excess * (1 + excess))
    return ExponentialFit(mean=float(mean), stderr=float(stderr), lower=lower, n=int(kept.size))


def corners_histogram(n_corners, max_corners: int = 8) -> pd.Series:
    """Number of NPCs with k = 0, 1, ..., corners.

    Parameters
    ----------
    n_corners : array-like of int
        Corners per NPC (``npc_table(...)["n_corners"]``).
    max_corners : int, default 8
        The histogram runs to ``max(max_corners, largest count)``.

    Returns
    -------
    pandas.Series
        Index ``k`` (corners), values the number of NPCs, named ``n_npcs``.
    """
    values = whole_counts(n_corners, "n_corners")
    top = max(int(max_corners), int(values.max()) if values.size else 0)
    return pd.Series(np.bincount(values, minlength=top + 1), index=pd.RangeIndex(top + 1, name="k"), name="n_npcs")


@dataclass(frozen=True)
class LabellingEfficiencyFit:
    r"""Effective labelling efficiency from visible corners (see :func:`fit_labelling_efficiency`).

    Attributes
    ----------
    p : float
        ELE, the probability that one protein copy is labelled and detected.
    stderr : float
        Asymptotic standard error of ``p``.
    p_corner : float
        :math:`p_c = 1 - (1 - p)^{m}`, the probability that a corner is seen.
    n : int
        NPCs fitted (those with ``k_min``..``n_corners`` corners).
    n_corners, proteins_per_corner, k_min : int
        The model's :math:`C`, :math:`m` and the smallest :math:`k` fitted.
    """

    p: float
    stderr: float
    p_corner: float
    n: int
    n_corners: int
    proteins_per_corner: int
    k_min: int

    def pmf(self, k) -> np.ndarray:
        r"""Fitted :math:`P(k \mid k_{\min} \le k \le C)`; 0 outside that range."""
        return _truncated_binomial(np.asarray(k), self.p_corner, self.n_corners, self.k_min)


def _truncated_binomial(k, p_corner: float, n_corners: int, k_min: int) -> np.ndarray:
    inside = (k >= k_min) & (k <= n_corners)
    norm = stats.binom.sf(k_min - 1, n_corners, p_corner)
    return np.where(inside, stats.binom.pmf(k, n_corners, p_corner) / norm, 0.0)


def fit_labelling_efficiency(
    n_corners, *, corners: int = 8, proteins_per_corner: int = 4, k_min: int = 3
) -> LabellingEfficiencyFit:
    r"""Effective labelling efficiency (ELE) from the number of corners seen per NPC.

    SMAP's model (Thevathasan et al. 2019; ``clusterfromlabeling.m``): each
    of the :math:`m` proteins of a corner is seen with probability :math:`p`,
    a corner is seen when at least one of them is, and the :math:`C` corners
    are independent:

    .. math::

        P(k) = \binom{C}{k} p_c^{\,k} (1 - p_c)^{C - k}, \qquad
        p_c = 1 - (1 - p)^{m},

    with :math:`C = 8`, :math:`m = 4` for Nup96. NPCs with few corners are
    hard to segment at all, so SMAP fits only :math:`k = k_{\min}..C`
    (:math:`k_{\min} = 3`). Here :math:`p_c` maximises the likelihood of the
    truncated binomial,

    .. math::

        \ell(p_c) = \sum_{k = k_{\min}}^{C} h_k
        \ln \frac{P(k)}{\sum_{j = k_{\min}}^{C} P(j)},

    with :math:`h_k` the number of NPCs with :math:`k` corners, and
    :math:`p = 1 - (1 - p_c)^{1/m}`. The standard error comes from the
    observed information :math:`-\ell''(p)` (numerical second derivative).

    Parameters
    ----------
    n_corners : array-like of int
        Corners per NPC; counts above ``corners`` (over-split NPCs) are left
        out, as are counts below ``k_min``.
    corners : int, default 8
        :math:`C`, corners per NPC.
    proteins_per_corner : int, default 4
        :math:`m` (4 for Nup96 and Nup107, SMAP's default).
    k_min : int, default 3
        Smallest number of corners fitted.

    Returns
    -------
    LabellingEfficiencyFit

    Raises
    ------
    MiroInputError
        Bad counts or settings, or no NPC with ``k_min``..``corners`` corners.
    """
    for name, value, low in (("corners", corners, 1), ("proteins_per_corner", proteins_per_corner, 1), ("k_min", k_min, 0)):
        check_whole_number(value, name, low)
    if k_min > corners:
        raise MiroInputError(f"k_min: must not exceed corners ({corners}), got {k_min}")
    values = whole_counts(n_corners, "n_corners")
    kept = values[(values >= k_min) & (values <= corners)]
    if kept.size == 0:
        raise MiroInputError(f"n_corners: no NPC with {k_min}..{corners} corners; the labelling efficiency cannot be fitted")
    hist = np.bincount(kept - k_min, minlength=corners - k_min + 1)
    ks = np.arange(k_min, corners + 1)

    def nll(p):
        p_corner = 1.0 - (1.0 - p) ** proteins_per_corner
        return -float(np.sum(hist * np.log(np.maximum(_truncated_binomial(ks, p_corner, corners, k_min), 1e-300))))

    eps = 1e-6
    p = float(optimize.minimize_scalar(nll, bounds=(eps, 1 - eps), method="bounded", options={"xatol": 1e-9}).x)
    h = 1e-3 * min(p, 1 - p)  # central difference; no information at a bound (p -> 0 or 1): NaN
    curvature = (nll(p + h) - 2 * nll(p) + nll(p - h)) / h**2 if min(p, 1 - p) > 10 * eps else np.nan
    stderr = float(1 / np.sqrt(curvature)) if curvature > 0 else float("nan")
    return LabellingEfficiencyFit(
        p=p, stderr=stderr, p_corner=float(1 - (1 - p) ** proteins_per_corner), n=int(kept.size),
        n_corners=int(corners), proteins_per_corner=int(proteins_per_corner), k_min=int(k_min),
    )


def summarize(
    npcs: pd.DataFrame,
    corners: pd.DataFrame,
    exponential: ExponentialFit | None = None,
    efficiency: LabellingEfficiencyFit | None = None,
    *,
    n_localizations: int | None = None,
    max_corners: int = 8,
    settings: Mapping[str, Mapping[str, object]] | None = None,
) -> pd.DataFrame:
    """The numbers of Fig. 5e–f as one table of ``quantity, value``.

    Parameters
    ----------
    npcs, corners : DataFrame
        From :func:`npc_table` and :func:`corner_table`.
    exponential : ExponentialFit, optional
        Fit of localizations per corner (:func:`fit_exponential`).
    efficiency : LabellingEfficiencyFit, optional
        ELE fit (:func:`fit_labelling_efficiency`).
    n_localizations : int, optional
        Localizations in the field, to report the share inside NPCs.
    max_corners : int, default 8
        Rows ``npcs_with_<k>_corners`` run from 0 to this (or the largest count).
    settings : mapping, optional
        How the labels were made, per scale, e.g. ``{"npc": {"step": 8,
        "eps_nm": 30, "min_samples": 16}, "corner": {...}}``; appended as rows
        ``<scale>_<key>``.

    Returns
    -------
    pandas.DataFrame
        Columns ``quantity`` and ``value``: counts of NPCs and corners, mean
        and SD of localizations per NPC, the mean number of localizations per
        corner (in NPCs) and its exponential fit, mean corners per NPC, the
        corners-per-NPC histogram and the ELE.
    """
    for name, table, columns in (("npcs", npcs, NPC_COLUMNS), ("corners", corners, CORNER_COLUMNS)):
        missing = [c for c in columns if c not in getattr(table, "columns", [])]
        if missing:
            raise MiroInputError(f"{name}: missing column(s) {', '.join(missing)}; pass the table of miro.analysis.npc.{name[:-1]}_table")
    in_npc = corners.loc[corners["npc"] > 0, "n_localizations"]
    rows = []
    if n_localizations is not None:
        rows += [("localizations", n_localizations),
                 ("share_of_localizations_in_npcs", npcs["n_localizations"].sum() / n_localizations if n_localizations else np.nan)]
    rows += [
        ("npcs", len(npcs)),
        ("mean_localizations_per_npc", npcs["n_localizations"].mean()),
        ("sd_localizations_per_npc", npcs["n_localizations"].std(ddof=1)),
        ("mean_npc_radius_nm", npcs["radius"].mean()),
        ("corners", len(corners)),
        ("corners_in_npcs", len(in_npc)),
        ("mean_localizations_per_corner", in_npc.mean()),
    ]
    if exponential is not None:
        rows += [("exponential_mean_localizations_per_corner", exponential.mean),
                 ("exponential_mean_stderr", exponential.stderr),
                 ("exponential_lower_cutoff", exponential.lower),
                 ("exponential_corners_fitted", exponential.n)]
    rows.append(("mean_corners_per_npc", npcs["n_corners"].mean()))
    rows += [(f"npcs_with_{k}_corners", int(v)) for k, v in corners_histogram(npcs["n_corners"], max_corners).items()]
    if efficiency is not None:
        rows += [("labelling_efficiency", efficiency.p),
                 ("labelling_efficiency_stderr", efficiency.stderr),
                 ("corner_detection_probability", efficiency.p_corner),
                 ("labelling_efficiency_npcs_fitted", efficiency.n)]
    rows += [(f"{scale}_{key}", value) for scale, values in (settings or {}).items() for key, value in values.items()]
    return pd.DataFrame(rows, columns=["quantity", "value"], dtype=object)  # counts stay whole numbers
