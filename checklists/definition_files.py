"""Reading a definition file safely: size, encoding and TOML syntax errors in plain Chinese.

Whatever an office points ``liangheng checklist check`` at (a folder, a missing file, a huge or
binary file, UTF-16 from Notepad), the result is a :class:`~checklists.errors.DefinitionError`
naming the file and the place, never a traceback or a hang.
"""

from __future__ import annotations

import errno
import re
import tomllib
from pathlib import Path

from checklists.errors import DefinitionError
from checklists.i18n import _

# Real definitions are a few tens of kB, and each record keeps its definition's text: refuse a
# file far beyond that before parsing it, rather than stall the app on it.
MAX_FILE_BYTES = 2 * 1024 * 1024

_SYNTAX_POSITION = re.compile(r"^(?P<detail>.*) \(at line (?P<line>\d+), column (?P<column>\d+)\)$")


def syntax_error(source: str, exc: tomllib.TOMLDecodeError) -> DefinitionError:
    """tomllib says "Illegal character (at line 3, column 8)": put the place first, in Chinese,
    and keep the parser's own words as the detail."""
    found = _SYNTAX_POSITION.match(str(exc))
    if found is None:
        where, detail = _("（文件顶层）"), str(exc)
    else:
        where = _("第 {line} 行第 {column} 列").format(line=found["line"], column=found["column"])
        detail = found["detail"]
    return DefinitionError(
        _("{file}：{path}：TOML 语法错误（{error}）").format(file=source, path=where, error=detail)
    )


def _read_error(path: Path, exc: OSError) -> DefinitionError:
    if isinstance(exc, FileNotFoundError):
        problem = _("文件不存在")
    elif isinstance(exc, IsADirectoryError) or path.is_dir():
        problem = _("这是一个文件夹，请指定检查表定义文件（.toml）")
    elif isinstance(exc, PermissionError) or exc.errno == errno.EACCES:
        problem = _("没有读取该文件的权限")
    else:
        problem = _("无法读取文件（{error}）").format(error=exc.strerror or exc)
    return DefinitionError(_("{file}：{problem}").format(file=path, problem=problem))


def _read_bytes(path: Path) -> bytes:
    """At most MAX_FILE_BYTES + 1 bytes: a device or a runaway file never hangs the check."""
    try:
        if path.is_dir():
            raise IsADirectoryError(errno.EISDIR, "is a directory", str(path))
        with path.open("rb") as stream:
            data = stream.read(MAX_FILE_BYTES + 1)
    except OSError as exc:
        raise _read_error(path, exc) from exc
    if len(data) > MAX_FILE_BYTES:
        raise DefinitionError(
            _("{file}：文件过大（超过 {limit} MB），不是有效的检查表定义").format(
                file=path, limit=MAX_FILE_BYTES // (1024 * 1024)
            )
        )
    return data


def read_definition_text(path: Path) -> str:
    """The file's text (UTF-8, an optional BOM removed)."""
    data = _read_bytes(path)
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        raise DefinitionError(
            _("{file}：第 {line} 行：文件不是 UTF-8 编码（第 {position} 字节无法解码）").format(
                file=path, line=line, position=exc.start
            )
        ) from exc
    return text.removeprefix("\ufeff")
