"""MIRO: Multifunctional Integration through Relational Optimization.

A recurrent graph neural network that moves every single-molecule localization
toward the centre of its cluster, so that DBSCAN on the moved points clusters
far better (Pineda et al., "Spatial Clustering of Molecular Localizations with
Graph Neural Networks"). All lengths are in nanometres unless a docstring says
otherwise.
"""

__version__ = "0.1.0"
