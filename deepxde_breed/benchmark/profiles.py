"""Benchmark profiles: JSON files that list problems, samplers, seeds and settings.

A profile is a JSON object with a ``description`` and a list ``problems``; each
entry names a registered problem and its sweep::

    {
      "description": "a few minutes on 2 cores",
      "problems": [
        {"problem": "allen-cahn", "variant": "deepxde", "samplers": ["fixed", "breed"],
         "seeds": [0, 1], "iterations": 500, "eval_every": 100, "num_points": 500,
         "errors": ["relative_l2_error"], "thresholds": [0.5, 0.2], "converged_below": 0.2}
      ]
    }

``variant``, ``num_points``, ``period`` and ``eval_every`` are optional and default
to the problem's own. ``errors`` names the error columns of the history that the
summary reports (default ``["relative_l2_error"]``). ``thresholds`` are the error
levels whose first crossing the summary reports. A seed counts as converged when
its final error is at most ``converged_below``.
"""

import dataclasses
import json
import os

from ..problems import PROBLEMS
from ..training import SAMPLERS

PROFILE_FOLDER = os.path.join(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))), "benchmarks", "profiles")

_ENTRY_KEYS = {
    "problem", "variant", "samplers", "seeds", "iterations", "eval_every", "num_points", "period",
    "errors", "thresholds", "converged_below",
}


@dataclasses.dataclass(frozen=True)
class Task:
    """One training run of a sweep: a problem setting, a sampler and a seed."""

    problem: str
    variant: str
    sampler: str
    seed: int
    iterations: int
    eval_every: int = None
    num_points: int = None
    period: int = None

    @property
    def label(self):
        """Problem name with its variant, such as ``allen-cahn-deepxde``."""
        return self.problem if not self.variant else f"{self.problem}-{self.variant}"

    @property
    def file_stem(self):
        """Name of the run's result files without extension."""
        return f"{self.sampler}-seed{self.seed}"


def resolve_profile_path(profile):
    """Return the path of a profile given by name (``quick``) or by file path."""
    if os.path.isfile(profile):
        return profile
    path = os.path.join(PROFILE_FOLDER, f"{profile}.json")
    if os.path.isfile(path):
        return path
    known = sorted(name[:-5] for name in os.listdir(PROFILE_FOLDER) if name.endswith(".json"))
    raise ValueError(f"profile must be a JSON file or one of {', '.join(known)}; got {profile!r}")


def load_profile(profile):
    """Load and check a profile given by name or path; return it as a dict."""
    path = resolve_profile_path(profile)
    with open(path) as stream:
        try:
            data = json.load(stream)
        except json.JSONDecodeError as error:
            raise ValueError(f"profile {path} is not valid JSON: {error}") from None

    if not isinstance(data, dict) or not isinstance(data.get("problems"), list) or not data["problems"]:
        raise ValueError(f"profile {path} must be a JSON object with a non-empty list 'problems'")
    for index, entry in enumerate(data["problems"]):
        _check_entry(entry, f"{path}: problems[{index}]")
    data.setdefault("name", os.path.splitext(os.path.basename(path))[0])
    return data


def _check_entry(entry, where):
    if not isinstance(entry, dict):
        raise ValueError(f"{where} must be a JSON object, got {entry!r}")
    unknown = set(entry) - _ENTRY_KEYS
    if unknown:
        raise ValueError(f"{where} has unknown keys {sorted(unknown)}; allowed: {sorted(_ENTRY_KEYS)}")
    for key in ("problem", "samplers", "seeds", "iterations"):
        if key not in entry:
            raise ValueError(f"{where} is missing the key {key!r}")

    if entry["problem"] not in PROBLEMS:
        raise ValueError(f"{where}: problem must be one of {', '.join(sorted(PROBLEMS))}, got {entry['problem']!r}")
    variants = getattr(PROBLEMS[entry["problem"]], "variants", ())
    if entry.get("variant") is not None and entry["variant"] not in variants:
        raise ValueError(f"{where}: variant must be one of {list(variants)}, got {entry['variant']!r}")
    if not entry["samplers"] or any(sampler not in SAMPLERS for sampler in entry["samplers"]):
        raise ValueError(f"{where}: samplers must be a non-empty list from {list(SAMPLERS)}, got {entry['samplers']!r}")
    if not entry["seeds"] or any(not _is_int(seed) or seed < 0 for seed in entry["seeds"]):
        raise ValueError(f"{where}: seeds must be a non-empty list of integers >= 0, got {entry['seeds']!r}")
    for key in ("iterations", "eval_every", "num_points", "period"):
        value = entry.get(key)
        if value is not None and (not _is_int(value) or value < 1):
            raise ValueError(f"{where}: {key} must be an integer >= 1, got {value!r}")
    thresholds = entry.get("thresholds", [])
    if not isinstance(thresholds, list) or any(not _is_number(value) or value <= 0 for value in thresholds):
        raise ValueError(f"{where}: thresholds must be a list of numbers > 0, got {thresholds!r}")
    converged = entry.get("converged_below")
    if converged is not None and (not _is_number(converged) or converged <= 0):
        raise ValueError(f"{where}: converged_below must be a number > 0, got {converged!r}")


def _is_int(value):
    return isinstance(value, int) and not isinstance(value, bool)


def _is_number(value):
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def expand_tasks(profile):
    """Return the list of tasks of a profile: by problem, then seed, then sampler.

    Seeds vary slower than samplers, so a sweep stopped early has compared every
    sampler on the first seeds.
    """
    tasks = []
    for entry in profile["problems"]:
        for seed in entry["seeds"]:
            for sampler in entry["samplers"]:
                tasks.append(
                    Task(
                        problem=entry["problem"],
                        variant=entry.get("variant"),
                        sampler=sampler,
                        seed=seed,
                        iterations=entry["iterations"],
                        eval_every=entry.get("eval_every"),
                        num_points=entry.get("num_points"),
                        period=entry.get("period"),
                    )
                )
    return tasks
