import os

import pytest

from deepxde_breed._files import atomic_path
from deepxde_breed.training import HISTORY_COLUMNS, write_history


def test_atomic_path_keeps_old_file_on_error(tmp_path):
    path = tmp_path / "history.csv"
    path.write_text("old content\n")

    with pytest.raises(RuntimeError, match="interrupted"):
        with atomic_path(str(path)) as temporary:
            with open(temporary, "w") as stream:
                stream.write("half a ")
            raise RuntimeError("interrupted")

    assert path.read_text() == "old content\n"
    assert os.listdir(tmp_path) == ["history.csv"]


def test_atomic_path_replaces_on_success(tmp_path):
    path = tmp_path / "result.txt"
    with atomic_path(str(path)) as temporary:
        with open(temporary, "w") as stream:
            stream.write("complete\n")
    assert path.read_text() == "complete\n"
    assert os.listdir(tmp_path) == ["result.txt"]
    # Permissions follow the umask like any new file, not mkstemp's 0600.
    umask = os.umask(0)
    os.umask(umask)
    assert path.stat().st_mode & 0o777 == 0o666 & ~umask


def test_write_history_columns_and_rows(tmp_path):
    path = tmp_path / "history.csv"
    write_history(str(path), [(0, 0.0, float("nan"), 0.5), (10, 1.25, 0.125, 0.25)])
    lines = path.read_text().splitlines()
    assert lines[0] == ",".join(HISTORY_COLUMNS)
    assert lines[1] == "0,0.0000,nan,5.00000000e-01"
    assert lines[2] == "10,1.2500,1.25000000e-01,2.50000000e-01"
