"""The one message catalogue for every layer (domain, store, exports, CLI and GUI).

Source strings (msgids) are the Chinese text: Chinese is the default language and is complete
by construction, even if a catalogue file is missing. English comes from a gettext catalogue
(``liangheng.mo``) that the application installs at start-up with :func:`set_language`; this
module only uses the standard library, so the domain stays free of our other packages.
"""

from __future__ import annotations

import gettext as _gettext
from collections.abc import Iterable
from pathlib import Path

DOMAIN = "liangheng"
DEFAULT_LANGUAGE = "zh_CN"
LANGUAGES = ("zh_CN", "en")

_translation: _gettext.NullTranslations = _gettext.NullTranslations()
_language = DEFAULT_LANGUAGE


def set_language(language: str, localedir: Path | None = None) -> None:
    """Switch every later ``_()`` call to ``language``; unknown or missing falls back to Chinese."""
    global _translation, _language
    if language == DEFAULT_LANGUAGE or localedir is None:
        _translation, _language = _gettext.NullTranslations(), DEFAULT_LANGUAGE
        return
    found = _gettext.translation(DOMAIN, localedir, [language], fallback=True)
    missing = type(found) is _gettext.NullTranslations
    _translation, _language = found, DEFAULT_LANGUAGE if missing else language


def language() -> str:
    return _language


def _(message: str) -> str:
    """Translate a message (msgid in Chinese). The empty string stays empty (gettext would
    return the catalogue's header for it)."""
    return _translation.gettext(message) if message else message


def N_(message: str) -> str:  # noqa: N802 - the conventional gettext marker name
    """Mark a string for extraction without translating it now (translate where it is shown)."""
    return message


def join(items: Iterable[str]) -> str:
    """A list in running text: 甲、乙、丙 in Chinese, "a, b, c" in English."""
    return _("、").join(items)
