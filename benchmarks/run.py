"""Run a benchmark sweep: problems x samplers x seeds, then summarize and plot.

Examples::

    python benchmarks/run.py --profile quick
    python benchmarks/run.py --profile paper --only ipgd --jobs 2
    python benchmarks/run.py --profile my_profile.json --scheduler tcp://HOST:8786

Finished runs are never rerun: rerunning the same command completes what an
interrupted sweep left out. The summary is printed and written to
``RESULTS/summary.md``, the figures to ``RESULTS/LABEL-ERROR.png`` and
``RESULTS/LABEL-points.png``.
"""

import argparse
import logging
import os
import sys

os.environ.setdefault("DDE_BACKEND", "pytorch")
# Dask logs every worker start and stop at INFO. Worker processes read this
# variable too, and Dask's warnings and errors still show.
os.environ.setdefault("DASK_LOGGING__DISTRIBUTED", "warning")

from deepxde_breed._files import atomic_path  # noqa: E402
from deepxde_breed.benchmark import expand_tasks, load_profile, load_results, run_sweep, summarize, summary_markdown  # noqa: E402
from deepxde_breed.benchmark.plots import plot_errors, plot_points  # noqa: E402
from deepxde_breed.benchmark.summary import entry_label  # noqa: E402

logger = logging.getLogger("deepxde_breed")


def build_parser():
    parser = argparse.ArgumentParser(description="Run a resumable benchmark sweep of collocation samplers.")
    parser.add_argument("--profile", default="quick", help="profile name in benchmarks/profiles or a JSON file (default: quick)")
    parser.add_argument("--results", default=None, help="results folder (default: results/PROFILE)")
    parser.add_argument("--only", action="append", default=None, metavar="LABEL", help="run only this problem label, such as ipgd or allen-cahn-deepxde; repeatable")
    parser.add_argument("--jobs", type=int, default=2, help="worker processes of the local Dask cluster (default: 2)")
    parser.add_argument("--scheduler", default=None, help="address of a running Dask scheduler; replaces the local cluster")
    parser.add_argument("--threads", type=int, default=1, help="PyTorch and BLAS threads per run (default: 1)")
    parser.add_argument("--summary-only", action="store_true", help="skip training, summarize and plot what is finished")
    parser.add_argument("--no-progress", action="store_true", help="hide the progress bar")
    return parser


def main(argv=None):
    arguments = build_parser().parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(levelname)s: %(message)s")
    for name in ("jobs", "threads"):
        if getattr(arguments, name) < 1:
            raise SystemExit(f"--{name} must be >= 1, got {getattr(arguments, name)}")

    profile = load_profile(arguments.profile)
    entries = profile["problems"]
    if arguments.only:
        entries = [entry for entry in entries if entry_label(entry) in arguments.only]
        if not entries:
            labels = sorted(entry_label(entry) for entry in profile["problems"])
            raise SystemExit(f"--only must name labels of the profile: {', '.join(labels)}; got {arguments.only}")
    results = arguments.results or os.path.join("results", profile["name"])

    failures = []
    if not arguments.summary_only:
        tasks = expand_tasks({"problems": entries})
        failures = run_sweep(
            tasks, results, jobs=arguments.jobs, scheduler=arguments.scheduler,
            threads=arguments.threads, progress=not arguments.no_progress,
        )

    runs = load_results(results)
    sections = [f"# Results of profile {profile['name']}", "", profile.get("description", ""), ""]
    for entry in entries:
        label = entry_label(entry)
        if label not in runs:
            logger.warning("no finished run of %s in %s", label, results)
            continue
        summary = summarize(runs[label], entry)
        sections.append(summary_markdown(label, entry, summary, entry["iterations"]))
        for error in entry.get("errors", ["relative_l2_error"]):
            plot_errors(label, runs[label], error, os.path.join(results, f"{label}-{error}.png"))
        plot_points(label, runs[label], results, os.path.join(results, f"{label}-points.png"))

    text = "\n".join(sections)
    with atomic_path(os.path.join(results, "summary.md")) as temporary, open(temporary, "w") as stream:
        stream.write(text + "\n")
    print(text)

    if failures:
        for task, message in failures:
            print(f"failed: {task.label} {task.file_stem}: {message}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
