"""Tests for the ready-made PINN problems and the Burgers reference solver.

Each exact solution below is written again in torch, apart from the problem
modules, and put through the problem's own ``pde`` with autograd in float64, so a
sign or coefficient error in either place makes the residual nonzero. Tolerances
marked "measured" come from runs with numpy 2.4, scipy 1.17 and torch 2.13 on an
x86-64 CPU. Each bound is at least 3 times the measured value, so that rounding
differences between builds do not trip it.
"""

import concurrent.futures
import math
import os
import subprocess
import sys
from pathlib import Path

import deepxde as dde
import numpy as np
import pytest
import scipy.io
import torch

from deepxde_breed.problems import PROBLEMS, Convection
from deepxde_breed.solvers import relative_l2_error, solve_burgers
from deepxde_breed.training import train_problem

REFERENCE_DIR_VARIABLE = "DEEPXDE_BREED_REFERENCE_DIR"
NEW_PROBLEMS = ("burgers", "convection-beta30", "convection-beta50", "reaction", "diffusion", "wave", "helmholtz")
# Surrogate problems train on simulator outputs through their own ``train`` method.
PINN_PROBLEMS = sorted(name for name, problem in PROBLEMS.items() if not hasattr(problem, "train"))

VISCOSITY = 0.01 / math.pi
K0 = 4 * math.pi


@pytest.fixture(autouse=True, scope="module")
def single_torch_thread():
    """Run this module's torch work on one thread and restore the count afterwards.

    The networks and point sets here are tiny, so extra intra-op threads only wait.
    On a loaded 2-core machine, a 4-step wave training took 6.8 s with torch's
    default 2 threads against 0.2 s with one.
    """
    previous = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(previous)


# Exact solutions in torch, on inputs of shape (n, 2) in the problems' input order


def burgers_travelling_front(inputs, speed=0.5, amplitude=0.1):
    """Return c - A tanh(A (x - c t) / (2 nu)), an exact solution of the viscous Burgers equation."""
    x, t = inputs[:, 0:1], inputs[:, 1:2]
    return speed - amplitude * torch.tanh(amplitude * (x - speed * t) / (2 * VISCOSITY))


def convection_solution(beta):
    def solution(inputs):
        x, t = inputs[:, 0:1], inputs[:, 1:2]
        return torch.sin(x - beta * t)

    return solution


def reaction_solution(inputs):
    x, t = inputs[:, 0:1], inputs[:, 1:2]
    h = torch.exp(-((x - math.pi) ** 2) / (2 * (math.pi / 4) ** 2))
    growth = h * torch.exp(5 * t)
    return growth / (growth + 1 - h)


def diffusion_solution(inputs):
    x, t = inputs[:, 0:1], inputs[:, 1:2]
    return torch.exp(-t) * torch.sin(math.pi * x)


def wave_solution(inputs):
    x, t = inputs[:, 0:1], inputs[:, 1:2]
    return torch.sin(math.pi * x) * torch.cos(2 * math.pi * t) + 0.5 * torch.sin(4 * math.pi * x) * torch.cos(
        8 * math.pi * t
    )


def helmholtz_solution(inputs):
    x, y = inputs[:, 0:1], inputs[:, 1:2]
    return torch.sin(K0 * x) * torch.sin(K0 * y)


EXACT_SOLUTIONS = {
    "convection-beta30": convection_solution(30.0),
    "convection-beta50": convection_solution(50.0),
    "reaction": reaction_solution,
    "diffusion": diffusion_solution,
    "wave": wave_solution,
    "helmholtz": helmholtz_solution,
}


def pde_residual(problem, solution, inputs):
    """Evaluate ``problem.pde`` on ``solution`` at ``inputs`` with autograd in float64."""
    points = torch.tensor(inputs, dtype=torch.float64, requires_grad=True)
    dde.grad.clear()
    try:
        residual = problem.pde(points, solution(points))
    finally:
        dde.grad.clear()
    return residual.detach().numpy()


def evaluate(solution, first, second):
    """Evaluate a torch solution at the points (first, second), returned as numpy."""
    points = np.stack(np.broadcast_arrays(first, second), axis=-1).reshape(-1, 2)
    values = solution(torch.tensor(points, dtype=torch.float64)).numpy()
    return values.reshape(np.broadcast(first, second).shape)


def evaluate_net(net, points):
    """Evaluate an untrained network with its transforms at ``points`` (float32)."""
    with torch.no_grad():
        return net(torch.tensor(points, dtype=torch.float32)).numpy()[:, 0]


def load_reference(file_name):
    """Load a published reference grid from the folder named by the variable, or skip."""
    folder = os.environ.get(REFERENCE_DIR_VARIABLE)
    if not folder:
        pytest.skip(f"{REFERENCE_DIR_VARIABLE} is not set, so there is no {file_name} to compare with")
    path = Path(folder) / file_name
    if not path.is_file():
        pytest.skip(f"{path} not found ({REFERENCE_DIR_VARIABLE} names {folder})")
    return scipy.io.loadmat(path)


# Exact solutions satisfy each problem's PDE


@pytest.mark.parametrize("name", sorted(EXACT_SOLUTIONS))
def test_exact_solution_has_zero_residual(name):
    problem = PROBLEMS[name](num_points=10)
    inputs = problem.geometry.random_points(500, random="Halton")

    residual = pde_residual(problem, EXACT_SOLUTIONS[name], inputs)

    assert residual.shape == (500, 1)
    # The PDE terms reach about 3e2 (wave: (8 pi)^2 / 2, Helmholtz: 2 k0^2), so
    # float64 rounding leaves residuals near 1e-13. Measured at most 5.7e-14.
    assert np.abs(residual).max() < 1e-10


@pytest.mark.parametrize("name", sorted(EXACT_SOLUTIONS))
def test_wrong_solution_has_nonzero_residual(name):
    # The residual check above must be able to fail: the exact solution times 1.1
    # plus 0.1 t^2 (0.1 y^2 for Helmholtz) solves none of these PDEs.
    problem = PROBLEMS[name](num_points=10)
    inputs = problem.geometry.random_points(200, random="Halton")
    exact = EXACT_SOLUTIONS[name]

    def perturbed(points):
        return 1.1 * exact(points) + 0.1 * points[:, 1:2] ** 2

    # Measured at least 0.2 (convection and wave).
    assert np.abs(pde_residual(problem, perturbed, inputs)).max() > 1e-2


def test_burgers_travelling_front_has_zero_residual():
    # u = c - A tanh(A (x - c t) / (2 nu)) solves u_t + u u_x - nu u_xx = 0 for any
    # c and A. c != 0 makes u_t nonzero, so the sign of every term is checked.
    problem = PROBLEMS["burgers"](num_points=10)
    inputs = problem.geometry.random_points(500, random="Halton")

    residual = pde_residual(problem, burgers_travelling_front, inputs)
    wrong_speed = pde_residual(problem, lambda points: burgers_travelling_front(points, speed=-0.5) + 1.0, inputs)

    # The terms reach A^3 / (2 nu) = 0.16. Measured at most 1.0e-16.
    assert np.abs(residual).max() < 1e-12
    assert np.abs(wrong_speed).max() > 1e-2


# Exact solutions satisfy the initial and boundary conditions


def test_exact_initial_conditions():
    x = np.linspace(0, 2 * np.pi, 33)
    zero = np.zeros_like(x)

    for beta in (30.0, 50.0):
        np.testing.assert_allclose(evaluate(convection_solution(beta), x, zero), np.sin(x), rtol=0, atol=1e-15)
    gaussian = np.exp(-((x - np.pi) ** 2) / (2 * (np.pi / 4) ** 2))
    np.testing.assert_allclose(evaluate(reaction_solution, x, zero), gaussian, rtol=0, atol=1e-15)

    x = np.linspace(-1, 1, 33)
    np.testing.assert_allclose(evaluate(diffusion_solution, x, np.zeros_like(x)), np.sin(np.pi * x), atol=1e-15)

    x = np.linspace(0, 1, 33)
    initial = np.sin(np.pi * x) + 0.5 * np.sin(4 * np.pi * x)
    np.testing.assert_allclose(evaluate(wave_solution, x, np.zeros_like(x)), initial, rtol=0, atol=1e-15)


def test_exact_boundary_conditions():
    t = np.linspace(0, 1, 21)

    # Dirichlet u = 0; sin(k pi) is about 1e-16 k in floating point.
    for x_boundary in (-1.0, 1.0):
        assert np.abs(evaluate(diffusion_solution, x_boundary, t)).max() < 1e-15
    for x_boundary in (0.0, 1.0):
        assert np.abs(evaluate(wave_solution, x_boundary, t)).max() < 1e-15
    side = np.linspace(0, 1, 21)
    for fixed in (0.0, 1.0):
        assert np.abs(evaluate(helmholtz_solution, fixed, side)).max() < 1e-14
        assert np.abs(evaluate(helmholtz_solution, side, fixed)).max() < 1e-14

    # Periodic boundary condition u(0, t) = u(2 pi, t). The convection solution is
    # 2 pi-periodic in x everywhere. The reaction solution is not, because its
    # Gaussian initial condition only has equal values at both ends.
    for solution in (convection_solution(50.0), reaction_solution):
        np.testing.assert_allclose(evaluate(solution, 2 * np.pi, t), evaluate(solution, 0.0, t), rtol=0, atol=1e-12)
    x = np.linspace(0, 2 * np.pi, 17)[:, None]
    convection = convection_solution(50.0)
    np.testing.assert_allclose(evaluate(convection, x + 2 * np.pi, t), evaluate(convection, x, t), rtol=0, atol=1e-12)


def test_wave_exact_initial_velocity_is_zero():
    x = np.linspace(0, 1, 41)
    points = torch.tensor(np.stack([x, np.zeros_like(x)], axis=1), requires_grad=True)

    (gradient,) = torch.autograd.grad(wave_solution(points).sum(), points)

    assert np.abs(gradient[:, 1].numpy()).max() < 1e-12


# References: the grid layout u[i, j] = u(first[j], second[i]) and the exact values


@pytest.mark.parametrize("name", sorted(EXACT_SOLUTIONS))
def test_reference_grid_matches_exact_solution(name):
    problem = PROBLEMS[name]()
    first, second, u = problem.reference()

    assert u.shape == (second.size, first.size)
    assert 100 <= first.size <= 256
    assert 100 <= second.size <= 256
    grid_first, grid_second = np.meshgrid(first, second)
    np.testing.assert_allclose(u, evaluate(EXACT_SOLUTIONS[name], grid_first, grid_second), rtol=0, atol=1e-12)


def test_convection_references_differ_by_beta():
    u30 = PROBLEMS["convection-beta30"]().reference()[2]
    u50 = PROBLEMS["convection-beta50"]().reference()[2]

    assert relative_l2_error(u30, u50) > 0.5
    assert Convection(beta=30.0).reference()[2] is u30


def test_burgers_reference_grid():
    x, t, u = PROBLEMS["burgers"]().reference()

    assert u.shape == (101, 256)
    np.testing.assert_array_equal(u[0], -np.sin(np.pi * x))
    np.testing.assert_array_equal(t[[0, -1]], [0.0, 1.0])


# Conditions built into the networks, and the soft initial conditions


@pytest.mark.parametrize(
    ("name", "boundary_points", "initial_points", "initial_values"),
    [
        (
            "burgers",
            [[-1.0, 0.3], [1.0, 0.3], [-1.0, 1.0], [1.0, 0.7]],
            [[-0.7, 0.0], [0.1, 0.0], [0.5, 0.0]],
            lambda x: -np.sin(np.pi * x),
        ),
        (
            "diffusion",
            [[-1.0, 0.2], [1.0, 0.9]],
            [[-0.3, 0.0], [0.6, 0.0]],
            lambda x: np.sin(np.pi * x),
        ),
        (
            "wave",
            [[0.0, 0.4], [1.0, 0.8]],
            [[0.1, 0.0], [0.35, 0.0], [0.9, 0.0]],
            lambda x: np.sin(np.pi * x) + 0.5 * np.sin(4 * np.pi * x),
        ),
        (
            "helmholtz",
            [[0.0, 0.3], [1.0, 0.6], [0.2, 0.0], [0.7, 1.0]],
            [],
            None,
        ),
    ],
)
def test_net_output_meets_hard_conditions(name, boundary_points, initial_points, initial_values):
    torch.manual_seed(0)
    net = PROBLEMS[name]().build_net()

    # Boundary values are exact zeros, up to float32 rounding of sin(k pi) in the
    # initial term (about 1e-7).
    assert np.abs(evaluate_net(net, np.array(boundary_points))).max() < 1e-6
    if initial_points:
        points = np.array(initial_points)
        np.testing.assert_allclose(evaluate_net(net, points), initial_values(points[:, 0]), rtol=0, atol=1e-6)


def test_wave_net_initial_velocity_is_zero():
    torch.manual_seed(0)
    net = PROBLEMS["wave"]().build_net()
    x = np.linspace(0, 1, 11)
    points = torch.tensor(np.stack([x, np.zeros_like(x)], axis=1), dtype=torch.float32, requires_grad=True)

    (gradient,) = torch.autograd.grad(net(points).sum(), points)

    assert np.abs(gradient[:, 1].numpy()).max() == 0.0


@pytest.mark.parametrize("name", ["convection-beta30", "reaction"])
def test_periodic_net_is_periodic(name):
    torch.manual_seed(0)
    net = PROBLEMS[name]().build_net()
    x = np.linspace(0, 2 * np.pi, 9)
    t = np.linspace(0, 1, 9)
    points = np.stack(np.meshgrid(x, t), axis=-1).reshape(-1, 2)
    shifted = points + [2 * np.pi, 0.0]

    # float32 rounding of cos(k x) and sin(k x) for x up to 4 pi and k <= 10.
    np.testing.assert_allclose(evaluate_net(net, shifted), evaluate_net(net, points), rtol=0, atol=1e-5)


@pytest.mark.parametrize(("name", "exact"), [("convection-beta50", convection_solution(50.0)), ("reaction", reaction_solution)])
def test_soft_initial_condition_values(name, exact):
    (condition,) = PROBLEMS[name]().conditions()

    assert condition.points.shape == (256, 2)
    np.testing.assert_array_equal(condition.points[:, 1], 0.0)
    expected = evaluate(exact, condition.points[:, 0], condition.points[:, 1])
    np.testing.assert_allclose(condition.values.numpy()[:, 0], expected, rtol=1e-6, atol=1e-7)


@pytest.mark.parametrize("name", NEW_PROBLEMS)
def test_problem_uses_num_points_pde_points(name):
    problem = PROBLEMS[name](num_points=123)

    data = problem.build_data()

    assert problem.num_points == 123
    assert len(data.train_x_all) == 123
    assert len(PROBLEMS[name]().build_data().train_x_all) == PROBLEMS[name].default_num_points


@pytest.mark.parametrize("name", NEW_PROBLEMS)
def test_problem_settings_are_complete(name):
    problem = PROBLEMS[name]()

    assert problem.name == name
    assert isinstance(problem.description, str) and "\n" not in problem.description
    assert len(problem.axis_labels) == 2
    assert 1000 <= problem.default_num_points <= 2000
    assert 1000 <= problem.default_iterations <= 10000
    assert np.all(np.asarray(problem.breed_settings["sigma"]) > 0)


def test_convection_rejects_invalid_beta():
    with pytest.raises(ValueError, match="beta must be finite, got nan"):
        Convection(beta=float("nan"))
    with pytest.raises(TypeError, match="beta must be a real number, got '30'"):
        Convection(beta="30")


# Burgers: Cole-Hopf reference solver


def test_burgers_converges_in_num_nodes():
    x = np.linspace(-1, 1, 201)
    t = np.linspace(0, 1, 11)
    reference = solve_burgers(x, t, num_nodes=2048)

    errors = [relative_l2_error(solve_burgers(x, t, num_nodes=n), reference) for n in (32, 48, 64, 512)]

    assert errors[1] < errors[0]
    assert errors[2] < errors[1]
    # Measured 4.3e-3, 2.6e-5, 2.2e-8 and 2.4e-16: the trapezoidal rule converges
    # exponentially and reaches rounding level at 96 nodes.
    assert errors[2] < 1e-7
    assert errors[3] < 1e-14


def test_burgers_converges_at_the_front():
    # The front at x = 0 is steepest near t = 0.51, where |u_x| reaches 152.
    x = np.linspace(-0.03, 0.03, 121)
    t = [0.51, 1.0]
    reference = solve_burgers(x, t, num_nodes=4096)

    default = solve_burgers(x, t)
    coarse = solve_burgers(x, t, num_nodes=64)

    # Measured 3.6e-16 for the default 512 nodes and 1.7e-9 for 64 nodes.
    assert relative_l2_error(default, reference) < 1e-13
    assert relative_l2_error(coarse, reference) < 1e-8


def test_burgers_front_slope():
    x = np.linspace(-0.001, 0.001, 2001)

    u = solve_burgers(x, [0.51])

    # Measured 152.005 with difference quotients on a 1e-6 grid, whose
    # truncation error is below 1e-3 here.
    slope = np.abs(np.diff(u[0]) / np.diff(x)).max()
    assert slope == pytest.approx(152.005, abs=0.01)


def test_burgers_satisfies_pde_by_finite_differences():
    h = 3e-5
    x = np.concatenate([np.linspace(-0.9, 0.9, 19), [-0.01, -0.003, 0.002, 0.007]])
    t = np.array([0.1, 0.3, 0.5, 0.8, 1.0])
    n = x.size

    stencil = solve_burgers(np.concatenate([x - h, x, x + h]), t)
    left, centre, right = stencil[:, :n], stencil[:, n : 2 * n], stencil[:, 2 * n :]
    u_t = (solve_burgers(x, t + h) - solve_burgers(x, t - h)) / (2 * h)
    u_x = (right - left) / (2 * h)
    u_xx = (right - 2 * centre + left) / h**2
    residual = u_t + centre * u_x - VISCOSITY * u_xx

    # The convection term reaches 53 at the front. Measured 3.7e-4 there, the
    # O(h^2) error of central differences across a front of width about 0.01,
    # and 1e-7 at |x| >= 0.1.
    assert np.abs(centre * u_x).max() > 10
    assert np.abs(residual).max() < 2e-3
    assert np.abs(residual[:, :19]).max() < 1e-6


def test_burgers_boundary_and_initial_values():
    x = np.array([-1.0, -0.5, 0.0, 0.123, 1.0])
    t = np.array([0.0, 0.2, 0.5, 1.0])

    u = solve_burgers(x, t)

    np.testing.assert_array_equal(u[0], -np.sin(np.pi * x))
    # Measured at most 1.5e-16.
    assert np.abs(u[:, [0, -1]]).max() < 1e-14


def test_burgers_is_odd_in_x():
    x = np.linspace(-1, 1, 257)
    t = np.linspace(0, 1, 21)

    u = solve_burgers(x, t)

    # Measured 2.7e-15: the quadrature nodes are symmetric, so only rounding differs.
    np.testing.assert_allclose(u[:, ::-1], -u, rtol=0, atol=1e-13)
    assert np.abs(u[1:, 128]).max() < 1e-13


def test_burgers_output_layout_and_unsorted_times():
    x = np.array([-0.5, 0.25])
    u = solve_burgers(x, [0.5, 0.0, 0.5, 1.0])

    assert u.shape == (4, 2)
    np.testing.assert_array_equal(u[0], u[2])
    np.testing.assert_array_equal(u[1], -np.sin(np.pi * x))
    assert not np.allclose(u[2], u[3])


def test_burgers_matches_published_grid():
    data = load_reference("burgers_shock.mat")
    x = data["x"].ravel()
    t = data["t"].ravel()
    reference = data["usol"].T  # stored as [x, t]

    u = solve_burgers(x, t)

    # Measured 2.9e-12 relative L2 and 4.2e-11 at most at one point.
    assert relative_l2_error(u, reference) < 1e-10
    assert np.abs(u - reference).max() < 1e-9


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        ({"x": [-1.5, 0.0]}, r"x must lie in \[-1, 1\], got values in \[-1\.5, 0\.0\]"),
        ({"x": [0.0, np.nan]}, r"x must contain only finite values"),
        ({"x": []}, r"x must contain at least one value, got an empty array"),
        ({"t": [-0.1, 0.5]}, r"t must be >= 0, got a minimum of -0\.1"),
        ({"t": [[0.0, 0.5]]}, r"t must be a 1-D array, got shape \(1, 2\)"),
        ({"t": [0.0, np.inf]}, r"t must contain only finite values"),
        ({"viscosity": 0.0}, r"viscosity must be a finite number > 0, got 0\.0"),
        ({"viscosity": "0.01"}, r"viscosity must be a real number, got '0\.01'"),
        ({"num_nodes": 15}, r"num_nodes must be an integer >= 16, got 15"),
        ({"num_nodes": 64.0}, r"num_nodes must be an integer >= 16, got 64\.0"),
    ],
)
def test_burgers_rejects_invalid_input(arguments, message):
    call = {"x": [0.0, 0.5], "t": [0.0, 0.1], **arguments}
    x = call.pop("x")
    t = call.pop("t")

    with pytest.raises(ValueError, match=message):
        solve_burgers(x, t, **call)


# Every PINN problem trains with every sampler, in-process and from the command line


@pytest.mark.parametrize("sampler", ["breed", "r3", "uniform"])
@pytest.mark.parametrize("name", PINN_PROBLEMS)
def test_problem_trains_with_sampler(name, sampler):
    problem = PROBLEMS[name](num_points=64)

    result = train_problem(problem, sampler, iterations=4, eval_every=2, period=2)

    error = result["metrics"]["relative L2 error"]
    assert math.isfinite(error)
    assert error > 0
    assert [row[0] for row in result["history"]] == [0, 2, 4]
    assert result["callback"].num_resamples == 2
    assert len(result["model"].data.train_x_all) == 64


def command_environment():
    return dict(os.environ, DDE_BACKEND="pytorch", OMP_NUM_THREADS="1")


def run_train_command(name, output):
    command = [
        sys.executable, "-m", "deepxde_breed", "train", name, "--sampler", "breed", "--iterations", "4",
        "--eval-every", "2", "--num-points", "100", "--output", str(output),
    ]
    completed = subprocess.run(
        command, capture_output=True, text=True, timeout=300, cwd=output.parent, env=command_environment()
    )
    return completed, output


@pytest.fixture(scope="module")
def train_commands(tmp_path_factory):
    """Start one training command per PINN problem, two at a time, and map names to futures.

    Each command takes about 6 CPU seconds, half of them to import torch and
    DeepXDE, so running two at once halves the wall time on a 2-core machine.
    """
    with concurrent.futures.ThreadPoolExecutor(max_workers=2) as pool:
        yield {
            name: pool.submit(run_train_command, name, tmp_path_factory.mktemp(name) / "run")
            for name in PINN_PROBLEMS
        }


@pytest.mark.parametrize("name", PINN_PROBLEMS)
def test_cli_trains_problem(train_commands, name):
    completed, output = train_commands[name].result()

    assert completed.returncode == 0, completed.stderr
    last_line = completed.stdout.strip().splitlines()[-1]
    assert last_line.startswith("relative L2 error: ")
    assert math.isfinite(float(last_line.split(": ")[1]))
    assert "iteration 4/4" in completed.stderr
    assert (output / "history.csv").is_file()


def test_cli_list_shows_new_problems(tmp_path):
    command = [sys.executable, "-m", "deepxde_breed", "list"]

    completed = subprocess.run(
        command, capture_output=True, text=True, timeout=300, cwd=tmp_path, env=command_environment()
    )

    assert completed.returncode == 0, completed.stderr
    names = [line.split()[0] for line in completed.stdout.splitlines() if line.strip()]
    for name in NEW_PROBLEMS:
        assert name in names
