"""Solve a user-defined Poisson equation on a disk with a hole, with Breed resampling.

The equation is -(u_xx + u_yy) = f on the annulus 0.3 < |(x, y)| < 1, with the
exact solution

    u(x, y) = x y + exp(-A ((x - 0.6)^2 + y^2)),  A = 50,

a harmonic background plus a narrow Gaussian peak of standard deviation 0.1
between the hole and the outer circle. The Dirichlet condition on both circles
and f are taken from this solution. Every 100 iterations BreedResampler replaces
the PDE points with Gaussian children of high-loss points plus uniform points
(Dymchenko and Raffin, "Loss-driven sampling within hard-to-learn areas for
simulation-based neural network training", 2023), so the points gather around
the peak. A child that falls into the hole or outside the disk is drawn again, at
most 10 times, and then replaced by a uniform point.

Run it with ``python examples/custom_pde_disk.py``. Set
DEEPXDE_BREED_EXAMPLE_ITERATIONS to train for fewer iterations. The script saves
the final collocation points to custom_pde_disk_points.png in the working
directory.
"""

import logging
import os

os.environ.setdefault("DDE_BACKEND", "pytorch")

import deepxde as dde  # noqa: E402
import matplotlib  # noqa: E402
import numpy as np  # noqa: E402
import torch  # noqa: E402

from deepxde_breed import BreedResampler  # noqa: E402

matplotlib.use("Agg")  # write the figure to a file, never open a window
import matplotlib.pyplot as plt  # noqa: E402

ITERATIONS = int(os.environ.get("DEEPXDE_BREED_EXAMPLE_ITERATIONS", 10000))

PEAK_SHARPNESS = 50.0  # A in exp(-A r^2), a peak of standard deviation 1 / sqrt(2 A) = 0.1
PEAK_CENTER = (0.6, 0.0)

logging.basicConfig(level=logging.INFO)
dde.config.set_random_seed(0)


def exact_solution(points):
    x, y = points[:, 0:1], points[:, 1:2]
    squared_distance = (x - PEAK_CENTER[0]) ** 2 + (y - PEAK_CENTER[1]) ** 2
    return x * y + np.exp(-PEAK_SHARPNESS * squared_distance)


def pde(inputs, u):
    x, y = inputs[:, 0:1], inputs[:, 1:2]
    u_xx = dde.grad.hessian(u, inputs, i=0, j=0)
    u_yy = dde.grad.hessian(u, inputs, i=1, j=1)
    # f = -Laplacian of the exact solution. The term x y is harmonic, and the
    # Laplacian of exp(-A r^2) in two dimensions is 4 A (A r^2 - 1) exp(-A r^2).
    squared_distance = (x - PEAK_CENTER[0]) ** 2 + (y - PEAK_CENTER[1]) ** 2
    peak = torch.exp(-PEAK_SHARPNESS * squared_distance)
    f = 4 * PEAK_SHARPNESS * (1 - PEAK_SHARPNESS * squared_distance) * peak
    return -(u_xx + u_yy) - f


geometry = dde.geometry.Disk([0, 0], 1) - dde.geometry.Disk([0, 0], 0.3)
boundary_condition = dde.icbc.DirichletBC(
    geometry, exact_solution, lambda _, on_boundary: on_boundary
)
data = dde.data.PDE(
    geometry,
    pde,
    [boundary_condition],
    num_domain=1000,
    num_boundary=200,
    solution=exact_solution,
    num_test=2000,
)
net = dde.nn.FNN([2] + [32] * 3 + [1], "tanh", "Glorot normal")
model = dde.Model(data, net)
# The boundary term has weight 100. With weight 1 the PDE residual, where f reaches
# 4 A = 200 at the peak, dominated the loss and the boundary values stayed unfit.
model.compile("adam", lr=1e-3, loss_weights=[1, 100], metrics=["l2 relative error"])

# sigma is the variance of each coordinate of a child around its parent, not the
# standard deviation: sigma = 0.0025 gives a standard deviation of sqrt(0.0025) = 0.05,
# half that of the peak and 1/40 of the disk's diameter.
resampler = BreedResampler(sigma=0.0025, period=100, log_every=1000)
model.train(iterations=ITERATIONS, display_every=1000, callbacks=[resampler])

# Relative L2 error on the points of a 201 x 201 grid that lie in the annulus.
grid = np.linspace(-1, 1, 201)
xx, yy = np.meshgrid(grid, grid)
test_points = np.stack([xx.ravel(), yy.ravel()], axis=1)
test_points = test_points[geometry.inside(test_points)]
prediction = model.predict(test_points)
reference = exact_solution(test_points)
error = np.linalg.norm(prediction - reference) / np.linalg.norm(reference)
print(f"Relative L2 error: {error:.3e}")
print(
    f"Out-of-domain redraws: {resampler.num_redraws} at the last resample, "
    f"{resampler.total_redraws} in all"
)
print(
    f"Children replaced by uniform points after {resampler.max_redraws} redraws: "
    f"{resampler.total_fallbacks}"
)

points = data.train_x_all
figure, axes = plt.subplots(figsize=(5, 5))
axes.scatter(points[:, 0], points[:, 1], s=2, label="PDE points")
axes.plot(*PEAK_CENTER, "rx", label="peak center")
axes.legend(loc="upper right")
axes.set_aspect("equal")
axes.set_title(f"PDE points after {ITERATIONS} iterations")
figure.savefig("custom_pde_disk_points.png", dpi=120)
print("Saved the final PDE points to custom_pde_disk_points.png")
