"""Labels of the referrals pages: Finnish by default, Swedish and English."""

from __future__ import annotations

from hoks_shared.web.referral_labels import REFERRAL_CODE_KEYS, REFERRAL_CODE_LABELS

_FI = {
    "page.title": "Palveluohjaukset", "tab.inbox": "Minulle osoitetut", "tab.made": "Tekemäni ohjaukset",
    "new.title": "Uusi palveluohjaus tai opiskelijakohtainen palaveri",
    "new.intro": "Ohjaus reititetään ja opiskelijakohtainen palaveri sovitaan kuten muutkin palveluohjaukset.",
    "new.initiative": "Kenen aloitteesta", "new.origin.staff": "Henkilöstön aloitteesta",
    "new.origin.student": "Opiskelijan oma pyyntö (kirjaan sen hänen puolestaan)",
    "new.no_details": "Vain kohde ja syykoodi tallennetaan: ei vapaata tekstiä eikä hyvinvointitietoja.",
    "new.submit": "Tee ohjaus",
    "tab.all": "Yksikön ohjaukset", "tab.unassigned": "Vailla vastaanottajaa", "col.student": "Opiskelija", "col.target": "Kohde", "col.reason": "Syy",
    "col.status": "Tila", "col.due": "Kuitattava viimeistään", "col.made": "Tehty", "col.meeting": "Opiskelijapalaveri",
    "col.outcome": "Tulos", "col.actions": "Toiminnot", "action.accept": "Kuittaa vastaanotetuksi",
    "action.close": "Sulje tuloksella", "action.accept_close": "Kuittaa ja sulje", "action.choose_outcome": "Valitse tulos",
    "overdue": "Myöhässä", "empty": "Ei ohjauksia.", "welfare.note": "Hyvinvointiasia: vain ohjauksen tosiasia ja kohde tallennetaan.",
    "error.generic": "Toiminto epäonnistui", "saved": "Tallennettu", "referred_by": "Ohjannut",
    "status.made": "tehty", "status.accepted": "vastaanotettu", "status.meeting-scheduled": "palaveri sovittu",
    "status.closed": "suljettu", "status.cancelled": "peruttu",
    "target.special-needs-teacher": "erityisopettaja", "target.curator": "kuraattori", "target.psychologist": "psykologi",
    "target.counselor": "opinto-ohjaaja", "target.career-services": "urapalvelut",
    "target.student-meeting": "opiskelijakohtainen palaveri", "target.valpas-notification": "Valpas-ilmoitus",
    "target.welfare-group": "monialainen asiantuntijaryhmä",
}
_EN = {
    "page.title": "Service referrals", "tab.inbox": "Assigned to me", "tab.made": "Referred by me",
    "new.title": "New referral or student-level meeting",
    "new.intro": "The referral is routed and the student-level meeting scheduled like every referral.",
    "new.initiative": "On whose initiative", "new.origin.staff": "Staff's initiative",
    "new.origin.student": "The student's own request (I record it for them)",
    "new.no_details": "Only the target and the reason code are stored: no free text, no welfare details.",
    "new.submit": "Refer",
    "tab.all": "Unit's referrals", "tab.unassigned": "Not assigned yet", "col.student": "Student", "col.target": "Target", "col.reason": "Reason",
    "col.status": "Status", "col.due": "Accept by", "col.made": "Made", "col.meeting": "Student meeting",
    "col.outcome": "Outcome", "col.actions": "Actions", "action.accept": "Accept",
    "action.close": "Close with outcome", "action.accept_close": "Accept and close", "action.choose_outcome": "Choose an outcome",
    "overdue": "Overdue", "empty": "No referrals.", "welfare.note": "Welfare matter: only the fact and the target are stored.",
    "error.generic": "The action failed", "saved": "Saved", "referred_by": "Referred by",
    "status.made": "made", "status.accepted": "accepted", "status.meeting-scheduled": "meeting scheduled",
    "status.closed": "closed", "status.cancelled": "cancelled",
    "target.special-needs-teacher": "special-needs teacher", "target.curator": "curator", "target.psychologist": "psychologist",
    "target.counselor": "study counselor", "target.career-services": "career services",
    "target.student-meeting": "student-level meeting", "target.valpas-notification": "Valpas notification",
    "target.welfare-group": "multi-professional welfare group",
}
_SV = {
    "page.title": "Servicehänvisningar", "tab.inbox": "Tilldelade mig", "tab.made": "Mina hänvisningar",
    "new.title": "Ny servicehänvisning eller studerandespecifikt möte",
    "new.intro": "Hänvisningen dirigeras och det studerandespecifika mötet bokas som alla hänvisningar.",
    "new.initiative": "På vems initiativ", "new.origin.staff": "Personalens initiativ",
    "new.origin.student": "Studerandens egen begäran (jag antecknar den för hen)",
    "new.no_details": "Endast mål och orsakskod lagras: ingen fritext, inga välfärdsuppgifter.",
    "new.submit": "Hänvisa",
    "tab.all": "Enhetens hänvisningar", "tab.unassigned": "Utan mottagare", "col.student": "Studerande", "col.target": "Mål", "col.reason": "Orsak",
    "col.status": "Status", "col.due": "Kvitteras senast", "col.made": "Gjord", "col.meeting": "Studerandemöte",
    "col.outcome": "Resultat", "col.actions": "Åtgärder", "action.accept": "Kvittera",
    "action.close": "Stäng med resultat", "action.accept_close": "Kvittera och stäng", "action.choose_outcome": "Välj resultat",
    "overdue": "Försenad", "empty": "Inga hänvisningar.", "welfare.note": "Välfärdsärende: endast faktum och mål lagras.",
    "error.generic": "Åtgärden misslyckades", "saved": "Sparat", "referred_by": "Hänvisad av",
    "status.made": "gjord", "status.accepted": "kvitterad", "status.meeting-scheduled": "möte bokat",
    "status.closed": "stängd", "status.cancelled": "annullerad",
    "target.special-needs-teacher": "speciallärare", "target.curator": "kurator", "target.psychologist": "psykolog",
    "target.counselor": "studiehandledare", "target.career-services": "karriärtjänster",
    "target.student-meeting": "studerandemöte", "target.valpas-notification": "Valpas-anmälan",
    "target.welfare-group": "sektorsövergripande expertgrupp",
}

TRANSLATIONS = {lang: {**REFERRAL_CODE_LABELS[lang], **labels} for lang, labels in (("fi", _FI), ("en", _EN), ("sv", _SV))}

#: Every code shown on the page has a label (a test checks it against the contracts' closed lists).
CODES_WITH_LABELS = set(REFERRAL_CODE_KEYS)
