"""Reference solvers for the PDE benchmarks used with adaptive collocation sampling."""

from .allen_cahn import (
    relative_l2_error,
    solve_allen_cahn_dirichlet,
    solve_allen_cahn_periodic,
)
from .burgers import solve_burgers

__all__ = [
    "relative_l2_error",
    "solve_allen_cahn_dirichlet",
    "solve_allen_cahn_periodic",
    "solve_burgers",
]
