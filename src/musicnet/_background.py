"""Work done by a forked copy of the process while the command does something else.

``musicnet build`` on a large network has two independent halves: the analyses, and the
suggested missing links with the map's layouts. On a machine with two or more cores a
forked child works out the second half while the parent does the first; the child sends
its result back through a pipe (pickled) and ends. Forking copies nothing up front (the
child shares the parent's memory until either writes to it) and needs no re-import or
re-loading, unlike a process pool.

The result is exactly what the same function gives in the parent. Whenever the child
cannot be used (no ``os.fork``, a single core, the fork or pipe failing, the child dying
or raising), :meth:`Background.result` calls the function itself, so errors surface in
the parent as they would have without the child. The child ignores Ctrl-C and SIGTERM
handlers of the command (it dies at once, writes no file and prints nothing), and
:meth:`Background.close` (also on leaving a ``with`` block) kills it if its result was
not collected. If the parent is killed outright the child notices when it writes its
result (the pipe has no reader) and ends.

>>> with Background(lambda: 6 * 7) as job:
...     job.result()
42
"""

from __future__ import annotations

import contextlib
import os
import pickle
import signal
from collections.abc import Callable
from types import TracebackType
from typing import Generic, TypeVar

__all__ = ["Background", "can_fork"]

T = TypeVar("T")


def can_fork() -> bool:
    """Whether forking would gain anything: ``os.fork`` exists and the process may use at
    least two cores."""
    if not hasattr(os, "fork"):  # pragma: no cover - not on Linux or macOS
        return False
    try:
        cores = len(os.sched_getaffinity(0))
    except AttributeError:  # pragma: no cover - macOS
        cores = os.cpu_count() or 1
    return cores >= 2


class Background(Generic[T]):
    """``fn()`` worked out in a forked child when ``fork`` is true (and forking is
    possible); :meth:`result` returns its value, or calls ``fn()`` itself if the child
    could not give it."""

    def __init__(self, fn: Callable[[], T], *, fork: bool = True):
        self._fn = fn
        self._pid = 0
        self._fd = -1
        self.forked = False  #: whether a child was started
        if not fork or not hasattr(os, "fork"):
            return
        try:
            r, w = os.pipe()
        except OSError:  # pragma: no cover - out of file descriptors
            return
        try:
            pid = os.fork()
        except OSError:  # pragma: no cover - out of memory or processes
            os.close(r)
            os.close(w)
            return
        if pid == 0:  # pragma: no cover - the child (coverage does not follow it)
            _child(fn, r, w)
        os.close(w)
        self._pid, self._fd, self.forked = pid, r, True

    def result(self) -> T:
        """The child's value (waiting for it), else ``fn()`` worked out here."""
        if self._pid:
            with os.fdopen(self._fd, "rb") as pipe:
                self._fd = -1
                data = pipe.read()
            _, status = os.waitpid(self._pid, 0)
            self._pid = 0
            if status == 0 and data:
                ok, value = pickle.loads(data)
                if ok:
                    return value  # type: ignore[no-any-return]
        return self._fn()

    def close(self) -> None:
        """Stop the child if it is still working (its result was not wanted)."""
        if self._fd >= 0:
            os.close(self._fd)
            self._fd = -1
        if self._pid:
            with contextlib.suppress(ProcessLookupError):  # already gone
                os.kill(self._pid, signal.SIGKILL)
            os.waitpid(self._pid, 0)
            self._pid = 0

    def __enter__(self) -> Background[T]:
        return self

    def __exit__(self, kind: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.close()


def _child(fn: Callable[[], object], r: int, w: int) -> None:  # pragma: no cover
    """The forked child: work out ``fn()``, send ``(ok, value)`` down ``w``, end without
    running any of the parent's clean-up (``os._exit``)."""
    code = 1
    try:
        os.close(r)
        signal.signal(signal.SIGINT, signal.SIG_DFL)
        signal.signal(signal.SIGTERM, signal.SIG_DFL)
        try:
            data = pickle.dumps((True, fn()), protocol=pickle.HIGHEST_PROTOCOL)
        except Exception:
            data = pickle.dumps((False, None))
        with os.fdopen(w, "wb") as pipe:
            pipe.write(data)
        code = 0
    except BaseException:
        pass
    finally:
        os._exit(code)
