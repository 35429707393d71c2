"""Run each example script briefly and check that it reports a finite error."""

import math
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

EXAMPLES_DIR = Path(__file__).resolve().parents[1] / "examples"
ALLEN_CAHN_SCRIPTS = ["allen_cahn_breed.py", "allen_cahn_r3.py", "allen_cahn_uniform.py"]
ERROR_PATTERN = re.compile(r"^Relative L2 error: (\S+)$", re.MULTILINE)


def run_example(script, cwd):
    env = dict(os.environ)
    env["DDE_BACKEND"] = "pytorch"
    # 100 iterations are the fewest that include a resample by the callbacks with
    # period=100, so the test runs the point replacement and not only the training.
    env["DEEPXDE_BREED_EXAMPLE_ITERATIONS"] = "100"
    # One BLAS and torch thread per run. On a CPU shared with other work the default
    # thread pools oversubscribe the cores, and the reference solver of the
    # Allen-Cahn scripts then took 15 s instead of 2 s on a 2-core machine.
    env["OMP_NUM_THREADS"] = "1"
    return subprocess.run(
        [sys.executable, str(EXAMPLES_DIR / script)],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )


def parse_error(stdout):
    matches = ERROR_PATTERN.findall(stdout)
    assert len(matches) == 1, f"expected one 'Relative L2 error' line, output:\n{stdout}"
    return float(matches[0])


@pytest.mark.parametrize("script", ALLEN_CAHN_SCRIPTS)
def test_allen_cahn_example_reports_error(script, tmp_path):
    result = run_example(script, tmp_path)
    assert result.returncode == 0, f"{script} failed:\n{result.stdout}\n{result.stderr}"

    error = parse_error(result.stdout)
    assert math.isfinite(error), f"{script} printed a non-finite error: {error}"
    assert error >= 0


def test_custom_pde_disk_example(tmp_path):
    result = run_example("custom_pde_disk.py", tmp_path)
    assert result.returncode == 0, f"custom_pde_disk.py failed:\n{result.stdout}\n{result.stderr}"

    error = parse_error(result.stdout)
    assert math.isfinite(error), f"custom_pde_disk.py printed a non-finite error: {error}"
    assert error >= 0
    redraws_line = r"^Out-of-domain redraws: \d+ at the last resample, \d+ in all$"
    assert re.search(redraws_line, result.stdout, re.MULTILINE), result.stdout
    fallbacks_line = r"^Children replaced by uniform points after 10 redraws: \d+$"
    assert re.search(fallbacks_line, result.stdout, re.MULTILINE), result.stdout
    assert (tmp_path / "custom_pde_disk_points.png").stat().st_size > 0
