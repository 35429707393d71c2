"""The Allen-Cahn equation in two settings, ready to train with DeepXDE.

``variant="deepxde"`` is DeepXDE's Allen-Cahn example:

    u_t - 0.001 u_xx - 5 (u - u^3) = 0,  x in [-1, 1],  t in [0, 1],
    u(+-1, t) = -1,  u(x, 0) = x^2 cos(pi x),

with both conditions built into the network output,
``u = x^2 cos(pi x) + t (1 - x^2) N(x, t)``. It trains to a small error within
minutes on a CPU.

``variant="paper"`` is the setting of Daw et al. (R3, ICML 2023) and Dymchenko and
Raffin (Breed, 2023), after Raissi et al. (2019):

    u_t - 1e-4 u_xx + 5 u^3 - 5 u = 0,  x in [-1, 1] periodic,  t in [0, 1],
    u(x, 0) = x^2 cos(pi x),

with a 4 x 128 tanh network on the Fourier features
``[t, 1, cos(k pi x), sin(k pi x)]``, k = 1..10 (exact periodicity), the initial
condition as a loss term of weight 100 on 512 evenly spaced points, 1000 PDE
points, and Adam with learning rate 1e-3 decayed by 0.9 every 5000 steps. A plain
PINN fails on it with a relative L2 error near 0.5.

Each variant has a reference solution from the project's spectral solvers in
:mod:`deepxde_breed.solvers`.
"""

import deepxde as dde
import numpy as np
import torch

from .._validation import check_choice
from ..solvers import solve_allen_cahn_dirichlet, solve_allen_cahn_periodic
from .base import PINNProblem

VARIANTS = ("deepxde", "paper")


class AllenCahn(PINNProblem):
    """Allen-Cahn problem: geometry, PDE, conditions, network, reference solution.

    Parameters
    ----------
    variant : {"deepxde", "paper"}, default "deepxde"
        Setting of the problem, see the module documentation.
    num_points : int or None
        Number of PDE collocation points ``N_s``. ``None`` takes the variant's
        default: 2000 for ``"deepxde"`` and 1000 for ``"paper"``.

    Attributes
    ----------
    default_iterations : int
        Adam iterations of the variant's reference setting: 10,000 for
        ``"deepxde"`` (a few minutes on a 2-core CPU) and 60,000 for ``"paper"``.
    breed_settings : dict
        Keyword arguments of :class:`~deepxde_breed.BreedResampler` for this
        problem: the Allen-Cahn settings of Dymchenko and Raffin, sigma = 0.001 and
        the scenario (0.15, 0.7, 5000).
    """

    name = "allen-cahn"
    variants = VARIANTS
    breed_settings = {"sigma": 0.001, "ratio_start": 0.15, "ratio_end": 0.7, "ratio_steps": 5000}

    def __init__(self, variant="deepxde", num_points=None):
        self.variant = check_choice("variant", variant, VARIANTS)
        paper = variant == "paper"
        self.default_num_points = 1000 if paper else 2000
        self.default_iterations = 60000 if paper else 10000
        self.diffusion = 1e-4 if paper else 1e-3
        self.reaction = 5.0
        super().__init__(num_points)

    @property
    def description(self):
        """One-line description of the variant."""
        if self.variant == "paper":
            return "Allen-Cahn, D = 1e-4, periodic, soft initial condition (R3 and Breed papers)"
        return "Allen-Cahn, D = 0.001, Dirichlet u = -1, hard constraints (DeepXDE example)"

    def build_geometry(self):
        """Build the space-time domain [-1, 1] x [0, 1]."""
        return dde.geometry.GeometryXTime(dde.geometry.Interval(-1, 1), dde.geometry.TimeDomain(0, 1))

    def pde(self, x, u):
        """Return the residual ``u_t - D u_xx - 5 (u - u^3)`` at the inputs ``x = (x, t)``."""
        u_t = dde.grad.jacobian(u, x, i=0, j=1)
        u_xx = dde.grad.hessian(u, x, i=0, j=0)
        return u_t - self.diffusion * u_xx - self.reaction * (u - u**3)

    def conditions(self):
        """Return the soft initial condition of the paper variant, or nothing."""
        if self.variant != "paper":
            return []
        x0 = np.linspace(-1, 1, 512, endpoint=False)[:, None]
        points = np.hstack([x0, np.zeros_like(x0)])
        return [dde.icbc.PointSetBC(points, _initial_condition(x0))]

    def build_net(self):
        """Build the variant's network, conditions and features included."""
        if self.variant == "paper":
            net = dde.nn.FNN([22] + [128] * 4 + [1], "tanh", "Glorot normal")
            net.apply_feature_transform(_fourier_features)
            return net

        net = dde.nn.FNN([2] + [20] * 3 + [1], "tanh", "Glorot normal")
        net.apply_output_transform(_hard_constraints)
        return net

    def compile(self, model):
        """Compile with Adam at 1e-3; the paper variant decays it and weights the initial loss."""
        if self.variant == "paper":
            model.compile("adam", lr=1e-3, decay=("step", 5000, 0.9), loss_weights=[1, 100])
        else:
            model.compile("adam", lr=1e-3)

    def compute_reference(self):
        """Solve on the grid of the data set that goes with the variant.

        The ``"deepxde"`` grid has 201 x 101 points (x, t), the ``"paper"`` grid
        512 x 201.
        """
        if self.variant == "paper":
            x = np.linspace(-1, 1, 512, endpoint=False)
            t = np.linspace(0, 1, 201)
            return x, t, solve_allen_cahn_periodic(x, t)
        x = np.linspace(-1, 1, 201)
        t = np.linspace(0, 1, 101)
        return x, t, solve_allen_cahn_dirichlet(x, t)

    def reference_key(self):
        """Return the key of the cached reference: one per variant."""
        return (type(self), self.variant)


def _initial_condition(x):
    return x**2 * np.cos(np.pi * x)


def _fourier_features(inputs):
    x, t = inputs[:, 0:1], inputs[:, 1:2]
    k = torch.arange(1, 11, dtype=inputs.dtype, device=inputs.device)
    return torch.cat([t, torch.ones_like(t), torch.cos(k * np.pi * x), torch.sin(k * np.pi * x)], dim=1)


def _hard_constraints(inputs, outputs):
    x, t = inputs[:, 0:1], inputs[:, 1:2]
    return x**2 * torch.cos(np.pi * x) + t * (1 - x**2) * outputs
