"""Sweeps of problems x samplers x seeds, resumable and parallel, with summaries and plots."""

from .profiles import Task, expand_tasks, load_profile
from .runner import run_sweep, run_task
from .summary import load_results, summarize, summary_markdown

__all__ = [
    "Task",
    "expand_tasks",
    "load_profile",
    "run_sweep",
    "run_task",
    "load_results",
    "summarize",
    "summary_markdown",
]
