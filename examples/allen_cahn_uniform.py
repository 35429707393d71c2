"""Train DeepXDE's Allen-Cahn example with uniform resampling of the PDE points.

The equation is u_t - 0.001 u_xx - 5 (u - u^3) = 0 for x in [-1, 1], t in [0, 1],
with u(x, 0) = x^2 cos(pi x) and u(-1, t) = u(1, t) = -1. Both conditions are built
into the network output, so the PDE residual is the only loss term. Every 100
iterations UniformResampler replaces the 2000 PDE points with new points drawn
uniformly in the domain, the baseline for the loss-driven samplers.

Run it with ``python examples/allen_cahn_uniform.py``. Set
DEEPXDE_BREED_EXAMPLE_ITERATIONS to train for fewer iterations.
"""

import logging
import os

os.environ.setdefault("DDE_BACKEND", "pytorch")

import deepxde as dde  # noqa: E402
import numpy as np  # noqa: E402
import torch  # noqa: E402

from deepxde_breed import UniformResampler  # noqa: E402
from deepxde_breed.solvers import relative_l2_error, solve_allen_cahn_dirichlet  # noqa: E402

ITERATIONS = int(os.environ.get("DEEPXDE_BREED_EXAMPLE_ITERATIONS", 10000))

logging.basicConfig(level=logging.INFO)
dde.config.set_random_seed(0)


def pde(inputs, u):
    u_t = dde.grad.jacobian(u, inputs, i=0, j=1)
    u_xx = dde.grad.hessian(u, inputs, i=0, j=0)
    return u_t - 0.001 * u_xx - 5 * (u - u**3)


def hard_constraints(inputs, outputs):
    # Equals x^2 cos(pi x) at t = 0 and -1 at x = +-1 for any network output.
    x, t = inputs[:, 0:1], inputs[:, 1:2]
    return x**2 * torch.cos(np.pi * x) + t * (1 - x**2) * outputs


geometry = dde.geometry.GeometryXTime(dde.geometry.Interval(-1, 1), dde.geometry.TimeDomain(0, 1))
data = dde.data.TimePDE(geometry, pde, [], num_domain=2000, num_boundary=0, num_initial=0)
net = dde.nn.FNN([2] + [20] * 3 + [1], "tanh", "Glorot normal")
net.apply_output_transform(hard_constraints)
model = dde.Model(data, net)
model.compile("adam", lr=1e-3)

resampler = UniformResampler(period=100, log_every=1000)
model.train(iterations=ITERATIONS, display_every=1000, callbacks=[resampler])

x = np.linspace(-1, 1, 201)
t = np.linspace(0, 1, 101)
reference = solve_allen_cahn_dirichlet(x, t)  # shape (len(t), len(x))
xx, tt = np.meshgrid(x, t)
prediction = model.predict(np.stack([xx.ravel(), tt.ravel()], axis=1)).reshape(reference.shape)
print(f"Relative L2 error: {relative_l2_error(prediction, reference):.3e}")
