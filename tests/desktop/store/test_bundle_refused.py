"""Bad bundle files are refused and leave the office database as it was (issue 10).

Every file here is a real laptop's bundle made bad in one way: a byte flipped (with the ZIP's
CRC kept consistent, so only the manifest's SHA-256 can tell, and in the raw file, so the CRC
fails), cut short, a member name that could escape a folder, an oversized member and a real
"zip bomb", an unknown format version, a manifest that does not match, records of the wrong
shape or with references that do not resolve, sealed records altered and re-hashed so that
only the seal can tell, random corruption (hypothesis), the command line, and files that are
not bundles at all. Each must raise :class:`BundleRefusedError` (never anything else) with a
Chinese message saying what is wrong and what to do, and the office database (which already
holds an earlier import) must be exactly as before.
"""

from __future__ import annotations

import base64
import hashlib
import json
import logging
import re
import shutil
import sqlite3
import struct
import time
import warnings
import zipfile
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import desktop.store.bundle_read
from desktop import logs
from desktop.cli import main
from desktop.store import Store
from desktop.store import seal as sealing
from desktop.store.bundle_check import content_of
from desktop.store.bundle_format import COLUMNS, MANIFEST, TABLES, Limits
from desktop.store.bundle_read import BundleRefusedError, open_bundle
from desktop.store.bundles import export_bundle, import_bundle

Laptops = Callable[[str], Any]
Members = dict[str, bytes]
Change = Callable[[Members], object]  # changes the members in place
Row = dict[str, Any]
Entry = tuple[str | zipfile.ZipInfo, bytes]  # a ZIP member to write: name (or header), bytes

CJK = re.compile("[\u4e00-\u9fff]")
PNG = bytes.fromhex(  # a 1x1 PNG, as in the conftest
    "89504e470d0a1a0a0000000d4948445200000001000000010800000000"
    "3a7e9b550000000a49444154789c63686800000082008177cd72b60000000049454e44ae426082"
)
MIB = 1024 * 1024


# ---------------------------------------------------------------- the world


class Office:
    """The county office's database (``.store``, ``.path``, ``.dump()`` like a conftest
    laptop)."""

    def __init__(self, path: Path, dump: Callable[..., dict[str, list[Any]]]) -> None:
        self.path = path
        self.store = Store.open(path)
        self._dump = dump

    def dump(self) -> dict[str, list[Any]]:
        return self._dump(self.store.db.conn)


@dataclass
class World:
    tmp: Path
    office: Office  # holds laptop b's earlier import: a sealed record and a draft
    bundle: Path  # laptop a's bundle: a sealed record with an amendment, a sealed one, a draft


def copy_database(store: Store, target: Path) -> None:
    destination = sqlite3.connect(target)
    try:
        store.db.conn.backup(destination)
    finally:
        destination.close()


@pytest.fixture(scope="module")
def made(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """The office database and laptop a's bundle, made once per module (by the first test
    that needs them: making them takes a few hundred fsyncs) and copied for every test."""
    return {"folder": tmp_path_factory.mktemp("made")}


@pytest.fixture
def world(
    laptop: Laptops, tmp_path: Path, made: dict[str, Path], dump_db: Callable[..., Any]
) -> Iterator[World]:
    folder = made["folder"]
    if "office" not in made:
        b = laptop("b")
        b.sealed()
        b.draft()
        earlier = export_bundle(b.store, tmp_path / "earlier.lhb", catalogue=None).files[0]
        office = laptop("office")
        import_bundle(office.store, earlier)
        a = laptop("a")
        a.sealed(amended=True)
        a.sealed()
        a.draft(photos=2)
        bundle = export_bundle(a.store, tmp_path / "a.lhb", catalogue=None).files[0]
        copy_database(office.store, folder / "office.sqlite3")
        shutil.copyfile(bundle, folder / "a.lhb")
        made["office"], made["bundle"] = folder / "office.sqlite3", folder / "a.lhb"
    shutil.copyfile(made["office"], tmp_path / "office.sqlite3")
    shutil.copyfile(made["bundle"], tmp_path / "a.lhb")
    office = Office(tmp_path / "office.sqlite3", dump_db)
    try:
        yield World(tmp_path, office, tmp_path / "a.lhb")
    finally:
        office.store.close()


# ---------------------------------------------------------------- checking a refusal


def check_message(error: BundleRefusedError, path: Path, says: tuple[str, ...]) -> None:
    text = str(error)
    assert text.startswith(f"传输包“{path.name}”未导入："), text
    assert text.endswith("数据库没有任何改动。"), text
    assert "请" in text.removeprefix(f"传输包“{path.name}”未导入：{error.reason}"), text
    assert CJK.search(error.reason), error.reason
    for fragment in says:
        assert fragment in error.reason, (fragment, error.reason)


def refused(office: Any, path: Path, *says: str) -> BundleRefusedError:
    """Import ``path`` into ``office``: refused (nothing else escapes), the data as before."""
    before = office.dump()
    with pytest.raises(BundleRefusedError) as caught:
        import_bundle(office.store, path)
    assert office.dump() == before
    check_message(caught.value, path, says)
    return caught.value


# ---------------------------------------------------------------- rewriting a bundle


def read_members(path: Path) -> Members:
    with zipfile.ZipFile(path) as zf:
        return {info.filename: zf.read(info) for info in zf.infolist()}


def sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def entry_name(entry: Entry) -> str:
    name = entry[0]
    return name.filename if isinstance(name, zipfile.ZipInfo) else name


def write_zip(path: Path, entries: Sequence[Entry]) -> Path:
    """A ZIP of ``entries`` in order (blobs stored, the rest deflated, as the writer does);
    duplicate names are written as given."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)  # "Duplicate name"
        with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
            for entry in entries:
                stored = entry_name(entry).startswith("blobs/")
                zf.writestr(*entry, zipfile.ZIP_STORED if stored else zipfile.ZIP_DEFLATED)
    return path


def rebuild(
    source: Path,
    target: Path,
    change: Change | None = None,
    *,
    rehash: bool = True,
    list_new: bool = False,
    manifest: Callable[[dict[str, Any]], None] | None = None,
    extra: Sequence[Entry] = (),
) -> Path:
    """``source`` with ``change`` applied to its members, written to ``target``.

    ``rehash``: the manifest's size and SHA-256 of every member it lists, and its counts, are
    made to match the changed members (so that only a deeper check can tell); ``list_new``:
    members it did not list are added to it; ``manifest``: a last edit of the manifest;
    ``extra``: entries written after the members (names and duplicates as given)."""
    members = read_members(source)
    if change is not None:
        change(members)
    if MANIFEST in members and (rehash or manifest is not None):
        document = json.loads(members[MANIFEST])
        if rehash:
            names = {entry["name"] for entry in document["members"]}
            for entry in document["members"]:
                if entry["name"] in members:
                    entry["size"] = len(members[entry["name"]])
                    entry["sha256"] = sha(members[entry["name"]])
            if list_new:
                new = [*members.items(), *((entry_name(e), e[1]) for e in extra)]
                document["members"] += [
                    {"name": n, "size": len(d), "sha256": sha(d)}
                    for n, d in new
                    if n != MANIFEST and n not in names
                ]
            for table in TABLES:  # one record per line, every line ended by "\n"
                if f"records/{table}.jsonl" in members:
                    document["counts"][table] = members[f"records/{table}.jsonl"].count(b"\n")
        if manifest is not None:
            manifest(document)
        members[MANIFEST] = json.dumps(document, ensure_ascii=False, indent=1).encode("utf-8")
    return write_zip(target, [*members.items(), *extra])


def rows(members: Members, table: str) -> list[Row]:
    text = members[f"records/{table}.jsonl"].decode("utf-8")
    return [dict(zip(COLUMNS[table], json.loads(line), strict=True))
            for line in text.split("\n") if line]  # fmt: skip


def put(members: Members, table: str, records: list[Row]) -> None:
    # ASCII, with \\u escapes: a lone surrogate put in by a test stays encodable
    lines = [json.dumps([r[c] for c in COLUMNS[table]]) for r in records]
    members[f"records/{table}.jsonl"] = "".join(line + "\n" for line in lines).encode("utf-8")


def put_lines(members: Members, table: str, lines: list[Any]) -> None:
    """Raw record lines: lists (any length) or already encoded text."""
    text = [line if isinstance(line, str) else json.dumps(line) for line in lines]
    members[f"records/{table}.jsonl"] = "".join(t + "\n" for t in text).encode("utf-8")


def edit(table: str, change: Callable[[list[Row], Members], object]) -> Change:
    def apply(members: Members) -> None:
        records = rows(members, table)
        change(records, members)
        put(members, table, records)

    return apply


def seals(members: Members) -> list[Row]:
    return sorted(rows(members, "seals"), key=lambda r: r["sequence"])


def amended_id(members: Members) -> str:
    """The sealed inspection that has an amendment (sealed first, sequence 1)."""
    inspection_id: str = rows(members, "amendments")[0]["inspection_id"]
    assert inspection_id == seals(members)[0]["inspection_id"]
    return inspection_id


def draft_id(members: Members) -> str:
    (row,) = [r for r in rows(members, "inspections") if r["status"] == "draft"]
    return str(row["id"])


def reseal(members: Members, *, chain: bool = False) -> None:
    """Recompute every seal's hash and its amendments' chain from the rows as they are (what
    a forger who knows the algorithm can do); ``chain``: also relink the seal chains."""
    inspections = {r["id"]: r for r in rows(members, "inspections")}
    children: dict[str, dict[str, list[Row]]] = {i: {} for i in inspections}
    for table in ("answers", "attachments", "signatures", "amendments"):
        for row in rows(members, table):
            children[row["inspection_id"]].setdefault(table, []).append(row)
    last: dict[str, str] = {}
    sealed, amendments = [], []
    for seal in seals(members):
        if chain:
            seal["prev_seal_hash"] = last.get(seal["device_id"], sealing.GENESIS)
        mine = children[seal["inspection_id"]]
        content = content_of(inspections[seal["inspection_id"]], mine)
        seal["seal_hash"] = sealing.seal_hash(seal["prev_seal_hash"], content, seal)
        last[seal["device_id"]] = seal["seal_hash"]
        prev = seal["seal_hash"]
        for amendment in sorted(mine.get("amendments", []), key=lambda a: a["sequence"]):
            amendment["prev_hash"] = prev
            amendment["hash"] = prev = sealing.amendment_hash(prev, amendment)
            amendments.append(amendment)
        sealed.append(seal)
    put(members, "seals", sealed)
    put(members, "amendments", amendments)


def data_span(path: Path, name: str) -> tuple[int, int]:
    """(offset, length) of the stored or deflated bytes of member ``name`` in the file."""
    with zipfile.ZipFile(path) as zf:
        info = zf.getinfo(name)
    raw = path.read_bytes()
    name_length, extra_length = struct.unpack_from("<HH", raw, info.header_offset + 26)
    return info.header_offset + 30 + name_length + extra_length, info.compress_size


def central_entry(raw: bytes, name: str) -> int:
    """Offset of the central directory entry of ``name``."""
    encoded = name.encode("ascii")
    for found in re.finditer(re.escape(b"PK\x01\x02"), raw):
        at = found.start()
        (length,) = struct.unpack_from("<H", raw, at + 28)
        if raw[at + 46 : at + 46 + length] == encoded:
            return at
    raise AssertionError(name)


def first_blob(members: Members) -> str:
    return min(n for n in members if n.startswith("blobs/"))


# ---------------------------------------------------------------- the helpers themselves


def test_a_bundle_rewritten_by_these_helpers_without_a_change_imports_like_the_original(
    world: World, dump_db: Callable[..., Any]
) -> None:
    """The refusals below come from the change each test makes, not from the rewriting: the
    rows re-encoded, the manifest rehashed and recounted, the seals recomputed."""
    members = read_members(world.bundle)
    resealed = dict(members)
    reseal(resealed)
    for table in ("seals", "amendments"):
        assert rows(resealed, table) == rows(members, table)

    def rewrite(members: Members) -> None:
        edit("answers", lambda records, _members: None)(members)  # re-encoded as they are
        reseal(members)

    copy = rebuild(world.bundle, world.tmp / "copy.lhb", rewrite)
    assert read_members(copy)[MANIFEST] != members[MANIFEST]
    twin = world.tmp / "twin.sqlite3"
    copy_database(world.office.store, twin)
    with Store.open(twin) as store:
        import_bundle(store, world.bundle)
        expected = comparable(dump_db(store.db.conn))
    done = import_bundle(world.office.store, copy)
    assert done.result.added["inspections"] == 3
    assert not done.result.conflicts
    assert comparable(world.office.dump()) == expected


# ---------------------------------------------------------------- flipped bytes


def flip_at(name_of: Callable[[Members], str], where: float) -> Change:
    def apply(members: Members) -> None:
        name = name_of(members)
        data = bytearray(members[name])
        data[min(int(len(data) * where), len(data) - 1)] ^= 0x01
        members[name] = bytes(data)

    return apply


@pytest.mark.parametrize("where", [0.0, 0.5, 1.0])
@pytest.mark.parametrize(
    "name_of",
    [
        lambda m: "records/answers.jsonl",
        lambda m: "records/seals.jsonl",
        first_blob,
        lambda m: "definitions/rules/dispenser.toml",
    ],
    ids=["answers", "seals", "blob", "definition"],
)
def test_a_flipped_byte_with_a_consistent_crc_is_refused_by_the_hash(
    world: World, name_of: Callable[[Members], str], where: float
) -> None:
    bad = rebuild(world.bundle, world.tmp / "bad.lhb", flip_at(name_of, where), rehash=False)
    refused(world.office, bad, "校验值与清单不符")


def manifest_byte(find: Callable[[bytes], int], value: Callable[[int], int]) -> Change:
    def apply(members: Members) -> None:
        data = bytearray(members[MANIFEST])
        at = find(bytes(data))
        data[at] = value(data[at])
        members[MANIFEST] = bytes(data)

    return apply


def _sha_digit(manifest: bytes) -> int:
    return manifest.index(b'"sha256":"') + len(b'"sha256":"') + 10


def _size_digit(manifest: bytes) -> int:
    return manifest.index(b'"size":1') + len(b'"size":')


@pytest.mark.parametrize(
    ("find", "value", "says"),
    [
        (lambda m: 0, lambda b: ord("["), "清单不是有效的 JSON"),
        (lambda m: len(m) - 1, lambda b: ord(","), "清单不是有效的 JSON"),
        (lambda m: m.index(b"liangheng-bundle"), lambda b: ord("m"), "不是量衡传输包"),
        (_sha_digit, lambda b: ord("0") if b != ord("0") else ord("1"), "校验值与清单不符"),
        (_size_digit, lambda b: ord("2"), "大小与清单不符"),
        (lambda m: m.index(b'"answers":') + 10, lambda b: ord("8"), "记录数与清单不符"),
        (lambda m: m.index(b'"part":1') + 7, lambda b: ord("2"), "清单字段 part"),
        (lambda m: m.index(b"records/standards"), lambda b: ord("R"), "成员与清单不符"),
        (lambda m: m.index(b'"counts"') + 1, lambda b: ord("C"), "清单字段 counts"),
    ],
    ids=["brace", "end", "format", "sha", "size", "count", "part", "name", "key"],
)
def test_a_changed_byte_in_the_manifest_is_refused(
    world: World, find: Callable[[bytes], int], value: Callable[[int], int], says: str
) -> None:
    bad = rebuild(world.bundle, world.tmp / "bad.lhb", manifest_byte(find, value), rehash=False)
    refused(world.office, bad, says)


@pytest.mark.parametrize("where", [0.0, 0.2, 0.4, 0.6, 0.8])
@pytest.mark.parametrize(
    "name_of",
    [lambda m: "records/answers.jsonl", lambda m: MANIFEST, first_blob],
    ids=["answers", "manifest", "blob"],
)
def test_a_flipped_byte_in_the_raw_file_is_refused(
    world: World, name_of: Callable[[Members], str], where: float
) -> None:
    """The CRC or the deflate stream fails (zlib errors were once let through). Not the last
    byte of a deflated member: zipfile stops once it has the member's size, before the end of
    block code, so that byte may not matter (the random corruption below covers it)."""
    start, length = data_span(world.bundle, name_of(read_members(world.bundle)))
    raw = bytearray(world.bundle.read_bytes())
    raw[start + min(int(length * where), length - 1)] ^= 0xFF
    bad = world.tmp / "bad.lhb"
    bad.write_bytes(raw)
    refused(world.office, bad)


def test_a_non_utf8_name_in_a_local_header_is_refused(world: World) -> None:
    """The UTF-8 flag set in a member's local header over a name that is not UTF-8: zipfile
    raises UnicodeDecodeError, which was once let through."""
    raw = bytearray(world.bundle.read_bytes())
    with zipfile.ZipFile(world.bundle) as zf:
        at = zf.getinfo("records/answers.jsonl").header_offset
    raw[at + 7] |= 0x08  # general purpose flags, bit 11: the name is UTF-8
    raw[at + 30] = 0xFF  # the name's first byte
    bad = world.tmp / "bad.lhb"
    bad.write_bytes(raw)
    refused(world.office, bad, "读取时出错")


# ---------------------------------------------------------------- truncated


@pytest.mark.parametrize("cut", [0.1, 0.5, 0.9, -22, -1])
def test_a_truncated_file_is_refused(world: World, cut: float) -> None:
    raw = world.bundle.read_bytes()
    length = int(len(raw) * cut) if cut > 0 else len(raw) + int(cut)
    bad = world.tmp / "bad.lhb"
    bad.write_bytes(raw[:length])
    refused(world.office, bad, "不是量衡传输包，或文件不完整")


def test_a_file_cut_inside_a_member_with_its_directory_kept_is_refused(world: World) -> None:
    """The central directory survives but the bytes of a member are gone (zeroed)."""
    start, length = data_span(world.bundle, "records/audit_log.jsonl")
    raw = bytearray(world.bundle.read_bytes())
    raw[start + length // 2 : start + length] = bytes(length - length // 2)
    bad = world.tmp / "bad.lhb"
    bad.write_bytes(raw)
    refused(world.office, bad)


# ---------------------------------------------------------------- names that could escape


EVIL_NAMES = [
    "../../x", "/etc/passwd", "C:\\x", "C:/x", "blobs/../x", "records/../../x.jsonl",
    "records\\answers.jsonl", "./manifest.json", "x", "records/answers.jsonl.bak",
    "blobs/" + "A" * 64, "definitions/checklists/../../x@1.toml", "records/", "blobs/",
]  # fmt: skip


def _names_below(*folders: Path) -> set[Path]:
    found: set[Path] = set()
    for folder in folders:
        found |= set(folder.iterdir())
    return found


@pytest.mark.parametrize("name", EVIL_NAMES)
def test_a_member_name_that_could_escape_is_refused_and_nothing_is_written(
    world: World, name: str
) -> None:
    bad = rebuild(world.bundle, world.tmp / "bad.lhb", list_new=True, extra=[(name, b"x\n")])
    with zipfile.ZipFile(bad) as zf:
        assert name in zf.namelist()
    ours = (world.tmp, world.tmp.parent)  # this session's: nobody else writes there
    before = _names_below(*ours)
    error = refused(world.office, bad, "不允许的成员名")
    assert name in error.reason
    assert _names_below(*ours) == before
    for folder in (*ours, world.tmp.parent.parent, Path.cwd(), Path.cwd().parent):
        for escaped in ("x", "x.jsonl", "C:\\x", "passwd"):
            assert not (folder / escaped).exists()


def test_a_directory_entry_is_refused(world: World) -> None:
    folder = zipfile.ZipInfo("blobs/")
    folder.external_attr = 0o40755 << 16 | 0x10
    bad = rebuild(world.bundle, world.tmp / "bad.lhb", extra=[(folder, b"")])
    with zipfile.ZipFile(bad) as zf:
        assert zf.getinfo("blobs/").is_dir()
    refused(world.office, bad, "不允许的成员名“blobs/”")


def test_a_very_long_evil_name_is_shortened_in_the_message(world: World) -> None:
    name = "../" * 200 + "x"
    bad = rebuild(world.bundle, world.tmp / "bad.lhb", extra=[(name, b"x")])
    error = refused(world.office, bad, "不允许的成员名")
    assert len(error.reason) < 120


# ---------------------------------------------------------------- sizes and zip bombs


@pytest.mark.parametrize(
    ("limits", "says"),
    [
        (Limits(blob=60), "过大"),
        (Limits(records=1000), "过大"),
        (Limits(manifest=1000), "过大"),
        (Limits(definition=1000), "过大"),
        (Limits(total=20_000), "解压后过大"),
        (Limits(members=10), "成员过多"),
        (Limits(ratio=2), "压缩比异常"),
    ],
    ids=["blob", "records", "manifest", "definition", "total", "members", "ratio"],
)
def test_a_member_beyond_the_limits_is_refused(world: World, limits: Limits, says: str) -> None:
    if limits.ratio == 2:  # only members over 1 MiB are held to the ratio: make one
        records = world.tmp / "big.lhb"
        rebuild(world.bundle, records, edit("audit_log", lambda r, m: r.extend(
            {**r[0], "id": f"{n:08d}"} for n in range(6000))))  # fmt: skip
        path = records
    else:
        path = world.bundle
    with pytest.raises(BundleRefusedError) as caught:
        open_bundle(path, limits=limits)
    check_message(caught.value, path, (says,))
    open_bundle(path).close()  # the default limits take it


def write_bomb(source: Path, target: Path, *, claimed: int | None = None) -> int:
    """``source`` with records/audit_log.jsonl replaced by 300 MiB of zeros, deflated (about
    300 KB); the manifest lists that size (or ``claimed``). Returns the size."""
    name, size = "records/audit_log.jsonl", 300 * MIB
    members = read_members(source)
    document = json.loads(members[MANIFEST])
    for entry in document["members"]:
        if entry["name"] == name:
            entry["size"], entry["sha256"] = claimed or size, "0" * 64
    members[MANIFEST] = json.dumps(document).encode("utf-8")
    chunk = bytes(MIB)
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as zf:
        for member, data in members.items():
            if member != name:
                zf.writestr(member, data)
        with zf.open(name, "w") as out:
            for _ in range(size // MIB):
                out.write(chunk)
    return size


@pytest.fixture
def inflated(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """The number of bytes zipfile inflated (read from members) while the test ran."""
    count = [0]
    read = zipfile.ZipExtFile.read

    def counting(self: zipfile.ZipExtFile, n: int = -1) -> bytes:
        data = read(self, n)
        count[0] += len(data)
        return data

    monkeypatch.setattr(zipfile.ZipExtFile, "read", counting)
    return count


def test_a_zip_bomb_is_refused_by_its_ratio_without_inflating_it(
    world: World, inflated: list[int]
) -> None:
    bomb = world.tmp / "bomb.lhb"
    size = write_bomb(world.bundle, bomb)
    assert bomb.stat().st_size < 2 * MIB
    with zipfile.ZipFile(bomb) as zf:
        assert zf.getinfo("records/audit_log.jsonl").file_size == size
    inflated[0] = 0
    started = time.perf_counter()
    refused(world.office, bomb, "压缩比异常")
    assert time.perf_counter() - started < 2.0
    assert inflated[0] < 4 * MIB  # the manifest, nothing of the bomb


def test_a_zip_bomb_whose_header_claims_a_small_size_is_read_no_further(
    world: World, inflated: list[int]
) -> None:
    bomb = world.tmp / "bomb.lhb"
    write_bomb(world.bundle, bomb, claimed=1000)
    raw = bytearray(bomb.read_bytes())
    at = central_entry(bytes(raw), "records/audit_log.jsonl")
    struct.pack_into("<I", raw, at + 24, 1000)  # uncompressed size in the central directory
    bomb.write_bytes(raw)
    inflated[0] = 0
    refused(world.office, bomb)
    assert inflated[0] < 4 * MIB


# ---------------------------------------------------------------- format versions


@pytest.mark.parametrize("version", [2, 0, -1, "1", "2", None, [1]])
def test_an_unknown_format_version_is_refused(world: World, version: Any) -> None:
    def set_version(document: dict[str, Any]) -> None:
        document["format_version"] = version
        document["app_version"] = "0.9.0"

    bad = rebuild(world.bundle, world.tmp / "bad.lhb", manifest=set_version)
    error = refused(world.office, bad, "格式版本", "不受本机支持")
    assert "请把本机的量衡升级到导出它的版本（0.9.0）" in str(error)
    if version == 2:
        assert "格式版本 2 不受本机支持（本机支持版本 1）" in error.reason


# ---------------------------------------------------------------- the manifest and members


def _drop_listing(name: str) -> Callable[[dict[str, Any]], None]:
    def apply(document: dict[str, Any]) -> None:
        document["members"] = [e for e in document["members"] if e["name"] != name]

    return apply


def _set(key: str, value: Any) -> Callable[[dict[str, Any]], None]:
    def apply(document: dict[str, Any]) -> None:
        if value is KeyError:
            del document[key]
        else:
            document[key] = value

    return apply


def _entry(field: str, value: Any) -> Callable[[dict[str, Any]], None]:
    def apply(document: dict[str, Any]) -> None:
        document["members"][0][field] = value

    return apply


def _count(table: str, delta: int) -> Callable[[dict[str, Any]], None]:
    def apply(document: dict[str, Any]) -> None:
        document["counts"][table] += delta

    return apply


@pytest.mark.parametrize(
    ("manifest", "says"),
    [
        (_drop_listing("records/answers.jsonl"), "成员与清单不符（records/answers.jsonl）"),
        (_drop_listing("definitions/rules/retail.toml"), "成员与清单不符"),
        (_count("answers", 1), "记录数与清单不符（answers）"),
        (_count("inspections", -1), "记录数与清单不符（inspections）"),
        (_entry("size", 1), "大小与清单不符"),
        (_entry("sha256", "0" * 64), "校验值与清单不符"),
        (_entry("sha256", "0"), "清单字段 members"),
        (_entry("size", "245"), "清单字段 members"),
        (_set("members", {}), "清单字段 members"),
        (_set("members", KeyError), "清单字段 members"),
        (_set("counts", {"answers": 1}), "清单字段 counts"),
        (_set("counts", KeyError), "清单字段 counts"),
        (_set("part", 3), "清单字段 part"),
        (_set("parts", 0), "清单字段 parts"),
        (_set("bundle_id", ""), "清单字段 bundle_id"),
        (_set("device_id", 7), "清单字段 device_id"),
        (_set("schema_version", True), "清单字段 schema_version"),
        (_set("format", "zip"), "不是量衡传输包"),
    ],
)
def test_a_manifest_that_does_not_match_is_refused(
    world: World, manifest: Callable[[dict[str, Any]], None], says: str
) -> None:
    bad = rebuild(world.bundle, world.tmp / "bad.lhb", manifest=manifest)
    refused(world.office, bad, says)


def test_a_manifest_that_is_not_an_object_is_refused(world: World) -> None:
    def replace(members: Members) -> None:
        members[MANIFEST] = b'["liangheng-bundle", 1]'

    bad = rebuild(world.bundle, world.tmp / "bad.lhb", replace, rehash=False)
    refused(world.office, bad, "不是量衡传输包")


def test_a_missing_manifest_is_refused(world: World) -> None:
    bad = rebuild(world.bundle, world.tmp / "bad.lhb", lambda m: m.pop(MANIFEST))
    refused(world.office, bad, "缺少清单 manifest.json")


def test_a_listed_member_that_is_missing_is_refused(world: World) -> None:
    def drop(members: Members) -> None:
        del members[first_blob(members)]

    bad = rebuild(world.bundle, world.tmp / "bad.lhb", drop)
    refused(world.office, bad, "成员与清单不符（blobs/")


def test_a_missing_records_file_is_refused(world: World) -> None:
    name = "records/standards.jsonl"
    bad = rebuild(world.bundle, world.tmp / "bad.lhb", lambda m: m.pop(name),
                  manifest=_drop_listing(name))  # fmt: skip
    refused(world.office, bad, "缺少记录文件 records/standards.jsonl")


def test_an_extra_member_not_in_the_manifest_is_refused(world: World) -> None:
    data = b"\x89PNG extra"
    bad = rebuild(world.bundle, world.tmp / "bad.lhb", extra=[(f"blobs/{sha(data)}", data)])
    refused(world.office, bad, f"成员与清单不符（blobs/{sha(data)}）")


@pytest.mark.parametrize("same", [True, False], ids=["same-bytes", "other-bytes"])
def test_a_duplicate_member_name_is_refused(world: World, same: bool) -> None:
    name = "records/answers.jsonl"
    original = read_members(world.bundle)[name]
    bad = rebuild(world.bundle, world.tmp / "bad.lhb",
                  extra=[(name, original if same else b"")])  # fmt: skip
    with zipfile.ZipFile(bad) as zf:
        assert zf.namelist().count(name) == 2
    refused(world.office, bad, f"成员“{name}”出现了两次")


def test_an_encrypted_member_is_refused(world: World) -> None:
    raw = bytearray(world.bundle.read_bytes())
    raw[central_entry(bytes(raw), "records/evidence.jsonl") + 8] |= 0x01  # flags: encrypted
    bad = world.tmp / "bad.lhb"
    bad.write_bytes(raw)
    refused(world.office, bad, "成员“records/evidence.jsonl”被加密")


def test_an_unsupported_compression_is_refused(world: World) -> None:
    members = read_members(world.bundle)
    bad = world.tmp / "bad.lhb"
    with zipfile.ZipFile(bad, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in members.items():
            method = zipfile.ZIP_BZIP2 if name == "records/answers.jsonl" else None
            zf.writestr(name, data, method)
    refused(world.office, bad, "压缩方式不受支持")


# ---------------------------------------------------------------- records


def _lines(table: str, make: Callable[[list[list[Any]]], list[Any]]) -> Change:
    def apply(members: Members) -> None:
        text = members[f"records/{table}.jsonl"].decode("utf-8")
        put_lines(members, table, make([json.loads(line) for line in text.split("\n") if line]))

    return apply


def _column(table: str, column: str, value: Any, row: int = 0) -> Change:
    def apply(records: list[Row], members: Members) -> None:
        records[row][column] = value

    return edit(table, apply)


def _bytes(table: str, make: Callable[[bytes], bytes]) -> Change:
    def apply(members: Members) -> None:
        name = f"records/{table}.jsonl"
        members[name] = make(members[name])

    return apply


SHAPES: dict[str, tuple[Change, str]] = {
    "column-missing": (_lines("answers", lambda ls: [ls[0][:-1], *ls[1:]]), "answers 第 1 行"),
    "column-extra": (_lines("answers", lambda ls: [*ls[:-1], [*ls[-1], ""]]), "answers 第 9 行"),
    "not-a-list": (_lines("subjects", lambda ls: [{"id": ls[0][0]}]), "subjects 第 1 行"),
    "empty-list": (_lines("seals", lambda ls: [*ls, []]), "seals 第 3 行"),
    "not-json": (_lines("answers", lambda ls: [*ls, "[1, 2"]), "answers 第 10 行"),
    "empty-line": (_lines("answers", lambda ls: [ls[0], "", *ls[1:]]), "answers 第 2 行"),
    "nan": (_lines("answers", lambda ls: [[*ls[0][:1], float("nan"), *ls[0][2:]]]),
            "answers 第 1 行，revision"),
    "deep": (_lines("standards", lambda ls: ["[" * 100_000]), "standards 第 1 行"),
    "revision-text": (_column("answers", "revision", "1"), "answers 第 1 行，revision"),
    "revision-float": (_column("answers", "revision", 1.0), "revision"),
    "revision-bool": (_column("answers", "revision", True), "revision"),
    "revision-huge": (_column("subjects", "revision", 2**63), "subjects 第 1 行，revision"),
    "sequence-negative-huge": (_column("seals", "sequence", -(2**63) - 1), "sequence"),
    "name-null": (_column("subjects", "name", None), "subjects 第 1 行，name"),
    "note-null": (_column("inspections", "note", None), "inspections 第 1 行，note"),
    "name-number": (_column("subjects", "name", 5), "name"),
    "name-surrogate": (_column("subjects", "name", "大民屯\ud800"), "subjects 第 1 行，name"),
    "note-surrogate": (_column("inspections", "note", "\udfff", 2), "inspections 第 3 行，note"),
    "value-not-json": (_column("answers", "value", '{"yes"'), "answers 第 1 行，value"),
    "header-not-json": (_column("inspections", "header", ""), "inspections 第 1 行，header"),
    "extra-deep": (_column("subjects", "extra", "[" * 100_000), "subjects 第 1 行，extra"),
    "changes-not-json": (_column("amendments", "changes", "[{"), "amendments 第 1 行，changes"),
    "utf8": (_bytes("subjects", lambda b: b.replace("大".encode(), b"\xe5\xa4")),
             "记录文件 subjects 不是 UTF-8 文本"),
    "utf16": (_bytes("answers", lambda b: b.decode().encode("utf-16")), "answers 不是 UTF-8"),
}  # fmt: skip


@pytest.mark.parametrize("case", SHAPES)
def test_a_record_of_the_wrong_shape_is_refused(world: World, case: str) -> None:
    change, says = SHAPES[case]
    bad = rebuild(world.bundle, world.tmp / "bad.lhb", change)
    error = refused(world.office, bad, says)
    assert "记录" in error.reason


def _unlisted_missing_blob() -> tuple[Change, Callable[[dict[str, Any]], None]]:
    gone: list[str] = []

    def change(members: Members) -> None:
        (photo, *_rest) = rows(members, "attachments")
        gone.append(f"blobs/{photo['sha256']}")
        del members[gone[0]]

    def manifest(document: dict[str, Any]) -> None:
        document["members"] = [e for e in document["members"] if e["name"] not in gone]

    return change, manifest


def _other(rows_: list[Row], index: int, column: str, value: Any) -> None:
    rows_[index][column] = value


REFERENCES: dict[str, tuple[Change, str]] = {
    "answer-inspection": (edit("answers", lambda r, m: _other(r, 0, "inspection_id", "nope")),
                          "answers 记录所属的检查记录不在传输包中"),
    "photo-inspection": (edit("attachments", lambda r, m: _other(r, 0, "inspection_id", "no")),
                         "attachments 记录所属的检查记录不在传输包中"),
    "seal-inspection": (edit("seals", lambda r, m: _other(r, 1, "inspection_id", "no")),
                        "seals 记录所属的检查记录不在传输包中"),
    "evidence-inspection": (edit("evidence", lambda r, m: _other(r, 0, "inspection_id", "x")),
                            "evidence 记录所属的检查记录不在传输包中"),
    "inspection-subject": (edit("inspections", lambda r, m: _other(r, 2, "subject_id", "no")),
                           "检查记录所属的单位不在传输包中"),
    "instrument-subject": (edit("instruments", lambda r, m: _other(r, 0, "subject_id", "no")),
                           "计量器具所属的单位不在传输包中"),
    "instrument-parent": (edit("instruments", lambda r, m: [
        x.update(parent_id="no") for x in r if x["parent_id"]]), "上级器具不在传输包中"),
    "subject-merged-into": (edit("subjects", lambda r, m: _other(r, 0, "merged_into", "no")),
                            "合并去向不在传输包中"),
    "subject-merged-into-itself": (edit("subjects", lambda r, m: _other(
        r, 0, "merged_into", r[0]["id"])), "合并去向不在传输包中"),
    "inspection-gone": (edit("inspections", lambda r, m: r.pop(2)), "记录所属的检查记录不在"),
    "status": (edit("inspections", lambda r, m: _other(r, 2, "status", "deleted")),
               "检查记录的状态无效"),
    "photo-sha": (edit("attachments", lambda r, m: _other(r, 0, "sha256", "0" * 64)),
                  "缺少照片、签名或存证副本的文件"),
    "photo-size": (edit("attachments", lambda r, m: _other(r, 0, "size", 1)),
                   "照片或存证副本的大小与记录不符"),
    "signature-image": (edit("signatures", lambda r, m: [
        x.update(image_sha256="f" * 64) for x in r if x["image_sha256"]]),
        "缺少照片、签名或存证副本的文件"),
    "evidence-size": (edit("evidence", lambda r, m: _other(r, 0, "size", 10)), "大小与记录不符"),
    "answer-twice": (edit("answers", lambda r, m: r.append({**r[0], "id": "other"})),
                     "记录重复（answers）"),
    "answer-id-twice": (edit("answers", lambda r, m: r.append({**r[0], "item_id": "other"})),
                        "记录重复（answers）"),
    "subject-twice": (edit("subjects", lambda r, m: r.append(dict(r[0]))), "记录重复（subjects）"),
    "seal-sequence-twice": (edit("seals", lambda r, m: _other(r, 1, "sequence", r[0]["sequence"])),
                            "记录重复（seals）"),
    "audit-twice": (edit("audit_log", lambda r, m: r.append(dict(r[0]))), "记录重复（audit_log）"),
}  # fmt: skip


@pytest.mark.parametrize("case", REFERENCES)
def test_a_reference_that_does_not_resolve_is_refused(world: World, case: str) -> None:
    change, says = REFERENCES[case]
    bad = rebuild(world.bundle, world.tmp / "bad.lhb", change)
    refused(world.office, bad, says)


def test_a_blob_missing_from_the_file_and_the_manifest_is_refused(world: World) -> None:
    change, manifest = _unlisted_missing_blob()
    bad = rebuild(world.bundle, world.tmp / "bad.lhb", change, manifest=manifest)
    refused(world.office, bad, "缺少照片、签名或存证副本的文件")


def test_a_blob_whose_name_is_not_its_hash_is_refused(world: World) -> None:
    def swap(members: Members) -> None:
        name = first_blob(members)
        members[name] = members[name] + b"!"

    bad = rebuild(world.bundle, world.tmp / "bad.lhb", swap)
    refused(world.office, bad, "内容与其名称不符")


@pytest.mark.parametrize(
    ("text", "says"),
    [("a = [", "definitions/rules/dispenser.toml 无效"),
     ("a = " + "[" * 50_000, "无效"),
     ("\udcff", "无效")],
    ids=["syntax", "deep", "not-utf8"],
)  # fmt: skip
def test_a_definition_that_does_not_parse_is_refused(world: World, text: str, says: str) -> None:
    def replace(members: Members) -> None:
        members["definitions/rules/dispenser.toml"] = text.encode("utf-8", "surrogateescape")

    bad = rebuild(world.bundle, world.tmp / "bad.lhb", replace)
    refused(world.office, bad, says)


def test_a_checklist_definition_under_another_name_is_refused(world: World) -> None:
    from checklists.catalogue import shipped_checklists

    checklist = next(c for c in shipped_checklists() if c.source_text)
    name = f"definitions/checklists/{checklist.id}@2099.1.toml"
    bad = rebuild(world.bundle, world.tmp / "bad.lhb", list_new=True,
                  extra=[(name, checklist.source_text.encode("utf-8"))])  # fmt: skip
    refused(world.office, bad, "与其名称不符")


def test_a_record_the_database_does_not_accept_is_refused_at_the_merge(world: World) -> None:
    """Well-formed but against a constraint of the schema: the merge's transaction is undone."""
    bad = rebuild(world.bundle, world.tmp / "bad.lhb",
                  _column("inspections", "revision", -5, row=2))  # fmt: skip
    refused(world.office, bad, "记录与本机数据库的约束不符")


# ---------------------------------------------------------------- seals


def _answer_value(members: Members) -> None:
    inspection_id = amended_id(members)
    records = rows(members, "answers")
    target = next(r for r in records if r["inspection_id"] == inspection_id)
    target["value"] = '"no"' if target["value"] != '"no"' else '"yes"'
    put(members, "answers", records)


def _sealed_column(table: str, column: str, value: Any) -> Change:
    def apply(members: Members) -> None:
        inspection_id = amended_id(members)
        records = rows(members, table)
        key = "id" if table == "inspections" else "inspection_id"
        next(r for r in records if r[key] == inspection_id)[column] = value
        put(members, table, records)

    return apply


def _drop_sealed_answer(members: Members) -> None:
    inspection_id = amended_id(members)
    records = rows(members, "answers")
    records.remove(next(r for r in records if r["inspection_id"] == inspection_id))
    put(members, "answers", records)


SEALED: dict[str, Change] = {
    "answer-value": _answer_value,
    "answer-gone": _drop_sealed_answer,
    "outcome": _sealed_column("inspections", "outcome", "problems_found"),
    "subject-name": _sealed_column("inspections", "subject_name", "另一个加油站"),
    "photo-caption": _sealed_column("attachments", "caption", "换过的说明"),
    "signature-name": _sealed_column("signatures", "name", "赵六"),
    "document-no": _sealed_column("seals", "document_no", "计检〔2026〕X-9999号"),
    "sealed-at": _sealed_column("seals", "sealed_at", "2020-01-01T00:00:00.000Z"),
}


@pytest.mark.parametrize("case", SEALED)
def test_a_sealed_record_changed_and_rehashed_is_refused_by_its_seal(
    world: World, case: str
) -> None:
    bad = rebuild(world.bundle, world.tmp / "bad.lhb", SEALED[case])
    refused(world.office, bad, "封存校验值不符", "在定稿后被改动")


def _amendment(column: str, value: Any) -> Change:
    return edit("amendments", lambda r, m: _other(r, 0, column, value))


@pytest.mark.parametrize(
    ("change", "says"),
    [
        (_amendment("reason", "另有原因"), "更正的校验值不符"),
        (_amendment("changes", '[{"item_id":"mgmt_system","old":"yes","new":"yes"}]'),
         "更正的校验值不符"),
        (_amendment("actor", "别人"), "更正的校验值不符"),
        (_amendment("prev_hash", "0" * 64), "更正链断开"),
        (_amendment("sequence", 2), "更正链断开"),
        (lambda m: edit("amendments", lambda r, _m: _other(
            r, 0, "inspection_id", draft_id(m)))(m), "未封存的记录带有更正"),
    ],
    ids=["reason", "changes", "actor", "prev-hash", "sequence", "on-a-draft"],
)  # fmt: skip
def test_an_amendment_changed_is_refused(world: World, change: Change, says: str) -> None:
    bad = rebuild(world.bundle, world.tmp / "bad.lhb", change)
    refused(world.office, bad, says)


def _second_seal_prev(members: Members) -> None:
    records = seals(members)
    records[1]["prev_seal_hash"] = "1" * 64
    put(members, "seals", records)
    reseal(members)


def _first_seal_prev(members: Members) -> None:
    records = seals(members)
    records[0]["prev_seal_hash"] = records[1]["seal_hash"]
    put(members, "seals", records)
    reseal(members)


def _answer_resealed(members: Members) -> None:
    _answer_value(members)
    reseal(members)  # the first seal and its amendment recomputed; the second still links


@pytest.mark.parametrize(
    "change",
    [_second_seal_prev, _first_seal_prev, _answer_resealed],
    ids=["second-seal-prev", "first-seal-not-genesis", "answer-then-resealed"],
)
def test_a_broken_seal_chain_is_refused(world: World, change: Change) -> None:
    bad = rebuild(world.bundle, world.tmp / "bad.lhb", change)
    refused(world.office, bad, "封存链断开")


@pytest.mark.parametrize(
    ("change", "says"),
    [
        (_sealed_column("inspections", "status", "draft"), "已完成的记录与封存不对应"),
        (edit("seals", lambda r, m: r.pop(0)), "已完成的记录与封存不对应"),
        (edit("evidence", lambda r, m: _other(r, 0, "inspection_id", draft_id(m))),
         "存证副本所属的记录没有封存"),
        (_sealed_column("seals", "canonical_version", 2), "未知的封存规则版本"),
    ],
    ids=["finalized-unsealed", "seal-gone", "evidence-of-a-draft", "canonical-version"],
)  # fmt: skip
def test_seals_that_do_not_match_their_records_are_refused(
    world: World, change: Change, says: str
) -> None:
    bad = rebuild(world.bundle, world.tmp / "bad.lhb", change)
    refused(world.office, bad, says)


def test_a_fully_reforged_bundle_never_overwrites_what_the_office_has_sealed(
    world: World, dump_db: Callable[..., Any]
) -> None:
    """A forger who recomputes every seal and chain makes a bundle that checks out on its own;
    the office, which has the original, keeps its sealed records and notes the conflict."""
    import_bundle(world.office.store, world.bundle)

    def forge(members: Members) -> None:
        _answer_value(members)
        reseal(members, chain=True)

    forged = rebuild(world.bundle, world.tmp / "forged.lhb", forge)
    tables = ("subjects", "instruments", "standards", "inspections", "answers", "attachments",
              "signatures", "seals", "amendments", "evidence", "audit_log")  # fmt: skip
    before = dump_db(world.office.store.db.conn, tables)
    done = import_bundle(world.office.store, forged)
    assert dump_db(world.office.store.db.conn, tables) == before
    differs = sorted(c.record_id for c in done.result.conflicts if c.kind == "sealed_differs")
    assert differs == sorted(s["inspection_id"] for s in rows(read_members(forged), "seals"))


# ---------------------------------------------------------------- the file changes mid-import


def _changed(self: zipfile.ZipFile, name: Any, pwd: Any = None) -> bytes:
    return b"\x89PNG other bytes"


def _pulled_out(self: zipfile.ZipFile, name: Any, pwd: Any = None) -> bytes:
    raise OSError(5, "Input/output error")


def _crc(self: zipfile.ZipFile, name: Any, pwd: Any = None) -> bytes:
    raise zipfile.BadZipFile(f"Bad CRC-32 for file {name!r}")


@pytest.mark.parametrize(
    ("read", "says"),
    [(_changed, "照片或签名的内容在检查后发生了变化"), (_pulled_out, "读取照片或签名时出错"),
     (_crc, "读取照片或签名时出错")],
    ids=["changed", "pulled-out", "crc"],
)  # fmt: skip
def test_a_photo_that_cannot_be_read_again_in_the_merge_undoes_the_import(
    world: World, monkeypatch: pytest.MonkeyPatch, read: Callable[..., bytes], says: str
) -> None:
    """Beyond what the check keeps in memory, the merge reads photos again (the stick may be
    pulled out, or the file rewritten, after the check): a photo that changed or cannot be read
    undoes the whole transaction."""
    monkeypatch.setattr(desktop.store.bundle_read, "BLOBS_KEPT", 0)

    def progress(stage: str, done: int, total: int) -> None:
        if stage == "check" and done == total:
            monkeypatch.setattr(zipfile.ZipFile, "read", read)

    before = world.office.dump()
    with pytest.raises(BundleRefusedError) as caught:
        import_bundle(world.office.store, world.bundle, progress=progress)
    assert world.office.dump() == before
    check_message(caught.value, world.bundle, (says,))


def test_photos_the_check_kept_are_not_read_from_the_stick_again(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    """What the check read and hashed is what the merge writes: a stick pulled out after the
    check does not matter for a bundle whose photos the check kept."""

    def progress(stage: str, done: int, total: int) -> None:
        if stage == "check" and done == total:
            monkeypatch.setattr(zipfile.ZipFile, "read", _pulled_out)

    done = import_bundle(world.office.store, world.bundle, progress=progress)
    assert done.result.added["attachments"] > 0


# ---------------------------------------------------------------- good files that looked bad


def test_text_with_line_separators_is_not_taken_for_a_broken_record(
    world: World, laptop: Laptops
) -> None:
    """Values may hold U+2028, U+2029, U+0085 and other characters that str.splitlines()
    breaks on (a note pasted from a web page): records are lines ended by "\\n" only."""
    note = "第一段\u2028第二段\u2029第三段\x85第四段\x1c\x1d\x1e\x0b\x0c\r末尾"
    a = laptop("c")
    inspection_id = a.draft()
    a.store.save_answer(inspection_id, "mgmt_system", "", "yes", note=note)
    subject = a.store.create_subject("分隔\u2028符", "fuel_station")
    path = export_bundle(a.store, world.tmp / "b.lhb", catalogue=None, since="2000-01-01").files[0]
    import_bundle(world.office.store, path)
    conn = world.office.store.db.conn
    assert conn.execute(
        "SELECT note FROM answers WHERE inspection_id = ? AND item_id = 'mgmt_system'",
        (inspection_id,),
    ).fetchone() == (note,)
    assert conn.execute("SELECT name FROM subjects WHERE id = ?", (subject.id,)).fetchone() == (
        "分隔\u2028符",
    )


def test_a_drawn_signature_changed_at_the_office_and_on_the_laptop_imports(
    laptop: Laptops, tmp_path: Path
) -> None:
    """The losing office signature is kept with its image from the office database (the import
    once looked for that image in the bundle and refused a good file as damaged)."""
    a, office = laptop("a"), laptop("office")
    inspection_id = a.draft()
    a.store.sign(inspection_id, "inspector", "drawn", name="王明", position=1, image=PNG)
    import_bundle(office.store, export_bundle(a.store, tmp_path / "1.lhb", catalogue=None).files[0])
    office.store.sign(inspection_id, "inspector", "drawn", name="王明", position=1,
                      image=PNG + b"office")  # fmt: skip
    for n in range(2):
        a.store.sign(inspection_id, "inspector", "drawn", name="王明", position=1,
                     image=PNG + bytes([n]))  # fmt: skip
    done = import_bundle(
        office.store, export_bundle(a.store, tmp_path / "2.lhb", catalogue=None).files[0]
    )
    (conflict,) = done.result.conflicts
    assert (conflict.kind, conflict.table, conflict.kept) == ("concurrent_edit", "signatures",
                                                              "incoming")  # fmt: skip
    assert base64.b64decode(conflict.lost["row"]["image_base64"]) == PNG + b"office"
    image = office.store.db.conn.execute(
        "SELECT image FROM signatures WHERE inspection_id = ?", (inspection_id,)
    ).fetchone()[0]
    assert image == PNG + bytes([1])


# ---------------------------------------------------------------- the command line


@pytest.fixture
def restore_logging() -> Iterator[None]:
    root = logging.getLogger()
    handlers, level = list(root.handlers), root.level
    yield
    for handler in root.handlers[:]:
        if handler not in handlers:
            root.removeHandler(handler)
            handler.close()
    root.setLevel(level)


@pytest.mark.usefixtures("restore_logging")
def test_the_command_line_reports_a_refused_file_and_imports_the_good_one_after_it(
    world: World, capsys: pytest.CaptureFixture[str]
) -> None:
    bad = rebuild(world.bundle, world.tmp / "bad.lhb", SEALED["answer-value"])
    db = str(world.office.path)
    before = world.office.dump()
    assert main(["bundle", "import", "--db", db, str(bad)]) == 1
    out, err = capsys.readouterr()
    assert out == ""
    assert "传输包“bad.lhb”未导入：封存校验值不符" in err
    assert "数据库没有任何改动。" in err
    assert "Traceback" not in err
    assert world.office.dump() == before
    log = logs.log_file().read_text(encoding="utf-8")
    assert "bad.lhb refused: 封存校验值不符" in log

    assert main(["bundle", "import", "--db", db, str(bad), str(world.bundle)]) == 1
    out, err = capsys.readouterr()
    assert "传输包“bad.lhb”未导入" in err
    assert "传输包 a.lhb" in out
    assert "新增：检查记录 3 条" in out
    after = world.office.dump()
    assert len(after["inspections"]) == len(before["inspections"]) + 3
    log = logs.log_file().read_text(encoding="utf-8")
    assert log.count("bad.lhb refused") == 2
    assert "a.lhb imported" in log


@pytest.mark.usefixtures("restore_logging")
def test_the_command_line_reports_missing_and_non_bundle_files(
    world: World, capsys: pytest.CaptureFixture[str]
) -> None:
    text = world.tmp / "notes.lhb"
    text.write_text("不是传输包", encoding="utf-8")
    args = ["bundle", "import", "--db", str(world.office.path)]
    before = world.office.dump()
    assert main([*args, str(world.tmp / "none.lhb"), str(text), str(world.tmp)]) == 1
    err = capsys.readouterr().err
    assert "传输包“none.lhb”未导入：找不到该文件" in err
    assert "传输包“notes.lhb”未导入：不是量衡传输包，或文件不完整" in err
    assert err.count("未导入") == 3
    assert world.office.dump() == before


# ---------------------------------------------------------------- not bundles at all


def _zip_of(*entries: tuple[str, bytes]) -> Callable[[Path], None]:
    def make(path: Path) -> None:
        write_zip(path, list(entries))

    return make


@pytest.mark.parametrize(
    ("make", "says"),
    [
        (lambda p: p.write_text("姓名,电话\n王明,123\n", encoding="utf-8"), "不是量衡传输包"),
        (lambda p: p.write_bytes(b""), "不是量衡传输包"),
        (lambda p: p.write_bytes(b"PK\x05\x06" + bytes(18)), "缺少清单"),
        (lambda p: p.write_bytes(b"PK\x03\x04" + bytes(100)), "不是量衡传输包"),
        (lambda p: p.write_bytes(bytes(range(256)) * 64), "不是量衡传输包"),
        (_zip_of(("hello.txt", b"hello")), "不允许的成员名"),
        (_zip_of((MANIFEST, b'{"format": "other"}')), "不是量衡传输包"),
        (_zip_of((MANIFEST, b"\xff\xfe")), "清单不是有效的 JSON"),
        (_zip_of((MANIFEST, b"[" * 100_000)), "清单不是有效的 JSON"),
        (lambda p: None, "找不到该文件"),
        (lambda p: p.mkdir(), "找不到该文件"),
    ],
    ids=["text", "empty", "empty-zip", "local-header-only", "noise", "other-zip",
         "other-manifest", "manifest-not-utf8", "manifest-deep", "missing", "folder"],
)  # fmt: skip
def test_a_file_that_is_not_a_bundle_is_refused(
    world: World, make: Callable[[Path], None], says: str
) -> None:
    path = world.tmp / "file.lhb"
    make(path)
    refused(world.office, path, says)


# ---------------------------------------------------------------- random corruption


def comparable(dump: dict[str, list[Any]]) -> dict[str, list[Any]]:
    """A dump without the import's own history: the transfers, and the ids and times of its
    audit lines and conflicts (new every time)."""
    result = {k: v for k, v in dump.items() if k != "transfers"}
    result["audit_log"] = sorted(r[2:] for r in dump["audit_log"])
    result["transfer_conflicts"] = sorted(r[2:] for r in dump["transfer_conflicts"])
    return result


def corrupt(data: bytes, how: tuple[Any, ...]) -> bytes:
    kind = how[0]
    if kind == "flip":
        out = bytearray(data)
        for offset, mask in how[1]:
            out[offset] ^= mask
        return bytes(out)
    if kind == "truncate":
        return data[: int(how[1])]
    offset, junk = int(how[1]), bytes(how[2])
    return data[:offset] + junk + data[offset:]


def corruptions(size: int) -> st.SearchStrategy[tuple[Any, ...]]:
    offsets = st.integers(0, size - 1)
    return st.one_of(
        st.tuples(st.just("flip"),
                  st.lists(st.tuples(offsets, st.integers(1, 255)), min_size=1, max_size=8)),
        st.tuples(st.just("truncate"), offsets),
        st.tuples(st.just("insert"), st.integers(0, size), st.binary(min_size=1, max_size=64)),
    )  # fmt: skip


def test_random_corruption_is_refused_or_harmless(
    world: World, dump_db: Callable[..., Any]
) -> None:
    """Flipped bytes, a cut, inserted bytes anywhere: refused with the office untouched, or (the
    bytes did not matter: a timestamp, padding) imported exactly as the original would be."""
    data = world.bundle.read_bytes()
    base = world.tmp / "base.sqlite3"
    copy_database(world.office.store, base)
    expected_db = world.tmp / "expected.sqlite3"
    shutil.copyfile(base, expected_db)
    with Store.open(expected_db) as store:
        import_bundle(store, world.bundle)
        expected = comparable(dump_db(store.db.conn))
    before = world.office.dump()
    outcomes: dict[str, int] = {"refused": 0, "imported": 0}

    @settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(how=corruptions(len(data)))
    def check(how: tuple[Any, ...]) -> None:
        bad = world.tmp / "random.lhb"
        bad.write_bytes(corrupt(data, how))
        target = world.tmp / "example.sqlite3"
        shutil.copyfile(base, target)
        try:
            with Store.open(target) as store:
                try:
                    import_bundle(store, bad)
                except BundleRefusedError as error:
                    check_message(error, bad, ())
                    assert dump_db(store.db.conn) == before
                    outcomes["refused"] += 1
                else:
                    assert comparable(dump_db(store.db.conn)) == expected
                    outcomes["imported"] += 1
        finally:
            for leftover in world.tmp.glob("example.sqlite3*"):
                leftover.unlink()

    check()
    assert outcomes["refused"] > 0


def test_every_byte_of_the_central_directory_flipped_is_refused_or_harmless(
    world: World,
) -> None:
    """The ZIP's own structure (central directory entries of a deflated and a stored member,
    and the end record), one byte at a time, checked without a database."""
    raw = world.bundle.read_bytes()
    with open_bundle(world.bundle) as original:
        rows_before, definitions = original.rows, original.definitions
        blobs = {n: original.blob(n[6:]) for n in read_members(world.bundle)
                 if n.startswith("blobs/")}  # fmt: skip
    spans = []
    for name in ("records/answers.jsonl", min(blobs)):
        at = central_entry(raw, name)
        spans.append(range(at, at + 46 + len(name)))
    spans.append(range(raw.rindex(b"PK\x05\x06"), len(raw)))
    bad = world.tmp / "bad.lhb"
    harmless = 0
    for offset in (o for span in spans for o in span):
        changed = bytearray(raw)
        changed[offset] ^= 0xFF
        bad.write_bytes(changed)
        try:
            bundle = open_bundle(bad)
        except BundleRefusedError as error:
            check_message(error, bad, ())
            continue
        harmless += 1
        with bundle:
            assert (bundle.rows, bundle.definitions) == (rows_before, definitions), offset
            assert {n: bundle.blob(n[6:]) for n in blobs} == blobs, offset
    assert harmless > 0  # timestamps, "version made by", attributes...
