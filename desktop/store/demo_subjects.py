"""Demo subjects (被检查单位) in Liaoning and their instruments, made from a seeded generator."""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from desktop.store import demo_places as places
from desktop.store.codes import CREDIT_CHARSET, credit_code
from desktop.store.records import dumps

# kind -> share of subjects
KINDS = {
    "fuel_station": 30,
    "market": 12,
    "producer": 14,
    "supermarket": 16,
    "distributor": 8,
    "restaurant": 8,
    "optician": 6,
    "service": 6,
}


@dataclass
class DemoInstrument:
    kind: str
    label: str
    serial: str
    facts: dict[str, str] = field(default_factory=dict)
    children: list[DemoInstrument] = field(default_factory=list)


@dataclass
class DemoSubject:
    id: str
    name: str
    kind: str
    credit_code: str | None
    city: str
    county: str
    division: str
    township: str
    address: str
    contact_person: str
    phone: str
    instruments: list[DemoInstrument] = field(default_factory=list)
    products: list[dict[str, str]] = field(default_factory=list)


class SubjectMaker:
    def __init__(self, rng: random.Random, today: date) -> None:
        self.rng = rng
        self.today = today
        self.codes: set[str] = set()
        self.names: set[str] = set()
        self.counties = [
            (city, county, code, towns)
            for city, entries in places.LIAONING.items()
            for county, code, towns in entries
        ]

    def person(self) -> str:
        return self.rng.choice(places.SURNAMES) + self.rng.choice(places.GIVEN)

    def phone(self) -> str:
        return f"1{self.rng.choice('3589')}{self.rng.randint(0, 999999999):09d}"

    def _code(self, kind: str, division: str) -> str | None:
        if kind == "service" and self.rng.random() < 0.1:
            return None  # not every small business tells its code on site
        prefix = "92" if kind in ("restaurant", "optician", "service") else "91"
        while True:
            body = "MA" + "".join(self.rng.choice(CREDIT_CHARSET) for _ in range(6))
            code = credit_code(prefix, division, body)
            if code not in self.codes:
                self.codes.add(code)
                return code

    def _name(self, kind: str, city: str, county: str, town: str) -> str:
        rng = self.rng
        city_short, county_short = city.removesuffix("市"), county[:2]
        place = town.removesuffix("街道").removesuffix("镇").removesuffix("乡")
        fields = {"city": city_short, "county": county_short, "place": place}
        if kind == "fuel_station":
            pattern = rng.choice([places.PETROCHINA, places.SINOPEC, *places.PRIVATE_STATION])
            fields["word"] = rng.choice(places.STATION_WORDS)
        elif kind == "market":
            pattern, fields["word"] = rng.choice(places.MARKETS), rng.choice(places.MARKET_WORDS)
        elif kind == "producer":
            pattern = rng.choice(places.PRODUCERS)
            fields["word"] = rng.choice(places.PRODUCER_WORDS)
        else:
            pattern, fields["word"] = rng.choice(places.SHOPS), rng.choice(places.SHOP_WORDS)
            fields["surname"] = rng.choice(places.SURNAMES)
        return self._unique(pattern.format(**fields), kind)

    def _unique(self, base: str, kind: str) -> str:
        name = base
        for number in "二三四五六七八九十":
            if name not in self.names:
                break
            if kind == "fuel_station":
                name = base.removesuffix("加油站") + f"第{number}加油站"
            else:
                name = f"{base}（{number}）"
        while name in self.names:
            name += "·"
        self.names.add(name)
        return name

    def make(self, subject_id: str) -> DemoSubject:
        rng = self.rng
        city, county, division, towns = rng.choice(self.counties)
        town = rng.choice(towns)
        kind = rng.choices(list(KINDS), weights=list(KINDS.values()))[0]
        street = rng.choice(places.STREET_WORDS)
        village = rng.choice(places.VILLAGE_WORDS) + rng.choice(places.VILLAGE_WORDS)
        address = (
            f"辽宁省{city}{county}{town}{street}路{rng.randint(1, 300)}号"
            if town.endswith("街道")
            else f"辽宁省{city}{county}{town}{village}村"
        )
        subject = DemoSubject(
            id=subject_id,
            name=self._name(kind, city, county, town),
            kind=kind,
            credit_code=self._code(kind, division),
            city=city,
            county=county,
            division=division,
            township=town,
            address=address,
            contact_person=self.person(),
            phone=self.phone(),
        )
        self._instruments(subject)
        return subject

    # ------------------------------------------------------------------ instruments
    def _valid_until(self, months: int) -> str:
        # mostly in period; a few overdue, as inspectors find them
        days = self.rng.randint(-40, months * 30) if self.rng.random() < 0.9 else -90
        return (self.today + timedelta(days=days)).isoformat()

    def _seals(self, division: str, count: int) -> str:
        return "、".join(
            f"LN{division[2:4]}-{self.rng.randint(0, 999999):06d}" for _ in range(count)
        )

    def _instruments(self, s: DemoSubject) -> None:
        rng = self.rng
        if s.kind == "fuel_station":
            maker, model = rng.choice(places.DISPENSER_MAKERS)
            for d in range(1, rng.randint(2, 4) + 1):
                serial = f"{maker[:1]}{rng.randint(2015, 2025)}{rng.randint(0, 99999):05d}"
                facts = {
                    "manufacturer": maker,
                    "model": model,
                    "certificate_no": f"辽计检加字{self.today.year}-{rng.randint(1, 9999):04d}",
                    "valid_until": self._valid_until(6),
                    "seals": self._seals(s.division, 3),
                }
                dispenser = DemoInstrument("dispenser", f"{d}号加油机", serial, facts)
                for n in range(1, 3):
                    fuel, label = rng.choice(places.FUELS)
                    nozzle_facts = {"fuel": fuel, "fuel_label": label}
                    nozzle = DemoInstrument("nozzle", f"{2 * d - 2 + n}号枪", "", nozzle_facts)
                    dispenser.children.append(nozzle)
                s.instruments.append(dispenser)
            return
        count = {"market": rng.randint(8, 24), "supermarket": rng.randint(2, 6)}.get(s.kind, 1)
        if s.kind == "optician":
            self._optician(s)
            return
        for k in range(1, count + 1):
            maker, model = rng.choice(places.SCALE_MAKERS)
            facts = {
                "manufacturer": maker,
                "model": model,
                "name": "电子计价秤",
                "certificate_no": f"辽计检衡字{self.today.year}-{rng.randint(1, 99999):05d}",
                "valid_until": self._valid_until(12),
                "seals": self._seals(s.division, 1),
                "goods": rng.choice(places.MARKET_GOODS),
            }
            label = f"{k}号摊位" if s.kind == "market" else f"{k}号秤"
            s.instruments.append(
                DemoInstrument("scale", label, f"S{rng.randint(10**7, 10**8)}", facts)
            )
        if s.kind == "market":
            facts = {"name": "公平秤", "valid_until": self._valid_until(12)}
            s.instruments.append(
                DemoInstrument("fair_scale", "公平秤", f"F{rng.randint(10**6, 10**7)}", facts)
            )
        if s.kind in ("producer", "distributor", "supermarket"):
            brand = rng.choice(places.PRODUCER_WORDS)
            for product, qn, unit in rng.sample(places.PRODUCTS, 2):
                s.products.append({"product": f"{brand}{product}", "brand": brand,
                                   "specification": f"{qn}{unit}", "producer": s.name})  # fmt: skip

    def _optician(self, s: DemoSubject) -> None:
        for kind, name in (("lensmeter", "焦度计"), ("refractometer", "电脑验光仪")):
            facts = {"name": name, "valid_until": self._valid_until(12)}
            s.instruments.append(
                DemoInstrument(kind, name, f"Y{self.rng.randint(10**6, 10**7)}", facts)
            )


def instrument_rows(s: DemoSubject, new_id: Any, stamp: tuple[Any, ...]) -> list[tuple[Any, ...]]:
    """Rows of the instruments table for a subject (dispensers before their nozzles)."""
    rows: list[tuple[Any, ...]] = []
    position = 0
    for instrument in s.instruments:
        position += 1
        parent_id = new_id()
        rows.append(_row(parent_id, s.id, None, instrument, position, stamp))
        instrument.facts["id"] = parent_id
        for child in instrument.children:
            position += 1
            child_id = new_id()
            child.facts["id"] = child_id
            rows.append(_row(child_id, s.id, parent_id, child, position, stamp))
    return rows


def _row(
    row_id: str, subject_id: str, parent_id: str | None, i: DemoInstrument, position: int,
    stamp: tuple[Any, ...],
) -> tuple[Any, ...]:  # fmt: skip
    f = i.facts
    seals = dumps(f["seals"].split("、")) if f.get("seals") else "[]"
    extra = dumps({"fuel": f["fuel_label"]}) if "fuel_label" in f else "{}"
    return (
        row_id, *stamp, subject_id, parent_id, i.kind, i.label, position,
        f.get("manufacturer", ""), f.get("model", ""), i.serial, seals,
        f.get("certificate_no", ""), f.get("valid_until"), 1, extra,
    )  # fmt: skip
