"""Atomic file writes: a result file is either complete or absent."""

import contextlib
import os
import tempfile


@contextlib.contextmanager
def atomic_path(path):
    """Yield a temporary path beside ``path`` and rename it to ``path`` on success.

    On an exception the temporary file is removed and ``path`` is left as it was.
    The file gets the permissions of a newly created file under the current umask.
    """
    folder = os.path.dirname(os.path.abspath(path))
    name = os.path.basename(path)
    handle, temporary = tempfile.mkstemp(dir=folder, prefix=f".{name}.", suffix=".tmp")
    os.close(handle)
    try:
        yield temporary
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(temporary, 0o666 & ~umask)
        os.replace(temporary, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(temporary)
        raise
