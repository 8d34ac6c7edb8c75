"""Labels of the referral code lists (``contracts.vocabulary``) in Finnish, Swedish and English:
one place for every page that shows a reason, an outcome or a cancellation reason
(keys ``reason.<code>``, ``outcome.<code>``; cancellation reasons share the ``outcome.`` prefix
because a cancelled referral shows its reason where the outcome stands)."""

from __future__ import annotations

from hoks_shared.contracts.vocabulary import CancellationReason, ReferralOutcome, ReferralReason

_LABELS: dict[str, tuple[str, str, str]] = {  # key: (fi, sv, en)
    "reason.study-progress-behind": ("Opinnot jäljessä", "Studierna efter", "Studies behind"),
    "reason.absences": ("Poissaolot", "Frånvaro", "Absences"),
    "reason.hoks-outdated": ("HOKS vanhentunut", "PUK föråldrad", "HOKS outdated"),
    "reason.study-skills": ("Opiskelutaidot", "Studiefärdigheter", "Study skills"),
    "reason.learning-support-need": ("Oppimisen tuen tarve", "Behov av stöd för lärande", "Learning support need"),
    "reason.commitment": ("Sitoutuminen", "Engagemang", "Commitment"),
    "reason.career-planning": ("Urasuunnittelu", "Karriärplanering", "Career planning"),
    "reason.study-right-interrupted": ("Opiskeluoikeus keskeytynyt", "Studierätten avbruten",
                                       "Study right interrupted"),
    "reason.study-right-resigned": ("Opiskelija eronnut", "Studeranden har avgått", "Student resigned"),
    "reason.compulsory-education": ("Oppivelvollisuus", "Läroplikt", "Compulsory education"),
    "reason.language-support": ("Kielen tuki", "Språkstöd", "Language support"),
    "reason.workplace-learning": ("Työelämässä oppiminen", "Lärande i arbetslivet", "Workplace learning"),
    "reason.student-request": ("Opiskelijan oma pyyntö", "Studerandens egen begäran", "The student's own request"),
    "reason.welfare": ("Hyvinvointi (vain tieto ohjauksesta)", "Välfärd (endast uppgift om hänvisning)",
                       "Welfare (only the fact is kept)"),
    "outcome.support-arranged": ("tuki järjestetty", "stöd ordnat", "support arranged"),
    "outcome.hoks-updated": ("HOKS päivitetty", "PUK uppdaterad", "HOKS updated"),
    "outcome.student-meeting-held": ("opiskelijapalaveri pidetty", "studerandemöte hållet", "student meeting held"),
    "outcome.no-need": ("ei tarvetta", "inget behov", "no need"),
    "outcome.forwarded": ("ohjattu eteenpäin", "hänvisad vidare", "forwarded"),
    "outcome.valpas-notified": ("Valpas-ilmoitus tehty", "Valpas-anmälan gjord", "Valpas notified"),
    "outcome.handed-over": ("siirretty hyvinvointipalveluille", "överlämnad till välfärdstjänster",
                            "handed over to welfare services"),
    "outcome.made-in-error": ("tehty virheellisesti", "gjord av misstag", "made in error"),
    "outcome.duplicate": ("päällekkäinen", "dubblett", "duplicate"),
    "outcome.student-left": ("opiskelija lähtenyt", "studeranden har slutat", "student left"),
    "outcome.student-declined": ("opiskelija kieltäytyi", "studeranden avböjde", "student declined"),
    "outcome.study-right-restored": ("opiskeluoikeus palautunut", "studierätten återställd", "study right restored"),
}

REFERRAL_CODE_LABELS: dict[str, dict[str, str]] = {
    lang: {key: labels[i] for key, labels in _LABELS.items()} for i, lang in enumerate(("fi", "sv", "en"))
}

#: Every key a page needs for the closed lists (a test checks that each has a label).
REFERRAL_CODE_KEYS = frozenset(
    {f"reason.{c.value}" for c in ReferralReason}
    | {f"outcome.{c.value}" for c in ReferralOutcome}
    | {f"outcome.{c.value}" for c in CancellationReason}
)
