"""The office settings schema: defaults, round trip, tolerant reading of damaged values."""

from __future__ import annotations

import json

import pytest

from checklists.errors import InputError
from desktop.settings import Inspector, OfficeSettings

TWO = (Inspector("王明", "21010001"), Inspector("李华", "21010002"))


def test_defaults_are_not_configured_and_say_what_is_missing() -> None:
    settings = OfficeSettings()
    assert not settings.configured
    assert settings.missing() == ["执法机关名称", "检查单位", "至少两名执法人员及其执法证号"]
    assert settings.record_title == "现场笔录"
    assert settings.notice_title == "责令改正通知书"


def test_agency_unit_and_two_inspectors_make_it_configured() -> None:
    settings = OfficeSettings(
        agency="法库县市场监督管理局", inspecting_unit="法库县市场监督管理局", inspectors=TWO
    )
    assert settings.configured
    assert settings.missing() == []
    assert not OfficeSettings(agency="a", inspecting_unit="b", inspectors=TWO[:1]).configured


def test_round_trip_keeps_every_field() -> None:
    settings = OfficeSettings(
        agency="甲",
        inspecting_unit="乙",
        inspectors=TWO,
        reconsideration_body="法库县人民政府",
        court="法库县人民法院",
        judge_unverified=False,
        backups_kept=3,
    )
    assert OfficeSettings.from_json(settings.to_json()) == settings


@pytest.mark.parametrize("stored", [None, "", "not json", "[1, 2]", "42"])
def test_unreadable_settings_fall_back_to_defaults(stored: str | None) -> None:
    assert OfficeSettings.from_json(stored) == OfficeSettings()


def test_wrong_types_fall_back_per_field_and_unknown_keys_are_kept() -> None:
    stored = json.dumps(
        {
            "agency": 5,
            "inspecting_unit": "乙",
            "judge_unverified": "yes",
            "backups_kept": 4,
            "future_option": {"x": 1},
            "inspectors": [
                {"name": "王明", "certificate_no": "1"},
                "junk",
                {"name": "", "certificate_no": "2"},
            ],
        }
    )
    settings = OfficeSettings.from_json(stored)
    assert settings.agency == ""
    assert settings.inspecting_unit == "乙"
    assert settings.judge_unverified is True
    assert settings.backups_kept == 4
    assert settings.inspectors == (Inspector("王明", "1"),)
    assert settings.extra == {"future_option": {"x": 1}}
    assert json.loads(settings.to_json())["extra"] == {"future_option": {"x": 1}}


@pytest.mark.parametrize(("name", "number"), [("", "1"), ("  ", "1"), ("王明", ""), ("王明", " ")])
def test_an_inspector_needs_a_name_and_a_certificate_number(name: str, number: str) -> None:
    with pytest.raises(InputError):
        Inspector(name, number)
