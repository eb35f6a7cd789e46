"""The country-name table is read from phonenumbers' locale data without importing its geocoder (half a
second of CPU at each import's start): the names must be exactly the geocoder's."""

from __future__ import annotations

import pytest
from phonenumbers.geocoder import LOCALE_DATA, _region_display_name

from imbuto.intake import normalize

pytestmark = pytest.mark.one_database


def test_region_display_name_is_the_geocoders() -> None:
    assert normalize._locale_data() is normalize._locale_data()  # read once, not per name
    langs = {lang for names in LOCALE_DATA.values() for lang in names}
    for code in [*LOCALE_DATA, "XX", "001", ""]:
        for lang in sorted(langs)[:40] + ["en", "it", "de", "fr", "es", "zz"]:
            assert normalize.region_display_name(code, lang) == _region_display_name(code, lang), (code, lang)


def test_country_names_are_those_the_geocoder_gives() -> None:
    normalize._country_names.cache_clear()
    try:
        ours = normalize._country_names()
        normalize._country_names.cache_clear()
        with pytest.MonkeyPatch.context() as mp:
            mp.setattr(normalize, "_locale_data", lambda: (_ for _ in ()).throw(ImportError("no")))
            theirs = normalize._country_names()
    finally:
        normalize._country_names.cache_clear()
    assert ours == theirs
    assert ours["germania"] == "DE" and ours["united kingdom"] == "GB" and ours["espana"] == "ES"
