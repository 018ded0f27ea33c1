"""The four shipped checklists load, cite their bases honestly, and office overrides work."""

from __future__ import annotations

import re
from importlib import resources
from pathlib import Path

import pytest

from checklists.catalogue import OVERRIDES_SUBDIR, load_catalogue, shipped_checklists
from checklists.errors import DefinitionError
from checklists.loader import VERSION_PATTERN, parse_checklist_text
from checklists.rule_params import RULE_PARAMS
from checklists.rules import RULE_NAMES
from checklists.schema import Checklist, ItemKind, Stage

CJK = re.compile(r"[\u4e00-\u9fff]")
SHIPPED = {c.id: c for c in shipped_checklists()}


def test_every_definition_file_in_the_package_is_loaded() -> None:
    files = [
        e.name
        for e in resources.files("checklists.definitions").iterdir()
        if e.name.endswith(".toml")
    ]
    assert len(files) == len(SHIPPED)
    assert set(SHIPPED) == {"fuel_station", "trade_market", "prepackaged", "honest_pledge"}


@pytest.mark.parametrize("checklist", SHIPPED.values(), ids=SHIPPED.keys())
def test_shipped_checklist_has_a_version_and_chinese_text(checklist: Checklist) -> None:
    assert VERSION_PATTERN.match(checklist.version)
    assert CJK.search(checklist.title)
    for item in checklist.items():
        assert CJK.search(item.text), item.id
        assert item.text_en, item.id


@pytest.mark.parametrize("checklist", SHIPPED.values(), ids=SHIPPED.keys())
def test_the_kept_source_text_rebuilds_the_same_checklist(checklist: Checklist) -> None:
    again = parse_checklist_text(checklist.source_text, checklist.source_name)
    assert again == checklist


@pytest.mark.parametrize("checklist", SHIPPED.values(), ids=SHIPPED.keys())
def test_articles_marked_unconfirmed_in_reference_are_not_verified(checklist: Checklist) -> None:
    """REFERENCE.md: the 集贸市场 measures' and Order 70's article numbers are UNVERIFIED, as are
    计量法 (MED-HIGH) and 实施细则 art.48 (MED): never cite them as verified articles."""
    for item in checklist.items():
        for basis in item.basis:
            if "集贸市场计量监督管理办法" in basis.document:
                assert not basis.clause, item.id
                assert not basis.verified, item.id
            if "定量包装商品计量监督管理办法" in basis.document:
                assert basis.clause in ("", "附件1", "附件2"), item.id
                assert not (basis.clause and basis.verified), item.id
            if "计量法》" in basis.document or basis.clause == "第四十八条":
                assert not basis.verified, item.id


def _rules(checklist: Checklist) -> dict[str, str]:
    return {i.id: i.rule for i in checklist.items() if i.kind is ItemKind.MEASUREMENT}


def test_measurement_items_name_existing_rules() -> None:
    for checklist in SHIPPED.values():
        assert set(_rules(checklist).values()) <= set(RULE_NAMES)
    assert _rules(SHIPPED["fuel_station"]) == {"nozzle_error": "dispenser"}
    assert SHIPPED["fuel_station"].item("nozzle_error").runs == 3
    assert set(_rules(SHIPPED["trade_market"]).values()) == {"fair_scale", "scale", "retail"}
    assert set(_rules(SHIPPED["prepackaged"]).values()) == {"net_content", "char_height"}


def test_fuel_station_nozzles_are_nested_under_dispensers() -> None:
    fuel = SHIPPED["fuel_station"]
    assert fuel.section("nozzle").scope == ("dispenser", "nozzle")
    assert fuel.section_of("seal_encoder").scope == ("dispenser",)


def test_prepackaged_has_a_sampling_record_and_a_later_laboratory_section() -> None:
    prepackaged = SHIPPED["prepackaged"]
    sampling = prepackaged.section("sampling")
    for field in ("sample_batch_size", "sample_size", "sample_sealed", "sampler"):
        assert prepackaged.section_of(field) is sampling
    lab = prepackaged.section("laboratory")
    assert lab.stage is Stage.LABORATORY
    assert prepackaged.item("lab_net_content").rule == "net_content"


def test_honest_pledge_conclusion_uses_the_three_published_grades() -> None:
    pledge = SHIPPED["honest_pledge"]
    assert pledge.conclusion is not None
    options = [o.text for o in pledge.item(pledge.conclusion.item_id).options]
    assert options == ["履行承诺", "基本履行（有待改进）", "未履行承诺"]


# ------------------------------------------------------------------ office overrides


def _override(home: Path, name: str, text: str) -> Path:
    folder = home / OVERRIDES_SUBDIR
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


def _shipped_text(checklist_id: str) -> str:
    return SHIPPED[checklist_id].source_text


def test_without_overrides_the_catalogue_is_the_shipped_set(tmp_path: Path) -> None:
    catalogue = load_catalogue(tmp_path)
    assert {c.id for c in catalogue.current()} == set(SHIPPED)
    assert catalogue.problems == ()


def test_a_newer_override_becomes_latest_and_the_old_version_stays(tmp_path: Path) -> None:
    text = _shipped_text("fuel_station").replace('version = "2026.1"', 'version = "2026.10"')
    _override(tmp_path, "fuel.toml", text)
    catalogue = load_catalogue(tmp_path)
    assert catalogue.latest("fuel_station").version == "2026.10"  # numeric, not text, order
    assert catalogue.get("fuel_station", "2026.1").version == "2026.1"
    assert catalogue.is_override(catalogue.latest("fuel_station"))


def test_an_override_with_the_same_version_replaces_the_shipped_one(tmp_path: Path) -> None:
    text = _shipped_text("trade_market").replace(
        'title = "集贸市场计量检查"', 'title = "集贸市场计量检查（本局版）"'
    )
    _override(tmp_path, "market.toml", text)
    catalogue = load_catalogue(tmp_path)
    assert catalogue.get("trade_market", "2026.1").title == "集贸市场计量检查（本局版）"
    assert len([c for c in catalogue.checklists if c.id == "trade_market"]) == 1


def test_a_malformed_override_is_skipped_and_reported(tmp_path: Path) -> None:
    path = _override(tmp_path, "broken.toml", 'id = "fuel_station"\nversion = "x"\n')
    catalogue = load_catalogue(tmp_path)
    assert catalogue.latest("fuel_station").version == "2026.1"
    assert len(catalogue.problems) == 1
    assert isinstance(catalogue.problems[0], DefinitionError)
    assert str(path) in str(catalogue.problems[0])


def test_an_unknown_checklist_id_is_a_key_error() -> None:
    with pytest.raises(KeyError):
        load_catalogue(None).latest("eyeglasses")


def test_the_example_in_the_format_documentation_is_valid() -> None:
    readme = Path(__file__).resolve().parents[2] / "checklists" / "definitions" / "README.md"
    text = readme.read_text(encoding="utf-8")
    example = text.split("```toml\n", 1)[1].split("```", 1)[0]
    checklist = parse_checklist_text(example, "README.md")
    assert checklist.item("scale_error").when[0].item_id == "scale_verification"


def test_every_rule_has_a_parameter_table() -> None:
    assert set(RULE_PARAMS) == set(RULE_NAMES)


def test_the_nozzle_error_takes_the_nozzles_fuel_and_the_measures_material() -> None:
    fuel = SHIPPED["fuel_station"]
    error = fuel.item("nozzle_error")
    assert error.params == {"fuel_item": "nozzle_fuel", "material_item": "measure_material"}
    assert fuel.section_of("nozzle_fuel").scope == ("dispenser", "nozzle")
    assert fuel.section_of("measure_material").scope == ()
