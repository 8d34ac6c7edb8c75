"""Fictional but plausible vocabulary for the demo institution (names are invented)."""

FIRST_NAMES = (
    "Aino", "Eino", "Helmi", "Onni", "Venla", "Leevi", "Siiri", "Elias", "Ella", "Väinö", "Lilja", "Niilo",
    "Aada", "Eetu", "Iida", "Lauri", "Kerttu", "Toivo", "Emma", "Oliver", "Sofia", "Leo", "Olivia", "Juho",
    "Pihla", "Aleksi", "Enni", "Veeti", "Minea", "Joona", "Aamu", "Rasmus", "Nelli", "Otso", "Saga", "Hugo",
)
LAST_NAMES = (
    "Korhonen", "Virtanen", "Mäkinen", "Nieminen", "Mäkelä", "Hämäläinen", "Laine", "Heikkinen", "Koskinen",
    "Järvinen", "Lehtonen", "Lehtinen", "Saarinen", "Salminen", "Heinonen", "Niemi", "Heikkilä", "Kinnunen",
    "Salonen", "Turunen", "Salo", "Laitinen", "Tuominen", "Rantanen", "Karjalainen", "Jokinen", "Mattila",
)

#: Units: (unit id, field code used in group codes, qualification code, name)
UNITS = (
    ("unit-tech", "TVO", "351107", "Tekniikka ja liikenne"),
    ("unit-bus", "LIK", "361301", "Liiketalous"),
    ("unit-soc", "SOT", "371101", "Sosiaali- ja terveysala"),
    ("unit-hos", "RAV", "381204", "Matkailu- ja ravitsemisala"),
    ("unit-con", "RAK", "351201", "Rakentaminen"),
    ("unit-ict", "TIV", "351703", "Tieto- ja viestintätekniikka"),
)

#: Vocational qualification units with competence points (osp), as a pt qualification might list them.
VOCATIONAL_UNITS = (
    ("106727", 15), ("106728", 20), ("106729", 30), ("106226", 25), ("106227", 30), ("106228", 15),
    ("106233", 45), ("106234", 30), ("106247", 20), ("106252", 25), ("103590", 40), ("105668", 15),
)
COMMON_UNITS = (("106727y", 11), ("106728y", 11), ("106729y", 13))
