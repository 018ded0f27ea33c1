"""Record identity and time: UUIDs, UTC timestamps, the local inspection date.

Ids are UUID version 7 (RFC 9562): 48 bits of Unix milliseconds, then 74 random bits. Two
laptops never collide (the random part), and ids made one after another sort together, so the
B-tree indexes of large tables grow at their end instead of being rewritten at random places.
Within one process the ids are strictly increasing (RFC 9562 section 6.2, method 2): an id made
in the same millisecond as the one before, or after the clock stepped back, is the one before
plus one. So where two audit lines of a record share a timestamp, their ids keep the order they
were written in (the log is ordered by ``at, id``). Apart from that the time part is only a
locality hint: a laptop clock that is wrong changes nothing about uniqueness, and records are
ordered by revision counters and ``updated_at``, not by id.

Timestamps are UTC, ISO 8601 with milliseconds and a ``Z``: ``2026-11-03T08:15:30.123Z``; they
sort as text. The inspection date is the local date in China (UTC+08:00, fixed: no tzdata is
needed on Windows and the country has one time zone without daylight saving).
"""

from __future__ import annotations

import os
import secrets
import threading
import time
from datetime import UTC, date, datetime, timedelta, timezone

CHINA = timezone(timedelta(hours=8), "UTC+08:00")

_RANDOM_BITS = 74


def uuid7(unix_ms: int, random_bits: int) -> str:
    """A version-7 UUID string from a millisecond timestamp and 74 random bits."""
    rand_a = (random_bits >> 62) & 0xFFF
    rand_b = random_bits & ((1 << 62) - 1)
    value = (unix_ms & ((1 << 48) - 1)) << 80 | 0x7 << 76 | rand_a << 64 | 0b10 << 62 | rand_b
    h = f"{value:032x}"  # formatted by hand: uuid.UUID is slow for a million demo rows
    return f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:]}"


_RANDOM_MAX = (1 << _RANDOM_BITS) - 1
_last = (0, 0)  # (unix_ms, random bits) of the last id this process made
_last_lock = threading.Lock()


def _forget_last() -> None:
    """A forked child starts afresh: counting on from its parent's last id, both would make
    the same ids."""
    global _last, _last_lock
    _last, _last_lock = (0, 0), threading.Lock()


if hasattr(os, "register_at_fork"):  # not on Windows, which does not fork
    os.register_at_fork(after_in_child=_forget_last)


def new_id() -> str:
    """A fresh record id (UUIDv7), greater than every id this process made before."""
    global _last
    unix_ms = time.time_ns() // 1_000_000
    with _last_lock:
        last_ms, last_bits = _last
        if unix_ms > last_ms:
            bits = secrets.randbits(_RANDOM_BITS)
        elif last_bits < _RANDOM_MAX:
            unix_ms, bits = last_ms, last_bits + 1
        else:  # 2**74 ids in one millisecond: borrow the next one
            unix_ms, bits = last_ms + 1, secrets.randbits(_RANDOM_BITS)
        _last = (unix_ms, bits)
    return uuid7(unix_ms, bits)


def format_utc(moment: datetime) -> str:
    """``2026-11-03T08:15:30.123Z`` for an aware datetime."""
    # isoformat truncates to milliseconds (as ``microsecond // 1000`` would) and is about
    # twice as fast as strftime: the demo stamps millions of rows with it
    return moment.astimezone(UTC).isoformat(timespec="milliseconds")[:-6] + "Z"


def format_unix_ms(unix_ms: int) -> str:
    """:func:`format_utc` of a moment given in Unix milliseconds (without a datetime: this
    stamps every saved keystroke)."""
    seconds, millis = divmod(unix_ms, 1000)
    return time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(seconds)) + f".{millis:03d}Z"


def utc_now() -> str:
    return format_unix_ms(time.time_ns() // 1_000_000)


def parse_utc(text: str) -> datetime:
    """The inverse of :func:`format_utc`."""
    return datetime.fromisoformat(text)


def china_date(moment: datetime | None = None) -> str:
    """The local date (UTC+08:00) of ``moment`` (default: now), as ``YYYY-MM-DD``."""
    moment = moment or datetime.now(UTC)
    return moment.astimezone(CHINA).date().isoformat()


def check_date(text: str) -> str:
    """``text`` if it is a ``YYYY-MM-DD`` date, else ValueError."""
    return date.fromisoformat(text).isoformat()


def china_time(utc: str) -> str:
    """``2026-11-03 16:15`` (China time, the inspector's clock) for a stored UTC timestamp; a
    text that is not one (written by something else) as it is."""
    try:
        return f"{parse_utc(utc).astimezone(CHINA):%Y-%m-%d %H:%M}"
    except ValueError:
        return utc


def china_midnight(day: str) -> str:
    """The UTC timestamp of 00:00 in China on ``day`` (``YYYY-MM-DD``): where "since that day"
    begins for timestamps stored in UTC. ValueError for a malformed day."""
    return format_utc(datetime.combine(date.fromisoformat(day), datetime.min.time(), CHINA))
