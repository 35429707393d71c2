"""The viscous Burgers equation of Raissi et al. (2019), ready to train with DeepXDE.

    u_t + u u_x - (0.01 / pi) u_xx = 0,  x in [-1, 1],  t in [0, 1],
    u(+-1, t) = 0,  u(x, 0) = -sin(pi x).

The network is that of DeepXDE's Burgers example, but both conditions are built
into the output, ``u = -sin(pi x) + t (1 - x^2) N(x, t)``, so that all training
points are PDE points. The reference is the Cole-Hopf solution of
:func:`deepxde_breed.solvers.solve_burgers`.
"""

import deepxde as dde
import numpy as np
import torch

from ..solvers import solve_burgers
from .base import PINNProblem

VISCOSITY = 0.01 / np.pi


class Burgers(PINNProblem):
    """Burgers problem with hard Dirichlet and initial conditions.

    Parameters
    ----------
    num_points : int or None
        Number of PDE collocation points ``N_s``. ``None`` takes 2000.
    """

    name = "burgers"
    description = "Burgers, nu = 0.01/pi, shock at x = 0, hard constraints (Raissi et al. 2019)"
    default_num_points = 2000
    # Measured 7.7 ms per Adam step with OMP_NUM_THREADS=1 on a shared 2-core
    # x86-64 machine, so a default run trains for about 80 s.
    default_iterations = 10000
    # The domain is that of the Allen-Cahn problem, so Breed keeps its variance of
    # 0.001 (standard deviation 0.032) and its scenario, whose ratio ramp covers
    # the first half of the default run.
    breed_settings = {"sigma": 0.001, "ratio_start": 0.15, "ratio_end": 0.7, "ratio_steps": 5000}

    def build_geometry(self):
        """Build the space-time domain [-1, 1] x [0, 1]."""
        return dde.geometry.GeometryXTime(dde.geometry.Interval(-1, 1), dde.geometry.TimeDomain(0, 1))

    def pde(self, x, u):
        """Return the residual ``u_t + u u_x - nu u_xx`` at the inputs ``x = (x, t)``."""
        u_x = dde.grad.jacobian(u, x, i=0, j=0)
        u_t = dde.grad.jacobian(u, x, i=0, j=1)
        u_xx = dde.grad.hessian(u, x, i=0, j=0)
        return u_t + u * u_x - VISCOSITY * u_xx

    def build_net(self):
        """Build the FNN 2-20-20-20-1 (tanh, Glorot normal) with the conditions built in."""
        net = dde.nn.FNN([2] + [20] * 3 + [1], "tanh", "Glorot normal")
        net.apply_output_transform(_hard_constraints)
        return net

    def compute_reference(self):
        """Evaluate the Cole-Hopf solution on 256 x 101 points (x, t).

        The x values are those of the published data set ``burgers_shock.mat``.
        """
        x = np.linspace(-1, 1, 256)
        t = np.linspace(0, 1, 101)
        return x, t, solve_burgers(x, t, viscosity=VISCOSITY)


def _hard_constraints(inputs, outputs):
    x, t = inputs[:, 0:1], inputs[:, 1:2]
    return -torch.sin(np.pi * x) + t * (1 - x**2) * outputs
