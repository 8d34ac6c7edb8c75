"""Labels of the scheduler's page in Finnish (default), Swedish and English."""

from __future__ import annotations

TRANSLATIONS: dict[str, dict[str, str]] = {
    "fi": {
        "schedule.title": "Aikataulu", "schedule.mine": "Tulevat palaverini", "schedule.none": "Ei tulevia palavereja.",
        "col.when": "Aika", "col.kind": "Palaveri", "col.round": "Kierros", "col.theme": "Teema",
        "col.status": "Tila", "kind.group": "Ryhmäkohtainen", "kind.student": "Opiskelijakohtainen",
        "status.planned": "suunniteltu", "status.cancelled": "peruttu",
        "feed.title": "Kalenteritilaus", "feed.help": "Tilaa tämä osoite Outlookiin tai Google-kalenteriin. "
        "Pidä osoite omana tietonasi.",
        "feed.active": "Osoite on käytössä; voimassa asti", "feed.off": "Sinulla ei ole voimassa olevaa kalenteriosoitetta.",
        "feed.create": "Luo uusi osoite", "feed.revoke": "Poista osoite käytöstä",
        "feed.new": "Uusi osoitteesi (näytetään vain nyt; edellinen lakkasi toimimasta):", "feed.error": "Ei onnistunut",
        "plan.title": "Lukuvuoden suunnittelu", "plan.year": "Lukuvuosi", "plan.units": "Yksiköt",
        "plan.all": "Koko koulutuksen järjestäjä", "plan.run": "Suunnittele",
        "plan.running": "Suunnitellaan…", "plan.result": "Tulos", "plan.scheduled": "uusia",
        "plan.rescheduled": "siirrettyjä", "plan.cancelled": "peruttuja", "plan.kept": "ennallaan",
        "plan.unplaced": "Ei sijoitettu", "plan.max_day": "enintään palavereja henkilöllä päivässä",
        "plan.error": "Suunnittelu epäonnistui",
        "theme.start-of-studies": "opintojen käynnistyminen", "theme.absence-mapping": "poissaolojen kartoitus",
        "theme.study-progress": "opintojen eteneminen", "theme.final-phase": "päättövaiheen kartoitus",
        "theme.referral-follow-up": "palveluohjauksen jatko", "theme.student-meeting": "opiskelijan palaveri",
    },
    "sv": {
        "schedule.title": "Schema", "schedule.mine": "Mina kommande möten", "schedule.none": "Inga kommande möten.",
        "col.when": "Tid", "col.kind": "Möte", "col.round": "Omgång", "col.theme": "Tema", "col.status": "Status",
        "kind.group": "Gruppmöte", "kind.student": "Studerandemöte",
        "status.planned": "planerat", "status.cancelled": "inställt",
        "feed.title": "Kalenderprenumeration", "feed.help": "Prenumerera på adressen i Outlook eller Google "
        "Kalender. Håll adressen för dig själv.",
        "feed.active": "Adressen är i bruk; giltig till", "feed.off": "Du har ingen giltig kalenderadress.",
        "feed.create": "Skapa en ny adress", "feed.revoke": "Stäng av adressen",
        "feed.new": "Din nya adress (visas bara nu; den förra slutade fungera):", "feed.error": "Misslyckades",
        "plan.title": "Planering av läsåret", "plan.year": "Läsår", "plan.units": "Enheter",
        "plan.all": "Hela utbildningsanordnaren", "plan.run": "Planera", "plan.running": "Planerar…",
        "plan.result": "Resultat", "plan.scheduled": "nya", "plan.rescheduled": "flyttade",
        "plan.cancelled": "inställda", "plan.kept": "oförändrade", "plan.unplaced": "Inte placerade",
        "plan.max_day": "högst möten per person och dag", "plan.error": "Planeringen misslyckades",
        "theme.start-of-studies": "studiestart", "theme.absence-mapping": "kartläggning av frånvaro",
        "theme.study-progress": "studiernas framskridande", "theme.final-phase": "slutskedet",
        "theme.referral-follow-up": "uppföljning av hänvisning", "theme.student-meeting": "studerandes möte",
    },
    "en": {
        "schedule.title": "Schedule", "schedule.mine": "My upcoming meetings", "schedule.none": "No upcoming meetings.",
        "col.when": "When", "col.kind": "Meeting", "col.round": "Round", "col.theme": "Theme", "col.status": "Status",
        "kind.group": "Group-level", "kind.student": "Student-level",
        "status.planned": "planned", "status.cancelled": "cancelled",
        "feed.title": "Calendar subscription", "feed.help": "Subscribe to this address in Outlook or Google "
        "Calendar. Keep the address to yourself.",
        "feed.active": "The address is in use; valid until", "feed.off": "You have no valid calendar address.",
        "feed.create": "Create a new address", "feed.revoke": "Turn the address off",
        "feed.new": "Your new address (shown only now; the previous one stopped working):", "feed.error": "Failed",
        "plan.title": "Plan the academic year", "plan.year": "Academic year", "plan.units": "Units",
        "plan.all": "The whole provider", "plan.run": "Plan", "plan.running": "Planning…",
        "plan.result": "Result", "plan.scheduled": "new", "plan.rescheduled": "moved",
        "plan.cancelled": "cancelled", "plan.kept": "unchanged", "plan.unplaced": "Not placed",
        "plan.max_day": "at most meetings per person per day", "plan.error": "Planning failed",
        "theme.start-of-studies": "start of studies", "theme.absence-mapping": "absence mapping",
        "theme.study-progress": "study progress", "theme.final-phase": "final phase",
        "theme.referral-follow-up": "referral follow-up", "theme.student-meeting": "student meeting",
    },
}
