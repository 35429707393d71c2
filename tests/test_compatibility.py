"""The resampling callbacks combined with the rest of DeepXDE 1.15 (PyTorch backend).

L-BFGS, checkpoints, conditions, PDE systems, geometries of 1 to 3 dimensions,
``batch_size``, seeds, and the data kinds and backends that are rejected.
"""

import logging
import os
import pathlib
import random
import types
import warnings

import deepxde as dde
import numpy as np
import pytest
import torch

from deepxde_breed import BreedResampler, R3Resampler, RADResampler, UniformResampler
from deepxde_breed import callbacks as callbacks_module
from deepxde_breed.checkpoints import ResamplerCheckpoint, restore_checkpoint, save_checkpoint
from deepxde_breed.residuals import pointwise_loss, predicted_loss
from geometries import is_inside

CALLBACKS = {
    "breed": lambda **kw: BreedResampler(sigma=1e-3, ratio_steps=20, **kw),
    "r3": lambda **kw: R3Resampler(**kw),
    "uniform": lambda **kw: UniformResampler(**kw),
    "rad": lambda **kw: RADResampler(num_candidates=120, **kw),
}
INTERVAL_X_TIME = dde.geometry.GeometryXTime(dde.geometry.Interval(-1, 1), dde.geometry.TimeDomain(0, 1))


def heat_pde(x, u):
    return dde.grad.jacobian(u, x, i=0, j=1) - 0.1 * dde.grad.hessian(u, x, i=0, j=0)


def initial_condition():
    return dde.icbc.IC(INTERVAL_X_TIME, lambda x: np.sin(np.pi * x[:, 0:1]), lambda _, on_initial: on_initial)


def build_model(conditions=None, seed=0, pde=heat_pde, num_domain=40, lr=1e-3, outputs=1, **data_options):
    """Heat equation on [-1, 1] x [0, 1], with an initial condition unless other conditions are given."""
    dde.config.set_random_seed(seed)
    if conditions is None:
        conditions = [initial_condition()]
    data = dde.data.TimePDE(INTERVAL_X_TIME, pde, conditions, num_domain=num_domain, num_initial=8, **data_options)
    model = dde.Model(data, dde.nn.FNN([2, 8, outputs], "tanh", "Glorot normal"))
    model.compile("adam", lr=lr)
    return model


class PointRecorder(dde.callbacks.Callback):
    """Record the step and the PDE points after every ``on_epoch_end``."""

    def __init__(self):
        super().__init__()
        self.steps = []
        self.points = []

    def on_epoch_end(self):
        self.steps.append(self.model.train_state.step)
        self.points.append(self.model.data.train_x_all.copy())


class ResampleRecorder(dde.callbacks.Callback):
    """Record the PDE points after each resample of ``resampler``. List it after the resampler."""

    def __init__(self, resampler):
        super().__init__()
        self.resampler = resampler
        self.points = []
        self._count = 0

    def on_epoch_end(self):
        if self.resampler.num_resamples != self._count:
            self._count = self.resampler.num_resamples
            self.points.append(self.model.data.train_x_all.copy())


def train(model, iterations, callbacks, **options):
    options.setdefault("display_every", 1000)
    return model.train(iterations=iterations, callbacks=callbacks, verbose=0, **options)


# L-BFGS


@pytest.fixture
def lbfgs_options():
    """Set L-BFGS options for one test and put DeepXDE's back afterwards.

    ``set_LBFGS_options`` in DeepXDE 1.15 leaves ``iter_per_step``, the length of
    an outer step, at the value computed at import, so the test sets it as well.
    """
    saved = dict(dde.optimizers.LBFGS_options)

    def configure(maxiter, iter_per_step):
        dde.optimizers.set_LBFGS_options(maxiter=maxiter)
        dde.optimizers.LBFGS_options["iter_per_step"] = iter_per_step
        dde.optimizers.LBFGS_options["fun_per_step"] = 2 * iter_per_step

    yield configure
    dde.optimizers.LBFGS_options.clear()
    dde.optimizers.LBFGS_options.update(saved)


def period_warnings(record):
    return [str(item.message) for item in record if "cannot be honoured with L-BFGS" in str(item.message)]


def test_lbfgs_resamples_at_every_outer_step(lbfgs_options, caplog):
    lbfgs_options(maxiter=20, iter_per_step=5)
    model = build_model()
    callback = BreedResampler(period=3, seed=0)
    train(model, 4, [callback])
    adam_resamples = callback.num_resamples

    model.compile("L-BFGS")
    recorder = PointRecorder()
    with pytest.warns(UserWarning) as record, caplog.at_level(logging.WARNING, logger="deepxde_breed"):
        train(model, None, [callback, recorder])

    messages = period_warnings(record)
    assert messages == [
        "BreedResampler: period 3 cannot be honoured with L-BFGS, because DeepXDE calls callbacks once "
        "per L-BFGS outer step of up to 5 iterations; resampling every 5 iterations instead"
    ]
    assert [entry.getMessage() for entry in caplog.records if entry.name == "deepxde_breed"] == messages
    assert callback.effective_period == 5
    assert recorder.steps == [9, 14, 19, 24]
    assert callback.num_resamples - adam_resamples == 4
    assert callback.residual_source == "predict"
    for before, after in zip(recorder.points, recorder.points[1:]):
        assert not np.array_equal(before, after)
    assert model.data.pde is heat_pde


def test_lbfgs_period_warning_issued_once(lbfgs_options):
    lbfgs_options(maxiter=10, iter_per_step=5)
    model = build_model()
    callback = R3Resampler(period=2, seed=0)
    with pytest.warns(UserWarning) as record:
        for _ in range(2):
            model.compile("L-BFGS")
            train(model, None, [callback])
    assert len(period_warnings(record)) == 1


def test_lbfgs_period_rounded_up_to_outer_steps(lbfgs_options):
    lbfgs_options(maxiter=30, iter_per_step=5)
    model = build_model()
    model.compile("L-BFGS")
    initial = model.data.train_x_all.copy()
    callback = UniformResampler(period=7, seed=0)
    recorder = PointRecorder()
    with pytest.warns(UserWarning, match="resampling every 10 iterations instead"):
        train(model, None, [callback, recorder])

    assert callback.effective_period == 10
    assert recorder.steps == [5, 10, 15, 20, 25, 30]
    # Resamples after steps 10, 20 and 30: the first outer step at least 7 after the last.
    assert callback.num_resamples == 3
    changed = [not np.array_equal(before, after) for before, after in zip([initial] + recorder.points, recorder.points)]
    assert changed == [False, True, False, True, False, True]


def test_lbfgs_period_multiple_of_outer_step_silent(lbfgs_options):
    lbfgs_options(maxiter=20, iter_per_step=5)
    model = build_model()
    model.compile("L-BFGS")
    callback = BreedResampler(period=10, seed=0)
    with warnings.catch_warnings():
        warnings.simplefilter("error", UserWarning)
        train(model, None, [callback])
    assert callback.effective_period == 10
    assert callback.num_resamples == 2


def test_lbfgs_period_beyond_run_warns(lbfgs_options):
    lbfgs_options(maxiter=12, iter_per_step=5)
    model = build_model()
    model.compile("L-BFGS")
    callback = R3Resampler(period=100, seed=0)
    with pytest.warns(UserWarning, match=r"stops within 16 iterations \(maxiter = 12\), so period 100 means it will not resample at all"):
        train(model, None, [callback])
    assert callback.num_resamples == 0


def test_lbfgs_b_warns_nothing_trains():
    model = build_model()
    model.compile("L-BFGS-B")
    callback = BreedResampler(period=1, seed=0)
    with pytest.warns(UserWarning, match=r"trains nothing after compile\('L-BFGS-B'\).*compile with 'L-BFGS'"):
        train(model, None, [callback])
    assert model.train_state.step == 0
    assert callback.num_resamples == 0


# Saving and restoring


def run_with_recorder(factory, iterations, seed=0):
    model = build_model(seed=seed)
    callback = factory()
    recorder = PointRecorder()
    losshistory, _ = train(model, iterations, [callback, recorder], display_every=1)
    return model, callback, recorder, losshistory


@pytest.mark.parametrize("name", sorted(CALLBACKS))
def test_resume_matches_uninterrupted_run(name, tmp_path):
    # A callback seeded from NumPy's global state, so that the restored generator
    # state is all that makes the resumed points right.
    factory = lambda: CALLBACKS[name](period=3)  # noqa: E731
    _, _, full, full_history = run_with_recorder(factory, 15)

    model, callback, _, _ = run_with_recorder(factory, 7)
    model_path, state_path = save_checkpoint(model, str(tmp_path / "run"), callback)
    assert model_path == str(tmp_path / "run-7.pt")
    assert state_path == str(tmp_path / "run-7.resampler.npz")

    resumed_model = build_model(seed=0)
    np.random.seed(12345)  # the global state after building differs from the saved one
    resumed_callback = factory()
    restore_checkpoint(resumed_model, model_path, resumed_callback)
    assert resumed_model.train_state.step == 7
    resumed = PointRecorder()
    history, _ = train(resumed_model, 8, [resumed_callback, resumed], display_every=1)

    assert resumed.steps == full.steps[7:]
    for expected, actual in zip(full.points[7:], resumed.points):
        assert np.array_equal(expected, actual)
    assert resumed_callback.num_resamples == 5
    # The first entry of the resumed history is DeepXDE's evaluation at train start.
    assert history.steps[1:] == full_history.steps[8:]
    np.testing.assert_allclose(np.array(history.loss_train[1:]), np.array(full_history.loss_train[8:]), rtol=1e-6)
    np.testing.assert_allclose(np.array(history.loss_test[1:]), np.array(full_history.loss_test[8:]), rtol=1e-6)


def test_checkpoint_callback_resumes_mid_run(tmp_path):
    model = build_model()
    callback = BreedResampler(sigma=1e-3, ratio_steps=20, period=3, seed=4)
    checkpoint = ResamplerCheckpoint(str(tmp_path / "run"), callback, period=4)
    recorder = PointRecorder()
    train(model, 12, [callback, checkpoint, recorder])
    assert [os.path.basename(path) for path, _ in checkpoint.saved] == ["run-4.pt", "run-8.pt", "run-12.pt"]

    resumed_model = build_model()
    resumed_callback = BreedResampler(sigma=1e-3, ratio_steps=20, period=3, seed=4)
    restore_checkpoint(resumed_model, checkpoint.saved[0][0], resumed_callback)
    resumed = PointRecorder()
    train(resumed_model, 8, [resumed_callback, resumed])

    assert resumed.steps == recorder.steps[4:]
    for expected, actual in zip(recorder.points[4:], resumed.points):
        assert np.array_equal(expected, actual)
    assert resumed_callback.ratio == callback.ratio
    assert resumed_callback.total_redraws == callback.total_redraws
    for expected, actual in zip(model.net.parameters(), resumed_model.net.parameters()):
        torch.testing.assert_close(actual, expected, rtol=1e-6, atol=1e-7)


def test_checkpoint_callback_must_follow_resampler(tmp_path):
    model = build_model()
    callback = R3Resampler(seed=0)
    with pytest.raises(ValueError, match="must come after its resampler"):
        train(model, 1, [ResamplerCheckpoint(str(tmp_path / "run"), callback), callback])
    with pytest.raises(ValueError, match="must come after its resampler"):
        train(model, 1, [ResamplerCheckpoint(str(tmp_path / "run"), callback)])


def test_restore_checkpoint_restores_global_generators(tmp_path):
    model = build_model()
    callback = UniformResampler(period=2, seed=0)
    train(model, 2, [callback])
    model_path, _ = save_checkpoint(model, str(tmp_path / "run"), callback)
    expected = (random.random(), np.random.random(), torch.rand(1).item())

    random.seed(99)
    np.random.seed(99)
    torch.manual_seed(99)
    restore_checkpoint(build_model(), model_path, UniformResampler(period=2, seed=0))
    assert (random.random(), np.random.random(), torch.rand(1).item()) == expected


@pytest.mark.parametrize("name", sorted(CALLBACKS))
def test_state_file_round_trip_without_pickle(name, tmp_path):
    model = build_model()
    callback = CALLBACKS[name](period=2, seed=3)
    train(model, 5, [callback])
    path = callback.save(str(tmp_path / "state.npz"))

    with np.load(path, allow_pickle=False) as archive:
        assert sorted(archive.files) == ["points", "state"]
        assert np.array_equal(archive["points"], model.data.train_x_all)

    copy = CALLBACKS[name](period=2, seed=3)
    copy.load(path)
    saved, loaded = callback.state_dict(), copy.state_dict()
    assert loaded["rng"] == saved["rng"]
    assert loaded["num_resamples"] == saved["num_resamples"] == 2
    assert loaded["counters"] == saved["counters"]
    # The copy has no model yet; its points go into the data when training resumes.
    assert np.array_equal(copy._loaded_points, saved["points"])
    assert np.array_equal(copy.rng.random(4), callback.rng.random(4))


def test_state_dict_mt19937_round_trip():
    callback = UniformResampler(seed=np.random.Generator(np.random.MT19937(5)))
    callback.rng = callback._make_rng()
    state = callback.state_dict()
    copy = UniformResampler(seed=np.random.Generator(np.random.MT19937(5)))
    copy.load_state_dict(state)
    assert np.array_equal(copy.rng.random(3), callback.rng.random(3))


def test_load_rejects_state_of_other_class(tmp_path):
    path = R3Resampler(seed=0).save(str(tmp_path / "state.npz"))
    with pytest.raises(ValueError, match="state was saved by R3Resampler, so it cannot be loaded into BreedResampler"):
        BreedResampler(seed=0).load(path)


def test_load_warns_on_changed_settings(tmp_path):
    path = BreedResampler(sigma=1e-3, period=5, seed=0).save(str(tmp_path / "state.npz"))
    with pytest.warns(UserWarning, match=r"other settings \(period 5 -> 6, sigma 0.001 -> 0.002\)"):
        BreedResampler(sigma=2e-3, period=6, seed=0).load(path)


def test_resume_without_restored_step_rejected(tmp_path):
    model = build_model()
    callback = R3Resampler(period=2, seed=0)
    train(model, 4, [callback])
    model_path, state_path = save_checkpoint(model, str(tmp_path / "run"), callback)

    resumed_model = build_model()
    resumed_model.restore(model_path)
    resumed_callback = R3Resampler(period=2, seed=0)
    resumed_callback.load(state_path)
    with pytest.raises(ValueError, match=r"saved at step 4, but the model is at step 0.*restore_checkpoint"):
        train(resumed_model, 1, [resumed_callback])


def test_restore_rejects_other_point_count(tmp_path):
    model = build_model(num_domain=40)
    callback = UniformResampler(period=2, seed=0)
    train(model, 2, [callback])
    model_path, _ = save_checkpoint(model, str(tmp_path / "run"), callback)
    with pytest.raises(ValueError, match=r"PDE points of shape \(48, 2\), but the data object has \(38, 2\)"):
        restore_checkpoint(build_model(num_domain=30), model_path, UniformResampler(period=2, seed=0))


def test_failed_save_keeps_previous_file(tmp_path, monkeypatch):
    callback = UniformResampler(seed=0)
    path = callback.save(str(tmp_path / "state.npz"))
    before = pathlib.Path(path).read_bytes()

    def failing_savez(stream, **entries):
        stream.write(b"partial")
        raise OSError("disk full")

    monkeypatch.setattr(np, "savez", failing_savez)
    with pytest.raises(OSError, match="disk full"):
        UniformResampler(seed=1).save(path)
    assert pathlib.Path(path).read_bytes() == before
    assert os.listdir(tmp_path) == ["state.npz"]


# Conditions


def condition(kind):
    on_boundary = lambda _, on_boundary: on_boundary  # noqa: E731
    if kind == "dirichlet":
        return dde.icbc.DirichletBC(INTERVAL_X_TIME, lambda x: 0, on_boundary)
    if kind == "neumann":
        return dde.icbc.NeumannBC(INTERVAL_X_TIME, lambda x: 0, on_boundary)
    if kind == "robin":
        return dde.icbc.RobinBC(INTERVAL_X_TIME, lambda x, u: -u, on_boundary)
    if kind == "periodic":
        return dde.icbc.PeriodicBC(INTERVAL_X_TIME, 0, on_boundary)
    if kind == "operator":
        return dde.icbc.OperatorBC(INTERVAL_X_TIME, lambda x, u, _: dde.grad.jacobian(u, x, i=0, j=0), on_boundary)
    if kind == "point_set":
        points = np.array([[0.0, 0.5], [0.5, 0.25], [-0.5, 0.75]])
        return dde.icbc.PointSetBC(points, np.array([[0.0], [0.1], [-0.1]]))
    raise ValueError(kind)


@pytest.mark.parametrize("name", sorted(CALLBACKS))
@pytest.mark.parametrize("kind", ["dirichlet", "neumann", "robin", "periodic", "operator", "point_set", "initial_only"])
def test_conditions_untouched_and_finite(kind, name):
    conditions = [initial_condition()] if kind == "initial_only" else [condition(kind), initial_condition()]
    model = build_model(conditions, num_boundary=6)
    data = model.data
    condition_points = data.train_x_bc.copy()
    num_bcs = list(data.num_bcs)
    num_points = len(data.train_x_all)
    before = data.train_x_all.copy()

    callback = CALLBACKS[name](period=1, seed=0)
    losshistory, _ = train(model, 4, [callback], display_every=1)

    assert np.array_equal(data.train_x_bc, condition_points)
    assert data.num_bcs == num_bcs
    assert len(data.train_x_all) == num_points
    assert not np.array_equal(data.train_x_all, before)
    assert np.array_equal(data.train_x, np.vstack([condition_points, data.train_x_all]))
    assert callback.num_resamples == 4
    losses = np.array(losshistory.loss_train)
    assert losses.shape == (5, 1 + len(conditions))
    assert np.all(np.isfinite(losses))


def test_hard_constraint_through_output_transform():
    model = build_model(conditions=[], lr=0.0)
    # u = sin(pi x) + t (1 - x^2) N(x, t) meets u(x, 0) = sin(pi x) and u(+-1, t) = 0 exactly.
    model.net.apply_output_transform(
        lambda x, y: torch.sin(np.pi * x[:, 0:1]) + x[:, 1:2] * (1 - x[:, 0:1] ** 2) * y
    )
    recorded = []

    class Recording(BreedResampler):
        def _new_points(self, points, losses, step):
            recorded.append((points.copy(), losses.copy()))
            return super()._new_points(points, losses, step)

    callback = Recording(period=1, seed=0)
    train(model, 3, [callback])
    assert callback.residual_source == "training step"
    assert len(model.data.train_x_bc) == 0
    for points, losses in recorded:
        # With lr = 0 the captured residual equals the transformed network's residual.
        np.testing.assert_allclose(losses, predicted_loss(model, heat_pde, points), rtol=1e-5, atol=1e-10)
        assert np.all(np.isfinite(losses))


# PDE systems, geometries, batch size and auxiliary variables


def coupled_system(x, u):
    first = dde.grad.jacobian(u, x, i=0, j=1) - 0.1 * dde.grad.hessian(u, x, component=0, i=0, j=0) - u[:, 1:2]
    second = dde.grad.jacobian(u, x, i=1, j=1) + u[:, 0:1]
    return [first, second]


@pytest.mark.parametrize("name", ["breed", "r3"])
def test_pde_system_losses_sum_both_residuals(name, monkeypatch):
    model = build_model(conditions=[], pde=coupled_system, outputs=2, lr=0.0)
    recorded = []
    callback = CALLBACKS[name](period=1, seed=0)
    original = type(callback)._new_points

    def recording(self, points, losses, step):
        recorded.append((points.copy(), losses.copy()))
        return original(self, points, losses, step)

    monkeypatch.setattr(type(callback), "_new_points", recording)
    train(model, 2, [callback])

    assert callback.residual_source == "training step"
    for points, losses in recorded:
        first, second = model.predict(points, operator=coupled_system)
        np.testing.assert_allclose(losses, first[:, 0] ** 2 + second[:, 0] ** 2, rtol=1e-5, atol=1e-10)


def test_pde_system_rad_and_uniform():
    for name in ("rad", "uniform"):
        model = build_model(conditions=[initial_condition()], pde=coupled_system, outputs=2)
        before = model.data.train_x_all.copy()
        callback = CALLBACKS[name](period=1, seed=0)
        losshistory, _ = train(model, 2, [callback], display_every=1)
        assert callback.num_resamples == 2
        assert model.data.train_x_all.shape == before.shape
        assert np.all(np.isfinite(np.array(losshistory.loss_train)))


def laplace(x, u):
    return sum(dde.grad.hessian(u, x, i=i, j=i) for i in range(x.shape[1]))


def diffusion(x, u):
    time = x.shape[1] - 1
    return dde.grad.jacobian(u, x, i=0, j=time) - sum(dde.grad.hessian(u, x, i=i, j=i) for i in range(time))


GEOMETRY_CASES = {
    "interval": (dde.geometry.Interval(-1, 1), laplace, False),
    "rectangle": (dde.geometry.Rectangle([0, 0], [2, 1]), laplace, False),
    "cuboid": (dde.geometry.Cuboid([0, 0, 0], [1, 2, 0.5]), laplace, False),
    "interval_x_time": (INTERVAL_X_TIME, diffusion, True),
    "disk_x_time": (
        dde.geometry.GeometryXTime(dde.geometry.Disk([0, 0], 1), dde.geometry.TimeDomain(0, 1)),
        diffusion,
        True,
    ),
}


@pytest.mark.parametrize("name", sorted(CALLBACKS))
@pytest.mark.parametrize("case", sorted(GEOMETRY_CASES))
def test_geometries_of_each_dimension(case, name):
    geometry, pde, timed = GEOMETRY_CASES[case]
    dde.config.set_random_seed(0)
    boundary = dde.icbc.DirichletBC(geometry, lambda x: 0, lambda _, on_boundary: on_boundary)
    if timed:
        data = dde.data.TimePDE(geometry, pde, [boundary], num_domain=30, num_boundary=6, num_initial=4)
    else:
        data = dde.data.PDE(geometry, pde, [boundary], num_domain=30, num_boundary=6)
    model = dde.Model(data, dde.nn.FNN([geometry.dim, 8, 1], "tanh", "Glorot normal"))
    model.compile("adam", lr=1e-3)
    before = data.train_x_all.copy()

    callback = CALLBACKS[name](period=1, seed=0)
    train(model, 3, [callback])

    assert data.train_x_all.shape == before.shape
    assert not np.array_equal(data.train_x_all, before)
    assert np.all(is_inside(geometry, data.train_x_all))
    if name in ("breed", "r3"):
        assert callback.residual_source == "training step"


def test_batch_size_ignored_by_pde_data(monkeypatch):
    # DeepXDE 1.15's PDE.train_next_batch ignores batch_size: every step trains on
    # the whole set, so the captured residual still covers every PDE point.
    model = build_model()
    sizes = []
    original_step = model._train_step

    def recording_step(inputs, targets, auxiliary_vars):
        sizes.append(len(inputs))
        return original_step(inputs, targets, auxiliary_vars)

    monkeypatch.setattr(model, "_train_step", recording_step)
    callback = R3Resampler(period=1, seed=0)
    train(model, 3, [callback], batch_size=8)
    assert sizes == [len(model.data.train_x)] * 3
    assert callback.residual_source == "training step"
    assert callback.num_resamples == 3


class MiniBatchTimePDE(dde.data.TimePDE):
    """TimePDE that trains on the condition points and the first ``batch_size`` PDE points."""

    def train_next_batch(self, batch_size=None):
        inputs, targets, auxiliary = super().train_next_batch(batch_size)
        if batch_size is None:
            return inputs, targets, auxiliary
        return inputs[: len(self.train_x_bc) + batch_size], None, None


def test_mini_batch_falls_back_to_predict():
    dde.config.set_random_seed(0)
    data = MiniBatchTimePDE(INTERVAL_X_TIME, heat_pde, [initial_condition()], num_domain=40, num_initial=8)
    model = dde.Model(data, dde.nn.FNN([2, 8, 1], "tanh", "Glorot normal"))
    model.compile("adam", lr=1e-3)
    callback = BreedResampler(period=1, seed=0)
    train(model, 2, [callback], batch_size=10)
    assert callback.residual_source == "predict"
    assert callback.num_resamples == 2
    assert len(data.train_x_all) == 48


def source_pde(x, u, source):
    return heat_pde(x, u) - source


def source_term(x):
    return np.cos(np.pi * x[:, 0:1]) * x[:, 1:2]


def test_auxiliary_variables_predict_path(lbfgs_options):
    model = build_model(pde=source_pde, auxiliary_var_function=source_term, lr=0.0)
    points = model.data.train_x_all.copy()
    captured = []

    class Recording(R3Resampler):
        def _new_points(self, points, losses, step):
            captured.append((points.copy(), losses.copy()))
            return super()._new_points(points, losses, step)

    train(model, 1, [Recording(period=1, seed=0)])
    assert np.array_equal(captured[0][0], points)
    # The training step and the evaluation at new points agree on the residual.
    np.testing.assert_allclose(captured[0][1], predicted_loss(model, source_pde, points), rtol=1e-5, atol=1e-10)
    residual_without_source = pointwise_loss(model.predict(points, operator=heat_pde))
    assert not np.allclose(captured[0][1], residual_without_source)

    # RAD and L-BFGS score points through the evaluation path.
    rad = RADResampler(num_candidates=100, period=1, seed=0)
    train(model, 1, [rad])
    assert rad.num_resamples == 1
    assert len(model.data.train_aux_vars) == len(model.data.train_x)
    lbfgs_options(maxiter=5, iter_per_step=5)
    model.compile("L-BFGS")
    breed = BreedResampler(period=5, seed=0)
    train(model, None, [breed])
    assert breed.residual_source == "predict"
    assert breed.num_resamples == 1


# Reproducibility


@pytest.mark.parametrize("name", sorted(CALLBACKS))
def test_set_random_seed_reproduces_every_resample(name):
    runs = []
    for seed in (7, 7, 8):
        model = build_model(seed=seed)
        callback = CALLBACKS[name](period=2)
        recorder = ResampleRecorder(callback)
        train(model, 8, [callback, recorder])
        runs.append(recorder.points)

    first, second, other = runs
    assert len(first) == len(second) == 4
    for expected, actual in zip(first, second):
        assert np.array_equal(expected, actual)
    for before, after in zip(first, first[1:]):
        assert not np.array_equal(before, after)
    assert not np.array_equal(first[0], other[0])


# Rejected data kinds and backends


def operator_data(cartesian):
    geometry = dde.geometry.Interval(0, 1)
    boundary = dde.icbc.DirichletBC(geometry, lambda x: 0, lambda _, on_boundary: on_boundary)
    pde = dde.data.PDE(geometry, lambda x, u, v: dde.grad.jacobian(u, x) - v, boundary, num_domain=8, num_boundary=2)
    kind = dde.data.PDEOperatorCartesianProd if cartesian else dde.data.PDEOperator
    return kind(pde, dde.data.PowerSeries(N=3), np.linspace(0, 1, 5)[:, None], num_function=3)


def integro_differential_data():
    geometry = dde.geometry.Interval(0, 1)
    boundary = dde.icbc.DirichletBC(geometry, lambda x: 0, lambda _, on_boundary: on_boundary)
    return dde.data.IDE(geometry, lambda x, y, matrix: y, boundary, quad_deg=4, num_domain=8, num_boundary=2)


def fractional_data():
    geometry = dde.geometry.Interval(0, 1)
    boundary = dde.icbc.DirichletBC(geometry, lambda x: 0, lambda _, on_boundary: on_boundary)
    return dde.data.FPDE(
        geometry, lambda x, y, matrix: y, 1.5, boundary, [8], meshtype="static", num_domain=8, num_boundary=2
    )


@pytest.mark.parametrize(
    ("make_data", "match"),
    [
        (lambda: operator_data(False), r"operator-learning data \(PDEOperator\).*dde.callbacks.PDEPointResampler"),
        (lambda: operator_data(True), r"operator-learning data \(PDEOperatorCartesianProd\).*dde.data.PDE"),
        (integro_differential_data, r"integro-differential data \(IDE\).*dde.callbacks.PDEPointResampler"),
        (fractional_data, r"fractional PDE data \(FPDE\).*fixed points"),
    ],
    ids=["pde_operator", "pde_operator_cartesian", "ide", "fpde"],
)
@pytest.mark.parametrize("name", sorted(CALLBACKS))
def test_unsupported_data_rejected_at_train_begin(make_data, match, name):
    callback = CALLBACKS[name]()
    callback.set_model(types.SimpleNamespace(data=make_data()))
    with pytest.raises(TypeError, match=match):
        callback.on_train_begin()


def test_pde_data_with_extra_training_rows_rejected():
    model = build_model()
    model.data.train_x = np.vstack([model.data.train_x, model.data.train_x[:3]])
    with pytest.raises(TypeError, match=r"has 59 rows in train_x for 8 condition and 48 PDE points"):
        train(model, 1, [UniformResampler()])


@pytest.mark.parametrize("backend_name", ["tensorflow.compat.v1", "tensorflow", "jax", "paddle"])
def test_other_backends_rejected(backend_name, monkeypatch):
    model = build_model()
    monkeypatch.setattr(dde.backend, "backend_name", backend_name)
    with pytest.raises(RuntimeError, match=f"PyTorch backend, but the backend in use is '{backend_name}'.*DDE_BACKEND=pytorch"):
        train(model, 1, [BreedResampler()])
    assert callbacks_module.backend.backend_name == backend_name


# Simulation data


def test_simulation_data_resumes_from_checkpoint(tmp_path):
    simulation = pytest.importorskip("deepxde_breed.simulation")

    def build():
        dde.config.set_random_seed(0)
        data = simulation.SimulatorData(dde.geometry.Interval(0, 1), lambda x: np.sin(3 * x), 16, seed=0)
        model = dde.Model(data, dde.nn.FNN([1, 8, 1], "tanh", "Glorot normal"))
        model.compile("adam", lr=1e-3)
        return model

    def record(model, callback, iterations):
        points = []

        class Recorder(dde.callbacks.Callback):
            def on_epoch_end(self):
                points.append(self.model.data.train_x.copy())

        train(model, iterations, [callback, Recorder()])
        return points

    full = record(build(), BreedResampler(sigma=1e-3, period=2, seed=1), 6)
    model = build()
    callback = BreedResampler(sigma=1e-3, period=2, seed=1)
    record(model, callback, 3)
    model_path, _ = save_checkpoint(model, str(tmp_path / "run"), callback)
    resumed_model = build()
    resumed_callback = BreedResampler(sigma=1e-3, period=2, seed=1)
    restore_checkpoint(resumed_model, model_path, resumed_callback)
    resumed = record(resumed_model, resumed_callback, 3)
    assert resumed_callback.residual_source == "per-sample loss"
    for expected, actual in zip(full[3:], resumed):
        assert np.array_equal(expected, actual)


# The examples of docs/compatibility.md


def documentation_blocks():
    path = pathlib.Path(__file__).resolve().parents[1] / "docs" / "compatibility.md"
    blocks = []
    for chunk in path.read_text().split("```python\n")[1:]:
        blocks.append(chunk.split("```")[0])
    return blocks


def test_documentation_examples_run(tmp_path, monkeypatch, lbfgs_options):
    # The blocks build on one another, so they run in order in one namespace. The
    # lbfgs_options fixture puts DeepXDE's L-BFGS options back even if a block fails.
    monkeypatch.chdir(tmp_path)
    namespace = {"__name__": "compatibility_examples"}
    blocks = documentation_blocks()
    assert len(blocks) == 8
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        for block in blocks:
            exec(compile(block, "docs/compatibility.md", "exec"), namespace)
    assert namespace["breed"].residual_source == "training step"
    assert (tmp_path / "heat-10.resampler.npz").exists()
