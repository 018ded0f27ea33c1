"""The child process of test_durability_finalize.py: makes, signs and finalizes inspections in a
loop and acknowledges each seal on stdout after ``finalize`` returned (committed).

Usage: finalize_child.py DB
Lines: ``ready``, then per record ``ack <inspection id> <document number>``.
"""

from __future__ import annotations

import sys
from pathlib import Path

HEADER = {"inspectors": [{"name": "王明", "certificate_no": "1"},
                         {"name": "李华", "certificate_no": "2"}]}  # fmt: skip


def main() -> None:
    from desktop.store import Store

    store = Store.open(Path(sys.argv[1]), create=False)
    subject = store.search_subjects(limit=1)[0]
    print("ready", flush=True)
    n = 0
    while True:
        inspection = store.create_inspection(subject.id, "fuel_station", "1", header=HEADER)
        store.save_answer(inspection.id, "n", "", {"n": n, "pad": "量" * (n % 200)})
        store.sign(inspection.id, "inspector", "paper", name="王明", position=1)
        store.sign(
            inspection.id, "inspector", "drawn", name="李华", position=2, image=b"png" * (n + 1)
        )
        store.sign(inspection.id, "party", "refused", note="拒签")
        seal = store.finalize(inspection.id, outcome="no_problem")
        if n % 3 == 0:
            from desktop.store.records import AnswerChange

            store.amend(inspection.id, "笔误", [AnswerChange("n", "", {"n": -n})])
        print(f"ack {inspection.id} {seal.document_no}", flush=True)
        n += 1


if __name__ == "__main__":
    main()
