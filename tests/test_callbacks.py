import logging

import deepxde as dde
import numpy as np
import pytest

from deepxde_breed import BreedResampler, R3Resampler, RADResampler, UniformResampler
from deepxde_breed import residuals as residuals_module
from deepxde_breed.residuals import predicted_loss

CALLBACKS = {
    "breed": lambda **kw: BreedResampler(sigma=1e-3, ratio_steps=50, **kw),
    "r3": lambda **kw: R3Resampler(**kw),
    "uniform": lambda **kw: UniformResampler(**kw),
    "rad": lambda **kw: RADResampler(num_candidates=200, **kw),
}


def heat_pde(x, u):
    return dde.grad.jacobian(u, x, i=0, j=1) - 0.1 * dde.grad.hessian(u, x, i=0, j=0)


def build_heat_model(seed=0, pde=heat_pde, num_domain=64, lr=1e-3):
    """Heat equation with a soft Dirichlet condition and a soft initial condition."""
    dde.config.set_random_seed(seed)
    geometry = dde.geometry.GeometryXTime(dde.geometry.Interval(-1, 1), dde.geometry.TimeDomain(0, 1))
    boundary = dde.icbc.DirichletBC(geometry, lambda x: 0, lambda _, on_boundary: on_boundary)
    initial = dde.icbc.IC(geometry, lambda x: np.sin(np.pi * x[:, 0:1]), lambda _, on_initial: on_initial)
    data = dde.data.TimePDE(
        geometry, pde, [boundary, initial], num_domain=num_domain, num_boundary=8, num_initial=8
    )
    net = dde.nn.FNN([2, 8, 1], "tanh", "Glorot normal")
    model = dde.Model(data, net)
    model.compile("adam", lr=lr)
    return model


class InputRecorder(dde.callbacks.Callback):
    """Record the training set at the start of each step and after each step."""

    def __init__(self):
        super().__init__()
        self.before = []
        self.after = []

    def on_epoch_begin(self):
        self.before.append(self.model.data.train_next_batch()[0].copy())

    def on_epoch_end(self):
        self.after.append(self.model.data.train_x.copy())


@pytest.mark.parametrize("name", sorted(CALLBACKS))
def test_callback_next_step_trains_on_new_points(name, monkeypatch):
    model = build_heat_model()
    seen = []
    original_step = model._train_step

    def recording_step(inputs, targets, auxiliary_vars):
        seen.append(np.array(inputs, copy=True))
        return original_step(inputs, targets, auxiliary_vars)

    monkeypatch.setattr(model, "_train_step", recording_step)
    recorder = InputRecorder()
    callback = CALLBACKS[name](period=2, seed=0)
    model.train(iterations=6, callbacks=[callback, recorder], display_every=1000, verbose=0)

    # The set after step k (resampled when k is even) is what step k + 1 trains on.
    for step in range(5):
        assert np.array_equal(seen[step + 1], recorder.after[step])
    assert not np.array_equal(seen[1], seen[2])
    assert np.array_equal(seen[0], seen[1])
    assert np.array_equal(seen[2], seen[3])


@pytest.mark.parametrize("name", sorted(CALLBACKS))
def test_callback_conditions_untouched(name):
    model = build_heat_model()
    data = model.data
    bc_points = data.train_x_bc.copy()
    num_bcs = list(data.num_bcs)
    num_points = len(data.train_x_all)

    callback = CALLBACKS[name](period=1, seed=0)
    model.train(iterations=20, callbacks=[callback], display_every=1000, verbose=0)

    assert np.array_equal(data.train_x_bc, bc_points)
    assert data.num_bcs == num_bcs
    assert data.anchors is None
    assert len(data.train_x_all) == num_points
    assert np.array_equal(data.train_x, np.vstack([bc_points, data.train_x_all]))
    assert data.train_x.dtype == np.dtype(dde.config.real(np))
    assert callback.num_resamples == 20


@pytest.mark.parametrize("name", sorted(CALLBACKS))
def test_callback_set_size_constant_over_1000_resamples(name):
    model = build_heat_model(num_domain=32)
    callback = CALLBACKS[name](period=1, seed=0)
    sizes = []

    class SizeRecorder(dde.callbacks.Callback):
        def on_epoch_end(self):
            sizes.append((len(self.model.data.train_x_all), len(self.model.data.train_x)))

    model.train(iterations=1000, callbacks=[callback, SizeRecorder()], display_every=10000, verbose=0)
    assert callback.num_resamples == 1000
    assert set(sizes) == {(48, 64)}
    assert np.all(np.isfinite(model.data.train_x))


@pytest.mark.parametrize("name", sorted(CALLBACKS))
def test_callback_same_seed_same_points(name):
    runs = []
    for _ in range(2):
        model = build_heat_model(seed=1)
        model.train(iterations=10, callbacks=[CALLBACKS[name](period=3, seed=5)], display_every=1000, verbose=0)
        runs.append(model.data.train_x_all.copy())
    assert np.array_equal(runs[0], runs[1])

    model = build_heat_model(seed=1)
    model.train(iterations=10, callbacks=[CALLBACKS[name](period=3, seed=6)], display_every=1000, verbose=0)
    assert not np.array_equal(runs[0], model.data.train_x_all)


def test_callback_seed_none_follows_deepxde_seed():
    runs = []
    for _ in range(2):
        model = build_heat_model(seed=3)
        model.train(iterations=5, callbacks=[BreedResampler(period=1)], display_every=1000, verbose=0)
        runs.append(model.data.train_x_all.copy())
    assert np.array_equal(runs[0], runs[1])


@pytest.mark.parametrize("name", ["breed", "r3"])
def test_callback_residual_from_training_step(name, monkeypatch):
    # With lr = 0 the parameters never change, so the residual captured inside
    # the training step must equal model.predict(operator=pde) at the same points.
    model = build_heat_model(lr=0.0)
    callback = CALLBACKS[name](period=1, seed=0)
    recorded = []
    original = type(callback)._new_points

    def recording(self, points, losses, step):
        recorded.append((points.copy(), losses.copy()))
        return original(self, points, losses, step)

    monkeypatch.setattr(type(callback), "_new_points", recording)
    model.train(iterations=3, callbacks=[callback], display_every=1000, verbose=0)

    assert callback.residual_source == "training step"
    assert model.data.pde is heat_pde
    for points, losses in recorded:
        expected = predicted_loss(model, heat_pde, points)
        np.testing.assert_allclose(losses, expected, rtol=1e-5, atol=1e-10)


def test_callback_predict_fallback(monkeypatch):
    monkeypatch.setattr(residuals_module.ResidualCapture, "take", lambda self, num_inputs, num_rows: None)
    model = build_heat_model()
    callback = R3Resampler(period=1, seed=0)
    model.train(iterations=3, callbacks=[callback], display_every=1000, verbose=0)
    assert callback.residual_source == "predict"
    assert callback.num_resamples == 3


def test_callback_pde_system_combined():
    def system(x, u):
        first = dde.grad.jacobian(u, x, i=0, j=1) - 0.1 * dde.grad.hessian(u, x, i=0, j=0)
        return [first, 2 * first]

    recorded = []

    class Recording(BreedResampler):
        def _new_points(self, points, losses, step):
            recorded.append(losses)
            return super()._new_points(points, losses, step)

    geometry = dde.geometry.GeometryXTime(dde.geometry.Interval(-1, 1), dde.geometry.TimeDomain(0, 1))
    dde.config.set_random_seed(0)
    data = dde.data.TimePDE(geometry, system, [], num_domain=40)
    model = dde.Model(data, dde.nn.FNN([2, 8, 1], "tanh", "Glorot normal"))
    model.compile("adam", lr=0.0)
    points = data.train_x_all.copy()
    model.train(iterations=1, callbacks=[Recording(period=1, seed=0)], display_every=1000, verbose=0)

    # The per-point loss of a system is the sum of squares: r^2 + (2 r)^2 = 5 r^2.
    single = predicted_loss(model, heat_pde, points)
    np.testing.assert_allclose(recorded[0], 5 * single, rtol=1e-5, atol=1e-10)


def test_callback_reused_across_train_calls():
    model = build_heat_model()
    callback = BreedResampler(sigma=1e-3, ratio_steps=10, period=2, seed=0)
    model.train(iterations=4, callbacks=[callback], display_every=1000, verbose=0)
    assert callback.num_resamples == 2
    assert model.data.pde is heat_pde
    first = model.data.train_x_all.copy()

    model.train(iterations=5, callbacks=[callback], display_every=1000, verbose=0)
    # The period restarts with each call: resamples after steps 6 and 8.
    assert callback.num_resamples == 4
    assert callback.ratio == pytest.approx(0.15 + 0.55 * 8 / 10)
    assert not np.array_equal(first, model.data.train_x_all)
    assert model.data.pde is heat_pde


def test_breed_schedule_counts_resamples():
    model = build_heat_model()
    callback = BreedResampler(ratio_start=0.0, ratio_end=1.0, ratio_steps=10, schedule_counts="resamples", period=5, seed=0)
    model.train(iterations=15, callbacks=[callback], display_every=1000, verbose=0)
    # Three resamples at positions 0, 1, 2 of the schedule.
    assert callback.ratio == pytest.approx(0.2)
    assert callback.num_children == 16  # floor(80 * 0.2) over 64 + 8 + 8 PDE points


def test_breed_counts_children_and_redraws():
    model = build_heat_model()
    callback = BreedResampler(sigma=0.05, ratio_start=0.5, ratio_end=0.5, ratio_steps=0, period=1, seed=0)
    model.train(iterations=30, callbacks=[callback], display_every=1000, verbose=0)
    assert callback.ratio == 0.5
    assert callback.num_children == 40  # floor(80 * 0.5): 64 domain, 8 boundary and 8 initial points
    assert callback.total_redraws > 0
    assert callback.total_redraws >= callback.num_redraws


def test_breed_nan_residual_does_not_crash():
    def nan_pde(x, u):
        return heat_pde(x, u) * float("nan")

    model = build_heat_model(pde=nan_pde)
    callback = BreedResampler(period=1, seed=0)
    with pytest.warns(RuntimeWarning, match="no usable loss"):
        model.train(iterations=3, callbacks=[callback], display_every=1000, verbose=0)
    assert np.all(np.isfinite(model.data.train_x_all))
    assert callback.num_children == 0


def test_callback_logs_at_interval(caplog):
    model = build_heat_model()
    callback = BreedResampler(period=1, seed=0, log_every=5)
    with caplog.at_level(logging.INFO, logger="deepxde_breed"):
        model.train(iterations=12, callbacks=[callback], display_every=1000, verbose=0)
    messages = [record.getMessage() for record in caplog.records if record.name == "deepxde_breed"]
    assert len(messages) == 2
    assert messages[0].startswith("Breed at iteration 5: ratio")
    assert "children" in messages[0]
    assert "out-of-domain redraws" in messages[0]


def test_uniform_log_line(caplog):
    model = build_heat_model()
    with caplog.at_level(logging.INFO, logger="deepxde_breed"):
        model.train(iterations=2, callbacks=[UniformResampler(period=1, log_every=2)], display_every=1000, verbose=0)
    messages = [record.getMessage() for record in caplog.records if record.name == "deepxde_breed"]
    assert messages == ["Uniform at iteration 2: 2 resamples of 80 points"]


def test_callback_rejects_non_pde_data():
    data = dde.data.Function(dde.geometry.Interval(0, 1), np.sin, 10, 10)
    model = dde.Model(data, dde.nn.FNN([1, 4, 1], "tanh", "Glorot normal"))
    model.compile("adam", lr=1e-3)
    with pytest.raises(TypeError, match="needs a deepxde.data.PDE or TimePDE data object"):
        model.train(iterations=1, callbacks=[BreedResampler()], verbose=0)


def test_breed_sigma_per_coordinate_checked_against_geometry():
    model = build_heat_model()
    with pytest.raises(ValueError, match=r"sigma must be a scalar or have 2 entries .* got 3"):
        model.train(iterations=1, callbacks=[BreedResampler(sigma=[1e-3, 1e-3, 1e-3])], verbose=0)


@pytest.mark.parametrize(
    ("factory", "error", "match"),
    [
        (lambda: BreedResampler(sigma=0), ValueError, r"sigma must be > 0.0, got 0.0"),
        (lambda: BreedResampler(sigma=-0.1), ValueError, r"sigma must be > 0.0, got -0.1"),
        (lambda: BreedResampler(sigma=None), TypeError, r"sigma must be a positive number or a sequence of them, got None"),
        (lambda: BreedResampler(ratio_start=1.5), ValueError, r"start must be in \[0.0, 1.0\], got 1.5"),
        (lambda: BreedResampler(ratio_end=-0.2), ValueError, r"end must be in \[0.0, 1.0\], got -0.2"),
        (lambda: BreedResampler(ratio_steps=-5), ValueError, r"steps must be >= 0, got -5"),
        (lambda: BreedResampler(ratio_steps=1.5), TypeError, r"steps must be an integer, got 1.5"),
        (lambda: BreedResampler(period=0), ValueError, r"period must be >= 1, got 0"),
        (lambda: BreedResampler(period="10"), TypeError, r"period must be an integer, got '10'"),
        (lambda: BreedResampler(max_redraws=-1), ValueError, r"max_redraws must be >= 0, got -1"),
        (lambda: BreedResampler(loss_power=-1), ValueError, r"loss_power must be > 0.0, got -1.0"),
        (lambda: BreedResampler(subtract_min="yes"), TypeError, r"subtract_min must be a bool, got 'yes'"),
        (lambda: BreedResampler(schedule_counts="epochs"), ValueError, r"schedule_counts must be one of 'iterations', 'resamples', got 'epochs'"),
        (lambda: BreedResampler(seed=-1), ValueError, r"seed must be >= 0, got -1"),
        (lambda: BreedResampler(seed=1.5), TypeError, r"seed must be an integer, got 1.5"),
        (lambda: BreedResampler(log_every=0), ValueError, r"log_every must be >= 1, got 0"),
        (lambda: R3Resampler(period=0), ValueError, r"period must be >= 1, got 0"),
        (lambda: R3Resampler(period=2.0), TypeError, r"period must be an integer, got 2.0"),
        (lambda: UniformResampler(period=-3), ValueError, r"period must be >= 1, got -3"),
        (lambda: RADResampler(k=-1), ValueError, r"k must be >= 0.0, got -1.0"),
        (lambda: RADResampler(c="1"), TypeError, r"c must be a real number, got '1'"),
        (lambda: RADResampler(num_candidates=0), ValueError, r"num_candidates must be >= 1, got 0"),
        (lambda: UniformResampler(seed="a"), TypeError, r"seed must be an integer, got 'a'"),
    ],
)
def test_callback_invalid_arguments(factory, error, match):
    with pytest.raises(error, match=match):
        factory()


def test_rad_rejects_too_few_candidates():
    model = build_heat_model()
    with pytest.raises(ValueError, match=r"num_candidates must be >= the number of PDE points \(80\), got 50"):
        model.train(iterations=1, callbacks=[RADResampler(num_candidates=50)], verbose=0)
