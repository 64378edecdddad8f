"""Privacy rules shared by every output meant for publication (map, report, exports).

By default contact emails and notes are left out (``include_private`` puts them in), and
counts of young people below ``suppress_below`` are shown as "fewer than N" so that small
groups cannot be identified. Each output carries :func:`privacy_line` saying what was left
out.
"""

from __future__ import annotations

__all__ = ["privacy_line", "suppressed"]


def suppressed(value: int | None, below: int) -> str | None:
    """A count for publication: ``None`` stays ``None``; counts below ``below`` become
    ``"fewer than N"`` so small groups of young people cannot be identified.

    >>> suppressed(3, 5), suppressed(12, 5), suppressed(3, 0)
    ('fewer than 5', '12', '3')
    """
    if value is None:
        return None
    return f"fewer than {below}" if 0 < value < below else str(value)


def privacy_line(include_private: bool, suppress_below: int) -> str:
    parts = []
    if include_private:
        parts.append("Contact emails and notes are included: share only with people allowed "
                     "to see them.")
    else:
        parts.append("Contact emails and notes are left out.")
    if suppress_below > 1:
        parts.append(f"Counts of young people below {suppress_below} are shown as "
                     f"'fewer than {suppress_below}'.")
    return " ".join(parts)
