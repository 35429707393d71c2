import csv
import logging
import math
import os
import subprocess
import sys

import numpy as np
import pytest

from deepxde_breed.problems import PROBLEMS
from deepxde_breed.problems.ipgd import IPGD, GaussianPits

WIDE, NARROW = np.array([-0.5, -0.5]), np.array([1.5, 1.5])


@pytest.fixture(scope="module")
def pits():
    return GaussianPits()


@pytest.fixture(scope="module")
def small_problem():
    return IPGD(num_points=100, num_validation=1000, steps_per_round=5)


def test_surface_width_is_standard_deviation(pits):
    # At distance s from the centre a bell is exp(-1/2) of its depth.
    single = GaussianPits([[0.0, 0.0]], [2.0], [0.3])
    assert single.value([[0.3, 0.0], [0.0, -0.3]]) == pytest.approx([-2 * math.exp(-0.5)] * 2, rel=1e-14)

    point = np.array([1.5, 1.5 + 0.008])
    wide = -0.895 * math.exp(-np.sum((point - WIDE) ** 2) / (2 * 0.4**2))
    assert pits.value([point])[0] == pytest.approx(-0.005 * math.exp(-0.5) + wide, rel=1e-14)


def test_gradient_and_hessian_match_finite_differences(pits):
    points = np.array([[0.1, -0.3], [1.503, 1.496], [-1.2, 0.7]])
    h = 1e-6
    for point in points:
        for axis in range(2):
            shift = np.zeros(2)
            shift[axis] = h
            # Central differences have an error of about h^2 |f'''|, far below
            # the relative tolerance 1e-5 for these points.
            numeric_gradient = (pits.value([point + shift]) - pits.value([point - shift])) / (2 * h)
            assert pits.gradient([point])[0, axis] == pytest.approx(numeric_gradient[0], rel=1e-5, abs=1e-10)
            numeric_hessian = (pits.gradient([point + shift]) - pits.gradient([point - shift])) / (2 * h)
            assert pits.hessian([point])[0, :, axis] == pytest.approx(numeric_hessian[0], rel=1e-5, abs=1e-8)


@pytest.mark.parametrize(
    ("centre", "radius"),
    # The narrow pit captures everything within 0.055 on the side facing the wide
    # pit, so 0.04 stays inside its basin.
    [(WIDE, 1.0), (NARROW, 0.04)],
)
def test_descent_ends_at_nearby_pit(pits, centre, radius):
    rng = np.random.default_rng(0)
    angles = rng.uniform(0, 2 * np.pi, 200)
    distances = radius * np.sqrt(rng.uniform(0, 1, 200))
    starts = centre + distances[:, None] * np.stack([np.cos(angles), np.sin(angles)], axis=1)

    result = pits.descend(starts)

    assert result.converged.all()
    # The minimum sits within 1e-11 of the centre: the other pit's gradient
    # there is below 3e-10 and the curvature above 5.
    assert np.max(np.linalg.norm(result.end_points - centre, axis=1)) < 1e-8
    assert np.max(pits.gradient_norm(result.end_points)) <= pits.gradient_tolerance
    assert np.all(np.linalg.eigvalsh(pits.hessian(result.end_points)) > 0)


def test_descent_from_flat_corners(pits):
    # In these corners the gradient is between 1e-16 and 1e-10, and descent must
    # still reach the wide pit. The corner (2, 2) lies on the line through both
    # centres, beyond the narrow pit, so its path ends in the narrow pit.
    starts = np.array([[-2.0, 2.0], [2.0, -2.0], [2.0, 1.0], [2.0, 2.0]])
    assert np.all(pits.gradient_norm(starts) < 1e-9)

    result = pits.descend(starts)

    assert result.converged.all()
    assert np.allclose(result.end_points[:3], WIDE, atol=1e-8)
    assert np.allclose(result.end_points[3], NARROW, atol=1e-8)


def test_start_at_minimum_stays(pits):
    minima = pits.descend(np.array([[-0.4, -0.6], [1.51, 1.49]])).end_points
    result = pits.descend(minima)
    assert np.array_equal(result.end_points, minima)
    assert np.array_equal(result.num_steps, [0, 0])
    assert result.converged.all()


def test_descent_insensitive_to_step_fraction(pits):
    # On 100,000 uniform points, step fractions 0.125 and 0.0625 send 1 point to
    # a different pit. On these 4000 at most 2 may differ.
    starts = np.random.default_rng(1).uniform(-2, 2, size=(4000, 2))
    finer = GaussianPits(step_fraction=0.0625)
    coarse_narrow = np.linalg.norm(pits.descend(starts).end_points - NARROW, axis=1) < 1e-6
    fine_narrow = np.linalg.norm(finer.descend(starts).end_points - NARROW, axis=1) < 1e-6
    assert np.count_nonzero(coarse_narrow != fine_narrow) <= 2
    # About 0.56 % of the square drains into the narrow pit: 22 of 4000 expected.
    assert 5 <= np.count_nonzero(coarse_narrow) <= 45


def test_stationary_point_not_a_minimum_reported(caplog):
    # 5 units from a pit of width 0.01 the bell underflows to exactly 0, so the
    # gradient is 0 and the point cannot move.
    pits = GaussianPits([[0.0, 0.0]], [1.0], [0.01])
    starts = np.array([[5.0, 0.0], [0.001, 0.0]])
    with caplog.at_level(logging.WARNING, logger="deepxde_breed"):
        ends = pits(starts)
    assert np.array_equal(ends[0], starts[0])
    assert np.allclose(ends[1], 0.0, atol=1e-12)
    assert pits.num_not_converged == 1
    assert "reached no local minimum from 1 of 2 start points" in caplog.text


def test_max_steps_reported():
    pits = GaussianPits(max_steps=1)
    result = pits.descend(np.array([[1.0, 1.0]]))
    assert result.num_steps[0] == 1
    assert not result.converged[0]


def test_descent_paths_not_clipped():
    # A pit outside the square pulls paths out of it; the end point is the pit.
    pits = GaussianPits([[3.0, 0.0]], [1.0], [1.0])
    ends = pits(np.array([[1.5, 0.0], [1.9, 1.0]]))
    assert np.allclose(ends, [[3.0, 0.0], [3.0, 0.0]], atol=1e-8)


def test_hard_set_gradient_condition(small_problem):
    sets = small_problem.validation_sets()
    hard_points, hard_targets = sets["hard"]
    uniform_points, uniform_targets = sets["uniform"]

    assert hard_points.shape == (1000, 2)
    assert uniform_points.shape == (1000, 2)
    assert np.all(small_problem.simulator.gradient_norm(hard_points) < 4e-3)
    for points in (hard_points, uniform_points):
        assert np.all((points >= -2) & (points <= 2))
    assert np.array_equal(hard_targets, small_problem.simulator.descend(hard_points).end_points)
    assert np.array_equal(uniform_targets, small_problem.simulator.descend(uniform_points).end_points)
    # The wide pit's gradient is below 4e-3 beyond about 1.57 from its centre,
    # about 52 % of the square (0.525 measured on 10,000 points).
    assert 0.45 < small_problem.hard_acceptance < 0.6
    assert not np.array_equal(hard_points, uniform_points)


def test_validation_sets_fixed_by_seed():
    first = IPGD(num_validation=200).validation_sets()
    second = IPGD(num_validation=200).validation_sets()
    other = IPGD(num_validation=200, validation_seed=7).validation_sets()
    assert np.array_equal(first["hard"][0], second["hard"][0])
    assert np.array_equal(first["uniform"][0], second["uniform"][0])
    assert not np.array_equal(first["uniform"][0], other["uniform"][0])


@pytest.mark.parametrize(("sampler", "simulated"), [("uniform", [100, 200, 300]), ("fixed", [100, 100, 100])])
def test_train_history(small_problem, tmp_path, sampler, simulated):
    result = small_problem.train(sampler, 3, seed=1, output=str(tmp_path), eval_every=2)

    rows = result["history"]
    assert [row[0] for row in rows] == [0, 2, 3]
    assert [row[-1] for row in rows] == simulated
    assert result["metrics"]["validation error (uniform)"] == rows[-1][3]
    assert result["metrics"]["validation error (hard)"] == rows[-1][4]
    assert all(math.isfinite(value) for row in rows for value in row)
    # The plateau scheduler steps once per round, 15 Adam steps in 3 rounds.
    assert result["scheduler"].last_epoch == 3
    assert result["model"].train_state.step == 15

    with open(tmp_path / "history.csv", newline="") as stream:
        written = list(csv.DictReader(stream))
    assert [int(row["iteration"]) for row in written] == [0, 2, 3]
    assert float(written[-1]["validation_error_hard"]) == pytest.approx(rows[-1][4], rel=1e-7)
    assert (tmp_path / "summary.png").stat().st_size > 10000


def test_train_same_seed_same_result(small_problem):
    first = small_problem.train("breed", 2, seed=3)
    second = small_problem.train("breed", 2, seed=3)
    assert first["metrics"] == second["metrics"]
    assert np.array_equal(first["data"].train_x, second["data"].train_x)


def test_registered_with_defaults():
    problem = PROBLEMS["ipgd"]()
    assert problem.name == "ipgd"
    assert problem.default_iterations == 100
    assert problem.default_num_points == 1000
    assert problem.num_points == 1000
    assert "\n" not in problem.description
    assert problem.breed_settings["sigma"] == 0.005
    assert problem.breed_settings["schedule_counts"] == "resamples"


@pytest.mark.parametrize(
    ("arguments", "error", "message"),
    [
        ({"sampler": "rad"}, ValueError, "sampler must be one of 'breed', 'r3', 'uniform', 'fixed', got 'rad'"),
        ({"iterations": 0}, ValueError, "iterations must be >= 1, got 0"),
        ({"iterations": 1.5}, TypeError, "iterations must be an integer, got 1.5"),
        ({"seed": -2}, ValueError, "seed must be >= 0, got -2"),
        ({"period": 0}, ValueError, "period must be >= 1, got 0"),
        ({"eval_every": 0}, ValueError, "eval_every must be >= 1, got 0"),
        ({"eval_every": "2"}, TypeError, "eval_every must be an integer, got '2'"),
    ],
)
def test_train_invalid_arguments(arguments, error, message):
    options = {"sampler": "breed", "iterations": 2, **arguments}
    problem = IPGD(num_validation=10)
    with pytest.raises(error, match=message):
        problem.train(options.pop("sampler"), options.pop("iterations"), **options)
    # The checks come before any simulation.
    assert problem.simulator.num_points == 0


@pytest.mark.parametrize(
    ("factory", "error", "message"),
    [
        (lambda: GaussianPits(weights=[1.0]), ValueError, "weights must have 2 entries, one per centre, got 1"),
        (lambda: GaussianPits(widths=[0.4, 0.0]), ValueError, r"widths must contain only values > 0, got \[0.4, 0.0\]"),
        (lambda: GaussianPits(weights=[1.0, -1.0]), ValueError, r"weights must contain only values > 0"),
        (lambda: GaussianPits(centres=[0.0, 1.0]), ValueError, r"centres must have shape \(k, dim\), got shape \(2,\)"),
        (lambda: GaussianPits(centres=[[np.nan, 0.0], [1.0, 1.0]]), ValueError, "centres must be finite"),
        (lambda: GaussianPits(centres="ab"), TypeError, "centres must be an array of real numbers, got 'ab'"),
        (lambda: GaussianPits(step_fraction=1.0), ValueError, r"step_fraction must be in \(0, 1\), got 1.0"),
        (lambda: GaussianPits(step_fraction=0.0), ValueError, "step_fraction must be > 0.0, got 0.0"),
        (lambda: GaussianPits(gradient_tolerance=-1e-9), ValueError, "gradient_tolerance must be > 0.0, got -1e-09"),
        (lambda: GaussianPits(max_steps=0), ValueError, "max_steps must be >= 1, got 0"),
        (lambda: IPGD(num_points=0), ValueError, "num_points must be >= 1, got 0"),
        (lambda: IPGD(num_validation=0), ValueError, "num_validation must be >= 1, got 0"),
        (lambda: IPGD(hard_gradient_threshold=0), ValueError, "hard_gradient_threshold must be > 0.0, got 0.0"),
        (lambda: IPGD(validation_seed=-1), ValueError, "validation_seed must be >= 0, got -1"),
        (lambda: IPGD(steps_per_round=0), ValueError, "steps_per_round must be >= 1, got 0"),
        (lambda: IPGD(hidden_layers=(64, 0)), ValueError, r"hidden_layers\[1\] must be >= 1, got 0"),
        (lambda: IPGD(hidden_layers=()), ValueError, "hidden_layers must contain at least one layer width"),
        (lambda: IPGD(activation=None), TypeError, "activation must be a name such as 'relu' or 'tanh', got None"),
        (lambda: IPGD(plateau_monitor="test"), ValueError, "plateau_monitor must be one of 'training', 'validation', got 'test'"),
        (
            lambda: IPGD(centres=[[0, 0, 0]], weights=[1], widths=[1]),
            ValueError,
            r"centres must be points of the plane, shape \(k, 2\), got shape \(1, 3\)",
        ),
    ],
)
def test_invalid_configuration(factory, error, message):
    with pytest.raises(error, match=message):
        factory()


def test_simulator_rejects_invalid_points(pits):
    with pytest.raises(ValueError, match=r"points must have shape \(n, 2\), got \(3,\)"):
        pits.descend(np.zeros(3))
    with pytest.raises(ValueError, match="points must be finite"):
        pits.descend(np.array([[0.0, np.inf]]))


def test_cli_train_breed(tmp_path):
    output = tmp_path / "run"
    command = [
        sys.executable, "-m", "deepxde_breed", "train", "ipgd", "--sampler", "breed",
        "--iterations", "3", "--num-points", "200", "--output", str(output),
    ]
    environment = {**os.environ, "DDE_BACKEND": "pytorch", "OMP_NUM_THREADS": "1"}
    completed = subprocess.run(command, capture_output=True, text=True, timeout=300, cwd=tmp_path, env=environment)
    assert completed.returncode == 0, completed.stderr

    lines = completed.stdout.strip().splitlines()
    assert lines[-2].startswith("validation error (uniform): ")
    assert lines[-1].startswith("validation error (hard): ")
    errors = [float(line.split(": ")[1]) for line in lines[-2:]]
    assert all(math.isfinite(error) and error > 0 for error in errors)

    with open(output / "history.csv", newline="") as stream:
        rows = list(csv.DictReader(stream))
    assert [int(row["iteration"]) for row in rows] == [0, 1, 2, 3]
    assert [int(row["simulated_samples"]) for row in rows] == [200, 200, 400, 600]
    # The CLI prints 6 significant digits.
    assert float(rows[-1]["validation_error_uniform"]) == pytest.approx(errors[0], rel=1e-5)
    assert float(rows[-1]["validation_error_hard"]) == pytest.approx(errors[1], rel=1e-5)
    assert (output / "summary.png").stat().st_size > 10000
    assert "round 3/3" in completed.stderr
