import csv
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from deepxde_breed.benchmark import expand_tasks, load_profile, summarize
from deepxde_breed.benchmark.summary import first_crossing, load_results

RUNNER = Path(__file__).resolve().parents[1] / "benchmarks" / "run.py"
TINY_PROFILE = {
    "description": "tiny sweep for the tests",
    "problems": [
        {
            "problem": "allen-cahn",
            "variant": "deepxde",
            "samplers": ["fixed", "breed"],
            "seeds": [0, 1],
            "iterations": 6,
            "eval_every": 2,
            "num_points": 50,
            "period": 2,
            "thresholds": [0.9],
            "converged_below": 0.9,
        }
    ],
}
EXPECTED_COLUMNS = ["problem", "variant", "sampler", "seed", "iteration", "seconds", "training_loss", "relative_l2_error"]


def write_profile(tmp_path, profile=TINY_PROFILE):
    path = tmp_path / "tiny.json"
    path.write_text(json.dumps(profile))
    return path


def runner_command(profile_path, results, *extra):
    return [sys.executable, str(RUNNER), "--profile", str(profile_path), "--results", str(results), "--no-progress", *extra]


def runner_environment():
    environment = dict(os.environ, DDE_BACKEND="pytorch", OMP_NUM_THREADS="1")
    return environment


def read_rows(results):
    rows = {}
    for path in sorted(Path(results, "allen-cahn-deepxde").glob("*.csv")):
        with open(path, newline="") as stream:
            rows[path.name] = list(csv.DictReader(stream))
    return rows


def test_runner_writes_tidy_csvs_summary_and_plots(tmp_path):
    results = tmp_path / "results"
    completed = subprocess.run(
        runner_command(write_profile(tmp_path), results, "--jobs", "2"),
        capture_output=True, text=True, timeout=600, env=runner_environment(),
    )
    assert completed.returncode == 0, completed.stderr

    rows = read_rows(results)
    assert sorted(rows) == ["breed-seed0.csv", "breed-seed1.csv", "fixed-seed0.csv", "fixed-seed1.csv"]
    for name, table in rows.items():
        assert list(table[0]) == EXPECTED_COLUMNS
        assert [int(row["iteration"]) for row in table] == [0, 2, 4, 6], name
        assert {row["sampler"] for row in table} == {name.split("-")[0]}
    assert (results / "allen-cahn-deepxde" / "breed-seed0.npy").exists()
    assert (results / "allen-cahn-deepxde-relative_l2_error.png").stat().st_size > 10000
    assert (results / "allen-cahn-deepxde-points.png").stat().st_size > 10000
    summary = (results / "summary.md").read_text()
    assert "| breed | 2 |" in summary
    assert "| fixed | 2 |" in summary
    assert summary in completed.stdout


def test_runner_resumes_after_kill(tmp_path):
    results = tmp_path / "results"
    profile = write_profile(tmp_path)
    process = subprocess.Popen(
        runner_command(profile, results, "--jobs", "1"),
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=runner_environment(), start_new_session=True,
    )
    folder = results / "allen-cahn-deepxde"
    deadline = time.monotonic() + 300
    while time.monotonic() < deadline and not list(folder.glob("*.csv")):
        time.sleep(0.2)
    os.killpg(process.pid, signal.SIGKILL)
    process.wait()
    finished_before = {path.name: path.read_text() for path in folder.glob("*.csv")}
    assert 1 <= len(finished_before) < 4, "the sweep must be killed halfway for this test"

    completed = subprocess.run(
        runner_command(profile, results, "--jobs", "1"), capture_output=True, text=True, timeout=600, env=runner_environment()
    )
    assert completed.returncode == 0, completed.stderr
    assert f"{4 - len(finished_before)} of 4 runs to do" in completed.stderr

    rows = read_rows(results)
    assert len(rows) == 4
    for name, table in rows.items():
        assert [int(row["iteration"]) for row in table] == [0, 2, 4, 6], name
    # Runs finished before the kill are kept as they were, not rerun.
    for name, text in finished_before.items():
        assert (folder / name).read_text() == text
    assert not [path.name for path in folder.iterdir() if path.name.startswith(".")]


def test_runner_through_dask_scheduler_same_rows(tmp_path):
    from distributed import LocalCluster

    profile = write_profile(tmp_path)
    local = tmp_path / "local"
    remote = tmp_path / "remote"
    environment = runner_environment()
    os.environ.setdefault("DDE_BACKEND", "pytorch")
    completed = subprocess.run(
        runner_command(profile, local, "--jobs", "2"), capture_output=True, text=True, timeout=600, env=environment
    )
    assert completed.returncode == 0, completed.stderr

    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, host="127.0.0.1", dashboard_address=None) as cluster:
        completed = subprocess.run(
            runner_command(profile, remote, "--scheduler", cluster.scheduler_address),
            capture_output=True, text=True, timeout=600, env=environment,
        )
    assert completed.returncode == 0, completed.stderr

    local_rows, remote_rows = read_rows(local), read_rows(remote)
    assert sorted(local_rows) == sorted(remote_rows)
    for name in local_rows:
        # Training is deterministic for a seed with one thread; only wall time differs.
        strip = [{key: value for key, value in row.items() if key != "seconds"} for row in local_rows[name]]
        assert strip == [{key: value for key, value in row.items() if key != "seconds"} for row in remote_rows[name]]


def test_summary_thresholds_on_hand_made_history(tmp_path):
    folder = tmp_path / "allen-cahn-deepxde"
    folder.mkdir()
    histories = {
        # sampler, seed: (errors at iterations 0, 10, 20, 30; seconds at the end)
        ("fixed", 0): ([1.0, 0.8, 0.6, 0.5], 3.0),
        ("fixed", 1): ([1.0, 0.9, 0.8, 0.7], 3.0),
        ("breed", 0): ([1.0, 0.4, 0.2, 0.1], 3.3),
        ("breed", 1): ([1.0, 0.6, 0.3, 0.3], 3.3),
    }
    for (sampler, seed), (errors, seconds) in histories.items():
        with open(folder / f"{sampler}-seed{seed}.csv", "w", newline="") as stream:
            writer = csv.writer(stream)
            writer.writerow(EXPECTED_COLUMNS)
            for index, error in enumerate(errors):
                writer.writerow(["allen-cahn", "deepxde", sampler, seed, 10 * index, seconds * index / 3, 0.1, error])

    entry = {"thresholds": [0.75, 0.5, 0.25], "converged_below": 0.35}
    summary = {row["sampler"]: row for row in summarize(load_results(tmp_path)["allen-cahn-deepxde"], entry)}

    # Seed means: fixed 1.0, 0.85, 0.7, 0.6; breed 1.0, 0.5, 0.25, 0.2.
    assert summary["fixed"]["crossings"] == {0.75: 20, 0.5: None, 0.25: None}
    assert summary["breed"]["crossings"] == {0.75: 10, 0.5: 10, 0.25: 20}
    assert summary["fixed"]["final_mean"] == pytest.approx(0.6)
    assert summary["fixed"]["final_std"] == pytest.approx(0.1)
    assert summary["breed"]["final_mean"] == pytest.approx(0.2)
    assert summary["breed"]["converged"] == 2
    assert summary["fixed"]["converged"] == 0
    assert summary["breed"]["time_ratio"] == pytest.approx(1.1)
    assert summary["fixed"]["time_ratio"] == pytest.approx(1.0)


def test_first_crossing_cases():
    assert first_crossing([0, 5, 10], [1.0, 0.5, 0.1], 0.5) == 5
    assert first_crossing([0, 5, 10], [1.0, 0.6, 0.7], 0.5) is None
    assert first_crossing([], [], 0.5) is None


@pytest.mark.parametrize(
    ("change", "match"),
    [
        ({"problem": "heat"}, "problem must be one of"),
        ({"samplers": ["breed", "rar"]}, "samplers must be a non-empty list"),
        ({"seeds": [-1]}, "seeds must be a non-empty list of integers >= 0"),
        ({"iterations": 0}, "iterations must be an integer >= 1, got 0"),
        ({"variant": "periodic"}, "variant must be one of"),
        ({"thresholds": [0.5, -1]}, "thresholds must be a list of numbers > 0"),
        ({"colour": "red"}, "unknown keys"),
    ],
)
def test_profile_invalid_entries(tmp_path, change, match):
    entry = dict(TINY_PROFILE["problems"][0], **change)
    path = write_profile(tmp_path, {"problems": [entry]})
    with pytest.raises(ValueError, match=match):
        load_profile(str(path))


def test_profile_quick_and_paper_load():
    for name in ("quick", "paper"):
        profile = load_profile(name)
        assert expand_tasks(profile)


def test_run_task_surrogate_problem_columns(tmp_path):
    from deepxde_breed.benchmark import Task, run_task

    task = Task(problem="ipgd", variant=None, sampler="breed", seed=0, iterations=2, num_points=100, period=5)
    path = run_task(task, str(tmp_path))

    with open(path, newline="") as stream:
        rows = list(csv.DictReader(stream))
    assert list(rows[0])[:7] == ["problem", "variant", "sampler", "seed", "iteration", "seconds", "training_loss"]
    assert "validation_error_hard" in rows[0]
    assert [int(row["iteration"]) for row in rows] == [0, 1, 2]
    assert (tmp_path / "ipgd" / "breed-seed0.npy").exists()
