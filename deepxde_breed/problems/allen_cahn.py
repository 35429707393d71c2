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

import functools

import deepxde as dde
import numpy as np
import torch

from .._validation import check_choice, check_integer
from ..solvers import relative_l2_error, solve_allen_cahn_dirichlet, solve_allen_cahn_periodic

VARIANTS = ("deepxde", "paper")


class AllenCahn:
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

    breed_settings = {"sigma": 0.001, "ratio_start": 0.15, "ratio_end": 0.7, "ratio_steps": 5000}

    def __init__(self, variant="deepxde", num_points=None):
        self.variant = check_choice("variant", variant, VARIANTS)
        paper = variant == "paper"
        if num_points is None:
            num_points = 1000 if paper else 2000
        self.num_points = check_integer("num_points", num_points, minimum=1)

        self.diffusion = 1e-4 if paper else 1e-3
        self.reaction = 5.0
        self.default_iterations = 60000 if paper else 10000
        self.geometry = dde.geometry.GeometryXTime(
            dde.geometry.Interval(-1, 1), dde.geometry.TimeDomain(0, 1)
        )

    @property
    def description(self):
        """One-line description of the variant."""
        if self.variant == "paper":
            return "Allen-Cahn, D = 1e-4, periodic, soft initial condition (R3 and Breed papers)"
        return "Allen-Cahn, D = 0.001, Dirichlet u = -1, hard constraints (DeepXDE example)"

    def pde(self, x, u):
        """Return the residual ``u_t - D u_xx - 5 (u - u^3)`` at the inputs ``x = (x, t)``."""
        u_t = dde.grad.jacobian(u, x, i=0, j=1)
        u_xx = dde.grad.hessian(u, x, i=0, j=0)
        return u_t - self.diffusion * u_xx - self.reaction * (u - u**3)

    def build_data(self):
        """Build the DeepXDE ``TimePDE`` data object with ``num_points`` PDE points."""
        conditions = []
        if self.variant == "paper":
            x0 = np.linspace(-1, 1, 512, endpoint=False)[:, None]
            points = np.hstack([x0, np.zeros_like(x0)])
            conditions = [dde.icbc.PointSetBC(points, _initial_condition(x0))]
        return dde.data.TimePDE(
            self.geometry,
            self.pde,
            conditions,
            num_domain=self.num_points,
            num_boundary=0,
            num_initial=0,
            train_distribution="pseudo",
        )

    def build_net(self):
        """Build the variant's network, conditions and features included."""
        if self.variant == "paper":
            net = dde.nn.FNN([22] + [128] * 4 + [1], "tanh", "Glorot normal")
            net.apply_feature_transform(_fourier_features)
            return net

        net = dde.nn.FNN([2] + [20] * 3 + [1], "tanh", "Glorot normal")
        net.apply_output_transform(_hard_constraints)
        return net

    def build_model(self):
        """Build and compile a ``dde.Model`` with the variant's optimizer settings."""
        model = dde.Model(self.build_data(), self.build_net())
        if self.variant == "paper":
            model.compile("adam", lr=1e-3, decay=("step", 5000, 0.9), loss_weights=[1, 100])
        else:
            model.compile("adam", lr=1e-3)
        return model

    def reference(self):
        """Return the reference grid ``(x, t, u)`` with ``u[i, j] = u(x[j], t[i])``.

        The ``"deepxde"`` grid has 201 x 101 points, the ``"paper"`` grid 512 x 201,
        the layouts of the data sets that go with each setting.
        """
        return _reference_grid(self.variant)

    def predict_grid(self, model):
        """Return the network prediction on the reference grid, shaped like ``u``."""
        x, t, u = self.reference()
        xx, tt = np.meshgrid(x, t)
        inputs = np.stack([xx.ravel(), tt.ravel()], axis=1).astype(dde.config.real(np))
        return model.predict(inputs).reshape(u.shape)

    def relative_l2_error(self, model):
        """Return the relative L2 error of ``model`` on the reference grid."""
        return relative_l2_error(self.predict_grid(model), self.reference()[2])


def _initial_condition(x):
    return x**2 * np.cos(np.pi * x)


def _fourier_features(inputs):
    x, t = inputs[:, 0:1], inputs[:, 1:2]
    k = torch.arange(1, 11, dtype=inputs.dtype, device=inputs.device)
    return torch.cat([t, torch.ones_like(t), torch.cos(k * np.pi * x), torch.sin(k * np.pi * x)], dim=1)


def _hard_constraints(inputs, outputs):
    x, t = inputs[:, 0:1], inputs[:, 1:2]
    return x**2 * torch.cos(np.pi * x) + t * (1 - x**2) * outputs


@functools.lru_cache(maxsize=None)
def _reference_grid(variant):
    if variant == "paper":
        x = np.linspace(-1, 1, 512, endpoint=False)
        t = np.linspace(0, 1, 201)
        u = solve_allen_cahn_periodic(x, t)
    else:
        x = np.linspace(-1, 1, 201)
        t = np.linspace(0, 1, 101)
        u = solve_allen_cahn_dirichlet(x, t)
    for array in (x, t, u):
        array.setflags(write=False)
    return x, t, u
