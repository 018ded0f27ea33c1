"""Where a rule or a checklist item comes from: document, edition, clause, and whether the value
has been checked against the official text (REFERENCE.md marks many as unverified)."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any


@dataclass(frozen=True)
class Basis:
    """依据: the legal or technical basis of an item or a threshold.

    ``document`` is the title as cited (e.g. "JJF 1070《定量包装商品净含量计量检验规则》"),
    ``edition`` the year or order number ("2023", "SAMR Order No.70"), ``clause`` the article or
    table ("4.1 表3", "art.5(7)"); ``verified`` is False where the value or the article number
    was not confirmed against the official text; ``note`` says more (e.g. "2005 values applied
    under JJF 1070-2023"), ``source`` where the value was found.
    """

    document: str
    edition: str = ""
    clause: str = ""
    verified: bool = False
    note: str = ""
    source: str = ""

    def cite(self) -> str:
        """A one-line citation for reports and the UI."""
        text = self.document
        if self.edition and self.edition not in text:
            text = f"{text}（{self.edition}）"
        if self.clause:
            text = f"{text} {self.clause}"
        return text

    def to_json(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Basis:
        return cls(**data)
