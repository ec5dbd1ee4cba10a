"""Point-level agreement of two partitions of the localizations: ARI, ARI_c, ARI† and AMI.

Conventions and references: :mod:`miro.evaluation.metrics`.
"""

from __future__ import annotations

from numpy.typing import ArrayLike
from scipy.special import comb
from sklearn.metrics import adjusted_mutual_info_score, adjusted_rand_score
from sklearn.metrics.cluster import contingency_matrix

from miro._validation import check_label_pair

__all__ = ["ari", "ari_c", "ari_dagger", "ami"]


def ari(labels_true: ArrayLike, labels_pred: ArrayLike) -> float:
    r"""Adjusted Rand index over all localizations, background included.

    Parameters
    ----------
    labels_true : array-like of int, shape (n,)
        Ground-truth labels; 0 = non-clustered.
    labels_pred : array-like of int, shape (n,)
        Predicted labels; 0 = non-clustered.

    Returns
    -------
    float
        Between -0.5 and 1; 1 for identical partitions (up to relabelling),
        close to 0 for random labels.

    Notes
    -----
    With the contingency table :math:`n_{ij}` of the two partitions (the
    background is one class of each), :math:`N = \binom{n}{2}`,
    :math:`T = \sum_{ij} \binom{n_{ij}}{2}`,
    :math:`P = \sum_i \binom{n_{i+}}{2}` and :math:`Q = \sum_j \binom{n_{+j}}{2}`,

    .. math:: \mathrm{ARI} = \frac{T - PQ/N}{(P + Q)/2 - PQ/N}.

    This is :func:`sklearn.metrics.adjusted_rand_score`, equal to the
    ``mclustcomp`` "adjrand" score of the Nieves et al. R code. Edge cases
    follow scikit-learn: two partitions that are both a single cluster (e.g. all
    background) or both all singletons score 1.0.

    Because every background localization is a member of one large class, ARI
    mostly rewards the clustered/non-clustered split and says little about
    small clusters (Pineda et al., "Comparison of ARI-like metrics").

    References
    ----------
    .. [1] L. Hubert and P. Arabie, "Comparing partitions", J. Classif. 2,
       193-218 (1985).
    .. [2] D. J. Nieves et al., Nat. Methods 20, 259-267 (2023).

    Examples
    --------
    >>> round(ari([0, 0, 1, 1], [0, 0, 1, 2]), 4)
    0.5714
    """
    labels_true, labels_pred = check_label_pair(labels_true, labels_pred)
    return float(adjusted_rand_score(labels_true, labels_pred))


def ari_c(labels_true: ArrayLike, labels_pred: ArrayLike) -> float:
    """Adjusted Rand index over the localizations that are clustered in the ground truth.

    Parameters
    ----------
    labels_true : array-like of int, shape (n,)
        Ground-truth labels; 0 = non-clustered.
    labels_pred : array-like of int, shape (n,)
        Predicted labels; 0 = non-clustered.

    Returns
    -------
    float
        :func:`ari` of the two partitions restricted to the localizations with
        ``labels_true != 0``; NaN when the ground truth has no clustered
        localization.

    Notes
    -----
    Only ground-truth background is removed. Clustered localizations that the
    prediction calls background keep their label 0, so they form one extra
    predicted cluster and missing them lowers the score. Background
    localizations wrongly put into clusters are not seen at all.

    With no ground-truth cluster there is nothing to score, so the result is
    NaN (scikit-learn would score the empty subset 1.0, which would reward any
    prediction). If the ground truth has a single cluster, the score is 1.0 when
    the prediction puts all its localizations under one label and 0.0
    otherwise (scikit-learn's convention).

    This is the MIRO authors' ``compute_ARI_clust``; Pineda et al. take the
    idea from Saavedra et al.

    References
    ----------
    .. [1] L. A. Saavedra, A. Mosqueira and F. J. Barrantes, "A supervised
       graph-based deep learning algorithm to detect and quantify clustered
       particles", Nanoscale (2024).
    .. [2] L. Hubert and P. Arabie, "Comparing partitions", J. Classif. 2,
       193-218 (1985).
    .. [3] J. Pineda et al., arXiv:2412.00173 (2024), "Metrics for performance
       evaluation".

    Examples
    --------
    Predicted background is one more cluster; ground-truth background is ignored:

    >>> ari_c([0, 0, 1, 1, 2, 2], [5, 5, 1, 1, 0, 0])
    1.0
    >>> round(ari_c([0, 0, 1, 1, 2, 2], [0, 0, 1, 0, 2, 0]), 4)
    -0.2857
    """
    labels_true, labels_pred = check_label_pair(labels_true, labels_pred)
    return _ari_c(labels_true, labels_pred)


def _ari_c(labels_true, labels_pred):
    clustered = labels_true != 0
    if not clustered.any():
        return float("nan")
    return float(adjusted_rand_score(labels_true[clustered], labels_pred[clustered]))


def ari_dagger(labels_true: ArrayLike, labels_pred: ArrayLike) -> float:
    r"""ARI† of Warrens & van der Hoef: ARI from unweighted cluster-level indices.

    Parameters
    ----------
    labels_true : array-like of int, shape (n,)
        Ground-truth labels; 0 = non-clustered (one class, like any cluster).
    labels_pred : array-like of int, shape (n,)
        Predicted labels; 0 = non-clustered.

    Returns
    -------
    float
        At most 1; 1 for identical partitions. Clipped to 0 where the MIRO code
        clips it (see Notes).

    Notes
    -----
    Notation as in :func:`ari`. The adjusted Wallace index of ground-truth
    cluster :math:`i` and of predicted cluster :math:`j` are

    .. math::

        AW_i = \frac{N \sum_j \binom{n_{ij}}{2} - \binom{n_{i+}}{2} Q}
                    {\binom{n_{i+}}{2} (N - Q)}, \qquad
        AV_j = \frac{N \sum_i \binom{n_{ij}}{2} - \binom{n_{+j}}{2} P}
                    {\binom{n_{+j}}{2} (N - P)}.

    ARI is the harmonic mean of their averages weighted by
    :math:`\binom{n_{i+}}{2}` and :math:`\binom{n_{+j}}{2}`; ARI† takes the
    harmonic mean of their *unweighted* averages, so that a small cluster
    counts as much as the background:

    .. math:: \mathrm{ARI}^\dagger = \frac{2\,\overline{AW}\,\overline{AV}}
                                           {\overline{AW} + \overline{AV}}.

    The averages follow the MIRO authors' code (``compute_ARI_dagger``)
    exactly, because that is what produced their tables:

    * they run over the clusters with a non-zero index only, so clusters of
      one localization (whose index is undefined) and any cluster whose index is
      exactly 0 drop out;
    * the background is one cluster of each partition, with the same weight as
      any other;
    * the score is 0 when :math:`\overline{AW} + \overline{AV} \le 0`, and
      when either average is over no cluster at all.

    When exactly one partition is a single cluster (e.g. everything predicted
    as background) the indices are 0/0; the MIRO code then returns 0, and so
    does this function. When both partitions are a single cluster, or both are
    all singletons, they are identical and the score is 1.0 (the convention of
    :func:`sklearn.metrics.adjusted_rand_score`; the MIRO code returns 0).

    References
    ----------
    .. [1] M. J. Warrens and H. van der Hoef, "Understanding the adjusted Rand
       index and other partition comparison indices based on counting object
       pairs", J. Classif. 39, 487-509 (2022).
    .. [2] L. Hubert and P. Arabie, "Comparing partitions", J. Classif. 2,
       193-218 (1985).
    .. [3] J. Pineda et al., arXiv:2412.00173 (2024), "Comparison of ARI-like
       metrics".

    Examples
    --------
    >>> round(ari_dagger([0, 0, 0, 1, 1, 1], [0, 0, 1, 1, 1, 1]), 4)
    0.4565
    """
    labels_true, labels_pred = check_label_pair(labels_true, labels_pred)
    return _ari_dagger(labels_true, labels_pred)


def _ari_dagger(labels_true, labels_pred):
    table = contingency_matrix(labels_true, labels_pred)
    n_true, n_pred = table.shape
    n_samples = labels_true.size
    if n_true == n_pred and n_true in (1, n_samples):  # both one cluster, or both all singletons
        return 1.0
    n_pairs = comb(n_samples, 2)
    pairs_both = comb(table, 2)
    pairs_true = comb(table.sum(axis=1), 2)
    pairs_pred = comb(table.sum(axis=0), 2)
    p, q = pairs_true.sum(), pairs_pred.sum()
    if p == n_pairs or q == n_pairs:  # one side is a single cluster: AW_i or AV_j is 0/0
        return 0.0
    # Clusters of one localization have no pair (0/0); the authors set them to 0 and drop them.
    rows, cols = pairs_true > 0, pairs_pred > 0
    aw = (n_pairs * pairs_both.sum(axis=1)[rows] - pairs_true[rows] * q) / (
        pairs_true[rows] * (n_pairs - q)
    )
    av = (n_pairs * pairs_both.sum(axis=0)[cols] - pairs_pred[cols] * p) / (
        pairs_pred[cols] * (n_pairs - p)
    )
    aw, av = aw[aw != 0], av[av != 0]
    if aw.size == 0 or av.size == 0:
        return 0.0
    mean_aw, mean_av = aw.mean(), av.mean()
    if mean_aw + mean_av <= 0:
        return 0.0
    return float(2 * mean_aw * mean_av / (mean_aw + mean_av))


def ami(labels_true: ArrayLike, labels_pred: ArrayLike) -> float:
    r"""Adjusted mutual information over all localizations, background included.

    Parameters
    ----------
    labels_true : array-like of int, shape (n,)
        Ground-truth labels; 0 = non-clustered.
    labels_pred : array-like of int, shape (n,)
        Predicted labels; 0 = non-clustered.

    Returns
    -------
    float
        At most 1; 1 for identical partitions, close to 0 for random labels.

    Notes
    -----
    .. math:: \mathrm{AMI} = \frac{I(U, V) - E[I(U, V)]}
                                  {\tfrac12 [H(U) + H(V)] - E[I(U, V)]},

    with :math:`I` the mutual information, :math:`H` the entropy and the
    expectation taken under the hypergeometric (permutation) model. This is
    Vinh et al.'s :math:`\mathrm{AMI}_\mathrm{sum}`, i.e.
    :func:`sklearn.metrics.adjusted_mutual_info_score` with
    ``average_method="arithmetic"`` (the MIRO authors call it with that
    default). Two single-cluster partitions score 1.0 (scikit-learn's
    convention).

    References
    ----------
    .. [1] N. X. Vinh, J. Epps and J. Bailey, "Information theoretic measures
       for clusterings comparison: variants, properties, normalization and
       correction for chance", J. Mach. Learn. Res. 11, 2837-2854 (2010).

    Examples
    --------
    >>> ami([0, 0, 1, 1], [1, 1, 0, 0])
    1.0
    """
    labels_true, labels_pred = check_label_pair(labels_true, labels_pred)
    return _ami(labels_true, labels_pred)


def _ami(labels_true, labels_pred):
    return float(
        adjusted_mutual_info_score(labels_true, labels_pred, average_method="arithmetic")
    )
