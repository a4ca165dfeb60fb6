"""Data files read as UTF-8 text, JSON or JSON lines; refused with the file and line if not.

Every task reader goes through here, so a file that is binary, not JSON, empty, or
JSON of another shape stops with `path:line: what is wrong` (or `path: record: what
is wrong` inside one JSON document) and the offending value quoted shortened, never
with a raw `UnicodeDecodeError`, `JSONDecodeError` or `KeyError`.
"""

import json

from albert_keras.pipelines.base import shorten

_KINDS = {dict: "a JSON object", list: "a JSON list", str: "a string", int: "an integer"}


def read_text(path, expected):
    """The text of `path` (a UTF-8 BOM dropped); not UTF-8: ValueError naming the line."""
    with open(path, "rb") as handle:
        data = handle.read()
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = data[:error.start].count(b"\n") + 1
        raise ValueError(f"{path}:{line}: not UTF-8 text (byte 0x{data[error.start]:02x}); "
                         f"expected {expected}") from None


def read_json(path, expected):
    """The JSON document in `path`; empty, not UTF-8 or not JSON: ValueError naming where."""
    text = read_text(path, expected)
    if not text.strip():
        raise ValueError(f"{path}: empty file; expected {expected}")
    try:
        return json.loads(text)
    except json.JSONDecodeError as error:
        raise ValueError(f"{path}: not valid JSON (line {error.lineno}, column {error.colno}: "
                         f"{error.msg})") from None


def read_json_lines(path, expected):
    """(line number, value) for each non-blank line of a JSON-lines file; a line that is not
    JSON: ValueError naming it."""
    lines = read_text(path, expected).split("\n")  # not splitlines: JSON strings may hold U+2028
    for number, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            yield number, json.loads(line)
        except json.JSONDecodeError as error:
            raise ValueError(f"{path}:{number}: not valid JSON (column {error.colno}: "
                             f"{error.msg}); expected {expected}") from None


def describe(value):
    """A JSON value's kind and its text, shortened: `a JSON list '[1, 2]'`."""
    kind = _KINDS.get(type(value)) or {float: "a number", bool: "a boolean",
                                       type(None): "null"}.get(type(value), type(value).__name__)
    text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)
    return f"{kind} {shorten(text)}"


def field(record, key, kind, where):
    """`record[key]`, checked to be a `kind`; ValueError naming `where` otherwise.

    Args:
        record: the JSON value that should be an object holding `key`.
        key: str.
        kind: type (dict, list, str, int) or a tuple of them. What `record[key]` must be.
        where: str. The file and record, for the message (`train.json: data[0]`).
    """
    # ValueError, not TypeError: the file's content is wrong, not the caller's argument.
    if not isinstance(record, dict):
        raise ValueError(  # noqa: TRY004
            f"{where}: expected a JSON object with {key!r}, got {describe(record)}")
    if key not in record:
        keys = ", ".join(shorten(k, 30) for k in list(record)[:6]) or "none"
        more = f", ... ({len(record)} keys)" if len(record) > 6 else ""
        raise ValueError(f"{where}: no {key!r} (its keys: {keys}{more})")
    value = record[key]
    if not isinstance(value, kind) or isinstance(value, bool):
        kinds = " or ".join(_KINDS[k] for k in (kind if isinstance(kind, tuple) else (kind,)))
        raise ValueError(f"{where}: {key!r} must be {kinds}, got {describe(value)}")  # noqa: TRY004
    return value
