"""Write to a temporary folder, then move into place: a crash never leaves a half-written checkpoint."""

import contextlib
import os
import shutil
import tempfile


@contextlib.contextmanager
def atomic_directory(destination, last=("config.json",)):
    """Yields a temporary folder beside `destination`; on success its files move in.

    A new destination is renamed into place in one step. Into an existing folder
    the files move one by one with `os.replace` (each atomic), the names in `last`
    at the end, so a reader never sees a config whose weights are not complete.
    On an exception the temporary folder is removed and the destination untouched.

    Example:
    >>> import os, tempfile
    >>> target = os.path.join(tempfile.mkdtemp(), "model")
    >>> with atomic_directory(target) as tmp:
    ...     _ = open(os.path.join(tmp, "config.json"), "w").write("{}")
    >>> os.listdir(target)
    ['config.json']
    """
    destination = os.path.abspath(destination)
    parent = os.path.dirname(destination)
    os.makedirs(parent, exist_ok=True)
    tmp = tempfile.mkdtemp(prefix=f".{os.path.basename(destination)}.tmp-", dir=parent)
    default_permissions(tmp, 0o777)  # mkdtemp's 0700 would be the new folder's mode
    try:
        yield tmp
        if not os.path.exists(destination):
            os.rename(tmp, destination)
            return
        names = sorted(os.listdir(tmp), key=lambda n: (n in last, n))
        for name in names:
            target = os.path.join(destination, name)
            if os.path.isdir(target) and not os.path.islink(target):
                shutil.rmtree(target)
            os.replace(os.path.join(tmp, name), target)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def default_permissions(path, mode=0o666):
    """Gives `path` the mode a plain `open` / `mkdir` would (mkstemp, and safetensors'
    `save_file`, write 0600, which hides the file from other users)."""
    umask = os.umask(0)
    os.umask(umask)
    os.chmod(path, mode & ~umask)


def atomic_write_bytes(path, data):
    """Writes `data` to `path` through a temporary file and a rename."""
    directory = os.path.dirname(os.path.abspath(path))
    os.makedirs(directory, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{os.path.basename(path)}.tmp-", dir=directory)
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
        default_permissions(tmp)
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.remove(tmp)
        raise
