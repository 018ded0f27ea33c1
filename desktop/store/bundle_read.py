"""Reading a bundle and checking all of it before anything is written.

:func:`open_bundle` refuses (:class:`BundleRefusedError`, saying why and what to do) a file
that is not a bundle of a format version this app knows, that is truncated, damaged or altered,
that has a member whose name could escape a folder or that is larger than a bundle member can
be, that would inflate far beyond its compressed size, whose records do not have the shape of
:data:`~desktop.store.bundle_format.COLUMNS`, whose references do not resolve inside the bundle,
or whose seals, seal chains, amendments and evidence copies do not recompute. Every member is
read in bounded pieces and hashed against the manifest.

What it returns holds the records (as dicts) and the bytes of the photos, signatures and
evidence copies as the check read and hashed them (up to :data:`BLOBS_KEPT`; beyond that they
are read again on demand and hashed again: the file may sit on a USB stick that is pulled out
between the check and the import, and the import's transaction then rolls back).
"""

from __future__ import annotations

import hashlib
import json
import tomllib
import zipfile
import zlib
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import orjson

from checklists.errors import DefinitionError
from checklists.i18n import _
from checklists.loader import parse_checklist_text
from desktop.store import bundle_format as fmt
from desktop.store.bundle_check import Consistency
from desktop.store.bundle_format import Row
from desktop.store.errors import StoreError

_CHUNK = 1024 * 1024
# Blob bytes the check keeps for the merge (beyond that they are read from the file again, and
# hashed again): the photos of a bundle of a few hundred inspections are read once.
BLOBS_KEPT = 512 * 1024 * 1024
_JSON_COLUMNS = {"extra", "seal_numbers", "header", "value", "changes", "details"}


class BundleRefusedError(StoreError):
    """A bundle that will not be imported; nothing was written."""

    def __init__(self, path: Path, reason: str, advice: str) -> None:
        msg = _("传输包“{name}”未导入：{reason}。{advice}数据库没有任何改动。")
        super().__init__(msg.format(name=path.name, reason=reason, advice=advice), path)
        self.reason = reason


def _damaged(path: Path, reason: str) -> BundleRefusedError:
    return BundleRefusedError(
        path,
        reason,
        _("文件损坏、不完整或被改动过。请在原电脑上重新导出，拷贝完成并安全弹出U盘后再拔出。"),
    )


@dataclass(frozen=True)
class Manifest:
    bundle_id: str
    set_id: str
    part: int
    parts: int
    created_at: str
    device_id: str
    app_version: str
    schema_version: int
    since: str | None
    counts: dict[str, int]
    members: dict[str, tuple[int, str]]  # name -> (size, sha256)


@dataclass
class CheckedBundle:
    """A bundle that passed every check; close it after use (or use ``with``)."""

    path: Path
    manifest: Manifest
    rows: dict[str, list[Row]]
    definitions: dict[str, bytes]
    _zip: zipfile.ZipFile = field(repr=False)
    _kept: dict[str, bytes] = field(default_factory=dict, repr=False)  # checked blob bytes

    def blob(self, sha256: str) -> bytes:
        """The bytes of ``blobs/<sha256>``: as the check read them, or (beyond what the check
        keeps in memory) read again and hashed again; BundleRefusedError if they changed."""
        kept = self._kept.get(sha256)
        if kept is not None:
            return kept
        try:
            data = self._zip.read(fmt.blob_name(sha256))
        except (OSError, zipfile.BadZipFile, KeyError, EOFError, zlib.error, ValueError) as exc:
            raise _damaged(self.path, _("读取照片或签名时出错（{e}）").format(e=exc)) from exc
        if hashlib.sha256(data).hexdigest() != sha256:
            raise _damaged(self.path, _("照片或签名的内容在检查后发生了变化"))
        return data

    def close(self) -> None:
        self._kept.clear()
        self._zip.close()

    def __enter__(self) -> CheckedBundle:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def open_bundle(
    path: Path,
    limits: fmt.Limits = fmt.LIMITS,
    progress: Callable[[int, int], None] | None = None,
) -> CheckedBundle:
    """Open and check the bundle at ``path`` (see the module docstring); ``progress(done,
    total)`` counts the bytes read and hashed."""
    path = Path(path)
    try:
        if not path.is_file():
            raise BundleRefusedError(path, _("找不到该文件"), _("请检查文件位置。"))
        zf = zipfile.ZipFile(path)
    except (
        zipfile.BadZipFile,
        zipfile.LargeZipFile,
        EOFError,
        ValueError,
        NotImplementedError,
    ) as exc:  # NotImplementedError: a "version needed to extract" zipfile does not know
        raise _damaged(path, _("不是量衡传输包，或文件不完整")) from exc
    except OSError as exc:
        raise BundleRefusedError(
            path, _("无法读取文件（{e}）").format(e=exc.strerror or exc), _("请检查U盘是否插好。")
        ) from exc
    try:
        bundle = _Checker(path, zf, limits, progress).check()
    except BundleRefusedError:
        zf.close()
        raise
    except (
        OSError, zipfile.BadZipFile, EOFError, RuntimeError, NotImplementedError, zlib.error,
        ValueError,
    ) as exc:  # fmt: skip
        zf.close()
        # zipfile: CRC errors, truncated data, unsupported compression or encryption; zlib: a
        # damaged deflate stream; ValueError: a local header name that is not UTF-8
        raise _damaged(path, _("读取时出错（{e}）").format(e=exc)) from exc
    except BaseException:
        zf.close()
        raise
    return bundle


class _Checker:
    def __init__(
        self,
        path: Path,
        zf: zipfile.ZipFile,
        limits: fmt.Limits,
        progress: Callable[[int, int], None] | None = None,
    ) -> None:
        self.progress = progress
        self.done = 0
        self.total = 0
        self.path = path
        self.zf = zf
        self.limits = limits
        self.kept: dict[str, bytes] = {}  # blob bytes as read and hashed, by SHA-256

    def refuse(self, reason: str) -> BundleRefusedError:
        return _damaged(self.path, reason)

    # ------------------------------------------------------------------ the container
    def check(self) -> CheckedBundle:
        infos = self.names()
        manifest = self.manifest(infos)
        contents = self.members(infos, manifest)
        rows = {table: self.records(table, contents) for table in fmt.TABLES}
        for table, expected in manifest.counts.items():
            if len(rows[table]) != expected:
                raise self.refuse(_("记录数与清单不符（{table}）").format(table=table))
        definitions = self.definitions(
            {n: d for n, d in contents.items() if n.startswith("definitions/")}
        )
        Consistency(self.refuse, rows, manifest).check()
        return CheckedBundle(self.path, manifest, rows, definitions, self.zf, self.kept)

    def names(self) -> dict[str, zipfile.ZipInfo]:
        infos: dict[str, zipfile.ZipInfo] = {}
        entries = self.zf.infolist()
        if len(entries) > self.limits.members:
            raise self.refuse(_("成员过多"))
        for info in entries:
            name = info.filename
            if not fmt.MEMBER_NAME.match(name) or info.is_dir():
                shown = name if len(name) <= 80 else name[:80] + "…"
                raise self.refuse(_("包含不允许的成员名“{name}”").format(name=shown))
            if name in infos:
                raise self.refuse(_("成员“{name}”出现了两次").format(name=name))
            if info.flag_bits & 0x1:
                raise self.refuse(_("成员“{name}”被加密").format(name=name))
            if info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
                raise self.refuse(_("成员“{name}”的压缩方式不受支持").format(name=name))
            infos[name] = info
        return infos

    def limit(self, name: str) -> int:
        if name == fmt.MANIFEST:
            return self.limits.manifest
        if name.startswith("records/"):
            return self.limits.records
        if name.startswith("blobs/"):
            return self.limits.blob
        return self.limits.definition

    def read(self, info: zipfile.ZipInfo, size: int, *, keep: bool) -> tuple[str, bytes]:
        """SHA-256 and (if ``keep``) the bytes of a member, reading at most ``size`` bytes
        (more is refused: the header may lie about the size)."""
        digest = hashlib.sha256()
        kept: list[bytes] = []
        total = 0
        with self.zf.open(info) as member:
            while chunk := member.read(_CHUNK):
                total += len(chunk)
                if total > size:
                    raise self.refuse(_("成员“{name}”比声明的大").format(name=info.filename))
                digest.update(chunk)
                if self.progress is not None and self.total:  # not for the manifest
                    self.done += len(chunk)
                    self.progress(self.done, self.total)
                if keep:
                    kept.append(chunk)
        if total != size:
            raise self.refuse(_("成员“{name}”不完整").format(name=info.filename))
        return digest.hexdigest(), b"".join(kept)

    def sizes(self, info: zipfile.ZipInfo) -> None:
        limit = self.limit(info.filename)
        if info.file_size > limit:
            raise self.refuse(
                _("成员“{name}”过大（{size} 字节，上限 {limit}）").format(
                    name=info.filename, size=info.file_size, limit=limit
                )
            )
        if info.file_size > _CHUNK and info.file_size > self.limits.ratio * max(
            info.compress_size, 1
        ):
            raise self.refuse(
                _("成员“{name}”的压缩比异常（疑似压缩炸弹）").format(name=info.filename)
            )

    def manifest(self, infos: dict[str, zipfile.ZipInfo]) -> Manifest:
        info = infos.get(fmt.MANIFEST)
        if info is None:
            raise self.refuse(_("缺少清单 manifest.json"))
        self.sizes(info)
        _digest, data = self.read(info, info.file_size, keep=True)
        try:
            raw = json.loads(data.decode("utf-8"))
        except (UnicodeDecodeError, json.JSONDecodeError, RecursionError) as exc:
            raise self.refuse(_("清单不是有效的 JSON")) from exc
        if not isinstance(raw, dict) or raw.get("format") != fmt.FORMAT:
            raise self.refuse(_("不是量衡传输包"))
        version = raw.get("format_version")
        if version != fmt.FORMAT_VERSION:
            app = raw.get("app_version")
            raise BundleRefusedError(
                self.path,
                _("传输包格式版本 {v} 不受本机支持（本机支持版本 {ours}）").format(
                    v=version, ours=fmt.FORMAT_VERSION
                ),
                _("请把本机的量衡升级到导出它的版本（{app}）或更新的版本后再导入。").format(
                    app=app if isinstance(app, str) else "?"
                ),
            )
        return self.manifest_fields(raw)

    def manifest_fields(self, raw: dict[str, Any]) -> Manifest:
        def text(key: str, *, optional: bool = False) -> Any:
            value = raw.get(key)
            if (value is None and optional) or (isinstance(value, str) and value):
                return value
            raise self.refuse(_("清单字段 {key} 缺失或无效").format(key=key))

        def number(key: str) -> int:
            value = raw.get(key)
            if isinstance(value, int) and not isinstance(value, bool) and value >= 1:
                return value
            raise self.refuse(_("清单字段 {key} 缺失或无效").format(key=key))

        counts = raw.get("counts")
        if (
            not isinstance(counts, dict)
            or set(counts) != set(fmt.TABLES)
            or not all(
                isinstance(v, int) and not isinstance(v, bool) and v >= 0 for v in counts.values()
            )
        ):
            raise self.refuse(_("清单字段 {key} 缺失或无效").format(key="counts"))
        members: dict[str, tuple[int, str]] = {}
        listed = raw.get("members")
        if not isinstance(listed, list):
            raise self.refuse(_("清单字段 {key} 缺失或无效").format(key="members"))
        for entry in listed:
            if not (
                isinstance(entry, dict)
                and isinstance(entry.get("name"), str)
                and isinstance(entry.get("size"), int)
                and isinstance(entry.get("sha256"), str)
                and len(entry["sha256"]) == 64
                and entry["name"] not in members
            ):
                raise self.refuse(_("清单字段 {key} 缺失或无效").format(key="members"))
            members[entry["name"]] = (entry["size"], entry["sha256"])
        part, parts = number("part"), number("parts")
        if part > parts:
            raise self.refuse(_("清单字段 {key} 缺失或无效").format(key="part"))
        return Manifest(
            bundle_id=text("bundle_id"), set_id=text("set_id"), part=part, parts=parts,
            created_at=text("created_at"), device_id=text("device_id"),
            app_version=text("app_version"), schema_version=number("schema_version"),
            since=text("since", optional=True), counts=counts, members=members,
        )  # fmt: skip

    def members(self, infos: dict[str, zipfile.ZipInfo], manifest: Manifest) -> dict[str, bytes]:
        """Check every member against the manifest; return the records' and definitions' bytes."""
        present = set(infos) - {fmt.MANIFEST}
        if present != set(manifest.members):
            missing = sorted(set(manifest.members) - present)
            extra = sorted(present - set(manifest.members))
            what = missing[0] if missing else extra[0]
            raise self.refuse(_("成员与清单不符（{name}）").format(name=what))
        total = 0
        for name in present:
            info = infos[name]
            self.sizes(info)
            if info.file_size != manifest.members[name][0]:
                raise self.refuse(_("成员“{name}”的大小与清单不符").format(name=name))
            total += info.file_size
        self.done, self.total = 0, total  # the manifest, read already, is not counted
        if total > self.limits.total:
            raise self.refuse(_("传输包解压后过大"))
        contents: dict[str, bytes] = {}
        budget = BLOBS_KEPT
        for name in sorted(present):
            size, expected = manifest.members[name]
            keep = not name.startswith("blobs/") or size <= budget
            if name.startswith("blobs/") and keep:
                budget -= size
            digest, data = self.read(infos[name], size, keep=keep)
            if digest != expected:
                raise self.refuse(_("成员“{name}”的校验值与清单不符").format(name=name))
            match = fmt.MEMBER_NAME.match(name)
            assert match is not None
            if match["blob"] and match["blob"] != digest:
                raise self.refuse(_("成员“{name}”的内容与其名称不符").format(name=name))
            if name.startswith("blobs/"):
                if keep:
                    self.kept[digest] = data
            else:
                contents[name] = data
        for table in fmt.TABLES:
            if fmt.records_name(table) not in contents:
                raise self.refuse(_("缺少记录文件 {name}").format(name=fmt.records_name(table)))
        return contents

    # ------------------------------------------------------------------ records
    def records(self, table: str, contents: Mapping[str, bytes]) -> list[Row]:
        data = contents[fmt.records_name(table)]
        rows = self.records_fast(table, data)
        return rows if rows is not None else self.records_checked(table, data)

    def records_fast(self, table: str, data: bytes) -> list[Row] | None:
        """The rows of a record file every line of which orjson parses and every value of which
        passes the checks, else None: :meth:`records_checked` then reads it and says what is
        wrong, as ever. orjson (about half of the time a bundle takes to check went to the
        standard parser) is stricter than ``json``, never looser: it refuses invalid UTF-8,
        lone surrogates (so no string it returns needs the surrogate test) and NaN, and gives
        an integer beyond 64 bits as a float (refused by the column types: no column holds a
        float). What it accepts, ``json`` reads to the same values."""
        columns = fmt.COLUMNS[table]
        types = [fmt.column_type(table, c) for c in columns]
        json_columns = [i for i, c in enumerate(columns) if c in _JSON_COLUMNS]
        ints = [i for i, (kind, _nullable) in enumerate(types) if kind is int]
        count = len(columns)
        lines = data.split(b"\n")  # a newline byte is a newline in UTF-8, never part of a character
        if lines[-1] == b"":
            lines.pop()
        accepted: set[tuple[type, ...]] = set()
        rows: list[Row] = []
        loads = orjson.loads
        try:
            for line in lines:
                values = loads(line)
                if type(values) is not list or len(values) != count:
                    return None
                shape = tuple(map(type, values))
                if shape not in accepted:
                    if not self.fits(values, types):
                        return None
                    accepted.add(shape)
                for i in ints:
                    number = values[i]
                    if number is not None and not _INT_MIN <= number < _INT_END:
                        return None
                for i in json_columns:
                    loads(values[i])
                rows.append(dict(zip(columns, values, strict=False)))  # length checked above
        except orjson.JSONDecodeError:
            return None
        return rows

    @staticmethod
    def fits(values: list[Any], types: list[tuple[type, bool]]) -> bool:
        return all(
            (value is None and nullable) or type(value) is kind
            for value, (kind, nullable) in zip(values, types, strict=True)
        )

    def records_checked(self, table: str, data: bytes) -> list[Row]:
        """The rows of a record file, or the refusal that names its first fault."""
        columns = fmt.COLUMNS[table]
        types = [fmt.column_type(table, c) for c in columns]
        json_columns = [i for i, c in enumerate(columns) if c in _JSON_COLUMNS]
        rows: list[Row] = []
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise self.refuse(_("记录文件 {table} 不是 UTF-8 文本").format(table=table)) from exc
        lines = text.split("\n")  # not splitlines(): U+2028, U+0085... are text in a value
        if lines[-1] == "":
            lines.pop()
        # Speed (bench/bench_bundle.py): ``columns`` checks every value of the first line of
        # each combination of value types (its type checks depend on the types alone) and of
        # any line that fails a quick test; a refusal names the same column as ever. Only an
        # integer can be out of SQLite's range, and a string can hold a lone surrogate only
        # from a ``\uDxxx`` escape (the text was decoded as UTF-8).
        accepted: set[tuple[type, ...]] = set()
        ints = [i for i, (kind, _nullable) in enumerate(types) if kind is int]
        for number, line in enumerate(lines, 1):
            try:
                values = _loads(line)
            except (json.JSONDecodeError, RecursionError) as exc:
                where = _where(table, number)
                raise self.refuse(_("记录格式错误（{where}）").format(where=where)) from exc
            if type(values) is not list or len(values) != len(columns):
                raise self.refuse(_("记录格式错误（{where}）").format(where=_where(table, number)))
            shape = tuple(map(type, values))
            if (
                shape not in accepted
                or "\\ud" in line
                or "\\uD" in line
                or not all(values[i] is None or _INT_MIN <= values[i] < _INT_END for i in ints)
            ):
                self.columns(values, types, columns, _where(table, number))
                accepted.add(shape)
            for index in json_columns:
                try:
                    _loads(values[index])
                except (json.JSONDecodeError, RecursionError) as exc:
                    raise self.refuse(
                        _("记录格式错误（{where}，{column}）").format(
                            where=_where(table, number), column=columns[index]
                        )
                    ) from exc
            rows.append(dict(zip(columns, values, strict=True)))
        return rows

    def columns(
        self,
        values: list[Any],
        types: list[tuple[type, bool]],
        columns: tuple[str, ...],
        where: str,
    ) -> None:
        """The type of each value of a record line, and whether SQLite can store it."""
        for value, (kind, nullable), column in zip(values, types, columns, strict=True):
            if value is None and nullable:
                continue
            if type(value) is not kind or not _storable(value):
                raise self.refuse(
                    _("记录格式错误（{where}，{column}）").format(where=where, column=column)
                )

    def definitions(self, definitions: Mapping[str, bytes]) -> dict[str, bytes]:
        """The definitions this app can use. One that is not TOML is refused (the file is
        damaged); a checklist that is TOML but not one this app understands (made by a newer
        version, with rules this one does not know) is left out: its records come in, and the
        import reports the version as missing."""
        usable: dict[str, bytes] = {}
        for name, data in definitions.items():
            match = fmt.MEMBER_NAME.match(name)
            assert match is not None
            try:
                text = data.decode("utf-8")
                tomllib.loads(text)
            except (UnicodeDecodeError, tomllib.TOMLDecodeError, RecursionError) as exc:
                raise self.refuse(_("定义文件 {name} 无效").format(name=name)) from exc
            if match["checklist"]:
                try:
                    checklist = parse_checklist_text(text, name)
                except (DefinitionError, RecursionError):
                    continue  # from a newer app: not installed, reported as missing
                if (checklist.id, checklist.version) != (match["checklist"], match["version"]):
                    raise self.refuse(_("检查表定义 {name} 与其名称不符").format(name=name))
            usable[name] = data
        return usable


def _where(table: str, number: int) -> str:
    return _("{table} 第 {n} 行").format(table=table, n=number)


_DECODER = json.JSONDecoder()  # the settings of json.loads
_INT_MIN, _INT_END = -(2**63), 2**63


def _loads(text: str) -> Any:
    """``json.loads(text)``, its result and its errors. ``raw_decode`` first: it skips what
    ``loads`` does around it (a BOM test, whitespace on either side); where it fails or leaves
    some of ``text``, ``loads`` decides."""
    try:
        value, end = _DECODER.raw_decode(text)
    except (json.JSONDecodeError, RecursionError):
        pass
    else:
        if end == len(text):
            return value
    return json.loads(text)


def _storable(value: object) -> bool:
    """Whether SQLite can store ``value``: JSON allows integers of any size and (by ``\\u``
    escapes) lone surrogates, which sqlite3 refuses with OverflowError / UnicodeEncodeError."""
    if isinstance(value, int):
        return -(2**63) <= value < 2**63
    if isinstance(value, str) and not value.isascii():
        try:
            value.encode("utf-8")
        except UnicodeEncodeError:
            return False
    return True
