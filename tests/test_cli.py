import csv
import math
import subprocess
import sys

import pytest

from deepxde_breed.cli import main


def run_cli(tmp_path, *arguments):
    output = tmp_path / "run"
    command = [sys.executable, "-m", "deepxde_breed", "train", "allen-cahn", *arguments, "--output", str(output)]
    completed = subprocess.run(command, capture_output=True, text=True, timeout=600, cwd=tmp_path)
    return completed, output


def read_history(path):
    with open(path, newline="") as stream:
        return list(csv.DictReader(stream))


@pytest.mark.parametrize("sampler", ["breed", "r3", "uniform", "fixed"])
def test_cli_train_end_to_end(tmp_path, sampler):
    completed, output = run_cli(
        tmp_path, "--sampler", sampler, "--iterations", "30", "--eval-every", "10", "--num-points", "200", "--period", "5"
    )
    assert completed.returncode == 0, completed.stderr

    last_line = completed.stdout.strip().splitlines()[-1]
    assert last_line.startswith("relative L2 error: ")
    error = float(last_line.split(": ")[1])
    assert math.isfinite(error)
    assert error > 0

    rows = read_history(output / "history.csv")
    assert list(rows[0]) == ["iteration", "seconds", "training_loss", "relative_l2_error"]
    assert [int(row["iteration"]) for row in rows] == [0, 10, 20, 30]
    assert float(rows[-1]["relative_l2_error"]) == pytest.approx(error, rel=1e-5)
    assert (output / "summary.png").stat().st_size > 10000
    assert "iteration 30/30" in completed.stderr


@pytest.mark.parametrize("sampler", ["breed", "r3", "uniform", "fixed"])
def test_cli_paper_variant_runs(tmp_path, sampler):
    completed, output = run_cli(
        tmp_path, "--variant", "paper", "--sampler", sampler, "--iterations", "4", "--eval-every", "2", "--num-points", "100"
    )
    assert completed.returncode == 0, completed.stderr
    assert completed.stdout.strip().splitlines()[-1].startswith("relative L2 error: ")
    assert len(read_history(output / "history.csv")) == 3


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (["--iterations", "-5"], "iterations must be >= 1, got -5"),
        (["--iterations", "0"], "iterations must be >= 1, got 0"),
        (["--period", "0"], "period must be >= 1, got 0"),
        (["--num-points", "0"], "num_points must be >= 1, got 0"),
        (["--sampler", "rar"], "invalid choice: 'rar'"),
        (["--variant", "periodic"], "variant of allen-cahn must be one of: 'deepxde', 'paper'; got 'periodic'"),
    ],
)
def test_cli_invalid_arguments(tmp_path, capsys, arguments, message):
    with pytest.raises(SystemExit) as raised:
        main(["train", "allen-cahn", *arguments, "--output", str(tmp_path / "run")])
    assert raised.value.code == 2
    assert message in capsys.readouterr().err


def test_cli_list_shows_problems(capsys):
    assert main(["list"]) == 0
    lines = capsys.readouterr().out.splitlines()
    names = [line.split()[0] for line in lines]
    assert "allen-cahn" in names
    assert all(len(line.split(maxsplit=1)) == 2 for line in lines)
