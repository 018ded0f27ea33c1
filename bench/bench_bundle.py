"""Bundle import benchmark (issue 10; not part of the test run).

A laptop database made through the store's own API (as an inspector's work makes it): fuel
stations with their dispensers and nozzles, 1,000 inspections of ~60 answers each (measurements
as the calculators store them), two photos per inspection (20-50 KB of random bytes: JPEG does
not compress), attached while each record was a draft; most records sealed with their signatures
(the first inspector's drawn), an evidence copy and a few amendments; every save logged in the
audit trail as the app logs it. It is exported to one bundle, then, in the same run and
alternating (median of ``--repeat``):

a. ``import_bundle`` into a fresh office database (``Store.open`` on a new file), end to end:
   check, merge, commit; with the time spent in ``open_bundle`` (reading and checking the file)
   and in the merge's stages;
b. the baseline: the same rows (read from the laptop database beforehand, photo bytes included)
   inserted with bare sqlite3 ``executemany`` in one transaction into a fresh database of the
   same schema (made by ``Store.open(path).close()``: tables, indexes and triggers identical)
   with the same pragmas (WAL, synchronous=FULL, foreign keys). Sealed records go in as drafts
   first, then their children, then the status, then seals, amendments and evidence copies, as
   the importer does.

Target: the import within 2x of the baseline.

Usage: .venv/bin/python bench/bench_bundle.py [--inspections 1000] [--repeat 3] [--dir DIR]
       [--profile]   (--profile: one more import under cProfile, the top functions printed)
"""

from __future__ import annotations

import argparse
import contextlib
import cProfile
import hashlib
import io
import json
import pstats
import random
import sqlite3
import statistics
import sys
import tempfile
import time
from collections import defaultdict
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from checklists.catalogue import Catalogue, load_catalogue  # noqa: E402
from desktop.store import Store, bundle_merge, bundles  # noqa: E402
from desktop.store import bundle_format as fmt  # noqa: E402
from desktop.store.codes import credit_code  # noqa: E402
from desktop.store.demo_measure import build_pools, measurement_value  # noqa: E402
from desktop.store.records import AnswerChange  # noqa: E402
from desktop.store.verify import verify  # noqa: E402

HEADER = {"inspectors": [{"name": "王明", "certificate_no": "21010001"},
                         {"name": "李华", "certificate_no": "21010002"}]}  # fmt: skip
BATCH = 50  # inspections per transaction while building (nested store calls are savepoints)
MANAGEMENT_ITEMS = ("mgmt_system", "metering_staff", "instruments_registered", "legal_units",
                    "sales_accounts")  # fmt: skip
DISPENSER_ITEMS = ("disp_product_cert", "disp_verification", "disp_certificate_no",
                   "disp_verified_on", "disp_mark_visible", "seal_adjustment", "seal_encoder",
                   "seal_mainboard", "seal_numbers", "seal_numbers_match", "disp_self_lock",
                   "disp_no_tampering", "disp_zero_display", "disp_amount_display",
                   "disp_repair")  # fmt: skip
YES_NO = {"disp_product_cert", "disp_mark_visible", "seal_adjustment", "seal_encoder",
          "seal_mainboard", "seal_numbers_match", "disp_self_lock", "disp_no_tampering",
          "disp_zero_display", "disp_amount_display"}  # fmt: skip


# ---------------------------------------------------------------------- the laptop


class Laptop:
    def __init__(self, store: Store, rng: random.Random) -> None:
        self.store = store
        self.rng = rng
        self.pool = build_pools(rng)["dispenser"]
        self.stations: list[tuple[str, int]] = []  # (subject id, dispensers)
        self.photos = 0
        self.photo_bytes = 0

    def registers(self, count: int) -> None:
        store, rng = self.store, self.rng
        with store.db.atomic():
            for n in range(count):
                code = credit_code("91", "210181", f"{rng.randrange(10**8):08d}")
                subject = store.create_subject(
                    f"新民市第{n + 1}加油站", "fuel_station", credit_code=code,
                    address=f"新民市大民屯镇{n + 1}号", city="沈阳市", county="新民市",
                    township="大民屯镇", contact_person="张站长", phone="13800000000",
                )  # fmt: skip
                dispensers = rng.choice((2, 3))
                for d in range(1, dispensers + 1):
                    dispenser = store.add_instrument(
                        subject.id, "dispenser", serial=f"D-{n}-{d}", label=f"{d}号机",
                        manufacturer="正星", model="CS46", seal_numbers=[f"LN12-{n:03d}{d}"],
                    )  # fmt: skip
                    for k in (1, 2):
                        store.add_instrument(subject.id, "nozzle", parent_id=dispenser.id,
                                             serial=f"N-{n}-{d}-{k}", label=f"{k}号枪")  # fmt: skip
                self.stations.append((subject.id, dispensers))
            store.add_standard("标准金属量器 20L", "measure", serial="BZ-20-001",
                               accuracy_class="二等", certificate_no="JD2026-001")  # fmt: skip

    def answers(self, inspection_id: str, dispensers: int) -> int:
        """~60 answers of the fuel-station checklist (2 or 3 dispensers, 2 nozzles each)."""
        rng, save = self.rng, self.store.save_answer
        plan: list[tuple[str, str, Any]] = [
            (item, "", rng.choice(("yes", "yes", "yes", "no"))) for item in MANAGEMENT_ITEMS
        ]
        plan.append(("measure_material", "", "stainless"))
        for d in range(1, dispensers + 1):
            key = f"dispenser:{d}"
            texts = {
                "disp_verification": "verified",
                "disp_certificate_no": f"JD{rng.randrange(10**6):06d}",
                "disp_verified_on": f"2026-0{rng.randint(1, 9)}-1{rng.randint(0, 9)}",
                "seal_numbers": f"LN12-{rng.randrange(10**6):06d}、LN12-{d:02d}1234",
                "disp_repair": "no",
            }
            for item in DISPENSER_ITEMS:
                value = rng.choice(("yes", "yes", "no")) if item in YES_NO else texts[item]
                plan.append((item, key, value))
            for n in (1, 2):
                nozzle = f"{key}/nozzle:{n}"
                measured = measurement_value(self.pool, 3, rng, fail=rng.random() < 0.1)
                plan += [
                    ("nozzle_fuel", nozzle, rng.choice(("petrol", "petrol", "diesel"))),
                    ("nozzle_error", nozzle, json.loads(measured or "null")),
                    ("nozzle_repeatability", nozzle, f"0.0{rng.randint(1, 9)}"),
                ]
        plan += [("sells_via_dispenser", "", "yes"), ("stops_on_fault", "", "yes"),
                 ("other_notes", "", "现场检查未发现其他问题。")]  # fmt: skip
        for item, key, value in plan:
            note = "已拍照留存" if rng.random() < 0.05 else None
            save(inspection_id, item, key, value, note)
            if rng.random() < 0.08:  # changed on site: a second revision
                save(inspection_id, item, key, value)
        return len(plan)

    def photo(self, inspection_id: str, n: int) -> None:
        data = self.rng.randbytes(self.rng.randint(20_000, 50_000))
        item, key = ("disp_photos", "dispenser:1") if n == 0 else ("site_photos", "")
        self.store.add_attachment(
            inspection_id, b"\xff\xd8\xff\xe0" + data, filename=f"IMG_{n:04d}.jpg",
            mime="image/jpeg", item_id=item, instance_key=key, caption=f"现场照片{n + 1}",
        )  # fmt: skip
        self.photos += 1
        self.photo_bytes += len(data) + 4

    def seal(self, inspection_id: str, findings: bool) -> None:
        store, rng = self.store, self.rng
        image = b"\x89PNG\r\n\x1a\n" + rng.randbytes(rng.randint(4_000, 12_000))
        store.sign(inspection_id, "inspector", "drawn", name="王明", position=1, image=image)
        store.sign(inspection_id, "inspector", "paper", name="李华", position=2)
        store.sign(inspection_id, "party", "paper", name="张站长")
        if findings:
            store.set_rectification_deadline(inspection_id, "2026-12-15")
        store.finalize(inspection_id, outcome="follow_up" if findings else "no_problem",
                       render_evidence=evidence)  # fmt: skip


def evidence(store: Store, inspection_id: str) -> tuple[bytes, str]:
    """A stand-in for the evidence PDF (rendering real ones would dominate the build): a few
    tens of KB, as a short record's PDF without photos is."""
    body = random.Random(inspection_id).randbytes(30_000)
    pdf = b"%PDF-1.4\n" + body + b"\n%%EOF\n"
    return pdf, hashlib.sha256(pdf).hexdigest()


def build(path: Path, inspections: int, photos: int, seed: int) -> dict[str, Any]:
    rng = random.Random(seed)
    began = time.perf_counter()
    with Store.open(path) as store:
        laptop = Laptop(store, rng)
        laptop.registers(max(10, inspections // 8))
        answers = sealed = amended = 0
        for start in range(0, inspections, BATCH):
            with store.db.atomic():
                for _ in range(start, min(start + BATCH, inspections)):
                    subject_id, dispensers = rng.choice(laptop.stations)
                    inspection = store.create_inspection(subject_id, "fuel_station", "2026.1",
                                                         header=HEADER)  # fmt: skip
                    answers += laptop.answers(inspection.id, dispensers)
                    for n in range(photos):
                        laptop.photo(inspection.id, n)
                    if rng.random() < 0.7:  # the rest are drafts still open
                        laptop.seal(inspection.id, findings=rng.random() < 0.3)
                        sealed += 1
                        if rng.random() < 0.05:
                            store.amend(inspection.id, "笔误更正",
                                        [AnswerChange("mgmt_system", "", "yes")])  # fmt: skip
                            amended += 1
    seconds = time.perf_counter() - began
    print(
        f"laptop database: {inspections} inspections ({sealed} sealed, {amended} amended), "
        f"{answers} answers, {laptop.photos} photos ({laptop.photo_bytes / 1e6:.1f} MB), "
        f"{path.stat().st_size / 1e6:.0f} MB; built through the store API in {seconds:.1f} s"
    )
    return {"answers": answers, "photos": laptop.photos}


# ---------------------------------------------------------------------- the baseline

_BLOB_COLUMN = {table: blob for table, (blob, _sha) in fmt.BLOBS.items()}
_ORDER = {  # registered subjects before those merged into them, dispensers before nozzles
    "subjects": " ORDER BY merged_into IS NOT NULL",
    "instruments": " ORDER BY parent_id IS NOT NULL",
}
_WHERE = {  # the audit lines an export carries
    "audit_log": " WHERE record_id IN (SELECT id FROM inspections UNION SELECT id FROM subjects)"
}


def read_source(path: Path) -> dict[str, tuple[str, list[tuple[Any, ...]]]]:
    """Table -> (INSERT statement, rows) of everything the bundle carries (the export's audit
    lines are those of the inspections and subjects), blob bytes included."""
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    source = {}
    try:
        for table in fmt.TABLES:
            names = list(fmt.COLUMNS[table])
            if table in _BLOB_COLUMN:
                names.append(_BLOB_COLUMN[table])
            select = f"SELECT {', '.join(names)} FROM {table}"
            select += _WHERE.get(table, "") + _ORDER.get(table, "")
            rows = conn.execute(select).fetchall()
            if table == "inspections":  # sealed ones as drafts first (the seal triggers)
                at = names.index("status")
                rows = [(*r[:at], "draft", *r[at + 1 :]) if r[at] == "finalized" else r
                        for r in rows]  # fmt: skip
            insert = (
                f"INSERT INTO {table} ({', '.join(names)}) VALUES ({', '.join('?' * len(names))})"
            )
            source[table] = (insert, rows)
        finalized = list(conn.execute("SELECT inspection_id FROM seals"))
        source["finalize"] = ("UPDATE inspections SET status = 'finalized' WHERE id = ?", finalized)
    finally:
        conn.close()
    return source


_BASELINE_ORDER = ("subjects", "instruments", "standards", "inspections", "answers",
                   "attachments", "signatures", "finalize", "seals", "amendments", "evidence",
                   "audit_log")  # fmt: skip


def baseline(
    path: Path, source: dict[str, tuple[str, list[tuple[Any, ...]]]]
) -> tuple[float, float]:
    """Seconds in all, and of them in COMMIT (with the checkpoint after it)."""
    Store.open(path).close()  # the same schema, indexes and triggers as the office's database
    began = time.perf_counter()
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("PRAGMA journal_mode = WAL")
    conn.execute("PRAGMA synchronous = FULL")
    conn.execute("PRAGMA foreign_keys = ON")
    conn.execute("BEGIN")
    for table in _BASELINE_ORDER:
        sql, rows = source[table]
        conn.executemany(sql, rows)
    committing = time.perf_counter()
    conn.execute("COMMIT")
    committed = time.perf_counter()
    conn.close()
    return time.perf_counter() - began, committed - committing


# ---------------------------------------------------------------------- the import


OPEN, MERGE, DEFINITIONS = "open_bundle (read + check)", "merge", "checklist versions received"
MERGER_STAGES = {
    "__init__": "  merge: rows by inspection",
    "registers": "  merge: subjects, instruments",
    "inspections": "  merge: decisions",
    "flush": "  merge: inserts (blobs re-read)",
    "audit_lines": "  merge: audit lines",
}


@contextlib.contextmanager
def stages() -> Iterator[dict[str, float]]:
    """Time open_bundle, merge and the merge's stages inside the real import_bundle."""
    spent: dict[str, float] = defaultdict(float)
    patched: list[tuple[Any, str, Any]] = []

    def wrap(owner: Any, name: str, label: str) -> None:
        original = getattr(owner, name)

        def timed(*args: Any, **kwargs: Any) -> Any:
            began = time.perf_counter()
            try:
                return original(*args, **kwargs)
            finally:
                spent[label] += time.perf_counter() - began

        patched.append((owner, name, original))
        setattr(owner, name, timed)

    wrap(bundles, "open_bundle", OPEN)
    wrap(bundles, "merge", MERGE)
    for name, label in MERGER_STAGES.items():
        wrap(bundle_merge._Merger, name, label)
    wrap(bundles, "_definitions", DEFINITIONS)
    try:
        yield spent
    finally:
        for owner, name, original in reversed(patched):
            setattr(owner, name, original)


def import_once(path: Path, bundle: Path, catalogue: Catalogue) -> tuple[float, dict[str, float]]:
    with Store.open(path) as store, stages() as spent:
        began = time.perf_counter()
        done = bundles.import_bundle(store, bundle, catalogue=catalogue)
        seconds = time.perf_counter() - began
    assert done.result.added["inspections"] > 0
    assert not done.result.conflicts
    return seconds, dict(spent)


def profile_import(path: Path, bundle: Path, catalogue: Catalogue, top: int) -> None:
    with Store.open(path) as store:
        profiler = cProfile.Profile()
        profiler.enable()
        bundles.import_bundle(store, bundle, catalogue=catalogue)
        profiler.disable()
    out = io.StringIO()
    stats = pstats.Stats(profiler, stream=out)
    stats.sort_stats("tottime").print_stats(top)
    print(out.getvalue())


def compare(office: Path, base: Path) -> None:
    """Both databases hold the same rows (the import adds its own history and audit lines)."""
    a, b = sqlite3.connect(office), sqlite3.connect(base)
    try:
        for table in _BASELINE_ORDER:
            if table in ("finalize", "audit_log"):
                continue
            sql = f"SELECT * FROM {table}"
            assert sorted(a.execute(sql)) == sorted(b.execute(sql)), f"{table} differs"
        report = verify(a)
        assert report.ok, [p.line() for p in report.problems]
    finally:
        a.close()
        b.close()


def timed(action: Callable[[], Any]) -> float:
    began = time.perf_counter()
    action()
    return time.perf_counter() - began


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--inspections", type=int, default=1000)
    parser.add_argument("--photos", type=int, default=2, help="photos per inspection")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--dir", type=Path, help="where to work (default: a temporary folder)")
    parser.add_argument("--profile", action="store_true", help="profile one more import")
    args = parser.parse_args()
    catalogue = load_catalogue()
    with tempfile.TemporaryDirectory(dir=args.dir, prefix="bench-bundle-") as folder:
        work = Path(folder)
        laptop = work / "laptop.sqlite3"
        build(laptop, args.inspections, args.photos, args.seed)
        bundle = work / "laptop.lhb"
        with Store.open(laptop, create=False) as store:
            began = time.perf_counter()
            exported = bundles.export_bundle(store, bundle, catalogue=catalogue)
            export_s = time.perf_counter() - began
        assert exported.files == (bundle,), exported.files
        counts = ", ".join(f"{t} {n}" for t, n in exported.counts.items() if n)
        print(f"export: {export_s:.2f} s, bundle {bundle.stat().st_size / 1e6:.1f} MB ({counts})")
        check_s = statistics.median(
            timed(lambda: bundles.check_bundle(bundle).close()) for _ in range(args.repeat)
        )
        source = read_source(laptop)
        rows = sum(len(rows) for _sql, rows in source.values())
        imports, bases, commits, breakdowns = [], [], [], []
        for n in range(args.repeat):
            seconds, spent = import_once(work / f"office-{n}.sqlite3", bundle, catalogue)
            imports.append(seconds)
            breakdowns.append(spent)
            total, commit = baseline(work / f"baseline-{n}.sqlite3", source)
            bases.append(total)
            commits.append(commit)
            if n == 0:
                compare(work / "office-0.sqlite3", work / "baseline-0.sqlite3")
            for name in (f"office-{n}", f"baseline-{n}"):
                for leftover in work.glob(f"{name}.sqlite3*"):
                    leftover.unlink()
        imp, base = statistics.median(imports), statistics.median(bases)
        print(f"\nmedian of {args.repeat} runs (alternating):")
        print(f"{'import_bundle (end to end)':>32}: {imp:6.2f} s   runs {_list(imports)}")
        print(f"{'bare sqlite3 executemany':>32}: {base:6.2f} s   runs {_list(bases)} "
              f"({rows} statements' rows)")  # fmt: skip
        print(f"{'ratio':>32}: {imp / base:6.2f}x   (target <= 2x)")
        print(f"{'of the baseline: commit':>32}: {statistics.median(commits):6.2f} s")
        print(f"{'open_bundle alone':>32}: {check_s:6.2f} s")
        print("\nimport breakdown (median per stage):")
        for label in (OPEN, MERGE, *MERGER_STAGES.values(), DEFINITIONS):
            value = statistics.median(b.get(label, 0.0) for b in breakdowns)
            print(f"{label:>32}: {value:6.2f} s")
        rest = statistics.median(
            i - b[OPEN] - b[MERGE] - b[DEFINITIONS]
            for i, b in zip(imports, breakdowns, strict=True)
        )
        print(f"{'commit (with checkpoint), close':>32}: {rest:6.2f} s")
        if args.profile:
            profile_import(work / "office-profile.sqlite3", bundle, catalogue, 30)
    return 0


def _list(values: list[float]) -> str:
    return ", ".join(f"{v:.2f}" for v in values)


if __name__ == "__main__":
    raise SystemExit(main())
