"""The scheduler API's refusals that its pages (plan overview, schedule) can meet, as patterns of
their English sentences (see ``hoks_shared.web.page_errors``), and their texts in three languages."""

from __future__ import annotations

from hoks_scheduler.adapters.translations import TRANSLATIONS
from hoks_shared.web.i18n import Catalog, merged

PATTERNS = {
    "past": r"^a meeting cannot be moved into the past",
    "not-a-slot": r"^starts_at is not the start of a meeting slot",
    "unavailable": r"^participant \S+ is unavailable on (\S+)",
    "busy": r"^participant \S+ already has a meeting at that time",
    "cap": r"^participant \S+ already has (\d+) meetings that day",
    "cancelled": r"^the meeting is (?:already )?cancelled",
    "changed": r"^the round was changed meanwhile",
    "planned-already": r"^the round is planned",
    "not-your-unit": r"^(?:only the unit's counselors and managers|not a round of your units|not a staff member)",
    "whole-provider": r"^planning the whole provider needs access to every unit",
    "no-slot": r"^no slot found",
}

ERROR_TEXTS: Catalog = {
    "fi": {
        "error.past": "Palaveria ei voi siirtää menneisyyteen.",
        "error.not-a-slot": "Valitse koulupäivän palaveriaika.",
        "error.unavailable": "Osallistuja on poissa $1.",
        "error.busy": "Osallistujalla on jo palaveri samaan aikaan.",
        "error.cap": "Osallistujalla on jo $1 palaveria sinä päivänä.",
        "error.cancelled": "Palaveri on peruttu.",
        "error.changed": "Kierrosta muutettiin samaan aikaan: lataa sivu uudelleen.",
        "error.planned-already": "Kierros on jo suunniteltu: siirrä tai peru sen palaveri.",
        "error.not-your-unit": "Vain yksikön opinto-ohjaajat ja koulutuspäälliköt muuttavat sen palavereja.",
        "error.whole-provider": "Koko koulutuksen järjestäjän suunnittelu vaatii pääsyn kaikkiin yksiköihin: valitse yksikkö.",
        "error.no-slot": "Vapaata aikaa ei löytynyt.",
    },
    "sv": {
        "error.past": "Ett möte kan inte flyttas bakåt i tiden.",
        "error.not-a-slot": "Välj en mötestid under en skoldag.",
        "error.unavailable": "En deltagare är borta $1.",
        "error.busy": "En deltagare har redan ett möte vid den tiden.",
        "error.cap": "En deltagare har redan $1 möten den dagen.",
        "error.cancelled": "Mötet har ställts in.",
        "error.changed": "Omgången ändrades samtidigt: ladda om sidan.",
        "error.planned-already": "Omgången är redan planerad: flytta eller ställ in dess möte.",
        "error.not-your-unit": "Endast enhetens studiehandledare och utbildningschefer ändrar dess möten.",
        "error.whole-provider": "Att planera hela utbildningsanordnaren kräver tillgång till alla enheter: välj en enhet.",
        "error.no-slot": "Ingen ledig tid hittades.",
    },
    "en": {
        "error.past": "A meeting cannot be moved into the past.",
        "error.not-a-slot": "Choose a meeting time on a school day.",
        "error.unavailable": "A participant is away on $1.",
        "error.busy": "A participant already has a meeting at that time.",
        "error.cap": "A participant already has $1 meetings that day.",
        "error.cancelled": "The meeting is cancelled.",
        "error.changed": "The round was changed meanwhile: reload the page.",
        "error.planned-already": "The round is planned already: move or cancel its meeting.",
        "error.not-your-unit": "Only the unit's counselors and managers change its meetings.",
        "error.whole-provider": "Planning the whole provider needs access to every unit: choose a unit.",
        "error.no-slot": "No free time was found.",
    },
}

#: The scheduler pages' labels with the texts of the refusals they can meet.
PAGE_LABELS = merged(TRANSLATIONS, ERROR_TEXTS)
