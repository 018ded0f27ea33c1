"""``liangheng demo``: a separate demo database with realistic Liaoning data, deterministic from
its seed and end date.

Subjects in real cities, counties and towns (fuel stations with dispensers and nozzles, markets
with stalls and scales, producers, supermarkets and shops) with valid 统一社会信用代码; the
inspectors' measuring standards; inspections over the three years up to the end date in every
state the app has today: finished drafts with an outcome (no problem, correction ordered,
follow-up), drafts still in progress (with a resume position) and inspections not carried out
(停业, 无法联系, 拒绝检查, 已注销), some with a photo. Answers use the real item ids of the
shipped checklists (checklists.loader) and measurements judged by the real calculators.

Finished inspections are sealed as on site (:mod:`desktop.store.demo_seal`): signatures (mostly
on paper, some drawn, the party's refusal or a witness), a rectification deadline where there
were findings, the seal chained per device with its document number, a few amendments, and the
audit trail (one line per creation, per finalize, per amendment: the demo does not log each
answer separately). A tenth of the finished ones stay unsealed drafts.

Speed: rows are written with ``executemany`` in a few large transactions (``db.atomic()``),
ids are time-ordered UUIDv7 so the indexes grow at their end; 100,000 inspections take well
under a minute.
"""

from __future__ import annotations

import hashlib
import os
import random
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

from checklists.catalogue import shipped_checklists
from checklists.schema import Checklist
from desktop.store.demo_answers import Context, Unit, answers
from desktop.store.demo_measure import Pool, build_pools
from desktop.store.demo_seal import Sealer
from desktop.store.demo_subjects import DemoSubject, SubjectMaker, instrument_rows
from desktop.store.ids import CHINA, format_utc, uuid7
from desktop.store.records import dumps
from desktop.store.schema import SEAL_TRIGGERS, create_triggers
from desktop.store.store import Store

CHUNK = 2000  # inspections per transaction
_LOW62, _LOW48, _VARIANT = (1 << 62) - 1, (1 << 48) - 1, 0b10 << 62
_FIRST_ANSWER = _LOW48 >> 1  # the first answer's counter: room for any number of answers
PHOTO = bytes.fromhex(  # a 1x1 grey PNG: small stand-in for a photo of a closed door
    "89504e470d0a1a0a0000000d4948445200000001000000010800000000"
    "3a7e9b550000000a49444154789c63686800000082008177cd72b60000000049454e44ae426082"
)

_SUBJECT_SQL = (
    "INSERT INTO subjects (id, revision, created_at, updated_at, device_id, name, credit_code,"
    " kind, address, city, county, township, contact_person, phone) "
    "VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?)"
)
_STANDARD_SQL = (
    "INSERT INTO standards (id, revision, created_at, updated_at, device_id, name, kind,"
    " accuracy_class, serial, certificate_no, valid_until, issued_by)"
    " VALUES (?,?,?,?,?,?,?,?,?,?,?,?)"
)
_INSTRUMENT_SQL = (
    "INSERT INTO instruments (id, revision, created_at, updated_at, device_id, subject_id,"
    " parent_id, kind, label, position, manufacturer, model, serial, seal_numbers,"
    " certificate_no, valid_until, in_use, extra) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)"
)
_INSPECTION_SQL = (
    "INSERT INTO inspections (id, revision, created_at, updated_at, device_id, subject_id,"
    " checklist_id, checklist_version, status, not_carried_out_reason, outcome,"
    " inspection_date, started_at, ended_at, subject_name, subject_credit_code, township,"
    " inspecting_unit, header, note, rectification_deadline)"
    " VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)"
)
_ANSWER_SQL = (
    "INSERT INTO answers (id, revision, created_at, updated_at, device_id, inspection_id,"
    " item_id, instance_key, value) VALUES (?,?,?,?,?,?,?,?,?)"
)
_ATTACHMENT_SQL = (
    "INSERT INTO attachments (id, revision, created_at, updated_at, device_id, inspection_id,"
    " filename, mime, caption, size, sha256, data) VALUES (?,?,?,?,?,?,?,?,?,?,?,?)"
)
_RESUME_SQL = (
    "INSERT INTO resume_positions (inspection_id, section, item_id, instance_key, updated_at)"
    " VALUES (?,?,?,?,?)"
)

_DEFERRED_INDEXES_SQL = (  # the explicit indexes of the tables _fill writes
    "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL AND tbl_name"
    " IN ('inspections', 'answers', 'attachments', 'resume_positions', 'signatures', 'seals',"
    " 'amendments', 'audit_log') ORDER BY rowid"
)

NOT_CARRIED_OUT = (  # reason, published result (checklists.outcome), note, weight
    ("closed", "no_activity", "到达现场时该单位大门紧锁，已停业。", 5),
    ("unreachable", "unreachable", "按登记地址未找到该单位，电话无人接听。", 3),
    ("refused", "obstructed", "当事人拒绝接受检查，已告知拒绝检查的法律后果。", 1),
    ("deregistered", "deregistered", "经查询，该单位已注销。", 1),
)
FINDING_RESULTS = ("correction_ordered", "correction_ordered", "follow_up")


@dataclass(frozen=True)
class DemoOptions:
    inspections: int = 300
    seed: int = 1
    end_date: date = date(2026, 11, 30)  # the CLI passes today
    years: int = 3


@dataclass(frozen=True)
class DemoSummary:
    subjects: int
    instruments: int
    inspections: int
    answers: int
    seconds: float


Progress = Callable[[int, int], None]


class _Demo:
    def __init__(self, store: Store, options: DemoOptions) -> None:
        self.store = store
        self.options = options
        self.rng = random.Random(options.seed)  # noqa: S311 - reproducible demo data, not secrets
        self.device = store.device_id
        start = options.end_date - timedelta(days=365 * options.years)
        self.start = datetime.combine(start, datetime.min.time(), CHINA)
        self.checklists = {c.id: c for c in shipped_checklists()}
        self.pools: dict[str, Pool] = build_pools(self.rng)
        self.people: dict[str, list[tuple[str, str]]] = {}
        self.counts = {"instruments": 0, "answers": 0}
        self.sealer = Sealer(self.rng, self.device, store.office_settings())

    def new_id(self, moment: datetime | None = None) -> str:
        return self.id_at(int((moment or self.start).timestamp() * 1000))

    def id_at(self, unix_ms: int) -> str:
        return uuid7(unix_ms, self.rng.getrandbits(74))

    def stamp(self, moment: datetime) -> tuple[Any, ...]:
        text = format_utc(moment)
        return (1, text, text, self.device)

    # ------------------------------------------------------------------ subjects, standards
    def subjects(self) -> list[DemoSubject]:
        maker = SubjectMaker(self.rng, self.options.end_date)
        count = max(12, self.options.inspections // 6)
        made = [maker.make(self.new_id()) for _ in range(count)]
        for s in made:
            self.people.setdefault(
                s.county,
                [(maker.person(), f"2101{self.rng.randint(0, 99999):05d}") for _ in "1234"],
            )
        stamp = self.stamp(self.start - timedelta(days=30))
        rows = [
            (s.id, *stamp, s.name, s.credit_code, s.kind, s.address, s.city, s.county,
             s.township, s.contact_person, s.phone)
            for s in made
        ]  # fmt: skip
        instruments = [r for s in made for r in instrument_rows(s, self.new_id, stamp)]
        with self.store.db.atomic():
            self.store.db.conn.executemany(_SUBJECT_SQL, rows)
            self.store.db.conn.executemany(_INSTRUMENT_SQL, instruments)
        self.counts["instruments"] = len(instruments)
        return made

    def standards(self) -> None:
        """The measuring standards the inspectors carry (one of them expired)."""
        year = self.options.end_date.year
        stamp = self.stamp(self.start - timedelta(days=60))
        rows = [
            (self.new_id(), *stamp, name, kind, cls, f"BZ{self.rng.randint(1000, 9999)}",
             f"辽计标{year}-{self.rng.randint(100, 999)}", valid, "辽宁省计量科学研究院")
            for name, kind, cls, valid in (
                ("二等标准金属量器 20 L", "measure_20l", "二等", f"{year + 1}-03-31"),
                ("二等标准金属量器 20 L", "measure_20l", "二等", f"{year - 1}-12-31"),
                ("数字温度计", "thermometer", "0.1 ℃", f"{year + 1}-06-30"),
                ("M1 等级砝码组 1 mg～5 kg", "weights", "M1", f"{year + 1}-01-31"),
                ("F2 等级砝码 2 kg", "weights", "F2", f"{year}-12-31"),
                ("钢直尺 150 mm", "ruler", "", f"{year + 1}-05-31"),
            )
        ]  # fmt: skip
        with self.store.db.atomic():
            self.store.db.conn.executemany(_STANDARD_SQL, rows)

    # ------------------------------------------------------------------ inspections
    def moments(self) -> Iterator[datetime]:
        """Working-day start times, oldest first (ids then grow with the index)."""
        span = (self.options.end_date - self.start.date()).days
        days = sorted(self.rng.randrange(span) for _ in range(self.options.inspections))
        for day in days:
            moment = self.start + timedelta(days=day, hours=self.rng.randint(8, 16))
            yield moment + timedelta(minutes=self.rng.randint(0, 59))

    def pick_checklist(self, s: DemoSubject) -> Checklist | None:
        fitting = [c for c in self.checklists.values() if s.kind in c.applies_to]
        if not fitting:
            return None
        special = [c for c in fitting if c.id != "honest_pledge"]
        return special[0] if special and self.rng.random() < 0.8 else self.rng.choice(fitting)

    def units(self, s: DemoSubject) -> dict[str, list[Unit]]:
        units: dict[str, list[Unit]] = {}
        dispensers = [i for i in s.instruments if i.kind == "dispenser"]
        nozzles: list[Unit] = []
        for d, dispenser in enumerate(dispensers, 1):
            units.setdefault("dispenser", []).append(Unit(f"dispenser:{d}", dispenser.facts))
            for n, nozzle in enumerate(dispenser.children, 1):
                nozzles.append(Unit(f"dispenser:{d}/nozzle:{n}", nozzle.facts))
        if nozzles:  # the error test is done on a sample of the nozzles (抽检)
            picked = self.rng.sample(range(len(nozzles)), min(len(nozzles), 2))
            units["dispenser/nozzle"] = [nozzles[i] for i in sorted(picked)]
        scales = [i for i in s.instruments if i.kind == "scale"]
        stalls = self.rng.sample(scales, min(len(scales), self.rng.randint(2, 4)))
        for k, scale in enumerate(stalls, 1):
            facts = {**scale.facts, "label": scale.label}
            units.setdefault("stall", []).append(Unit(f"stall:{k}", facts))
            units.setdefault("stall/scale", []).append(Unit(f"stall:{k}/scale:1", facts))
        for k, instrument in enumerate(s.instruments[:3], 1):
            units.setdefault("instrument", []).append(Unit(f"instrument:{k}", instrument.facts))
        lots = s.products or [{"product": "散装大米", "specification": "按重量计价"}]
        units["lot"] = [Unit(f"lot:{k}", facts) for k, facts in enumerate(lots, 1)]
        return units

    def header(
        self, s: DemoSubject, moment: datetime, ended: datetime | None
    ) -> tuple[str, tuple[str, str]]:
        """The header's JSON text and the names of its two inspectors."""
        pair = self.rng.sample(self.people[s.county], 2)
        return dumps({
            "subject": {"name": s.name, "credit_code": s.credit_code or "", "address": s.address,
                        "township": s.township, "kind": s.kind},
            "representative": {"name": s.contact_person, "phone": s.phone, "role": "负责人",
                               "id_number": ""},
            "started_at": moment.strftime("%Y-%m-%dT%H:%M"),
            "ended_at": ended.strftime("%Y-%m-%dT%H:%M") if ended else "",
            "place": s.address,
            "inspectors": [{"name": n, "certificate_no": c} for n, c in pair],
            "recorder": pair[1][0],
            "inspecting_unit": f"{s.county}市场监督管理局",
            "credentials_shown": True,
            "standards": [],
        }), (pair[0][0], pair[1][0])  # fmt: skip

    def inspection(self, s: DemoSubject, moment: datetime, sink: dict[str, list[Any]]) -> None:
        checklist = self.pick_checklist(s)
        if checklist is None:
            return
        rng = self.rng
        inspection_id = self.new_id(moment)
        recent = (self.options.end_date - moment.date()).days < 21
        roll = rng.random()
        ended: datetime | None = moment + timedelta(minutes=rng.randint(30, 150))
        status, reason, outcome, note, stop = "draft", None, None, "", 1.0
        fail_rate = 0.0
        if recent and roll < 0.5:
            ended, stop = None, rng.choice([0.3, 0.5, 0.8])  # still being recorded
        elif roll < 0.07:
            reason, outcome, note, _ = rng.choices(
                NOT_CARRIED_OUT, weights=[w[3] for w in NOT_CARRIED_OUT]
            )[0]
            status, stop = "not_carried_out", 0.0
        elif roll < 0.27:
            fail_rate, outcome = 0.06, rng.choice(FINDING_RESULTS)
        else:
            outcome = "no_problem"
        changed = ended or moment
        unit = f"{s.county}市场监督管理局"
        seal = ended is not None and status == "draft" and rng.random() < 0.9
        deadline = None
        if seal and outcome != "no_problem":
            deadline = (moment.date() + timedelta(days=15)).isoformat()
        header, inspectors = self.header(s, moment, ended)
        row = (
            inspection_id, 1, format_utc(moment), format_utc(changed), self.device, s.id,
            checklist.id, checklist.version, "finalized" if seal else status, reason, outcome,
            moment.date().isoformat(), format_utc(moment),
            format_utc(ended) if ended else None, s.name, s.credit_code, s.township, unit,
            header, note, deadline,
        )  # fmt: skip
        sink["inspections"].append(row)
        self.sealer.created(row, inspectors, sink)
        if status == "not_carried_out":
            if rng.random() < 0.5:
                self.photo(inspection_id, moment, sink)
            return
        first = len(sink["answers"])
        self.answers(checklist, s, inspection_id, moment, fail_rate, stop, sink)
        if seal and ended is not None:
            self.sealer.seal(row, sink["answers"][first:], header, s.contact_person, ended, sink)

    def answers(
        self, checklist: Checklist, s: DemoSubject, inspection_id: str, moment: datetime,
        fail_rate: float, stop: float, sink: dict[str, list[Any]],
    ) -> None:  # fmt: skip
        people = [name for name, _ in self.people[s.county]]
        ctx = Context(self.rng, moment.date(), s.kind, self.units(s), people, self.pools,
                      fail_rate)  # fmt: skip
        _, created, updated, device = self.stamp(moment + timedelta(minutes=20))
        # UUIDv7 ids at ``moment``, made inline (this loop runs millions of times): 74 random
        # bits for the record, then its answers count up from them in the last 48 bits (as
        # ids.new_id does within a millisecond), so only those are formatted per answer
        r = self.rng.getrandbits(74)
        low = (r & _LOW62 & ~_LOW48) | _VARIANT
        head = f"{uuid7(int(moment.timestamp() * 1000), 0)[:15]}{r >> 62:03x}-{low >> 48:04x}-"
        first = r & _LOW48 & _FIRST_ANSWER
        add = sink["answers"].append
        section_id = item_id = key = ""
        # the last answer's section, item and key are the resume position
        for n, (section_id, item_id, key, value) in enumerate(  # noqa: B007
            answers(checklist, ctx, stop_after=stop), first
        ):
            add((f"{head}{n:012x}", 1, created, updated, device, inspection_id, item_id, key,
                 value))  # fmt: skip
        if stop < 1.0 and item_id:
            sink["resume"].append((inspection_id, section_id, item_id, key, updated))

    def photo(self, inspection_id: str, moment: datetime, sink: dict[str, list[Any]]) -> None:
        digest = hashlib.sha256(PHOTO).hexdigest()
        sink["attachments"].append((
            self.new_id(moment), *self.stamp(moment), inspection_id, "现场照片.png", "image/png",
            "到场时的现场照片", len(PHOTO), digest, PHOTO,
        ))  # fmt: skip

    def write(self, sink: dict[str, list[Any]]) -> None:
        conn = self.store.db.conn
        with self.store.db.atomic():
            conn.executemany(_INSPECTION_SQL, sink["inspections"])
            conn.executemany(_ANSWER_SQL, sink["answers"])
            conn.executemany(_ATTACHMENT_SQL, sink["attachments"])
            conn.executemany(_RESUME_SQL, sink["resume"])
            self.sealer.write(conn, sink)
        self.counts["answers"] += len(sink["answers"])


def make_demo(path: Path, options: DemoOptions, progress: Progress | None = None) -> DemoSummary:
    """Create a demo database at ``path`` (which must not exist yet). It is built in a
    ``.part`` file beside it and renamed when complete: there is never half a demo."""
    path = Path(path)
    if path.exists():
        raise FileExistsError(path)
    part = path.with_name(path.name + ".part")
    _remove(part)
    try:
        summary = _build(part, options, progress)
        os.replace(part, path)
    finally:
        _remove(part)
    return summary


def _fill(demo: _Demo, subjects: list[DemoSubject], progress: Progress | None) -> None:
    """Inspections with their answers, written CHUNK inspections per transaction."""
    total = demo.options.inspections
    sink: dict[str, list[Any]] = {
        "inspections": [], "answers": [], "attachments": [], "resume": [],
        "signatures": [], "seals": [], "amendments": [], "audit": [],
    }  # fmt: skip
    for done, moment in enumerate(demo.moments(), 1):
        demo.inspection(demo.rng.choice(subjects), moment, sink)
        if len(sink["inspections"]) >= CHUNK:
            demo.write(sink)
            sink = {name: [] for name in sink}
            if progress:
                progress(done, total)
    demo.write(sink)
    if progress:
        progress(total, total)


def _remove(path: Path) -> None:
    for suffix in ("", "-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)


def _build(path: Path, options: DemoOptions, progress: Progress | None) -> DemoSummary:
    began = time.perf_counter()
    device = uuid7(0, options.seed & ((1 << 74) - 1))  # the demo writes as its own device
    with Store.open(path, create=True) as store:
        with store.db.atomic():
            sql = "UPDATE meta SET value = ? WHERE key = 'device_id'"
            store.db.conn.execute(sql, (device,))
        store.mark_demo()
    with Store.open(path, create=False) as store:
        store.db.conn.execute("PRAGMA cache_size = -131072")  # 128 MiB while bulk loading
        # The file is a ``.part`` that is deleted if the build fails: no rollback journal is
        # needed while bulk loading (WAL would write every page twice); WAL again at the end.
        store.db.conn.execute("PRAGMA journal_mode = OFF")
        store.db.conn.execute("PRAGMA synchronous = OFF")
        # The demo makes its rows itself (JSON by json.dumps, ids in order): checking each of
        # millions of rows' CHECKs (json_valid of 10 KB measurements) and foreign keys costs a
        # third of the writing. Both are on again before the file is renamed into place, and a
        # test runs integrity_check and foreign_key_check on a demo file.
        store.db.conn.execute("PRAGMA ignore_check_constraints = ON")
        store.db.conn.execute("PRAGMA foreign_keys = OFF")
        # The guards of sealed rows check every inserted answer; the demo writes each sealed
        # record whole (in a file nobody has open yet), so they are put back at the end.
        for name in SEAL_TRIGGERS:
            store.db.execute(f"DROP TRIGGER {name}")
        demo = _Demo(store, options)
        demo.standards()
        subjects = demo.subjects()
        # The filled tables' own indexes (not the PRIMARY KEY and UNIQUE ones of their
        # definitions) are built once at the end, from their stored CREATE statements: the
        # schema ends exactly as the migrations made it (a test compares it).
        indexes = store.db.conn.execute(_DEFERRED_INDEXES_SQL).fetchall()
        for name, _ in indexes:
            store.db.execute(f'DROP INDEX "{name}"')
        _fill(demo, subjects, progress)
        with store.db.atomic():
            for _, create in indexes:
                store.db.execute(create)
            create_triggers(store.db)
        store.db.conn.execute("PRAGMA foreign_keys = ON")
        store.db.conn.execute("PRAGMA ignore_check_constraints = OFF")
        store.db.conn.execute("PRAGMA optimize")
        store.db.conn.execute("PRAGMA synchronous = FULL")
        store.db.conn.execute("PRAGMA journal_mode = WAL")
        inspections = store.count_inspections()
    return DemoSummary(
        subjects=len(subjects),
        instruments=demo.counts["instruments"],
        inspections=inspections,
        answers=demo.counts["answers"],
        seconds=time.perf_counter() - began,
    )
