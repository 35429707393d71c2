"""The reaction equation of Krishnapriyan et al. (2021), ready to train with DeepXDE.

    u_t - rho u (1 - u) = 0,  rho = 5,  x in [0, 2 pi] periodic,  t in [0, 1],
    u(x, 0) = h(x) = exp(-(x - pi)^2 / (2 (pi / 4)^2)).

Each x follows the logistic equation, so the exact solution is
u = h e^(rho t) / (h e^(rho t) + 1 - h). The setting is the reaction problem of
Krishnapriyan, Gholami, Zhe, Kirby and Mahoney ("Characterizing possible failure
modes in physics-informed neural networks", NeurIPS 2021), with the initial
condition and the reference grid of their public code.

The network, the periodic input features and the initial-condition loss are those
of :mod:`deepxde_breed.problems.convection`. The PDE has no x-derivative, so the
features matter only for the network's shape. h(0) = h(2 pi), but its slope
there is +-(16 / pi) e^(-8), about 1.7e-3, so the periodic network cannot match
the small kink of the periodic extension of h.
"""

import deepxde as dde
import numpy as np

from .base import PINNProblem
from .convection import (
    INITIAL_LOSS_WEIGHT,
    PERIODIC_BREED_SIGMA,
    initial_condition_points,
    periodic_net,
    periodic_reference_grid,
)

RHO = 5.0


class Reaction(PINNProblem):
    """Reaction problem with rho = 5: geometry, PDE, conditions, network, reference.

    Parameters
    ----------
    num_points : int or None
        Number of PDE collocation points ``N_s``. ``None`` takes 1000.
    """

    name = "reaction"
    description = "reaction u_t = 5 u (1 - u), periodic, soft initial condition (Krishnapriyan et al. 2021)"
    default_num_points = 1000
    # Measured 5.8 ms per Adam step with OMP_NUM_THREADS=1 on a shared 2-core
    # x86-64 machine, so a default run trains for about 60 s.
    default_iterations = 10000
    breed_settings = {"sigma": PERIODIC_BREED_SIGMA, "ratio_start": 0.15, "ratio_end": 0.7, "ratio_steps": 5000}

    def build_geometry(self):
        """Build the space-time domain [0, 2 pi] x [0, 1]."""
        return dde.geometry.GeometryXTime(dde.geometry.Interval(0, 2 * np.pi), dde.geometry.TimeDomain(0, 1))

    def pde(self, x, u):
        """Return the residual ``u_t - rho u (1 - u)`` at the inputs ``x = (x, t)``."""
        u_t = dde.grad.jacobian(u, x, i=0, j=1)
        return u_t - RHO * u * (1 - u)

    def conditions(self):
        """Return the initial condition u(x, 0) = h(x) on 256 evenly spaced points."""
        return [initial_condition_points(initial_condition)]

    def build_net(self):
        """Build the FNN with 4 hidden layers of 50 (tanh, Glorot normal) on Fourier features."""
        return periodic_net()

    def compile(self, model):
        """Compile with Adam at 1e-3 and the initial loss weighted by 100."""
        model.compile("adam", lr=1e-3, loss_weights=[1, INITIAL_LOSS_WEIGHT])

    def compute_reference(self):
        """Evaluate the exact solution on the 256 x 100 grid (x, t) of Krishnapriyan et al."""
        x, t = periodic_reference_grid()
        grid_x, grid_t = np.meshgrid(x, t)
        return x, t, exact_solution(grid_x, grid_t)


def initial_condition(x):
    """Return the Gaussian h(x) centred at pi with standard deviation pi / 4."""
    return np.exp(-((x - np.pi) ** 2) / (2 * (np.pi / 4) ** 2))


def exact_solution(x, t, rho=RHO):
    """Return h e^(rho t) / (h e^(rho t) + 1 - h), the logistic growth of h(x)."""
    growth = initial_condition(x) * np.exp(rho * t)
    return growth / (growth + 1 - initial_condition(x))
