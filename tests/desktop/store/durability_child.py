"""The child process of test_durability.py: saves answers in a loop and acknowledges each one
on stdout after ``save_answer`` returned (committed), until it is killed.

Usage: durability_child.py DB INSPECTION_ID FIRST_NUMBER
Lines: ``ready``, then per save ``ack <n> <revision>``: answer ("n", str(n)) has value
{"n": n, ...}, and the answer ("counter", "") was set to n in the same step (revision counted).
Every 7th step also stores an attachment (a multi-row transaction).
"""

from __future__ import annotations

import sys
from pathlib import Path


def main() -> None:
    from desktop.store import Store

    path, inspection_id, first = Path(sys.argv[1]), sys.argv[2], int(sys.argv[3])
    store = Store.open(path, create=False)
    store.db.warm_up()  # as the GUI does once its window is shown: "ready" means saving
    print("ready", flush=True)
    n = first
    while True:
        store.save_answer(inspection_id, "n", str(n), {"n": n, "pad": "量" * (n % 300)})
        revision = store.save_answer(inspection_id, "counter", "", n)
        if n % 7 == 0:
            data = n.to_bytes(8, "big") * 512
            store.add_attachment(inspection_id, data, filename=f"{n}.bin", mime="x/bin")
        print(f"ack {n} {revision}", flush=True)
        n += 1


if __name__ == "__main__":
    main()
