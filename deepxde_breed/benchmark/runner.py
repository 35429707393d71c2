"""Run the tasks of a sweep, resumably, on a Dask cluster.

Each task writes ``RESULTS/LABEL/SAMPLER-seedS.csv`` (the tidy history) and
``SAMPLER-seedS.npy`` (the final training points), both through a temporary file
and a rename. The CSV is written last, so its presence marks a finished run: a
rerun skips it, and a run killed halfway leaves no file under a final name.

The same tasks go to a local ``distributed.LocalCluster`` (``jobs`` worker
processes with one thread each) or to a running Dask scheduler given by its
address, such as one that dask-jobqueue started on SLURM or PBS.
"""

import contextlib
import csv
import glob
import logging
import os
import time

import numpy as np

from .._files import atomic_path
from .profiles import Task

logger = logging.getLogger("deepxde_breed")

ID_COLUMNS = ("problem", "variant", "sampler", "seed")


def result_paths(results, task):
    """Return the ``(csv, npy)`` paths of a task's results."""
    folder = os.path.join(results, task.label)
    return os.path.join(folder, f"{task.file_stem}.csv"), os.path.join(folder, f"{task.file_stem}.npy")


def is_done(results, task):
    """Return True when the task's CSV exists, that is, when the run finished."""
    return os.path.exists(result_paths(results, task)[0])


def run_task(task, results, threads=1):
    """Train one task and write its results; return the CSV path.

    A task whose CSV already exists is skipped. ``threads`` limits PyTorch and the
    BLAS library to that many threads in this process.
    """
    csv_path, points_path = result_paths(results, task)
    if os.path.exists(csv_path):
        return csv_path
    os.makedirs(os.path.dirname(csv_path), exist_ok=True)

    history, columns, points = _train(task, threads)

    with atomic_path(points_path) as temporary, open(temporary, "wb") as stream:
        np.save(stream, np.asarray(points))
    with atomic_path(csv_path) as temporary, open(temporary, "w", newline="") as stream:
        writer = csv.writer(stream)
        writer.writerow(ID_COLUMNS + tuple(columns))
        identity = (task.problem, task.variant or "", task.sampler, task.seed)
        for row in history:
            writer.writerow(identity + tuple(_format(value) for value in row))
    return csv_path


def _train(task, threads):
    os.environ.setdefault("DDE_BACKEND", "pytorch")
    import torch
    from threadpoolctl import threadpool_limits

    from ..problems import get_problem
    from ..training import train_problem

    torch.set_num_threads(threads)
    options = {"num_points": task.num_points}
    if task.variant:
        options["variant"] = task.variant
    problem = get_problem(task.problem, **options)
    settings = {"seed": task.seed, "output": None, "period": task.period, "eval_every": task.eval_every}

    with threadpool_limits(limits=threads):
        if hasattr(problem, "train"):
            result = problem.train(task.sampler, task.iterations, **settings)
        else:
            result = train_problem(problem, task.sampler, task.iterations, **settings)
    return result["history"], result["history_columns"], result["points"]


def _format(value):
    if isinstance(value, float):
        return f"{value:.8g}"
    return value


def remove_stale_temporaries(results):
    """Remove temporary files that a killed run left behind; return how many."""
    stale = glob.glob(os.path.join(results, "*", ".*.tmp"))
    for path in stale:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(path)
    return len(stale)


def run_sweep(tasks, results, *, jobs=1, scheduler=None, threads=1, progress=True):
    """Run every unfinished task of a sweep and return the list of failures.

    Parameters
    ----------
    tasks : list of Task
        Runs of the sweep.
    results : str
        Results folder.
    jobs : int, default 1
        Worker processes of the local Dask cluster; ignored with ``scheduler``.
    scheduler : str or None
        Address of a running Dask scheduler, such as ``tcp://10.0.0.5:8786``.
    threads : int, default 1
        Threads per run for PyTorch and BLAS.
    progress : bool, default True
        Show a progress bar over the whole sweep on standard error.

    Returns
    -------
    list of (Task, str)
        Tasks that raised, with the error message. Finished runs stay written.
    """
    from distributed import Client, LocalCluster, as_completed
    from tqdm import tqdm

    os.makedirs(results, exist_ok=True)
    removed = remove_stale_temporaries(results)
    if removed:
        logger.info("removed %d temporary files of interrupted runs", removed)

    pending = [task for task in tasks if not is_done(results, task)]
    logger.info("%d of %d runs to do, %d already finished", len(pending), len(tasks), len(tasks) - len(pending))
    if not pending:
        return []

    # Worker processes inherit the environment: one thread each, PyTorch backend.
    os.environ.setdefault("DDE_BACKEND", "pytorch")
    os.environ.setdefault("OMP_NUM_THREADS", str(threads))

    with contextlib.ExitStack() as stack:
        if scheduler is not None:
            client = stack.enter_context(Client(scheduler))
        else:
            cluster = stack.enter_context(
                LocalCluster(
                    n_workers=jobs, threads_per_worker=1, processes=True,
                    host="127.0.0.1", dashboard_address=None,
                )
            )
            client = stack.enter_context(Client(cluster))

        futures = {client.submit(run_task, task, os.path.abspath(results), threads, pure=False): task for task in pending}
        failures = []
        started = time.perf_counter()
        bar = stack.enter_context(tqdm(total=len(tasks), initial=len(tasks) - len(pending), unit="run", disable=not progress))
        for future in as_completed(futures):
            task = futures[future]
            try:
                future.result()
            except Exception as error:  # noqa: BLE001 -- one failed run must not stop the sweep
                failures.append((task, f"{type(error).__name__}: {error}"))
                logger.error("run %s %s failed: %s", task.label, task.file_stem, failures[-1][1])
            bar.update(1)
        logger.info("sweep finished in %.0f s with %d failures", time.perf_counter() - started, len(failures))
    return failures


__all__ = ["Task", "run_sweep", "run_task", "is_done", "result_paths", "remove_stale_temporaries"]
