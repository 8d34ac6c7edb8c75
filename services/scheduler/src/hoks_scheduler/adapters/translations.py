"""Labels of the scheduler's page in Finnish (default), Swedish and English."""

from __future__ import annotations

TRANSLATIONS: dict[str, dict[str, str]] = {
    "fi": {
        "ical.group": "HOKS-seurantapalaveri", "ical.student": "Opiskelijakohtainen HOKS-palaveri", "ical.calendar": "HOKS-seurantapalaverit",
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
        "ical.group": "PUK-uppföljningsmöte", "ical.student": "Studerandespecifikt PUK-möte", "ical.calendar": "PUK-uppföljningsmöten",
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
        "ical.group": "HOKS follow-up meeting", "ical.student": "Student-level HOKS meeting", "ical.calendar": "HOKS follow-up meetings",
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

OVERVIEW: dict[str, dict[str, str]] = {
    "fi": {
        "overview.title": "Suunnitelman yleiskuva", "overview.filters": "Rajaukset", "overview.unit": "Yksikkö",
        "overview.counselor": "Opinto-ohjaaja", "overview.phase": "Vaihe (teema)", "overview.all": "Kaikki",
        "overview.show": "Näytä", "overview.from_day": "Suunnittele alkaen",
        "overview.summary": "Kaikki kierrokset saa {all} ryhmää, vajaaksi jää {short}. Kiinniotto: {caught} "
        "ryhmän jäljellä olevat kierrokset levitettiin loppuvuodelle. Kierroksen ajan ulkopuolelle lähimpään "
        "mahtuvaan päivään siirrettiin {moved} palaveria.",
        "overview.unplaced_count": "Ratkaistavana: {n}.", "overview.latest": "Viimeisin suunnittelu",
        "overview.complete": "kaikki kierrokset {n}/{of} ryhmällä",
        "overview.rounds_per_year": "Kierroksia lukuvuodessa", "overview.other_types": "muut",
        "overview.to_decide": "Ratkaistavat", "overview.nothing_to_decide": "Kaikki kierrokset on sijoitettu.",
        "overview.window": "kierroksen aika", "overview.grid": "Ryhmät ja kierrokset", "overview.group": "Ryhmä",
        "overview.optional": "tarvittaessa", "overview.tentative": "alustava", "overview.person": "Henkilön kalenteri",
        "overview.view": "Näkymä", "overview.week": "Viikko", "overview.month": "Kuukausi",
        "overview.previous": "Edellinen", "overview.next": "Seuraava", "overview.day": "Päivä",
        "overview.time": "Kellonaika", "overview.reason": "Syy",
        "state.planned": "suunniteltu", "state.past": "ei kirjattu pidetyksi", "state.held": "pidetty", "state.cancelled": "peruttu",
        "state.unplaced": "ratkaistava", "state.missed": "jää pitämättä", "state.none": "–",
        "reason.round-window-passed": "Kierroksen aika on mennyt, eikä ryhmän lukuvuodessa ole enää koulupäiviä "
        "tälle kierrokselle. Valitse toinen päivä tai hyväksy, että kierros jää pitämättä.",
        "reason.participant-unavailable": "Joku pakollisista osallistujista on poissa kierroksen jokaisena "
        "päivänä. Valitse toinen päivä tai toinen opinto-ohjaaja.",
        "reason.daily-cap-reached": "Osallistujilla on jo päivän enimmäismäärä palavereja kierroksen jokaisena "
        "vapaana päivänä. Valitse toinen päivä tai toinen opinto-ohjaaja.",
        "reason.no-common-free-slot": "Osallistujilla ei ole yhteistä vapaata aikaa kierroksen päivinä. "
        "Valitse toinen päivä tai toinen opinto-ohjaaja.",
        "reason.missing-counselor": "Ryhmällä ei ole opinto-ohjaajaa. Valitse opinto-ohjaaja.",
        "reason.missing-responsible-teacher": "Ryhmällä ei ole vastuuopettajaa: korjaa tieto opintohallinto"
        "järjestelmään, niin kierros suunnitellaan.",
        "reason.missing-special-needs-teacher": "Ryhmällä ei ole erityisopettajaa: korjaa tieto opintohallinto"
        "järjestelmään, niin kierros suunnitellaan.",
        "reason.not-placed": "Kierrosta ei voitu sijoittaa.",
        "action.other_day": "Siirrä:", "action.other_counselor": "Ohjaajaksi {name}:",
        "action.accept_miss": "Hyväksy, että kierros jää pitämättä", "action.move": "Siirrä",
        "action.save": "Tallenna", "action.cancel": "Peruuta",
        "move.staff-absent": "sairaus tai poissaolo", "move.clash": "päällekkäisyys", "move.other": "muu syy",
        "clash.meeting": "päällekkäin toisen palaverin kanssa", "clash.unavailable": "poissa sinä päivänä",
        "clash.daily-cap": "päivän palaverimäärä täynnä", "clash.": "",
        "role.student": "opiskelija", "role.specialist": "asiantuntija",
        "day.0": "ma", "day.1": "ti", "day.2": "ke", "day.3": "to", "day.4": "pe",
        "plan.overview_link": "Suunnitelman yleiskuva",
    },
    "sv": {
        "overview.title": "Planens översikt", "overview.filters": "Urval", "overview.unit": "Enhet",
        "overview.counselor": "Studiehandledare", "overview.phase": "Skede (tema)", "overview.all": "Alla",
        "overview.show": "Visa", "overview.from_day": "Planera från",
        "overview.summary": "Alla omgångar får {all} grupper, färre får {short}. Ikappkörning: för {caught} "
        "grupper fördelades de återstående omgångarna över resten av året. Utanför omgångens tid till närmaste "
        "dag med plats flyttades {moved} möten.",
        "overview.unplaced_count": "Att avgöra: {n}.", "overview.latest": "Senaste planering",
        "overview.complete": "alla omgångar för {n}/{of} grupper",
        "overview.rounds_per_year": "Omgångar per läsår", "overview.other_types": "övriga",
        "overview.to_decide": "Att avgöra", "overview.nothing_to_decide": "Alla omgångar är placerade.",
        "overview.window": "omgångens tid", "overview.grid": "Grupper och omgångar", "overview.group": "Grupp",
        "overview.optional": "vid behov", "overview.tentative": "preliminär", "overview.person": "Personens kalender",
        "overview.view": "Vy", "overview.week": "Vecka", "overview.month": "Månad",
        "overview.previous": "Föregående", "overview.next": "Nästa", "overview.day": "Dag",
        "overview.time": "Klockslag", "overview.reason": "Orsak",
        "state.planned": "planerat", "state.past": "inte antecknat hållet", "state.held": "hållet", "state.cancelled": "inställt",
        "state.unplaced": "att avgöra", "state.missed": "hålls inte", "state.none": "–",
        "reason.round-window-passed": "Omgångens tid har gått och gruppens läsår har inga skoldagar kvar för "
        "den. Välj en annan dag eller godkänn att omgången inte hålls.",
        "reason.participant-unavailable": "Någon av de obligatoriska deltagarna är borta varje dag under "
        "omgången. Välj en annan dag eller en annan studiehandledare.",
        "reason.daily-cap-reached": "Deltagarna har redan högsta antalet möten varje ledig dag under omgången. "
        "Välj en annan dag eller en annan studiehandledare.",
        "reason.no-common-free-slot": "Deltagarna har ingen gemensam ledig tid under omgångens dagar. Välj en "
        "annan dag eller en annan studiehandledare.",
        "reason.missing-counselor": "Gruppen har ingen studiehandledare. Välj en studiehandledare.",
        "reason.missing-responsible-teacher": "Gruppen har ingen ansvarig lärare: rätta uppgiften i "
        "studieadministrationssystemet så planeras omgången.",
        "reason.missing-special-needs-teacher": "Gruppen har ingen speciallärare: rätta uppgiften i "
        "studieadministrationssystemet så planeras omgången.",
        "reason.not-placed": "Omgången kunde inte placeras.",
        "action.other_day": "Flytta:", "action.other_counselor": "Med {name}:",
        "action.accept_miss": "Godkänn att omgången inte hålls", "action.move": "Flytta",
        "action.save": "Spara", "action.cancel": "Avbryt",
        "move.staff-absent": "sjukdom eller frånvaro", "move.clash": "överlappning", "move.other": "annan orsak",
        "clash.meeting": "överlappar ett annat möte", "clash.unavailable": "borta den dagen",
        "clash.daily-cap": "dagens antal möten fullt", "clash.": "",
        "role.student": "studerande", "role.specialist": "sakkunnig",
        "day.0": "må", "day.1": "ti", "day.2": "on", "day.3": "to", "day.4": "fr",
        "plan.overview_link": "Planens översikt",
    },
    "en": {
        "overview.title": "Plan overview", "overview.filters": "Filters", "overview.unit": "Unit",
        "overview.counselor": "Counselor", "overview.phase": "Phase (theme)", "overview.all": "All",
        "overview.show": "Show", "overview.from_day": "Plan from",
        "overview.summary": "All their rounds: {all} groups; fewer: {short}. Catch-up: {caught} groups had "
        "their remaining rounds spread over the rest of the year. Moved outside their round's time to the "
        "nearest day with room: {moved} meetings.",
        "overview.unplaced_count": "To decide: {n}.", "overview.latest": "Latest planning",
        "overview.complete": "all rounds for {n}/{of} groups",
        "overview.rounds_per_year": "Rounds per academic year", "overview.other_types": "others",
        "overview.to_decide": "To decide", "overview.nothing_to_decide": "Every round is placed.",
        "overview.window": "round's time", "overview.grid": "Groups and rounds", "overview.group": "Group",
        "overview.optional": "when needed", "overview.tentative": "tentative", "overview.person": "A person's calendar",
        "overview.view": "View", "overview.week": "Week", "overview.month": "Month",
        "overview.previous": "Previous", "overview.next": "Next", "overview.day": "Day",
        "overview.time": "Time", "overview.reason": "Reason",
        "state.planned": "planned", "state.past": "not recorded held", "state.held": "held", "state.cancelled": "cancelled",
        "state.unplaced": "to decide", "state.missed": "not held", "state.none": "–",
        "reason.round-window-passed": "The round's time has passed and the group's year has no school days left "
        "for it. Choose another day or accept that the round is not held.",
        "reason.participant-unavailable": "A required participant is away on every day of the round. Choose "
        "another day or another counselor.",
        "reason.daily-cap-reached": "The participants already have the most meetings a day on every free day of "
        "the round. Choose another day or another counselor.",
        "reason.no-common-free-slot": "The participants have no free time in common on the round's days. Choose "
        "another day or another counselor.",
        "reason.missing-counselor": "The group has no counselor. Choose a counselor.",
        "reason.missing-responsible-teacher": "The group has no responsible teacher: correct it in the student "
        "information system and the round is planned.",
        "reason.missing-special-needs-teacher": "The group has no special-needs teacher: correct it in the "
        "student information system and the round is planned.",
        "reason.not-placed": "The round could not be placed.",
        "action.other_day": "Move to", "action.other_counselor": "With {name} on",
        "action.accept_miss": "Accept that the round is not held", "action.move": "Move",
        "action.save": "Save", "action.cancel": "Cancel",
        "move.staff-absent": "sickness or absence", "move.clash": "clash", "move.other": "other reason",
        "clash.meeting": "clashes with another meeting", "clash.unavailable": "away that day",
        "clash.daily-cap": "the day's meetings are full", "clash.": "",
        "role.student": "student", "role.specialist": "specialist",
        "day.0": "Mon", "day.1": "Tue", "day.2": "Wed", "day.3": "Thu", "day.4": "Fri",
        "plan.overview_link": "Plan overview",
    },
}

for _lang, _labels in OVERVIEW.items():
    TRANSLATIONS[_lang].update(_labels)
