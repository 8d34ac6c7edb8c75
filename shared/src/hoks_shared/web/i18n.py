"""Languages of the staff pages: Finnish by default, Swedish and English as translations."""

from __future__ import annotations

from collections.abc import Callable, Mapping

from fastapi import Request

LANGUAGES = ("fi", "sv", "en")
DEFAULT_LANGUAGE = "fi"
LANG_COOKIE = "hoks_lang"

Catalog = Mapping[str, Mapping[str, str]]

#: Labels of the shared layout (header, navigation, sign-in).
COMMON: Catalog = {
    "fi": {
        "auth.all_units": "kaikki yksiköt", "study.pt": "perustutkinto", "study.at": "ammattitutkinto", "study.eat": "erikoisammattitutkinto",
        "error.api": "Muutosta ei voitu tallentaa (virhe {status}). Lataa sivu uudelleen ja yritä uudestaan.",
        "error.page.400": "Sivun osoite ei kelpaa.", "error.page.403": "Sinulla ei ole oikeutta tähän sivuun.", "error.page.404": "Sivua tai sen tietoja ei löytynyt.", "error.page.409": "Tieto muuttui juuri: lataa sivu uudelleen.", "error.page.422": "Sivun osoitteessa on virheellinen arvo.", "error.page.503": "Palvelu ei juuri nyt saa yhteyttä tietoihinsa: yritä hetken päästä uudelleen.", "error.page.other": "Sivua ei voitu näyttää (virhe {status}).", "error.page.hint": "Valitse sivu yläreunan valikosta.", "error.page.code": "Virhekoodi", 
        "intake.busy": "Tietoja päivitetään", "intake.students": "opiskelijaa saatu",
        "intake.pending": "SIS-muutosta vielä käsittelemättä", "intake.partial": "Listat voivat olla vielä vajaita.",
        "auth.search": "Hae nimellä, roolilla, yksiköllä tai ryhmällä", "auth.search_button": "Hae",
        "auth.shown": "näytetään", "auth.of": "/", "auth.col.name": "Nimi", "auth.col.roles": "Rooli",
        "auth.col.units": "Yksikkö", "auth.col.groups": "Ryhmät", "auth.none": "Ei osumia.",
        "app.title": "HOKS-seuranta", "nav.meetings": "Palaverit", "nav.referrals": "Palveluohjaukset",
        "nav.reports": "Raportit", "nav.schedule": "Aikataulu", "auth.sign_out": "Kirjaudu ulos",
        "auth.sign_in": "Kirjaudu sisään", "auth.dev_notice": "Kehitysympäristön kirjautuminen — ei tuotantokäyttöön",
        "auth.choose_user": "Valitse demokäyttäjä", "auth.not_configured":
        "Kirjautuminen tapahtuu organisaation tunnistuspalvelun kautta.", "lang.label": "Kieli",
        "role.counselor": "opinto-ohjaaja", "role.responsible-teacher": "vastuuopettaja",
        "role.special-needs-teacher": "erityisopettaja", "role.curator": "kuraattori",
        "role.psychologist": "psykologi", "role.career-services": "urapalvelut",
        "role.education-manager": "koulutuspäällikkö", "role.director": "johtaja",
        "role.integration-client": "integraatio",
    },
    "sv": {
        "auth.all_units": "alla enheter", "study.pt": "grundexamen", "study.at": "yrkesexamen", "study.eat": "specialyrkesexamen",
        "error.api": "Ändringen kunde inte sparas (fel {status}). Ladda om sidan och försök igen.",
        "error.page.400": "Sidans adress duger inte.", "error.page.403": "Du har inte behörighet till den här sidan.", "error.page.404": "Sidan eller dess uppgifter hittades inte.", "error.page.409": "Uppgiften ändrades just: ladda om sidan.", "error.page.422": "Sidans adress har ett ogiltigt värde.", "error.page.503": "Tjänsten når just nu inte sina uppgifter: försök igen om en stund.", "error.page.other": "Sidan kunde inte visas (fel {status}).", "error.page.hint": "Välj en sida i menyn upptill.", "error.page.code": "Felkod", 
        "intake.busy": "Uppgifterna uppdateras", "intake.students": "studerande mottagna",
        "intake.pending": "SIS-ändringar ännu obehandlade", "intake.partial": "Listorna kan ännu vara ofullständiga.",
        "auth.search": "Sök på namn, roll, enhet eller grupp", "auth.search_button": "Sök",
        "auth.shown": "visas", "auth.of": "/", "auth.col.name": "Namn", "auth.col.roles": "Roll",
        "auth.col.units": "Enhet", "auth.col.groups": "Grupper", "auth.none": "Inga träffar.",
        "app.title": "PUK-uppföljning", "nav.meetings": "Möten", "nav.referrals": "Servicehänvisningar",
        "nav.reports": "Rapporter", "nav.schedule": "Schema", "auth.sign_out": "Logga ut",
        "auth.sign_in": "Logga in", "auth.dev_notice": "Inloggning för utvecklingsmiljön — inte för produktion",
        "auth.choose_user": "Välj en demoanvändare", "auth.not_configured":
        "Inloggningen sker via organisationens identifieringstjänst.", "lang.label": "Språk",
        "role.counselor": "studiehandledare", "role.responsible-teacher": "ansvarig lärare",
        "role.special-needs-teacher": "speciallärare", "role.curator": "kurator",
        "role.psychologist": "psykolog", "role.career-services": "karriärtjänster",
        "role.education-manager": "utbildningschef", "role.director": "direktör",
        "role.integration-client": "integration",
    },
    "en": {
        "auth.all_units": "all units", "study.pt": "initial VET", "study.at": "further VET", "study.eat": "specialist VET",
        "error.api": "The change could not be saved (error {status}). Reload the page and try again.",
        "error.page.400": "The page's address is not valid.", "error.page.403": "You do not have access to this page.", "error.page.404": "The page or its data was not found.", "error.page.409": "The data just changed: reload the page.", "error.page.422": "The page's address has an invalid value.", "error.page.503": "The service cannot reach its data right now: try again in a moment.", "error.page.other": "The page could not be shown (error {status}).", "error.page.hint": "Choose a page from the menu at the top.", "error.page.code": "Error code", 
        "intake.busy": "Data is being updated", "intake.students": "students received",
        "intake.pending": "SIS changes still to process", "intake.partial": "Lists may still be incomplete.",
        "auth.search": "Search by name, role, unit or group", "auth.search_button": "Search",
        "auth.shown": "shown", "auth.of": "of", "auth.col.name": "Name", "auth.col.roles": "Role",
        "auth.col.units": "Unit", "auth.col.groups": "Groups", "auth.none": "No matches.",
        "app.title": "HOKS follow-up", "nav.meetings": "Meetings", "nav.referrals": "Referrals",
        "nav.reports": "Reports", "nav.schedule": "Schedule", "auth.sign_out": "Sign out",
        "auth.sign_in": "Sign in", "auth.dev_notice": "Development sign-in — not for production",
        "auth.choose_user": "Choose a demo user", "auth.not_configured":
        "Sign-in goes through your organisation's identity provider.", "lang.label": "Language",
        "role.counselor": "study counselor", "role.responsible-teacher": "responsible teacher",
        "role.special-needs-teacher": "special-needs teacher", "role.curator": "curator",
        "role.psychologist": "psychologist", "role.career-services": "career services",
        "role.education-manager": "education manager", "role.director": "director",
        "role.integration-client": "integration client",
    },
}


def language_of(request: Request) -> str:
    """``?lang=`` wins, then the remembered cookie, then the browser's Accept-Language, then Finnish."""
    for candidate in (request.query_params.get("lang"), request.cookies.get(LANG_COOKIE)):
        if candidate in LANGUAGES:
            return candidate
    for part in request.headers.get("accept-language", "").split(","):
        code = part.split(";")[0].strip()[:2].lower()
        if code in LANGUAGES:
            return code
    return DEFAULT_LANGUAGE


def translator(lang: str, *catalogs: Catalog) -> Callable[[str], str]:
    """``t(key)``: the label in ``lang``, falling back to Finnish, then to the key itself."""
    merged: dict[str, str] = {}
    for catalog in (COMMON, *catalogs):
        merged.update(catalog.get(DEFAULT_LANGUAGE, {}))
    for catalog in (COMMON, *catalogs):
        merged.update(catalog.get(lang, {}))

    def t(key: str) -> str:
        return merged.get(key, key)

    return t


def merged(*catalogs: Catalog) -> Catalog:
    """One catalog of several (a page's labels and the texts of the refusals it can meet)."""
    return {lang: {k: v for catalog in catalogs for k, v in catalog.get(lang, {}).items()} for lang in LANGUAGES}


def missing_translations(*catalogs: Catalog) -> dict[str, set[str]]:
    """Keys that some language lacks (a test keeps this empty)."""
    out: dict[str, set[str]] = {}
    for catalog in catalogs:
        keys = set().union(*(set(catalog.get(lang, {})) for lang in LANGUAGES))
        for lang in LANGUAGES:
            gap = keys - set(catalog.get(lang, {}))
            if gap:
                out.setdefault(lang, set()).update(gap)
    return out
