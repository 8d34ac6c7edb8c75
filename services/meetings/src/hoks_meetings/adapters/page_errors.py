"""The meetings API's refusals that the meeting page can meet, as patterns of their English
sentences (see ``hoks_shared.web.page_errors``), and their texts in the three languages."""

from __future__ import annotations

from hoks_shared.web.i18n import Catalog

PATTERNS = {
    "not-started": r"^the meeting has not started yet; it can be completed from (.+) on",
    "not-confirmed": r"^(\d+) student row\(s\) not confirmed",
    "student-presence": r"^a student-level meeting is completed only with the student's presence",
    "hoks-update-first": r"^record the agreed HOKS update",
    "no-students": r"^the checklist has no students",
    "completed": r"^the meeting is already completed",
    "cancelled": r"^the meeting was cancelled",
    "not-on-checklist": r"^the student is not on this meeting's checklist",
    "referral-target": r"^a referral needs a target",
    "referral-reason": r"^a referral needs a reason",
    "reason-misfit": r"^the reason .* (?:is for|does not fit)",
    "not-participant": r"^not participants of this meeting",
    "due-before": r"^an action's due date cannot be before the meeting",
    "not-yours": r"^only the meeting's counselor and responsible teacher",
    "referral-next-step": r"^close the referral with an outcome, or keep it open with a next step",
}

ERROR_TEXTS: Catalog = {
    "fi": {
        "error.not-started": "Palaveri ei ole vielä alkanut: sen voi merkitä pidetyksi $1 alkaen.",
        "error.not-confirmed": "$1 opiskelijan riviä on vielä vahvistamatta: vahvista ne ennen kuin merkitset palaverin pidetyksi.",
        "error.student-presence": "Opiskelijakohtainen palaveri merkitään pidetyksi vasta, kun opiskelijan läsnäolo on kirjattu.",
        "error.hoks-update-first": "Kirjaa sovittu HOKS-päivitys (ja toimenpiteet) ennen kuin merkitset palaverin pidetyksi.",
        "error.no-students": "Tarkistuslistalla ei ole opiskelijoita.",
        "error.completed": "Palaveri on jo merkitty pidetyksi; kirjaus ei enää muutu.",
        "error.cancelled": "Palaveri on peruttu.",
        "error.not-on-checklist": "Opiskelija ei ole tämän palaverin tarkistuslistalla.",
        "error.referral-target": "Valitse palveluohjaukselle kohde.",
        "error.referral-reason": "Valitse palveluohjaukselle syy.",
        "error.reason-misfit": "Valittu syy ei sovi tälle palveluohjauksen kohteelle; valitse toinen syy.",
        "error.not-participant": "Henkilö ei ole tämän palaverin osallistuja.",
        "error.due-before": "Toimenpiteen määräpäivä ei voi olla ennen palaveria.",
        "error.not-yours": "Vain palaverin opinto-ohjaaja ja vastuuopettaja voivat kirjata sen.",
        "error.referral-next-step": "Sulje palveluohjaus tuloksella tai jätä se auki ja kirjaa seuraava askel: toimenpide, vastuuhenkilö ja määräpäivä.",
    },
    "sv": {
        "error.not-started": "Mötet har inte börjat ännu: det kan markeras som hållet från $1.",
        "error.not-confirmed": "$1 studerandes rader är ännu obekräftade: bekräfta dem innan mötet markeras som hållet.",
        "error.student-presence": "Ett studerandespecifikt möte markeras som hållet först när den studerandes närvaro är antecknad.",
        "error.hoks-update-first": "Anteckna den överenskomna PUK-uppdateringen (och åtgärderna) innan mötet markeras som hållet.",
        "error.no-students": "Checklistan har inga studerande.",
        "error.completed": "Mötet är redan markerat som hållet; anteckningarna ändras inte längre.",
        "error.cancelled": "Mötet har ställts in.",
        "error.not-on-checklist": "Den studerande finns inte på mötets checklista.",
        "error.referral-target": "Välj mottagare för servicehänvisningen.",
        "error.referral-reason": "Välj orsak till servicehänvisningen.",
        "error.reason-misfit": "Orsaken passar inte denna mottagare; välj en annan orsak.",
        "error.not-participant": "Personen deltar inte i mötet.",
        "error.due-before": "Åtgärdens förfallodag kan inte vara före mötet.",
        "error.not-yours": "Endast mötets studiehandledare och ansvariga lärare kan anteckna det.",
        "error.referral-next-step": "Stäng servicehänvisningen med ett resultat eller lämna den öppen med nästa steg: en åtgärd med ansvarig och förfallodag.",
    },
    "en": {
        "error.not-started": "The meeting has not started yet: it can be marked held from $1 on.",
        "error.not-confirmed": "$1 student rows are not confirmed yet: confirm them before marking the meeting held.",
        "error.student-presence": "A student-level meeting is marked held only once the student's presence is recorded.",
        "error.hoks-update-first": "Record the agreed HOKS update (and actions) before marking the meeting held.",
        "error.no-students": "The checklist has no students.",
        "error.completed": "The meeting is already marked held; its record no longer changes.",
        "error.cancelled": "The meeting was cancelled.",
        "error.not-on-checklist": "The student is not on this meeting's checklist.",
        "error.referral-target": "Choose where the referral goes.",
        "error.referral-reason": "Choose the reason for the referral.",
        "error.reason-misfit": "The reason does not fit this referral target; choose another reason.",
        "error.not-participant": "The person is not a participant of this meeting.",
        "error.due-before": "An action's due date cannot be before the meeting.",
        "error.not-yours": "Only the meeting's counselor and responsible teacher may record it.",
        "error.referral-next-step": "Close the referral with an outcome, or keep it open with a next step: an action with its owner and due date.",
    },
}
