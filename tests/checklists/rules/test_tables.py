"""Rule tables: every shipped file validates; an override folder wins; bad files are named."""

from __future__ import annotations

from decimal import Decimal
from importlib import resources
from pathlib import Path

import pytest

from checklists.errors import DefinitionError
from checklists.rules.scale import judge_scale
from checklists.rules.tables import Policy, Row, bands, find_band, load_table

SHIPPED = sorted(
    p.name.removesuffix(".toml")
    for p in resources.files("checklists.rules.data").iterdir()
    if p.name.endswith(".toml")
)


def _band_lists(row: Row) -> list[list[Row]]:
    found = []
    for key, value in row.data.items():
        if key == "bands" and isinstance(value, list):
            found.append(row.rows(key))
        elif isinstance(value, dict):
            found += _band_lists(row.section(key))
    return found


def test_every_rule_area_has_its_table() -> None:
    assert {"net_content_t", "net_content_plan", "net_content_marking"} <= set(SHIPPED)
    assert {"dispenser", "scale_mpe", "retail"} <= set(SHIPPED)


@pytest.mark.parametrize("name", SHIPPED)
def test_shipped_tables_validate_and_name_their_basis(name: str) -> None:
    table = load_table(name)
    basis = table.table_basis
    assert basis.document
    assert basis.edition
    assert basis.clause
    assert basis.source
    assert table.confidence in {"HIGH", "MED", "LOW", "UNVERIFIED"}
    # A table below HIGH confidence is never marked verified.
    assert basis.verified == (table.confidence == "HIGH")
    for rows in _band_lists(table):
        assert bands(rows)


def _copy_shipped(folder: Path, name: str) -> Path:
    text = resources.files("checklists.rules.data").joinpath(f"{name}.toml").read_text("utf-8")
    path = folder / f"{name}.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_an_override_folder_takes_precedence(tmp_path: Path) -> None:
    path = _copy_shipped(tmp_path, "scale_mpe")
    text = path.read_text("utf-8").replace('factor = "2"', 'factor = "3"')
    path.write_text(text.replace("verified = false", "verified = true", 1), encoding="utf-8")
    # m = 400 e: verification MPE 0.5 e; in service 2x = 5 g, with the office's 3x = 7.5 g.
    shipped = judge_scale("5", "2000", "2007", delta_l="2.5")
    assert shipped.verdict == "fail"
    office = judge_scale("5", "2000", "2007", delta_l="2.5", policy=Policy(overrides_dir=tmp_path))
    assert office.verdict == "pass"
    assert office.limit["mpe"] == Decimal("7.5")


def test_a_missing_override_file_falls_back_to_the_shipped_table(tmp_path: Path) -> None:
    assert load_table("retail", tmp_path).origin.endswith("checklists/rules/data/retail.toml")


@pytest.mark.parametrize(
    ("change", "place"),
    [
        (('mpe_e = "0.5"', "mpe_e = 0.5"), "classes.III.bands[0].mpe_e"),
        (('upto = "2000"', 'upto = "1900"'), "classes.III.bands[2]"),
        (('id = "scale_mpe"', 'id = "other"'), "table.id"),
        (("verified = false", 'verified = "no"'), "table.verified"),
        (('confidence = "MED"', 'confidence = "SURE"'), "table.confidence"),
        (('mpe_e = "1.0"', 'mpe_e = "one"'), "classes.III.bands[1].mpe_e"),
        (("[in_service]", "[in_service"), "TOML"),
    ],
)
def test_a_malformed_override_names_the_file_and_the_place(
    tmp_path: Path, change: tuple[str, str], place: str
) -> None:
    path = _copy_shipped(tmp_path, "scale_mpe")
    text = path.read_text("utf-8")
    assert change[0] in text
    path.write_text(text.replace(change[0], change[1], 1), encoding="utf-8")
    with pytest.raises(DefinitionError) as error:
        judge_scale("5", "2000", "2000", policy=Policy(overrides_dir=tmp_path))
    assert str(path) in str(error.value)
    assert place in str(error.value)


def test_an_exclusive_lower_bound_leaves_its_value_out() -> None:
    # 附表1 A: "m ≤ 1 kg" starts above 0; "1 < m ≤ 2 kg" does not contain 1.
    found = bands(load_table("retail").section("categories").section("A").rows("bands"))
    assert find_band(found, Decimal(0)) is None
    assert find_band(found, Decimal("0.001")) is found[0]
    assert find_band(found, Decimal(1)) is found[0]
    assert not found[1].contains(Decimal(1))
    assert found[1].contains(Decimal("1.001"))
    assert find_band(found, Decimal("25.001")) is None


@pytest.mark.parametrize(
    ("name", "change", "place"),
    [
        ("retail", ('max_shortage_g = "20"', 'max_shortage_g = "-20"'), "max_shortage_g"),
        ("net_content_t", ('resolution = "1"', 'resolution = "0"'), "resolution"),
        ("scale_mpe", ('weighings = "3"', 'weighings = "0"'), "weighings"),
        (
            "retail",
            ('test_weight_error_divisor = "3"', 'test_weight_error_divisor = "0"'),
            "divisor",
        ),
        ("dispenser", ('percent = "0.30"', 'percent = "-0.30"'), "mpe.percent"),
    ],
)
def test_an_override_with_a_negative_or_zero_divisor_is_refused(
    tmp_path: Path, name: str, change: tuple[str, str], place: str
) -> None:
    # Such a table would give a negative T, divide by zero, or expect no weighings at all.
    path = _copy_shipped(tmp_path, name)
    text = path.read_text("utf-8")
    assert change[0] in text
    path.write_text(text.replace(change[0], change[1], 1), encoding="utf-8")
    with pytest.raises(DefinitionError, match=place):
        load_table(name, tmp_path)
