"""What a record needs in signatures before it is sealed (REFERENCE.md §8, 行政强制法 art.18):

- both inspectors (执法人员, positions 1 and 2) signed, on screen or on the paper record;
- the party (当事人) signed, or the refusal is noted (拒绝签名), or the party was absent and a
  witness (见证人) signed instead;
- a rectification deadline (整改期限) when the record has findings.

:func:`signing_issues` gives them as ``checklists.record.Issue`` (the findings page lists them
and jumps to the control: the location's ``field`` starts with ``finalize.``), and
:func:`signature_check` as an extra check for ``Inspection.readiness``. The store applies the
same rules again inside its finalize transaction.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence

from checklists.i18n import _
from checklists.record import Inspection, Issue, Location, ReadinessCheck
from desktop.store.records import Signature, SignatureKind, SignatureRole

INSPECTOR_POSITIONS = (1, 2)
FINDING_OUTCOMES = frozenset({"correction_ordered", "follow_up"})

# Where the GUI puts the focus for each issue (Location.field).
FIELD_DEADLINE = "finalize.deadline"
FIELD_PARTY = "finalize.party"
FIELD_WITNESS = "finalize.witness"


def inspector_field(position: int) -> str:
    return f"finalize.inspector.{position}"


def _issue(code: str, message: str, field: str) -> Issue:
    return Issue(code=code, message=message, location=Location(field=field))


def signing_issues(
    signatures: Sequence[Signature],
    *,
    has_findings: bool,
    deadline: str | None,
    inspector_names: Sequence[str] = (),
) -> list[Issue]:
    """What is missing in the signatures (and the deadline) of one record."""
    found = {(s.role, s.position): s for s in signatures}
    issues: list[Issue] = []
    for position in INSPECTOR_POSITIONS:
        signature = found.get((SignatureRole.INSPECTOR, position))
        if signature is None or not signature.signed:
            names = list(inspector_names)
            name = names[position - 1] if len(names) >= position else ""
            who = name or _("第 {n} 名执法人员").format(n=position)
            issues.append(
                _issue(
                    "inspector_signature_missing",
                    _("执法人员{name}尚未签名（当场签名或在纸质笔录上签名）").format(name=who),
                    inspector_field(position),
                )
            )
    party = found.get((SignatureRole.PARTY, 0))
    if party is None:
        issues.append(
            _issue(
                "party_signature_missing",
                _("当事人尚未签名（或注明拒绝签名，或不在场时由见证人签名）"),
                FIELD_PARTY,
            )
        )
    elif party.kind is SignatureKind.ABSENT:
        witness = found.get((SignatureRole.WITNESS, 0))
        if witness is None or not witness.signed:
            message = _("当事人不在场：见证人尚未签名")
            issues.append(_issue("witness_signature_missing", message, FIELD_WITNESS))
    if has_findings and not deadline:
        message = _("有不符合项：请填写整改期限")
        issues.append(_issue("rectification_deadline_missing", message, FIELD_DEADLINE))
    return issues


def signature_check(
    signatures: Callable[[], Sequence[Signature]], deadline: Callable[[], str | None]
) -> ReadinessCheck:
    """An extra check for ``Inspection.readiness`` that reads the current signatures."""

    def check(record: Inspection) -> Iterable[Issue]:
        if record.not_carried_out is not None:
            return []
        return signing_issues(
            signatures(),
            has_findings=bool(record.findings()),
            deadline=deadline(),
            inspector_names=[i.name for i in record.header.inspectors],
        )

    return check
