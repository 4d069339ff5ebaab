"""PruneAtlas: a checked atlas of published neural-network pruning results."""

__version__ = "0.1.0"
