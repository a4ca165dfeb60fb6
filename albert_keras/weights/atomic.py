"""Write to a temporary sibling, then move into place: a crash never leaves a half-written file.

Temporary siblings are named `.<name>.tmp-<host>-<pid>-<random>`; the next write of the same
name removes those whose process on this host is gone (a run killed with SIGKILL cannot
clean up after itself).
"""

import contextlib
import os
import re
import shutil
import socket
import tempfile


def _host():
    return re.sub(r"[^A-Za-z0-9_]", "_", socket.gethostname())[:32] or "host"


def temporary_prefix(path):
    """The prefix of `path`'s temporary siblings written by this process."""
    return f".{os.path.basename(path)}.tmp-{_host()}-{os.getpid()}-"


def remove_stale_temporaries(path):
    """Removes `path`'s temporary siblings left by dead processes on this host.

    Returns the names removed. Siblings of live processes, or of other hosts (a shared
    folder), are left alone.
    """
    folder = os.path.dirname(os.path.abspath(path)) or "."
    pattern = re.compile(re.escape(f".{os.path.basename(path)}.tmp-{_host()}-") + r"(\d+)-")
    removed = []
    try:
        names = os.listdir(folder)
    except OSError:
        return removed
    for name in names:
        match = pattern.match(name)
        if not match or _alive(int(match.group(1))):
            continue
        stale = os.path.join(folder, name)
        if os.path.isdir(stale) and not os.path.islink(stale):
            shutil.rmtree(stale, ignore_errors=True)
        else:
            with contextlib.suppress(OSError):
                os.remove(stale)
        removed.append(name)
    return removed


def _alive(pid):
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # another user's live process
        return True
    return True


def temporary_file(path, suffix=""):
    """A new empty temporary sibling of `path` (its name), after removing stale ones."""
    directory = os.path.dirname(os.path.abspath(path))
    os.makedirs(directory, exist_ok=True)
    remove_stale_temporaries(path)
    fd, tmp = tempfile.mkstemp(prefix=temporary_prefix(path), suffix=suffix, dir=directory)
    os.close(fd)
    return tmp


@contextlib.contextmanager
def atomic_directory(destination, last=("config.json",), replace=False):
    """Yields a temporary folder beside `destination`; on success its files move in.

    A new destination is renamed into place in one step. An existing one is, with
    `replace=True`, swapped out as a whole (the old folder renamed aside, the new one
    renamed in, the old one removed), so no file of the old model stays beside the new
    weights. Without it (`save_pretrained` into a folder that holds other files) the
    files move in one by one with `os.replace` (each atomic), the names in `last` at the
    end, so a reader never sees a config whose weights are not complete. On an exception
    the temporary folder is removed and the destination untouched.

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
    remove_stale_temporaries(destination)
    tmp = tempfile.mkdtemp(prefix=temporary_prefix(destination), dir=parent)
    default_permissions(tmp, 0o777)  # mkdtemp's 0700 would be the new folder's mode
    try:
        yield tmp
        if not os.path.lexists(destination):
            os.rename(tmp, destination)
        elif replace:
            _swap_in(tmp, destination)
        else:
            names = sorted(os.listdir(tmp), key=lambda n: (n in last, n))
            for name in names:
                target = os.path.join(destination, name)
                if os.path.isdir(target) and not os.path.islink(target):
                    shutil.rmtree(target)
                os.replace(os.path.join(tmp, name), target)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def _swap_in(new, destination):
    """Replaces `destination` (a folder or file) by the folder `new` as a whole."""
    old = tempfile.mkdtemp(prefix=temporary_prefix(destination), dir=os.path.dirname(new))
    aside = os.path.join(old, "old")
    os.rename(destination, aside)
    try:
        os.rename(new, destination)
    except BaseException:
        os.rename(aside, destination)
        raise
    finally:
        shutil.rmtree(old, ignore_errors=True)


def default_permissions(path, mode=0o666):
    """Gives `path` the mode a plain `open` / `mkdir` would (mkstemp, and safetensors'
    `save_file`, write 0600, which hides the file from other users)."""
    umask = os.umask(0)
    os.umask(umask)
    os.chmod(path, mode & ~umask)


def atomic_write_bytes(path, data):
    """Writes `data` to `path` through a temporary file and a rename."""
    tmp = temporary_file(path)
    try:
        with open(tmp, "wb") as f:
            f.write(data)
        default_permissions(tmp)
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.remove(tmp)
        raise
