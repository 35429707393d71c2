"""The periodic convection equation of Krishnapriyan et al. (2021), ready to train.

    u_t + beta u_x = 0,  x in [0, 2 pi] periodic,  t in [0, 1],  u(x, 0) = sin x,

with the exact solution u = sin(x - beta t). Krishnapriyan, Gholami, Zhe, Kirby
and Mahoney ("Characterizing possible failure modes in physics-informed neural
networks", NeurIPS 2021) show that a plain PINN fails for large beta, and Daw et
al. ("Mitigating propagation failures in physics-informed neural networks using
retain-resample-release (R3) sampling", ICML 2023) use this equation with large
beta to study propagation failures.

The network has the hidden layers of the public code of Krishnapriyan et al.
(4 x 50, tanh) on Fourier features of x, which make it exactly 2 pi-periodic, so
the boundary condition needs no loss term. The initial condition is a loss term
of weight 100 on 256 evenly spaced points, as in the Allen-Cahn ``paper``
variant. Their code instead trains with L-BFGS and imposes the initial and the
periodic conditions as loss terms.
"""

import deepxde as dde
import numpy as np
import torch

from .._validation import check_real
from .base import PINNProblem

# Highest wavenumber k of the input features cos(k x) and sin(k x).
NUM_FOURIER_MODES = 10
# Weight of the initial-condition loss relative to the PDE loss.
INITIAL_LOSS_WEIGHT = 100
# Breed variance per coordinate (x, t). A standard deviation of 1.6% of the x
# extent, as sigma = 0.001 gives on the Allen-Cahn x range [-1, 1], is a
# variance of 0.01 on [0, 2 pi]. The t range is [0, 1] in both problems, so t
# keeps the Allen-Cahn value.
PERIODIC_BREED_SIGMA = (0.01, 0.001)


class Convection(PINNProblem):
    """Convection problem with speed ``beta``: geometry, PDE, conditions, network, reference.

    ``PROBLEMS`` contains the two subclasses :class:`ConvectionBeta30` and
    :class:`ConvectionBeta50`, which fix ``beta``.

    Parameters
    ----------
    beta : float, default 30.0
        Convection speed, a finite real number.
    num_points : int or None
        Number of PDE collocation points ``N_s``. ``None`` takes 1000.
    """

    name = "convection"
    default_num_points = 1000
    # Measured 5.9 ms per Adam step with OMP_NUM_THREADS=1 on a shared 2-core
    # x86-64 machine, so a default run trains for about 60 s.
    default_iterations = 10000
    breed_settings = {"sigma": PERIODIC_BREED_SIGMA, "ratio_start": 0.15, "ratio_end": 0.7, "ratio_steps": 5000}

    def __init__(self, beta=30.0, num_points=None):
        self.beta = check_real("beta", beta)
        super().__init__(num_points)

    @property
    def description(self):
        """One-line description with the speed."""
        return f"convection, beta = {self.beta:g}, periodic, soft initial condition (Krishnapriyan et al. 2021)"

    def build_geometry(self):
        """Build the space-time domain [0, 2 pi] x [0, 1]."""
        return dde.geometry.GeometryXTime(dde.geometry.Interval(0, 2 * np.pi), dde.geometry.TimeDomain(0, 1))

    def pde(self, x, u):
        """Return the residual ``u_t + beta u_x`` at the inputs ``x = (x, t)``."""
        u_x = dde.grad.jacobian(u, x, i=0, j=0)
        u_t = dde.grad.jacobian(u, x, i=0, j=1)
        return u_t + self.beta * u_x

    def conditions(self):
        """Return the initial condition u(x, 0) = sin x on 256 evenly spaced points."""
        return [initial_condition_points(np.sin)]

    def build_net(self):
        """Build the FNN with 4 hidden layers of 50 (tanh, Glorot normal) on Fourier features."""
        return periodic_net()

    def compile(self, model):
        """Compile with Adam at 1e-3 and the initial loss weighted by 100."""
        model.compile("adam", lr=1e-3, loss_weights=[1, INITIAL_LOSS_WEIGHT])

    def compute_reference(self):
        """Evaluate sin(x - beta t) on the 256 x 100 grid (x, t) of Krishnapriyan et al."""
        x, t = periodic_reference_grid()
        grid_x, grid_t = np.meshgrid(x, t)
        return x, t, exact_solution(grid_x, grid_t, self.beta)

    def reference_key(self):
        """Return the key of the cached reference: one per speed."""
        return (Convection, self.beta)


class ConvectionBeta30(Convection):
    """Convection problem with beta = 30."""

    name = "convection-beta30"

    def __init__(self, num_points=None):
        super().__init__(beta=30.0, num_points=num_points)


class ConvectionBeta50(Convection):
    """Convection problem with beta = 50."""

    name = "convection-beta50"

    def __init__(self, num_points=None):
        super().__init__(beta=50.0, num_points=num_points)


def exact_solution(x, t, beta):
    """Return sin(x - beta t)."""
    return np.sin(x - beta * t)


def periodic_features(inputs):
    """Map (x, t) to [t, 1, cos(k x), sin(k x)], k = 1..NUM_FOURIER_MODES."""
    x, t = inputs[:, 0:1], inputs[:, 1:2]
    k = torch.arange(1, NUM_FOURIER_MODES + 1, dtype=inputs.dtype, device=inputs.device)
    return torch.cat([t, torch.ones_like(t), torch.cos(k * x), torch.sin(k * x)], dim=1)


def periodic_net():
    """Build the 4 x 50 tanh FNN on the 2 pi-periodic features of x."""
    net = dde.nn.FNN([2 + 2 * NUM_FOURIER_MODES] + [50] * 4 + [1], "tanh", "Glorot normal")
    net.apply_feature_transform(periodic_features)
    return net


def initial_condition_points(function):
    """Return a PointSetBC for u(x, 0) = function(x) on 256 evenly spaced x in [0, 2 pi)."""
    x0 = np.linspace(0, 2 * np.pi, 256, endpoint=False)[:, None]
    points = np.hstack([x0, np.zeros_like(x0)])
    return dde.icbc.PointSetBC(points, function(x0))


def periodic_reference_grid():
    """Return the grid of Krishnapriyan et al.: 256 x in [0, 2 pi) and 100 t in [0, 1]."""
    return np.linspace(0, 2 * np.pi, 256, endpoint=False), np.linspace(0, 1, 100)
