"""Safe output writing: the whole set of files or nothing, never over the user's data.

Every file musicnet writes goes through :func:`write_outputs`. It guarantees:

* **No data loss.** A file read as input in this run (see :func:`note_input`), and any
  musicnet data file (``referrals.csv``, ``organisations.csv`` (any case; not one beside
  the ``routes.csv`` of an export's tables), or a data
  workbook with ``organisations`` and ``referrals`` sheets) is never replaced unless
  ``force=True`` (``--force`` on the command line).
* **Only regular files are replaced.** A destination that is a device, FIFO, socket or
  folder is refused (``--force`` does not change this): ``-o /dev/null`` never replaces
  ``/dev/null``.
* **All or nothing.** Files go to temporary names beside their destination first. A set
  of files in one folder is assembled in a temporary folder beside it and swapped in with
  one atomic ``renameat2(RENAME_EXCHANGE)`` (Linux), so an interruption at any moment,
  even ``SIGKILL``, leaves either the whole old set or the whole new set. Where that is
  not available the renames run with SIGINT and SIGTERM held back (as does the swap).
  Temporary files are removed on errors and on SIGINT/SIGTERM; ones left by a killed
  process are removed by the next write to the same place.
* **Permissions.** New files respect the umask; a replaced file keeps its mode (and, for
  root, its owner).
"""

from __future__ import annotations

import contextlib
import ctypes
import errno
import os
import re
import shutil
import signal
import stat
import tempfile
import zipfile
from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path

from .errors import MusicnetError, OutputRefused

__all__ = [
    "check_outputs",
    "note_input",
    "safe_cell",
    "write_outputs",
    "xml_safe",
]

_TMP_TAG = ".musicnet-"
_TMP_RE = re.compile(r"^\..+\.musicnet-(\d+)-[a-z0-9_]+(\.tmp)?$")

# (st_dev, st_ino) of every file read as input in this process
_inputs: dict[tuple[int, int], str] = {}


def note_input(path: str | Path) -> None:
    """Record ``path`` as an input of this run: :func:`write_outputs` then refuses to
    replace it (or any hard or symbolic link to it) unless ``force`` is given."""
    with contextlib.suppress(OSError):
        st = os.stat(path)
        _inputs[(st.st_dev, st.st_ino)] = str(path)


def _kind(mode: int) -> str:
    if stat.S_ISDIR(mode):
        return "a folder"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    if stat.S_ISFIFO(mode):
        return "a named pipe (FIFO)"
    if stat.S_ISSOCK(mode):
        return "a socket"
    return "not a regular file"


def odd_input(path: str | Path) -> str | None:
    """What ``path`` is, in words, when it exists but is neither a regular file nor a
    folder (a named pipe, a device, a socket): no command reads one. ``None`` otherwise.

    >>> odd_input("data") is None
    True
    """
    try:
        st = os.stat(path)
    except OSError:
        return None
    if stat.S_ISREG(st.st_mode) or stat.S_ISDIR(st.st_mode):
        return None
    return _kind(st.st_mode)


def _main_part(zf: zipfile.ZipFile) -> str:
    """The name of a workbook's main part (its list of sheets): where the package's own
    relationships say (``_rels/.rels``, as every reader finds it), else the usual
    ``xl/workbook.xml``; a workbook keeping it elsewhere was not known as data."""
    import posixpath
    import re

    try:
        rels = zf.read("_rels/.rels") if zf.getinfo("_rels/.rels").file_size < 1_000_000 \
            else b""
    except KeyError:
        return "xl/workbook.xml"
    for m in re.finditer(rb"<(?:\w+:)?Relationship\b[^>]*>", rels):
        tag = m.group(0)
        kind = re.search(rb'Type\s*=\s*["\']([^"\']*)', tag)
        target = re.search(rb'Target\s*=\s*["\']([^"\']*)', tag)
        if kind and target and kind.group(1).endswith(b"/officeDocument"):
            name = target.group(1).decode("utf-8", "replace")
            return posixpath.normpath(name.lstrip("/"))
    return "xl/workbook.xml"


def _is_data_workbook(path: Path) -> bool:
    """True for an .xlsx/.xlsm holding both an organisations and a referrals sheet (sheet
    names read by an XML parser, so any quoting or character references count), and for
    a workbook whose list of sheets cannot be read (encrypted, an unusual compression,
    damaged XML, very large): not ours to judge, so treated as data."""
    import zlib
    from xml.parsers import expat

    try:
        with zipfile.ZipFile(path) as zf:
            info = zf.getinfo(_main_part(zf))
            if info.file_size > 5_000_000:
                return True
            raw = zf.read(info)
    except (KeyError, zipfile.BadZipFile):
        return False  # not a workbook
    except (OSError, ValueError, RuntimeError, NotImplementedError, EOFError, zlib.error):
        return True
    names: set[str] = set()

    def start(tag: str, attrs: dict[str, str]) -> None:
        if tag.rpartition(":")[2] == "sheet" and "name" in attrs:
            names.add(attrs["name"].strip().casefold())

    def no_dtd(*_args: object) -> None:
        raise ValueError("a workbook has no DTD")

    parser = expat.ParserCreate()
    parser.StartElementHandler = start
    parser.StartDoctypeDeclHandler = no_dtd
    try:
        parser.Parse(raw, True)
    except (expat.ExpatError, ValueError):
        return True
    return {"organisations", "referrals"} <= names


def _is_data_file(path: Path) -> bool:
    name = path.name.lower()
    if name == "referrals.csv":
        return True
    if name == "organisations.csv":
        # data with or without a referrals.csv beside it, except in a folder of tables
        # `export --format csv` wrote (beside its routes.csv), which is an output
        try:
            beside = {n.lower() for n in os.listdir(path.parent)}
        except OSError:
            return True
        return "referrals.csv" in beside or "routes.csv" not in beside
    if name.endswith((".xlsx", ".xlsm")):
        return _is_data_workbook(path)
    return False


def _writable(path: Path, st: os.stat_result) -> bool:
    """Whether ``path`` may be written as its permissions say: ``os.access``, and for the
    superuser (whom ``os.access`` lets write anything) no write bit at all means
    read-only, as the user who removed them meant."""
    if not os.access(path, os.W_OK):
        return False
    return not (hasattr(os, "geteuid") and os.geteuid() == 0 and not st.st_mode & 0o222)


def check_outputs(paths: Iterable[str | Path], *, force: bool = False,
                  new_only: str | None = None) -> None:
    """Refuse (raise :class:`~musicnet.errors.OutputRefused`) before anything is written
    if any destination is not a regular file, lies in a read-only folder, or is read-only,
    an input of this run or a musicnet data file (the last three unless ``force``). With
    ``new_only`` (what the command writes, in words), any existing file is refused unless
    ``force``."""
    seen: dict[str, Path] = {}
    for raw in paths:
        path = Path(raw)
        same = seen.setdefault(os.path.realpath(path), path)
        if same is not path:
            raise OutputRefused(f"{same} and {path} are the same file: give each output its "
                                "own file.")
        try:
            pst = os.stat(path.parent)
        except OSError:
            pst = None  # missing: made when writing
        if pst is not None and not stat.S_ISDIR(pst.st_mode):
            raise OutputRefused(
                f"cannot write into {path.parent}: it is {_kind(pst.st_mode)}, not a "
                "folder. Give the path of a folder to write into.")
        # a read-only folder is a deliberate "keep as is": the set is written by swapping
        # in a new folder, which only needs the folder above it to be writable
        if pst is not None and not _writable(path.parent, pst):
            raise OutputRefused(
                f"cannot write into {path.parent}: the folder is read-only. Make it "
                "writable, or write somewhere else.")
        try:
            st = os.stat(path)
        except OSError:
            continue  # missing, or a parent is not a folder: the write reports it
        if not stat.S_ISREG(st.st_mode):
            raise OutputRefused(
                f"cannot write {path}: it is {_kind(st.st_mode)}, not a regular file. "
                "Give the path of a file to write.")
        if force:
            continue
        if not _writable(path, st):
            raise OutputRefused(
                f"will not write over {path}: the file is read-only. Write somewhere else, "
                "or add --force to replace it.")
        if new_only:
            raise OutputRefused(
                f"will not write over {path}: it already exists, and {new_only} would "
                "replace whatever it holds (a filled-in workbook would be lost). Give a new "
                "file name, or add --force to replace it.")
        if (st.st_dev, st.st_ino) in _inputs:
            raise OutputRefused(
                f"will not write over {path}: it is one of this command's input files, and "
                "its contents would be lost. Write somewhere else, or add --force to "
                "replace it.")
        if _is_data_file(path):
            raise OutputRefused(
                f"will not write over {path}: it holds musicnet data (organisations and "
                "routes) that would be lost. Write somewhere else, or add --force to "
                "replace it.")


def _umask() -> int:
    try:
        with open("/proc/self/status", encoding="ascii") as fh:
            for line in fh:
                if line.startswith("Umask:"):
                    return int(line.split()[1], 8)
    except (OSError, ValueError, IndexError):
        pass
    mask = os.umask(0o022)  # pragma: no cover - not Linux
    os.umask(mask)
    return mask


def _copy_owner_mode(st: os.stat_result | None, target: str, default: int) -> None:
    if st is None:
        os.chmod(target, default)
        return
    os.chmod(target, stat.S_IMODE(st.st_mode))
    if os.geteuid() == 0:
        with contextlib.suppress(OSError):
            os.chown(target, st.st_uid, st.st_gid)


@contextlib.contextmanager
def _signals_held() -> Iterator[None]:
    """Hold SIGINT and SIGTERM back while a commit runs, then act on them as usual.

    Done with Python-level handlers rather than a signal mask: a mask is per thread, and
    libraries' worker threads (OpenBLAS, for one) would still take the signal and have the
    main thread raise in the middle of the commit."""
    sigs = (signal.SIGINT, signal.SIGTERM)
    pending: list[int] = []
    try:
        old = {s: signal.signal(s, lambda signum, _frame: pending.append(signum))
               for s in sigs}
    except ValueError:  # not the main thread: signals cannot arrive here anyway
        yield
        return
    try:
        yield
    finally:
        for s, handler in old.items():
            signal.signal(s, handler)
        for signum in pending[:1]:
            handler = old[signum]
            if callable(handler):
                handler(signum, None)
            elif handler == signal.SIG_DFL:
                os.kill(os.getpid(), signum)


_RENAME_EXCHANGE = 2

#: Every file this process has written (replaced or created), in order: an interruption
#: just after a swap (the signal was held during it) reports what was written, not
#: "nothing was written".
WRITTEN: list[Path] = []


def _exchange(a: str, b: str) -> bool:
    """Atomically swap two paths (Linux ``renameat2``). False if not supported here."""
    try:
        fn = ctypes.CDLL(None, use_errno=True).renameat2
    except (OSError, AttributeError):
        return False
    rc = fn(-100, os.fsencode(a), -100, os.fsencode(b), _RENAME_EXCHANGE)
    if rc == 0:
        return True
    err = ctypes.get_errno()
    if err in (errno.EINVAL, errno.ENOSYS, errno.EOPNOTSUPP, errno.EPERM, errno.EBUSY,
               errno.EXDEV):
        return False  # (EBUSY: the folder is a mount point, a USB stick or a volume)
    raise OSError(err, os.strerror(err), b)


def _clean_stale(folder: Path) -> None:
    """Remove temporary files and folders left in ``folder`` by a killed musicnet."""
    try:
        entries = list(os.scandir(folder))
    except OSError:
        return
    for entry in entries:
        m = _TMP_RE.match(entry.name)
        if not m:
            continue
        pid = int(m.group(1))
        if pid != os.getpid():
            try:
                os.kill(pid, 0)
                continue  # that process is still running
            except ProcessLookupError:
                pass
            except OSError:
                continue
        with contextlib.suppress(OSError):
            if entry.is_dir(follow_symlinks=False):
                shutil.rmtree(entry.path)
            else:
                os.unlink(entry.path)


def _tmp_prefix(name: str) -> str:
    return f".{name}{_TMP_TAG}{os.getpid()}-"


def _write_new(path: Path, data: bytes, mode: int) -> None:
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as fh:
        fh.write(data)
    os.chmod(path, mode)


def _stat_or_none(path: Path) -> os.stat_result | None:
    try:
        return os.stat(path)
    except FileNotFoundError:
        return None


def write_outputs(files: Mapping[Path, str | bytes], *, force: bool = False) -> None:
    """Write every file, or none (see the module docstring for the guarantees).

    Raises :class:`~musicnet.errors.OutputRefused` if a destination must not be replaced,
    and :class:`~musicnet.errors.MusicnetError` (naming the destination, never a
    temporary file) if writing fails; nothing is changed in either case.
    """
    paths = [Path(p) for p in files]
    check_outputs(paths, force=force)
    data = {Path(p): (c.encode("utf-8") if isinstance(c, str) else c)
            for p, c in files.items()}
    parents = {p.parent for p in paths}
    current = paths[0] if paths else Path(".")
    try:
        for parent in parents:
            current = parent
            parent.mkdir(parents=True, exist_ok=True)
            _clean_stale(parent)
            _clean_stale(Path(os.path.abspath(parent)).parent)
        if len(parents) == 1 and len(paths) > 1:
            current = paths[0].parent
            if _write_folder_swap(paths[0].parent, data):
                return
        _write_each(data)
    except OutputRefused:
        raise
    except OSError as exc:
        where = current
        fname = exc.filename if isinstance(exc.filename, str) else None
        if fname and _TMP_TAG not in fname:
            where = Path(fname)
        raise MusicnetError(f"cannot write {where}: {exc.strerror or exc}.") from exc


def _write_each(data: Mapping[Path, bytes]) -> None:
    """Each file to a temporary name beside it, then all renamed with signals held."""
    mask = _umask()
    temps: list[tuple[str, Path]] = []
    try:
        for path, content in data.items():
            fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=_tmp_prefix(path.name),
                                       suffix=".tmp")
            temps.append((tmp, path))
            with os.fdopen(fd, "wb") as fh:
                fh.write(content)
            _copy_owner_mode(_stat_or_none(path), tmp, 0o666 & ~mask)
        with _signals_held():
            for tmp, path in temps:
                os.replace(tmp, path)
            WRITTEN.extend(path for _, path in temps)
            temps.clear()
    finally:
        for tmp, _ in temps:
            with contextlib.suppress(OSError):
                os.unlink(tmp)


def _carry(entry: os.DirEntry[str], tmp: str) -> None:
    """An existing file (or link) of the output folder into the new one: a hard link,
    else a copy."""
    dst = os.path.join(tmp, entry.name)
    if entry.is_symlink():
        os.symlink(os.readlink(entry.path), dst)
        return
    try:
        os.link(entry.path, dst)
    except OSError:
        shutil.copy2(entry.path, dst)


def _write_folder_swap(folder: Path, data: Mapping[Path, bytes]) -> bool:
    """Assemble the folder's new contents beside it and swap it in atomically.

    Files already in the folder that are not being written are carried over (hard links,
    or copies). Returns False (nothing changed) where a swap cannot be done: the folder is
    a symbolic link or holds sub-folders, or the file system cannot exchange folders."""
    mask = _umask()
    folder = Path(os.path.abspath(folder))
    fst = os.lstat(folder)
    if not stat.S_ISDIR(fst.st_mode):
        return False
    cwd = Path(os.getcwd())
    if cwd == folder or folder in cwd.parents:
        return False  # swapping the working folder would strand the process inside it
    if os.path.ismount(folder):
        return False  # a USB stick, a volume: a mount point cannot be swapped
    names = {p.name for p in data}
    keep = []
    for entry in os.scandir(folder):
        if entry.name in names:
            continue
        if entry.is_symlink() or entry.is_file(follow_symlinks=False):
            keep.append(entry)
        else:
            return False  # sub-folders (or odd files) would have to move: not atomic
    try:
        tmp = tempfile.mkdtemp(dir=folder.parent, prefix=_tmp_prefix(folder.name))
    except OSError:
        return False  # the folder above cannot be written (a shared drive): file by file
    swapped = False
    try:
        for entry in keep:
            _carry(entry, tmp)
        for path, content in data.items():
            dst = Path(tmp) / path.name
            _write_new(dst, content, 0o666 & ~mask)
            _copy_owner_mode(_stat_or_none(path), str(dst), 0o666 & ~mask)
        _copy_owner_mode(fst, tmp, 0o777 & ~mask)
        # files saved into the folder while the new set was being written are carried
        # over too (looked for again just before the swap)
        have = set(os.listdir(tmp))
        for entry in os.scandir(folder):
            if entry.name in have or entry.name in names:
                continue
            if not (entry.is_symlink() or entry.is_file(follow_symlinks=False)):
                return False  # a sub-folder appeared: not atomic any more
            _carry(entry, tmp)
        with _signals_held():
            swapped = _exchange(tmp, str(folder))
            if swapped:
                WRITTEN.extend(data)  # (a signal held till now must not say "nothing")
                shutil.rmtree(tmp, ignore_errors=True)
        return swapped
    finally:
        if not swapped:
            shutil.rmtree(tmp, ignore_errors=True)


_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: object) -> object:
    r"""A value that a spreadsheet will not run as a formula.

    Text starting with ``=``, ``+``, ``-``, ``@``, tab or carriage return gets a leading
    apostrophe (OWASP's advice on CSV injection); numbers are left alone.

    >>> safe_cell('=HYPERLINK("x")')
    '\'=HYPERLINK("x")'
    >>> safe_cell(-3)
    -3
    """
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value


# characters XML 1.0 (GraphML, GEXF, SVG, xlsx) cannot hold
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def xml_safe(value: object) -> object:
    r"""Text with the characters XML 1.0 cannot hold removed; other values unchanged.

    >>> xml_safe("bad\x00name")
    'badname'
    """
    return _NOT_XML.sub("", value) if isinstance(value, str) else value
