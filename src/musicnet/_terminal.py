r"""Text for a terminal: data can never send control sequences to it.

Organisation names and notes are untrusted input. Printed raw, a name holding
``ESC ] 0;TITLE BEL`` would retitle the user's terminal and ``ESC [31m`` recolour it; a
right-to-left override would make text read differently from what it is. Everything
musicnet prints goes through :func:`term_safe` (text) or :func:`json_safe` (JSON).
"""

from __future__ import annotations

import re
from typing import Any

__all__ = ["json_safe", "term_safe"]

# C0 controls but tab and newline, DEL, C1 controls, and the bidirectional-text controls
_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e"
                      "\u2066-\u2069]")
# the same, minus the C0 controls json.dumps already escapes
_JSON_CONTROL = re.compile("[\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def _visible(m: re.Match[str]) -> str:
    code = ord(m.group())
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def term_safe(text: str) -> str:
    r"""``text`` with control characters shown as visible escapes (tab and newline kept).

    >>> term_safe("Kite\x1b]0;owned\x07 Street")
    'Kite\\x1b]0;owned\\x07 Street'
    >>> term_safe("two\nlines")
    'two\nlines'
    """
    return _CONTROL.sub(_visible, text)


def json_safe(text: str) -> str:
    r"""JSON text (from ``json.dumps``) with the control characters it leaves raw written as
    ``\uXXXX`` escapes: the same JSON value, safe to print.

    >>> import json
    >>> json_safe(json.dumps({"name": "A\x9b31mB"}, ensure_ascii=False))
    '{"name": "A\\u009b31mB"}'
    """
    return _JSON_CONTROL.sub(lambda m: f"\\u{ord(m.group()):04x}", text)


def json_text(obj: Any) -> str:
    """``obj`` as readable JSON (ending with a newline), fast at any size.

    Objects and lists are indented two spaces for the first two levels; a list of objects
    (rows: organisations, routes, findings) is always one row per line; anything deeper
    is written on one line. The deep parts use the json module's C encoder (its
    ``indent`` mode is pure Python: 100,000 organisations took seconds). Keys must be
    strings or integers.

    >>> print(json_text({"summary": {"n": 2, "by": {"a": 1}}, "rows": [{"id": "x"}]}), end="")
    {
      "summary": {
        "n": 2,
        "by": {"a": 1}
      },
      "rows": [
        {"id": "x"}
      ]
    }
    """
    import json

    encoder = json.JSONEncoder(ensure_ascii=False, separators=(", ", ": "))
    flat = encoder.encode
    try:  # one C encoder for every row (JSONEncoder.encode makes a new one per call)
        from json.encoder import c_make_encoder, encode_basestring

        if c_make_encoder is not None:
            rows = c_make_encoder(None, encoder.default, encode_basestring, None, ": ", ", ",
                                  False, False, True)

            def flat(o: Any) -> str:
                return "".join(rows(o, 0)) if isinstance(o, dict | list) else encoder.encode(o)
    except ImportError:  # pragma: no cover - other Python implementations
        pass

    def emit(o: Any, depth: int, pad: str) -> str:
        if isinstance(o, dict) and o and depth < 2:
            inner = pad + "  "
            return ("{\n" + ",\n".join(f"{inner}{flat(str(k))}: {emit(v, depth + 1, inner)}"
                                       for k, v in o.items()) + "\n" + pad + "}")
        if isinstance(o, list | tuple) and o and (
                depth < 2 or any(isinstance(x, dict) for x in o)):
            inner = pad + "  "
            if depth >= 1 and not any(isinstance(x, list | tuple) for x in o):
                items = map(flat, o)  # every item is written on one line
            else:
                items = (emit(v, depth + 1, inner) for v in o)
            return "[\n" + inner + (",\n" + inner).join(items) + "\n" + pad + "]"
        return flat(o)

    return emit(obj, 0, "") + "\n"
