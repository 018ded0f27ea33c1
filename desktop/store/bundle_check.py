"""What a bundle's records must hold together (:mod:`desktop.store.bundle_read` checks the
file and the shape of every record first): unique keys, references that resolve inside the
bundle, and seals, seal chains, amendments and evidence copies that recompute."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Mapping
from operator import itemgetter
from typing import TYPE_CHECKING, Any

from checklists.i18n import _
from desktop.store import bundle_format as fmt
from desktop.store import seal as sealing
from desktop.store.bundle_format import Row

if TYPE_CHECKING:
    from desktop.store.bundle_read import Manifest

_STATUSES = {"draft", "finalized", "not_carried_out"}


class Consistency:
    """References inside the bundle, and its seals, chains, amendments and evidence copies."""

    def __init__(
        self,
        refuse: Callable[[str], Exception],
        rows: dict[str, list[Row]],
        manifest: Manifest,
    ) -> None:
        self._refuse = refuse
        self.rows = rows
        self.manifest = manifest
        self.blobs = {n.removeprefix("blobs/"): s for n, (s, _d) in manifest.members.items()
                      if n.startswith("blobs/")}  # fmt: skip

    def refuse(self, reason: str) -> Exception:
        return self._refuse(reason)

    def unique(self, table: str, *columns: str) -> dict[Any, Row]:
        seen: dict[Any, Row] = {}
        key_of = itemgetter(*columns)  # the value of one column, a tuple of several
        for row in self.rows[table]:
            key = key_of(row)
            if key in seen:
                raise self.refuse(_("记录重复（{table}）").format(table=table))
            seen[key] = row
        return seen

    def distinct(self, table: str, *columns: str) -> None:
        """:meth:`unique` where the rows by key are not needed (the large tables)."""
        rows = self.rows[table]
        if len(set(map(itemgetter(*columns), rows))) != len(rows):
            raise self.refuse(_("记录重复（{table}）").format(table=table))

    def check(self) -> None:
        subjects = self.unique("subjects", "id")
        instruments = self.unique("instruments", "id")
        self.distinct("standards", "id")
        inspections = self.unique("inspections", "id")
        self.distinct("answers", "id")
        self.distinct("answers", "inspection_id", "item_id", "instance_key")
        self.distinct("attachments", "id")
        self.distinct("signatures", "inspection_id", "role", "position")
        seals = self.unique("seals", "inspection_id")
        self.distinct("seals", "device_id", "sequence")
        self.distinct("amendments", "inspection_id", "sequence")
        self.distinct("evidence", "inspection_id")
        self.distinct("audit_log", "id")
        for row in subjects.values():
            target = row["merged_into"]
            if target is not None and (target not in subjects or target == row["id"]):
                raise self.refuse(_("被检查单位的合并去向不在传输包中"))
        for row in instruments.values():
            if row["subject_id"] not in subjects:
                raise self.refuse(_("计量器具所属的单位不在传输包中"))
            if row["parent_id"] is not None and row["parent_id"] not in instruments:
                raise self.refuse(_("计量器具的上级器具不在传输包中"))
        for row in inspections.values():
            if row["subject_id"] not in subjects:
                raise self.refuse(_("检查记录所属的单位不在传输包中"))
            if row["status"] not in _STATUSES:
                raise self.refuse(_("检查记录的状态无效"))
        for table in ("answers", "attachments", "signatures", "seals", "amendments", "evidence"):
            for row in self.rows[table]:
                if row["inspection_id"] not in inspections:
                    raise self.refuse(
                        _("{table} 记录所属的检查记录不在传输包中").format(table=table)
                    )
        self.blob_references()
        self.seals(inspections, seals)

    def blob_references(self) -> None:
        for table, (_data, sha_column) in fmt.BLOBS.items():
            for row in self.rows[table]:
                sha = row[sha_column]
                if sha is None:
                    continue
                size = self.blobs.get(sha)
                if size is None:
                    raise self.refuse(_("缺少照片、签名或存证副本的文件"))
                if "size" in row and row["size"] != size:
                    raise self.refuse(_("照片或存证副本的大小与记录不符"))

    def seals(self, inspections: dict[str, Row], seals: dict[str, Row]) -> None:
        children: dict[str, dict[str, list[Row]]] = defaultdict(lambda: defaultdict(list))
        for table in ("answers", "attachments", "signatures", "amendments"):
            for row in self.rows[table]:
                children[row["inspection_id"]][table].append(row)
        for inspection_id, row in inspections.items():
            sealed = inspection_id in seals
            if (row["status"] == "finalized") != sealed:
                raise self.refuse(_("已完成的记录与封存不对应"))
            if not sealed and children[inspection_id]["amendments"]:
                raise self.refuse(_("未封存的记录带有更正"))
        for inspection_id, seal in seals.items():
            content = content_of(inspections[inspection_id], children[inspection_id])
            try:
                digest = sealing.seal_hash(seal["prev_seal_hash"], content, seal)
            except ValueError as exc:
                raise self.refuse(_("未知的封存规则版本")) from exc
            if digest != seal["seal_hash"]:
                raise self.refuse(
                    _("封存校验值不符：记录“{name}”在定稿后被改动").format(
                        name=inspections[inspection_id]["subject_name"]
                    )
                )
            self.amendments(seal, children[inspection_id]["amendments"])
        by_device: dict[str, dict[int, Row]] = defaultdict(dict)
        for seal in seals.values():
            by_device[seal["device_id"]][seal["sequence"]] = seal
        for chain in by_device.values():
            for sequence, seal in chain.items():
                before = chain.get(sequence - 1)
                if sequence == 1 and seal["prev_seal_hash"] != sealing.GENESIS:
                    raise self.refuse(_("封存链断开"))
                if before is not None and seal["prev_seal_hash"] != before["seal_hash"]:
                    raise self.refuse(_("封存链断开"))
        for row in self.rows["evidence"]:
            if row["inspection_id"] not in seals:
                raise self.refuse(_("存证副本所属的记录没有封存"))

    def amendments(self, seal: Row, amendments: list[Row]) -> None:
        prev = seal["seal_hash"]
        for number, row in enumerate(sorted(amendments, key=lambda r: r["sequence"]), 1):
            if row["sequence"] != number or row["prev_hash"] != prev:
                raise self.refuse(_("更正链断开"))
            if sealing.amendment_hash(prev, row) != row["hash"]:
                raise self.refuse(_("更正的校验值不符：更正内容被改动"))
            prev = row["hash"]


def content_of(inspection: Row, children: Mapping[str, list[Row]]) -> sealing.Content:
    """The seal's view of an inspection given as bundle rows."""

    def rows(table: str, names: tuple[str, ...]) -> list[tuple[Any, ...]]:
        return list(map(itemgetter(*names), children.get(table, ())))

    return sealing.Content(
        inspection=inspection,
        answers=rows("answers", sealing.ANSWER_FIELDS),
        attachments=rows("attachments", sealing.ATTACHMENT_FIELDS),
        signatures=rows("signatures", sealing.SIGNATURE_FIELDS),
    )
