"""Tests for the Allen-Cahn reference solvers.

Tolerances marked "measured" come from runs with numpy 2.4 and scipy 1.17 on an
x86-64 CPU. Each bound is 3 to 10 times the measured value, so that rounding
differences between BLAS and FFT builds do not trip it.
"""

import os
from pathlib import Path

import numpy as np
import pytest
import scipy.io

from deepxde_breed.solvers import (
    relative_l2_error,
    solve_allen_cahn_dirichlet,
    solve_allen_cahn_periodic,
)
from deepxde_breed.solvers.allen_cahn import (
    _chebyshev_differentiation_matrix,
    _evaluate_chebyshev_interpolant,
    _evaluate_fourier_interpolant,
)

REFERENCE_DIR_VARIABLE = "DEEPXDE_BREED_REFERENCE_DIR"


def initial_condition(x):
    return x**2 * np.cos(np.pi * x)


def load_reference(file_name):
    """Load a published reference grid from the folder named by the variable, or skip."""
    folder = os.environ.get(REFERENCE_DIR_VARIABLE)
    if not folder:
        pytest.skip(f"{REFERENCE_DIR_VARIABLE} is not set, so there is no {file_name} to compare with")
    path = Path(folder) / file_name
    if not path.is_file():
        pytest.skip(f"{path} not found ({REFERENCE_DIR_VARIABLE} names {folder})")
    return scipy.io.loadmat(path)


# Spatial discretizations, checked on functions that they represent exactly


def test_fourier_interpolant_exact_for_trigonometric_polynomial():
    num_modes = 16

    def trigonometric_polynomial(x):
        # Contains the Nyquist mode 8, which the interpolant splits between +8 and -8.
        return (
            0.3
            + np.sin(3 * np.pi * x)
            + 0.5 * np.cos(7 * np.pi * x + 0.2)
            + 0.25 * np.cos(8 * np.pi * (x + 1.0))
        )

    grid = -1.0 + 2.0 * np.arange(num_modes) / num_modes
    x = np.random.default_rng(2).uniform(-1.0, 1.0, 50)

    values = _evaluate_fourier_interpolant(trigonometric_polynomial(grid)[None, :], x)

    np.testing.assert_allclose(values[0], trigonometric_polynomial(x), rtol=0.0, atol=1e-13)


def test_chebyshev_interpolant_exact_for_polynomial():
    num_nodes = 17
    polynomial = np.polynomial.Polynomial(np.linspace(1.0, -1.0, num_nodes))  # degree 16
    nodes, _ = _chebyshev_differentiation_matrix(num_nodes - 1)
    x = np.concatenate([np.random.default_rng(3).uniform(-1.0, 1.0, 50), nodes[[0, 5]]])

    values = _evaluate_chebyshev_interpolant(polynomial(nodes)[None, :], nodes, x)

    np.testing.assert_allclose(values[0], polynomial(x), rtol=0.0, atol=1e-12)


def test_chebyshev_matrix_differentiates_polynomial():
    polynomial = np.polynomial.Polynomial([0.5, -1.0, 2.0, 0.0, 3.0, 1.5])  # degree 5
    nodes, matrix = _chebyshev_differentiation_matrix(16)

    np.testing.assert_allclose(nodes[[0, 8, 16]], [1.0, 0.0, -1.0], rtol=0.0, atol=0.0)
    np.testing.assert_allclose(matrix @ polynomial(nodes), polynomial.deriv()(nodes), rtol=0.0, atol=1e-11)


# Periodic problem


def test_periodic_converges_in_num_modes():
    x = -1.0 + 2.0 * np.arange(256) / 256
    t = np.linspace(0.0, 1.0, 21)
    reference = solve_allen_cahn_periodic(x, t, num_modes=1024)

    errors = [
        relative_l2_error(solve_allen_cahn_periodic(x, t, num_modes=n), reference)
        for n in (128, 256, 512)
    ]

    assert errors[1] < errors[0]
    assert errors[2] < errors[1]
    # Measured 6.8e-6. The derivative jump of the initial condition at x = +-1
    # limits the convergence in num_modes to an algebraic rate at early times.
    assert errors[2] < 2e-5


def test_periodic_late_time_resolved_off_grid():
    # At t = 1 diffusion has smoothed the initial derivative jump, so the Fourier
    # interpolants of two grid solutions agree closely at points on neither grid.
    x = np.random.default_rng(0).uniform(-1.0, 1.0, 300)

    coarse = solve_allen_cahn_periodic(x, [1.0], num_modes=512)
    fine = solve_allen_cahn_periodic(x, [1.0], num_modes=1024)

    # Measured 9.6e-7.
    assert relative_l2_error(coarse, fine) < 5e-6


def test_periodic_tighter_time_tolerance_agrees():
    x = -1.0 + 2.0 * np.arange(256) / 256
    t = np.linspace(0.0, 1.0, 21)

    default = solve_allen_cahn_periodic(x, t)
    tight = solve_allen_cahn_periodic(x, t, rtol=1e-13, atol=1e-13)

    # Measured 1.9e-12. The bound is still far below the spatial error of 512 modes.
    assert relative_l2_error(default, tight) < 1e-10


def test_periodic_initial_condition_exact():
    x = np.concatenate([np.linspace(-1.0, 1.0, 7), [-0.123456789, 0.987654321]])

    u = solve_allen_cahn_periodic(x, [0.0, 0.1])

    np.testing.assert_array_equal(u[0], initial_condition(x))


def test_periodic_extension_outside_interval():
    x = np.array([-0.75, -0.2, 0.3, 0.9])
    t = [0.0, 0.5, 1.0]

    inside = solve_allen_cahn_periodic(x, t)
    shifted = solve_allen_cahn_periodic(np.concatenate([x + 2.0, x - 4.0]), t)

    # Shifting x by a multiple of the period only changes rounding in x.
    np.testing.assert_allclose(shifted[:, :4], inside, rtol=0.0, atol=1e-12)
    np.testing.assert_allclose(shifted[:, 4:], inside, rtol=0.0, atol=1e-12)


def test_periodic_output_layout_and_repeated_times():
    x = np.linspace(-1.0, 1.0, 5)
    t = [0.25, 0.25, 0.5]

    u = solve_allen_cahn_periodic(x, t)

    assert u.shape == (3, 5)
    np.testing.assert_array_equal(u[0], u[1])
    # Row order follows t: the solution changes between t = 0.25 and t = 0.5.
    assert not np.allclose(u[1], u[2])


def test_periodic_matches_published_grid():
    data = load_reference("AC.mat")
    x = data["x"].ravel()
    t = data["tt"].ravel()
    reference = data["uu"].T  # stored as [x, t]

    u = solve_allen_cahn_periodic(x, t)

    # Both solutions discretize x with the same 512-point Fourier grid, so only the
    # time integration differs. Measured 6.5e-12.
    assert relative_l2_error(u, reference) <= 1e-6


# Dirichlet problem


def test_dirichlet_converges_in_num_nodes():
    x = np.linspace(-1.0, 1.0, 101)
    t = np.linspace(0.0, 1.0, 11)
    reference = solve_allen_cahn_dirichlet(x, t, num_nodes=384)

    errors = [
        relative_l2_error(solve_allen_cahn_dirichlet(x, t, num_nodes=n), reference)
        for n in (128, 192, 256)
    ]

    assert errors[1] < errors[0]
    assert errors[2] < errors[1]
    # Measured 7.1e-6 for 256 nodes. The 384-node reference is itself within
    # 3e-8 of a 768-node solution, so it does not limit this bound.
    assert errors[2] < 3e-5


def test_dirichlet_interpolation_off_nodes():
    x = np.random.default_rng(1).uniform(-1.0, 1.0, 300)

    coarse = solve_allen_cahn_dirichlet(x, [1.0], num_nodes=256)
    fine = solve_allen_cahn_dirichlet(x, [1.0], num_nodes=384)

    # Measured 1.9e-5, close to the node-value error of 256 nodes at t = 1, so
    # the interpolation between nodes adds little to it.
    assert relative_l2_error(coarse, fine) < 1e-4


def test_dirichlet_tighter_time_tolerance_agrees():
    x = np.linspace(-1.0, 1.0, 101)
    t = np.linspace(0.0, 1.0, 11)

    # 128 nodes keep this test fast, and the time error does not depend much on
    # the node count: 1.1e-11 was measured with 512 nodes as well.
    default = solve_allen_cahn_dirichlet(x, t, num_nodes=128)
    tight = solve_allen_cahn_dirichlet(x, t, num_nodes=128, rtol=1e-12, atol=1e-12)

    # Measured 1.4e-11.
    assert relative_l2_error(default, tight) < 1e-9


def test_dirichlet_initial_and_boundary_values():
    x = np.concatenate([[-1.0], np.linspace(-0.9, 0.9, 5), [0.31415926, 1.0]])
    t = np.linspace(0.0, 1.0, 6)

    u = solve_allen_cahn_dirichlet(x, t, num_nodes=64)

    np.testing.assert_array_equal(u[0], initial_condition(x))
    np.testing.assert_array_equal(u[:, 0], -1.0)
    np.testing.assert_array_equal(u[:, -1], -1.0)


def test_dirichlet_matches_published_grid():
    data = load_reference("Allen_Cahn.mat")
    x = data["x"].ravel()
    t = data["t"].ravel()
    reference = data["u"]  # stored as [t, x]

    u = solve_allen_cahn_dirichlet(x, t)

    # Measured 1.6e-4. The published grid is the less accurate of the two: the
    # default solution agrees with a 768-node one to 1.6e-10 on the same points.
    assert relative_l2_error(u, reference) <= 1e-3


# Input validation


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        ({"num_modes": 15}, r"num_modes must be an even integer >= 16, got 15"),
        ({"num_modes": 19}, r"num_modes must be an even integer >= 16, got 19"),
        ({"num_modes": 512.0}, r"num_modes must be an even integer >= 16, got 512\.0"),
        ({"num_modes": True}, r"num_modes must be an even integer >= 16, got True"),
        ({"diffusion": 0.0}, r"diffusion must be a finite number > 0, got 0\.0"),
        ({"diffusion": float("nan")}, r"diffusion must be a finite number > 0, got nan"),
        ({"reaction": float("inf")}, r"reaction must be a finite number, got inf"),
        ({"reaction": "5"}, r"reaction must be a real number, got '5'"),
        ({"rtol": 1e-16}, r"rtol must lie in \[2\.22e-14, 1\), got 1e-16"),
        ({"rtol": 1.0}, r"rtol must lie in \[2\.22e-14, 1\), got 1\.0"),
        ({"atol": 0.0}, r"atol must be a finite number > 0, got 0\.0"),
        ({"t": [-0.1, 0.5]}, r"t must be >= 0, got a minimum of -0\.1"),
        ({"t": [0.0, 0.5, 0.2]}, r"t must be sorted in ascending order, got t\[1\] = 0\.5 followed by t\[2\] = 0\.2"),
        ({"t": 0.5}, r"t must be a 1-D array, got shape \(\)"),
        ({"t": [[0.0, 0.5]]}, r"t must be a 1-D array, got shape \(1, 2\)"),
        ({"t": [0.0, np.inf]}, r"t must contain only finite values"),
        ({"x": []}, r"x must contain at least one value, got an empty array"),
        ({"x": [0.0, np.nan]}, r"x must contain only finite values"),
        ({"x": ["a"]}, r"x must be a 1-D array of real numbers"),
    ],
)
def test_periodic_rejects_invalid_input(arguments, message):
    call = {"x": [0.0, 0.5], "t": [0.0, 0.1], **arguments}
    x = call.pop("x")
    t = call.pop("t")

    with pytest.raises(ValueError, match=message):
        solve_allen_cahn_periodic(x, t, **call)


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        ({"x": [-1.5, 1.0]}, r"x must lie in \[-1, 1\], got values in \[-1\.5, 1\.0\]"),
        ({"x": [0.0, 1.0000001]}, r"x must lie in \[-1, 1\], got values in \[0\.0, 1\.0000001\]"),
        ({"num_nodes": 15}, r"num_nodes must be an integer >= 16, got 15"),
        ({"num_nodes": "64"}, r"num_nodes must be an integer >= 16, got '64'"),
        ({"diffusion": -1e-3}, r"diffusion must be a finite number > 0, got -0\.001"),
        ({"rtol": float("nan")}, r"rtol must lie in \[2\.22e-14, 1\), got nan"),
        ({"t": [0.3, 0.1]}, r"t must be sorted in ascending order"),
    ],
)
def test_dirichlet_rejects_invalid_input(arguments, message):
    call = {"x": [0.0, 0.5], "t": [0.0, 0.1], **arguments}
    x = call.pop("x")
    t = call.pop("t")

    with pytest.raises(ValueError, match=message):
        solve_allen_cahn_dirichlet(x, t, **call)


def test_dirichlet_accepts_odd_num_nodes():
    u = solve_allen_cahn_dirichlet([-1.0, 0.0, 1.0], [0.0, 0.05], num_nodes=33)

    assert u.shape == (2, 3)
    assert np.all(np.isfinite(u))


# relative_l2_error


def test_relative_l2_error_vector():
    # ||(0, 4)|| / ||(3, 0)|| = 4 / 3
    assert relative_l2_error([3.0, 4.0], [3.0, 0.0]) == pytest.approx(4.0 / 3.0, rel=1e-15)


def test_relative_l2_error_matrix_is_flattened():
    prediction = np.array([[1.0, 2.0], [2.0, 5.0]])
    reference = np.array([[1.0, 2.0], [2.0, 4.0]])

    # Difference (0, 0, 0, 1) has norm 1 and the reference norm is sqrt(1 + 4 + 4 + 16) = 5.
    assert relative_l2_error(prediction, reference) == pytest.approx(0.2, rel=1e-15)


def test_relative_l2_error_identical_is_zero():
    values = np.linspace(-1.0, 1.0, 7)

    assert relative_l2_error(values, values) == 0.0


def test_relative_l2_error_rejects_shape_mismatch():
    with pytest.raises(ValueError, match=r"prediction shape \(2, 3\) and reference shape \(3, 2\)"):
        relative_l2_error(np.zeros((2, 3)), np.ones((3, 2)))
