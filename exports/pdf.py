"""The printed 现场笔录 and 责令改正通知书 (ReportLab, the bundled font embedded).

``render_record_pdf(data, options, path)`` writes the record and, when something failed and
``options.notice`` is set, the notice as the following pages of the same file (each document
numbered on its own: "第 N 页 共 M 页"). One file is one thing to print, to hand over and to
keep as the evidence copy. ``render_notice_pdf`` writes the notice alone. ``record_pdf_bytes``
returns the bytes (the evidence copy is rendered once at finalize from them).

Page layout: :mod:`exports.pdf_page`. Input: :class:`exports.report_input.ReportInput`.
"""

from __future__ import annotations

import io
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

from PIL import Image as PilImage
from reportlab.graphics.barcode.qr import QrCodeWidget
from reportlab.graphics.shapes import Drawing
from reportlab.lib.colors import Color, black
from reportlab.lib.units import mm
from reportlab.platypus import (
    CondPageBreak,
    Flowable,
    Image,
    KeepTogether,
    NextPageTemplate,
    PageBreak,
    Paragraph,
    Spacer,
    Table,
    TableStyle,
)

from checklists.i18n import _
from exports.pdf_page import NOTICE, RECORD, STYLES, TEXT_WIDTH, PageInfo, build, register_fonts
from exports.report_input import (
    STATUS_TEXT,
    VERDICT_TEXT,
    FindingLine,
    ItemLine,
    MeasurementLine,
    Photo,
    ReportInput,
)

BAND = Color(0.92, 0.92, 0.92)
FAIL_TEXT = Color(0.55, 0.05, 0.05)
BLANK = "＿＿＿＿＿＿"
BLANK_DATE = "　　年　　月　　日"


@dataclass(frozen=True)
class PdfOptions:
    """``notice``: add the 责令改正通知书 after the record when something failed;
    ``photos``: print photo thumbnails (else only their list with SHA-256)."""

    notice: bool = True
    photos: bool = True
    thumbnail_px: int = 480  # longest side of an embedded thumbnail


# ---------------------------------------------------------------------------- small helpers


def _p(text: str, style: Any = None) -> Paragraph:
    return Paragraph(escape(text).replace("\n", "<br/>"), style or STYLES.cell)


def _b(text: str, style: Any = None) -> Paragraph:
    return Paragraph(f"<b>{escape(text)}</b>", style or STYLES.cell)


def cn_date(text: str) -> str:
    """``2024-01-06...`` -> ``2024年1月6日``; blanks to fill by hand when absent."""
    try:
        day = date.fromisoformat(text[:10])
    except ValueError:
        return BLANK_DATE
    return _("{y}年{m}月{d}日").format(y=day.year, m=day.month, d=day.day)


def cn_datetime(text: str) -> str:
    """``2024-01-06T16:41`` -> ``2024年1月6日 16时41分``."""
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        return cn_date(text) if text else BLANK_DATE
    if len(text) <= 10:
        return cn_date(text)
    return cn_date(text) + _(" {h}时{mi:02d}分").format(h=moment.hour, mi=moment.minute)


def _grid(
    rows: list[list[Any]],
    widths: Sequence[float],
    *,
    header: bool = True,
    bands: Iterable[int] = (),
    spans: Iterable[int] = (),
) -> Table:
    table = Table(rows, colWidths=list(widths), repeatRows=1 if header else 0)
    commands: list[tuple[Any, ...]] = [
        ("GRID", (0, 0), (-1, -1), 0.5, black),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ("LEFTPADDING", (0, 0), (-1, -1), 3),
        ("RIGHTPADDING", (0, 0), (-1, -1), 3),
        ("TOPPADDING", (0, 0), (-1, -1), 2),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
    ]
    if header:
        commands.append(("BACKGROUND", (0, 0), (-1, 0), BAND))
    commands += [("BACKGROUND", (0, row), (-1, row), BAND) for row in bands]
    commands += [("SPAN", (0, row), (-1, row)) for row in spans]
    table.setStyle(TableStyle(commands))
    return table


def _heading(text: str) -> list[Flowable]:
    """A heading never ends a page: at least the start of what follows goes with it."""
    return [CondPageBreak(60 * mm), _p(text, STYLES.heading)]


# ---------------------------------------------------------------------------- the record


def _title(data: ReportInput, title: str, number: str) -> list[Flowable]:
    flow: list[Flowable] = []
    if data.office.agency:
        flow.append(_p(data.office.agency, STYLES.agency))
    flow.append(_p(title, STYLES.title))
    flow.append(_p(number, STYLES.number))
    return flow


def _record_number(data: ReportInput) -> str:
    if data.seal and data.seal.document_no:
        return _("编号：{no}").format(no=data.seal.document_no)
    return _("编号：（定稿后生成）")


def _party_grid(data: ReportInput) -> Table:
    party = data.party
    officers = "、".join(
        f"{o.name}（{o.certificate_no}）" if o.certificate_no else o.name for o in data.officers
    )
    representative = party.representative
    if party.representative_role and representative:
        representative += f"（{party.representative_role}）"
    time = _("{start} 至 {end}").format(
        start=cn_datetime(data.started_at),
        end=cn_datetime(data.ended_at) if data.ended_at else _("　　时　　分"),
    )
    label_w, label2_w = 34 * mm, 26 * mm
    value2_w = 36 * mm
    rows = [
        [_b(_("当事人")), _p(party.name), "", ""],
        [_b(_("统一社会信用代码")), _p(party.credit_code or "/"), "", ""],
        [_b(_("住所（经营场所）")), _p(party.address or "/"), "", ""],
        [
            _b(_("现场负责人")),
            _p(representative or "/"),
            _b(_("联系电话")),
            _p(party.representative_phone or "/"),
        ],
        [_b(_("检查时间")), _p(time), "", ""],
        [_b(_("检查地点")), _p(data.place or party.address or "/"), "", ""],
        [_b(_("执法人员（执法证号）")), _p(officers or BLANK), "", ""],
        [
            _b(_("记录人")),
            _p(data.recorder or BLANK),
            _b(_("执法记录仪编号")),
            _p(data.bodycam_no or "/"),
        ],
        [_b(_("检查单位")), _p(data.office.inspecting_unit or "/"), "", ""],
        [_b(_("检查内容")), _p(_checklist_name(data)), "", ""],
    ]
    spans = [0, 1, 2, 4, 5, 6, 8, 9]
    widths = [label_w, TEXT_WIDTH - label_w - label2_w - value2_w, label2_w, value2_w]
    table = Table(rows, colWidths=widths)
    commands: list[tuple[Any, ...]] = [
        ("GRID", (0, 0), (-1, -1), 0.5, black),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ("TOPPADDING", (0, 0), (-1, -1), 4),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 5),
    ]
    commands += [("SPAN", (1, r), (3, r)) for r in spans]
    table.setStyle(TableStyle(commands))
    return table


def _checklist_name(data: ReportInput) -> str:
    if data.checklist_version:
        return _("{title}（检查表版本 {version}）").format(
            title=data.checklist_title, version=data.checklist_version
        )
    return data.checklist_title


def _credentials(data: ReportInput) -> Paragraph:
    if data.credentials_shown:
        names = "、".join(o.name for o in data.officers)
        text = _(
            "我们是{agency}的执法人员{names}，已向你出示执法证件，现依法进行检查。"
            "你有申请执法人员回避的权利，并有如实回答询问、协助调查的义务。"
        ).format(agency=data.office.agency or data.office.inspecting_unit, names=names)
    else:
        text = _("（本记录未载明执法人员出示执法证件并告知申请回避权利的情况。）")
    return _p(text, STYLES.indented)


def printed_items(items: Sequence[ItemLine]) -> list[ItemLine]:
    """Items to print: an instrument (nozzle, stall ...) none of whose items was answered was
    not examined, and its empty rows are left out; items of the record itself always print."""
    answered = {(i.section, i.instance) for i in items if i.status != "missing"}
    return [i for i in items if not i.instance or (i.section, i.instance) in answered]


def _item_table(items: Sequence[ItemLine]) -> Table:
    widths = [10 * mm, 74 * mm, 30 * mm, TEXT_WIDTH - 114 * mm]
    rows: list[list[Any]] = [[_b(_("序号")), _b(_("检查项目")), _b(_("结果")), _b(_("说明"))]]
    bands: list[int] = []
    group = None
    for number, line in enumerate(items, 1):
        here = (line.section, line.instance)
        if here != group:
            group = here
            title = f"{line.section} · {line.instance}" if line.instance else line.section
            bands.append(len(rows))
            rows.append([_b(title), "", "", ""])
        failed = line.status == "fail"
        result = line.result
        if failed:
            result += _("（{status}）").format(status=_(STATUS_TEXT["fail"]))
        rows.append(
            [
                _p(str(number), STYLES.cell_centre),
                _p(line.text),
                _b(result) if failed else _p(result),
                _p(line.note),
            ]
        )
    return _grid(rows, widths, bands=bands, spans=bands)


def _measurement_table(lines: Sequence[MeasurementLine]) -> Table:
    widths = [10 * mm, 36 * mm, TEXT_WIDTH - 62 * mm, 16 * mm]
    rows: list[list[Any]] = [
        [_b(_("序号")), _b(_("器具 / 项目")), _b(_("测量数据、限值与依据")), _b(_("判定"))]
    ]
    previous_basis = ""
    for number, line in enumerate(lines, 1):
        where = f"{line.instance}\n{line.item}" if line.instance else line.item
        if line.run > 1 or len(lines) > 1:
            where += _("\n第 {n} 次").format(n=line.run)
        detail = [escape(line.numbers)]
        if line.limit:
            detail.append(escape(_("限值：{limit}").format(limit=line.limit)))
        if line.basis:
            basis = _("同上") if line.basis == previous_basis else line.basis
            detail.append(escape(_("依据：{basis}").format(basis=basis)))
            previous_basis = line.basis
        verdict = _(VERDICT_TEXT.get(line.verdict, line.verdict))
        rows.append(
            [
                _p(str(number), STYLES.cell_centre),
                _p(where),
                Paragraph("<br/>".join(detail), STYLES.small),
                _b(verdict, STYLES.cell_centre) if line.verdict == "fail" else _p(verdict),
            ]
        )
    return _grid(rows, widths)


def _standards(data: ReportInput) -> list[Flowable]:
    flow: list[Flowable] = [*_heading(_("使用的计量标准器（检测设备）"))]
    if not data.standards:
        return [*flow, _p(_("未使用计量标准器，或未记录。"), STYLES.body)]
    widths = [46 * mm, 26 * mm, 20 * mm, 38 * mm, TEXT_WIDTH - 130 * mm]
    rows: list[list[Any]] = [
        [
            _b(_("名称")),
            _b(_("出厂编号")),
            _b(_("准确度等级")),
            _b(_("证书编号")),
            _b(_("有效期至")),
        ]
    ]
    rows += [
        [_p(s.name), _p(s.serial_no), _p(s.accuracy_class), _p(s.certificate_no), _p(s.valid_until)]
        for s in data.standards
    ]
    return [*flow, _grid(rows, widths)]


def _thumbnail(photo: Photo, max_px: int, box: float) -> Flowable | None:
    if not photo.data:
        return None
    try:
        with PilImage.open(io.BytesIO(photo.data)) as image:
            image.draft("RGB", (max_px, max_px))  # JPEG: decode at a reduced size, fast
            picture = image.convert("RGB")
    except (OSError, ValueError, PilImage.DecompressionBombError):
        return None
    picture.thumbnail((max_px, max_px))
    out = io.BytesIO()
    picture.save(out, "JPEG", quality=80)
    out.seek(0)
    width, height = picture.size
    scale = min(box / width, box * 0.75 / height)
    return Image(out, width=width * scale, height=height * scale)


def _photos(data: ReportInput, options: PdfOptions) -> list[Flowable]:
    if not data.photos:
        return []
    box = TEXT_WIDTH / 2 - 8 * mm
    cells: list[Any] = []
    for number, photo in enumerate(data.photos, 1):
        hash_text = f"{photo.sha256[:32]}<br/>{photo.sha256[32:]}"
        caption = photo.caption or photo.filename
        label = escape(_("照片 {n}").format(n=number))
        text = Paragraph(
            f"{label}　{escape(caption)}<br/>SHA-256：<br/>{hash_text}",
            STYLES.small,
        )
        image = _thumbnail(photo, options.thumbnail_px, box) if options.photos else None
        cells.append([image, text] if image is not None else [text])
    rows = [cells[i : i + 2] for i in range(0, len(cells), 2)]
    if len(rows[-1]) == 1:
        rows[-1].append("")
    table = Table(rows, colWidths=[TEXT_WIDTH / 2] * 2)
    table.setStyle(
        TableStyle(
            [
                ("GRID", (0, 0), (-1, -1), 0.5, black),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("ALIGN", (0, 0), (-1, -1), "CENTER"),
            ]
        )
    )
    return [*_heading(_("现场照片")), table]


def _finding_table(findings: Sequence[FindingLine]) -> Table:
    widths = [10 * mm, 62 * mm, TEXT_WIDTH - 96 * mm, 24 * mm]
    rows: list[list[Any]] = [[_b(_("序号")), _b(_("问题")), _b(_("依据")), _b(_("措施"))]]
    for number, f in enumerate(findings, 1):
        where = f"{f.instance}：" if f.instance else ""
        problem = f"{where}{f.item}\n{f.reason}" if f.reason else f"{where}{f.item}"
        rows.append(
            [
                _p(str(number), STYLES.cell_centre),
                _p(problem),
                _p("\n".join(f.basis) or "/"),
                _p(f.measures or "/"),
            ]
        )
    return _grid(rows, widths)


def _findings(data: ReportInput) -> list[Flowable]:
    flow: list[Flowable] = [*_heading(_("检查发现的问题"))]
    if data.not_carried_out:
        flow.append(_p(_("未实施检查：{reason}").format(reason=data.not_carried_out), STYLES.body))
    elif data.findings:
        flow.append(_finding_table(data.findings))
    else:
        flow.append(_p(_("未发现不符合项。"), STYLES.body))
    if data.remarks:
        flow += _heading(_("记录事项"))
        flow.append(_finding_table(data.remarks))
    outcome = data.outcome + (_("（待检测机构结果，暂定）") if data.provisional else "")
    flow.append(Spacer(1, 3 * mm))
    flow.append(_p(_("检查结论：{outcome}").format(outcome=outcome), STYLES.body))
    return flow


def _lines(count: int) -> Table:
    """Ruled lines to write on by hand."""
    table = Table([[""]] * count, colWidths=[TEXT_WIDTH], rowHeights=[10 * mm] * count)
    table.setStyle(TableStyle([("LINEBELOW", (0, 0), (-1, -1), 0.5, black)]))
    return table


def _signatures(data: ReportInput) -> list[Flowable]:
    seal = data.seal
    signed = {s.role: s for s in seal.signatures} if seal else {}
    flow: list[Flowable] = [
        CondPageBreak(95 * mm),
        _p(_("当事人核对意见（由当事人手写，如“以上笔录我已看过，与事实相符”）："), STYLES.body),
        _lines(2),
        Spacer(1, 4 * mm),
    ]
    rows = []
    roles = [_("当事人"), _("执法人员"), _("记录人")]
    if data.party.absent_note or _("见证人") in signed:
        roles.append(_("见证人"))
    for role in roles:
        entry = signed.get(role)
        if entry and entry.refused:
            name = _("拒绝签名（{note}）").format(note=entry.note) if entry.note else _("拒绝签名")
        else:
            name = entry.name if entry else ""
        when = cn_date(entry.signed_at) if entry and entry.signed_at else BLANK_DATE
        label = _p(_("{role}（签名）：").format(role=role), STYLES.left)
        rows.append([label, _p(name, STYLES.left), _p(when, STYLES.right)])
    table = Table(rows, colWidths=[57 * mm, 50 * mm, TEXT_WIDTH - 107 * mm])
    table.setStyle(
        TableStyle(
            [
                ("LINEBELOW", (1, 0), (1, -1), 0.5, black),
                ("VALIGN", (0, 0), (-1, -1), "BOTTOM"),
                ("TOPPADDING", (0, 0), (-1, -1), 10),
            ]
        )
    )
    flow.append(table)
    if data.party.absent_note:
        note = _("当事人未签名的说明：{note}").format(note=data.party.absent_note)
        flow.append(_p(note, STYLES.body))
    return flow


def _qr(text: str, size: float) -> Drawing:
    widget = QrCodeWidget(text, barLevel="M")
    x1, y1, x2, y2 = widget.getBounds()
    drawing = Drawing(size, size, transform=[size / (x2 - x1), 0, 0, size / (y2 - y1), 0, 0])
    drawing.add(widget)
    return drawing


def seal_text(data: ReportInput) -> str:
    """What the QR code of a sealed record carries (a checker reads it with any phone)."""
    seal = data.seal
    assert seal is not None
    return "|".join(["LIANGHENG", seal.document_no, data.inspection_id, seal.seal_hash])


def _seal(data: ReportInput) -> list[Flowable]:
    seal = data.seal
    flow: list[Flowable] = [*_heading(_("定稿与校验"))]
    if seal is None or not seal.document_no:
        text = _("本记录尚未定稿（草稿），不作为执法文书使用。记录编号：{id}").format(
            id=data.inspection_id
        )
        return [*flow, _p(text, STYLES.small)]
    lines = [
        _("文书编号：{no}").format(no=seal.document_no),
        _("定稿时间：{at}").format(at=cn_datetime(seal.sealed_at) if seal.sealed_at else "/"),
        _("记录编号：{id}").format(id=data.inspection_id),
        _("记录校验值（SHA-256）：{hash}").format(hash=seal.seal_hash or "/"),
        _("扫描二维码可核对文书编号与校验值。"),
    ]
    text = Paragraph("<br/>".join(escape(line) for line in lines), STYLES.small)
    table = Table(
        [[text, _qr(seal_text(data), 30 * mm)]], colWidths=[TEXT_WIDTH - 34 * mm, 34 * mm]
    )
    table.setStyle(
        TableStyle([("VALIGN", (0, 0), (-1, -1), "MIDDLE"), ("BOX", (0, 0), (-1, -1), 0.5, black)])
    )
    return [*flow, KeepTogether([table])]


def record_story(data: ReportInput, options: PdfOptions) -> list[Flowable]:
    register_fonts()  # before any Paragraph: they look the faces up
    title = data.office.record_title or _("现场笔录")
    flow: list[Flowable] = [*_title(data, title, _record_number(data)), _party_grid(data)]
    flow += [Spacer(1, 4 * mm), _credentials(data)]
    if data.items:
        flow += [*_heading(_("检查情况")), _item_table(printed_items(data.items))]
    if data.measurements:
        flow += [*_heading(_("测量记录")), _measurement_table(data.measurements)]
    if not data.not_carried_out:
        flow += _standards(data)
    flow += _photos(data, options)
    flow += _findings(data)
    flow += _signatures(data)
    flow += _seal(data)
    return flow


# ---------------------------------------------------------------------------- the notice


def _notice_number(data: ReportInput) -> str:
    if data.seal and (data.seal.notice_no or data.seal.document_no):
        return data.seal.notice_no or data.seal.document_no
    return _("〔　　〕　　号")


def notice_story(data: ReportInput) -> list[Flowable]:
    register_fonts()
    office = data.office
    agency = office.agency or office.inspecting_unit or BLANK
    title = office.notice_title or _("责令改正通知书")
    flow: list[Flowable] = _title(data, title, _notice_number(data))
    party = data.party.name
    if data.party.credit_code:
        party += _("（统一社会信用代码：{code}）").format(code=data.party.credit_code)
    flow.append(Spacer(1, 4 * mm))
    flow.append(_p(party + "：", STYLES.left))
    names = "、".join(o.name for o in data.officers) or BLANK
    flow.append(
        _p(
            _(
                "{date}，本机关执法人员{names}对你（单位）{place}进行了{what}，"
                "发现你（单位）存在下列问题："
            ).format(
                date=cn_date(data.started_at or data.inspection_date),
                names=names,
                place=_("位于{place}的经营场所").format(place=data.place) if data.place else "",
                what=data.checklist_title,
            ),
            STYLES.indented,
        )
    )
    for number, f in enumerate(data.findings, 1):
        reason = f"（{f.reason}）" if f.reason else ""
        basis = "；".join(f.basis)
        text = _("{n}. {where}“{item}”不符合要求{reason}。").format(
            n=number, where=f.instance, item=f.item, reason=reason
        )
        if basis:
            text += _("依据：{basis}。").format(basis=basis)
        if f.measures:
            text += _("措施：{measures}。").format(measures=f.measures)
        flow.append(_p(text, STYLES.indented))
    deadline = data.seal.rectification_deadline if data.seal else ""
    flow.append(
        _p(
            _(
                "根据上述规定，现责令你（单位）于{deadline}前改正上述问题，"
                "并将改正情况书面报告本机关。逾期不改正的，本机关将依法处理。"
            ).format(deadline=cn_date(deadline) if deadline else BLANK_DATE),
            STYLES.indented,
        )
    )
    body = office.reconsideration_body or BLANK + _("人民政府")
    court = office.court or _("人民法院")
    flow.append(
        _p(
            _(
                "如不服本通知，可以在收到本通知书之日起六十日内向{body}申请行政复议，"
                "也可以在六个月内依法向{court}提起行政诉讼。"
            ).format(body=body, court=court),
            STYLES.indented,
        )
    )
    sealed_at = data.seal.sealed_at if data.seal else ""
    closing = [
        Spacer(1, 14 * mm),
        _p(agency, STYLES.right),
        _p(_("（印章）"), STYLES.right),
        _p(cn_date(sealed_at) if sealed_at else BLANK_DATE, STYLES.right),
        Spacer(1, 12 * mm),
        _p(_("当事人签收：") + BLANK + "　" + BLANK_DATE, STYLES.left),
    ]
    return [*flow, KeepTogether(closing)]  # the issuer, date and receipt never stand alone


# ---------------------------------------------------------------------------- writing


def _info(data: ReportInput, *, record_signatures: bool = True) -> PageInfo:
    number = data.seal.document_no if data.seal else ""
    notice_no = data.seal.notice_no if data.seal else ""
    return PageInfo(data.party.name, number, not data.sealed, notice_no, record_signatures)


def _write(target: Any, data: ReportInput, options: PdfOptions) -> None:
    story = record_story(data, options)
    if options.notice and data.needs_notice:
        story += [NextPageTemplate(NOTICE), PageBreak(), *notice_story(data)]
    title = f"{data.office.record_title or _('现场笔录')} {data.party.name}"
    build(target, story, _info(data), title, RECORD)


def record_pdf_bytes(data: ReportInput, options: PdfOptions | None = None) -> bytes:
    """The record (and notice, see module docstring) as PDF bytes; the same input gives the
    same bytes."""
    out = io.BytesIO()
    _write(out, data, options or PdfOptions())
    return out.getvalue()


def render_record_pdf(data: ReportInput, options: PdfOptions, path: Path) -> None:
    """Write the record (followed by the notice when something failed) to ``path``."""
    Path(path).write_bytes(record_pdf_bytes(data, options))


def notice_pdf_bytes(data: ReportInput) -> bytes:
    out = io.BytesIO()
    title = f"{data.office.notice_title or _('责令改正通知书')} {data.party.name}"
    build(out, notice_story(data), _info(data, record_signatures=False), title, NOTICE)
    return out.getvalue()


def render_notice_pdf(data: ReportInput, options: PdfOptions, path: Path) -> None:
    """Write the 责令改正通知书 alone (ValueError if nothing failed)."""
    if not data.needs_notice:
        raise ValueError("no findings: there is no notice to print")
    Path(path).write_bytes(notice_pdf_bytes(data))
