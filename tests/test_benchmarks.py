"""Run the sampler overhead benchmark on a tiny setting and check its report."""

import math
import os
import re
import subprocess
import sys
from pathlib import Path

SCRIPT = Path(__file__).resolve().parents[1] / "benchmarks" / "sampler_overhead.py"
RATIO_PATTERN = re.compile(r"^(breed|r3|uniform)/fixed time ratio: (\S+)$", re.MULTILINE)


def test_sampler_overhead_prints_ratios(tmp_path):
    env = dict(os.environ)
    env["DDE_BACKEND"] = "pytorch"
    env["OMP_NUM_THREADS"] = "1"
    result = subprocess.run(
        [sys.executable, str(SCRIPT), "--iterations", "5", "--repeats", "1"]
        + ["--variant", "deepxde"],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, f"benchmark failed:\n{result.stdout}\n{result.stderr}"

    ratios = dict(RATIO_PATTERN.findall(result.stdout))
    assert sorted(ratios) == ["breed", "r3", "uniform"], result.stdout
    for sampler, text in ratios.items():
        ratio = float(text)
        assert math.isfinite(ratio), f"{sampler}: {text}"
        assert ratio > 0, f"{sampler}: {text}"

    assert "Residual source of Breed and R3: training step" in result.stdout
    assert "iterations 5, repeats 1, N_s 2000, torch threads 1" in result.stdout
