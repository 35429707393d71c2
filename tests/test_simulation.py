import deepxde as dde
import numpy as np
import pytest

from deepxde_breed import BreedResampler, R3Resampler, SimulatorData, UniformResampler

CALLBACKS = {
    "breed": lambda: BreedResampler(sigma=1e-3, ratio_start=0.7, ratio_steps=0, period=5, seed=0),
    "r3": lambda: R3Resampler(period=5, seed=0),
    "uniform": lambda: UniformResampler(period=5, seed=0),
}


class CountingSimulator:
    """Simulator with two outputs and a sharp step at x0 = 0.5, counting its calls."""

    def __init__(self):
        self.calls = 0

    def __call__(self, x):
        self.calls += 1
        step = np.tanh(200 * (x[:, 0:1] - 0.5))
        return np.hstack([step, x[:, 1:2] ** 2])


def build_model(simulator=None, num_points=100, seed=0, **options):
    dde.config.set_random_seed(seed)
    geometry = dde.geometry.Rectangle([0, 0], [1, 1])
    data = SimulatorData(geometry, simulator or CountingSimulator(), num_points, seed=seed, **options)
    net = dde.nn.FNN([2, 16, 16, 2], "tanh", "Glorot normal")
    model = dde.Model(data, net)
    model.compile("adam", lr=1e-3, verbose=0)
    return model


def test_initial_targets_match_simulator():
    simulator = CountingSimulator()
    data = build_model(simulator).data
    real = dde.config.real(np)

    assert data.train_x.shape == (100, 2)
    assert data.train_x.dtype == real
    assert data.train_y.dtype == real
    assert np.array_equal(data.train_y, simulator(data.train_x).astype(real))
    assert data.num_simulator_calls == 1
    assert data.num_simulated_samples == 100


@pytest.mark.parametrize("name", sorted(CALLBACKS))
def test_resample_targets_match_simulator(name):
    simulator = CountingSimulator()
    model = build_model(simulator)
    data = model.data
    initial = data.train_x.copy()

    model.train(iterations=20, callbacks=[CALLBACKS[name]()], display_every=1000, verbose=0)

    real = dde.config.real(np)
    assert not np.array_equal(data.train_x, initial)
    assert data.train_x.shape == (100, 2)
    assert data.train_y.shape == (100, 2)
    assert np.array_equal(data.train_y, simulator(data.train_x).astype(real))
    assert np.all((data.train_x >= 0) & (data.train_x <= 1))
    # One initial simulation plus one per resample, at steps 5, 10, 15 and 20.
    assert data.num_simulator_calls == 5
    assert data.num_simulated_samples == 500


def test_training_reduces_loss():
    model = build_model()
    before = model.data.pointwise_loss(model).mean()
    model.train(iterations=300, display_every=1000, verbose=0)
    after = model.data.pointwise_loss(model).mean()
    assert after < 0.5 * before


def test_breed_children_follow_high_loss():
    # After brief training the smooth output x1^2 is fitted and the step at
    # x0 = 0.5 is not, so the per-sample loss is high near the step and Breed's
    # children (70 % of one resample) must crowd around it.
    model = build_model(num_points=2000)
    data = model.data
    model.train(iterations=400, display_every=1000, verbose=0)
    losses = data.pointwise_loss(model)
    near_step = np.abs(data.train_x[:, 0] - 0.5) < 0.1
    assert losses[near_step].mean() > 3 * losses[~near_step].mean()

    callback = BreedResampler(sigma=1e-4, ratio_start=0.7, ratio_steps=0, period=1, seed=3)
    model.train(iterations=1, callbacks=[callback], display_every=1000, verbose=0)
    children = data.train_x[: callback.num_children]
    assert callback.num_children == 1400
    in_band = np.mean(np.abs(children[:, 0] - 0.5) < 0.1)
    # Uniform points would put 20 % of them in the band |x0 - 0.5| < 0.1.
    assert in_band > 0.4
    # Parents are drawn in proportion to their loss, so the children's share of the
    # band follows the band's share of the loss (about 0.58 here). The tolerance
    # covers the multinomial spread (std 0.013 for 1400 children) and children
    # crossing the band edges (std sqrt(1e-4) = 0.01 around their parents).
    loss_share = losses[near_step].sum() / losses.sum()
    assert abs(in_band - loss_share) < 0.06


def test_pointwise_loss_matches_training_loss():
    for loss in ("squared_error", "huber"):
        model = build_model(loss=loss, huber_delta=0.3)
        model.train(iterations=5, display_every=1, verbose=0)
        pointwise = model.data.pointwise_loss(model)
        assert pointwise.shape == (100,)
        assert pointwise.dtype == np.float64
        # float32 training loss against the float64 mean: agreement to about 1e-6.
        assert np.mean(pointwise) == pytest.approx(float(model.train_state.loss_train[0]), rel=1e-5)


def test_sample_losses_formulas():
    data = build_model(loss="huber", huber_delta=0.5).data
    prediction = np.array([[0.1, 0.0], [2.0, -1.0]])
    targets = np.zeros((2, 2))
    # 0.5 * 0.1^2 = 0.005; 0.5 * (2 - 0.25) + 0.5 * (1 - 0.25) = 1.25.
    assert data.sample_losses(prediction, targets) == pytest.approx([0.005, 1.25])

    data.loss = "squared_error"
    assert data.sample_losses(prediction, targets) == pytest.approx([0.01, 5.0])


def test_replace_points_size_change_rejected():
    data = build_model().data
    with pytest.raises(ValueError, match="points must have 100 rows .* got 99"):
        data.replace_points(data.train_x[:99])


def test_replace_points_outside_domain_rejected():
    data = build_model().data
    points = data.train_x.copy()
    points[7] = [1.5, 0.5]
    with pytest.raises(ValueError, match=r"1 of 100 do not, the first is row 7: \[1.5, 0.5\]"):
        data.replace_points(points)


def test_nan_simulator_output_rejected():
    def simulator(x):
        y = x.sum(axis=1, keepdims=True)
        y[x[:, 0] > 0.5] = np.nan
        return y

    data = SimulatorData(dde.geometry.Rectangle([0, 0], [1, 1]), lambda x: x[:, :1], 50, seed=0)
    data.simulator = simulator
    old_x, old_y = data.train_x.copy(), data.train_y.copy()
    new_points = data.domain.sample(50, np.random.default_rng(1))
    with pytest.raises(ValueError, match="simulator returned NaN or infinite outputs for .* of 50 points"):
        data.replace_points(new_points)
    # The set is left as it was.
    assert np.array_equal(data.train_x, old_x)
    assert np.array_equal(data.train_y, old_y)


def test_nan_in_initial_simulation_rejected():
    with pytest.raises(ValueError, match="NaN or infinite outputs .* initial inputs"):
        SimulatorData(dde.geometry.Interval(0, 1), lambda x: np.full_like(x, np.nan), 10, seed=0)


def test_simulator_wrong_shape_rejected():
    with pytest.raises(ValueError, match=r"simulator must return 10 rows .* got an array of shape \(9, 1\)"):
        SimulatorData(dde.geometry.Interval(0, 1), lambda x: x[:-1], 10, seed=0)


def test_test_points_simulated_once():
    simulator = CountingSimulator()
    test_points = np.array([[0.25, 0.5], [0.75, 0.5]])
    data = SimulatorData(dde.geometry.Rectangle([0, 0], [1, 1]), simulator, 10, seed=0, test_points=test_points)
    test_x, test_y = data.test()
    assert np.array_equal(test_x, test_points.astype(dde.config.real(np)))
    assert np.array_equal(test_y, simulator(test_x).astype(dde.config.real(np)))
    assert data.num_simulator_calls == 2
    assert data.num_simulated_samples == 12


def test_without_test_points_test_is_training_set():
    data = build_model().data
    test_x, test_y = data.test()
    assert test_x is data.train_x
    assert test_y is data.train_y


def test_same_seed_same_inputs():
    geometry = dde.geometry.Disk([0, 0], 1)
    first = SimulatorData(geometry, lambda x: x, 30, seed=5)
    second = SimulatorData(geometry, lambda x: x, 30, seed=5)
    other = SimulatorData(geometry, lambda x: x, 30, seed=6)
    assert np.array_equal(first.train_x, second.train_x)
    assert not np.array_equal(first.train_x, other.train_x)
    assert np.all(np.linalg.norm(first.train_x, axis=1) <= 1)


def test_seed_none_follows_deepxde_seed():
    geometry = dde.geometry.Interval(0, 1)
    dde.config.set_random_seed(11)
    first = SimulatorData(geometry, lambda x: x, 20)
    dde.config.set_random_seed(11)
    second = SimulatorData(geometry, lambda x: x, 20)
    assert np.array_equal(first.train_x, second.train_x)


def test_batch_size_rejected():
    data = build_model().data
    with pytest.raises(ValueError, match="batch_size must be None .* got 32"):
        data.train_next_batch(32)


@pytest.mark.parametrize(
    ("arguments", "error", "message"),
    [
        ({"num_points": 0}, ValueError, "num_points must be >= 1, got 0"),
        ({"num_points": 2.5}, TypeError, "num_points must be an integer, got 2.5"),
        ({"seed": -1}, ValueError, "seed must be >= 0, got -1"),
        ({"seed": "a"}, TypeError, "seed must be a non-negative integer, a numpy.random.Generator or None, got 'a'"),
        ({"loss": "l1"}, ValueError, "loss must be one of 'squared_error', 'huber', got 'l1'"),
        ({"huber_delta": 0.0}, ValueError, "huber_delta must be > 0.0, got 0.0"),
        ({"simulator": 3}, TypeError, "simulator must be callable, got 3"),
        ({"geom": "square"}, TypeError, "geom must be a DeepXDE geometry"),
        ({"test_points": np.zeros((3, 3))}, ValueError, r"test_points must have shape \(n, 2\), got \(3, 3\)"),
    ],
)
def test_invalid_arguments(arguments, error, message):
    options = {"geom": dde.geometry.Rectangle([0, 0], [1, 1]), "simulator": lambda x: x, "num_points": 10}
    options.update(arguments)
    geom, simulator, num_points = options.pop("geom"), options.pop("simulator"), options.pop("num_points")
    with pytest.raises(error, match=message):
        SimulatorData(geom, simulator, num_points, **options)
