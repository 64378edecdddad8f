"""Safe output writing: whole files or nothing."""

from __future__ import annotations

import contextlib
import os
import re
import tempfile
from collections.abc import Mapping
from pathlib import Path

from .errors import MusicnetError

__all__ = ["safe_cell", "write_outputs", "xml_safe"]


def write_outputs(files: Mapping[Path, str | bytes]) -> None:
    """Write every file, or none: each goes to a temporary file beside it, then all are
    renamed into place. A failure removes the temporary files and raises MusicnetError."""
    temps: list[tuple[str, Path]] = []
    try:
        for path, content in files.items():
            path.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
            temps.append((tmp, path))
            data = content.encode("utf-8") if isinstance(content, str) else content
            with os.fdopen(fd, "wb") as fh:
                fh.write(data)
        for tmp, path in temps:
            os.chmod(tmp, 0o644)
            os.replace(tmp, path)
        temps.clear()
    except OSError as exc:
        raise MusicnetError(f"cannot write {exc.filename or 'output'}: {exc.strerror}.") from exc
    finally:
        for tmp, _ in temps:
            with contextlib.suppress(OSError):
                os.unlink(tmp)


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
