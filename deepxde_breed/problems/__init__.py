"""Ready-made problems, by name.

``PROBLEMS`` maps each name to the class that builds the problem. PINN problems
derive from :class:`~deepxde_breed.problems.base.PINNProblem`; a surrogate
problem, trained on simulator outputs instead of PDE residuals, provides its own
``train`` method.
"""

from .allen_cahn import AllenCahn
from .base import PINNProblem
from .burgers import Burgers
from .convection import Convection, ConvectionBeta30, ConvectionBeta50
from .diffusion import Diffusion
from .helmholtz import Helmholtz
from .ipgd import IPGD
from .reaction import Reaction
from .wave import Wave

PROBLEMS = {
    AllenCahn.name: AllenCahn,
    Burgers.name: Burgers,
    ConvectionBeta30.name: ConvectionBeta30,
    ConvectionBeta50.name: ConvectionBeta50,
    Diffusion.name: Diffusion,
    Helmholtz.name: Helmholtz,
    IPGD.name: IPGD,
    Reaction.name: Reaction,
    Wave.name: Wave,
}


def get_problem(name, **options):
    """Build the problem registered under ``name`` with keyword ``options``.

    Raises
    ------
    ValueError
        If no problem has that name.
    """
    if name not in PROBLEMS:
        known = ", ".join(sorted(PROBLEMS))
        raise ValueError(f"problem must be one of {known}, got {name!r}")
    return PROBLEMS[name](**options)


def list_problems():
    """Return ``(name, description)`` pairs of every registered problem, by name."""
    return [(name, PROBLEMS[name]().description) for name in sorted(PROBLEMS)]


__all__ = [
    "PROBLEMS",
    "AllenCahn",
    "Burgers",
    "Convection",
    "ConvectionBeta30",
    "ConvectionBeta50",
    "Diffusion",
    "Helmholtz",
    "IPGD",
    "PINNProblem",
    "Reaction",
    "Wave",
    "get_problem",
    "list_problems",
]
