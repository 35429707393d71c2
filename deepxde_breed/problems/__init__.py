"""Ready-made PDE problems with their own reference solutions."""

from .allen_cahn import AllenCahn

__all__ = ["AllenCahn"]
