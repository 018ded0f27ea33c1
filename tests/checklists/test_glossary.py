"""The glossary covers the domain's identifiers with Chinese regulatory terms."""

from __future__ import annotations

import re
from collections.abc import Iterable
from enum import StrEnum

import pytest

from checklists.glossary import GLOSSARY
from checklists.outcome import NotCarriedOutReason, PublishedResult
from checklists.rules import RULE_NAMES
from checklists.schema import (
    REPEAT_KINDS,
    SUBJECT_KINDS,
    ItemKind,
    Measure,
    Severity,
    Stage,
)

SNAKE = re.compile(r"^[a-z][a-z0-9]*(_[a-z0-9]+)*$")
CJK = re.compile(r"[\u4e00-\u9fff]")


@pytest.mark.parametrize("identifier", sorted(GLOSSARY))
def test_each_entry_is_a_snake_case_identifier_with_a_chinese_term(identifier: str) -> None:
    assert SNAKE.match(identifier)
    assert CJK.search(GLOSSARY[identifier])


@pytest.mark.parametrize(
    "vocabulary",
    [ItemKind, Severity, Measure, Stage, PublishedResult, NotCarriedOutReason],
    ids=lambda e: e.__name__,
)
def test_every_enum_value_of_the_domain_is_in_the_glossary(vocabulary: type[StrEnum]) -> None:
    assert [v.value for v in vocabulary if v.value not in GLOSSARY] == []


@pytest.mark.parametrize(
    "names",
    [REPEAT_KINDS, SUBJECT_KINDS, RULE_NAMES],
    ids=["repeat kinds", "subject kinds", "rule names"],
)
def test_every_vocabulary_name_is_in_the_glossary(names: Iterable[str]) -> None:
    assert [n for n in names if n not in GLOSSARY] == []


def test_the_labels_shown_to_users_agree_with_the_glossary() -> None:
    for measure in Measure:
        assert measure.label == GLOSSARY[measure.value]
    for result in PublishedResult:
        assert result.label == GLOSSARY[result.value]


def test_the_docstring_table_terms_are_in_the_mapping() -> None:
    import checklists.glossary as module

    assert module.__doc__ is not None
    for term in ("净含量", "允许短缺量", "使用中检查", "铅封", "责令改正通知书", "核称"):
        assert term in module.__doc__
        assert term in "".join(GLOSSARY.values())


def test_every_rule_parameter_name_is_in_the_glossary() -> None:
    from checklists.rule_params import RULE_PARAMS

    names = {name.removesuffix("_item") for spec in RULE_PARAMS.values() for name in spec.names()}
    assert sorted(n for n in names if n not in GLOSSARY) == []
