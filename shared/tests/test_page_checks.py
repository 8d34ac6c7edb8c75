"""The browser test's text check: what counts as a raw code or an untranslated key on a page."""

from __future__ import annotations

from hoks_testing.page_checks import raw_codes, translated_words


def test_codes_and_keys_are_found():
    text = ("HOKS-seurantapalaveri: TVO26PT001 · theme.referral-follow-up\nSyy: study-skills, "
            "round-window-passed\nYksikkö unit-tech · pt · lasna")
    assert raw_codes(text) == ["lasna", "pt", "round-window-passed", "study-skills", "theme.referral-follow-up",
                               "unit-tech"]


def test_words_dates_and_finnish_compounds_are_not_codes():
    text = ("HOKS-seuranta · Sosiaali- ja terveysala · 2026-2027 · 2026-12-01 · raportti.csv · "
            "Opiskelijan palaveri · eat-in-kitchen")
    assert raw_codes(text) == ["eat-in-kitchen"]
    words = translated_words({"fi": {"role.counselor": "opinto-ohjaaja"}, "en": {"x": "a follow-up meeting"}})
    assert words == {"opinto-ohjaaja", "follow-up"}
    assert raw_codes("Siiri Heikkinen · opinto-ohjaaja · follow-up", words) == []
