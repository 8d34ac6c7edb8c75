"""Where each eHOKS shape keeps the units to be acquired (hankittavat tutkinnon osat).

* 2020 → today: ``hankittavat-ammat-tutkinnon-osat``, ``-yhteiset-``, ``-paikalliset-``,
  ``hankittavat-koulutuksen-osat`` (TUVA).
* 2019 (eHOKS API of spring 2019): the same units as missing competence,
  ``puuttuvat-ammatilliset-tutkinnon-osat``, ``puuttuvat-yhteiset-tutkinnon-osat`` (with
  ``osa-alueet``), ``puuttuvat-paikalliset-tutkinnon-osat``; the units themselves have the same
  fields (``tutkinnon-osa-koodi-uri``, ``osaamisen-hankkimistavat`` with ``alku``/``loppu``).

Any other ``puuttuva-``/``puuttuvat-`` key is a shape this adapter does not know: the document is
refused with the key's name rather than converted with units missing.
"""

from __future__ import annotations

import re

UNIT_GROUPS: dict[str, str] = {
    "hankittavat-ammat-tutkinnon-osat": "vocational",
    "hankittavat-yhteiset-tutkinnon-osat": "common",
    "hankittavat-paikalliset-tutkinnon-osat": "local",
    "hankittavat-koulutuksen-osat": "preparatory",
    "puuttuvat-ammatilliset-tutkinnon-osat": "vocational",
    "puuttuvat-yhteiset-tutkinnon-osat": "common",
    "puuttuvat-paikalliset-tutkinnon-osat": "local",
}
OLD_SHAPE_KEY = re.compile(r"^puuttuvat?-[a-z-]{1,60}$")


def unknown_shape_keys(doc: dict) -> list[str]:
    """Keys of an older shape that this adapter cannot map (only plain kebab-case keys are named)."""
    return sorted(k for k in doc if isinstance(k, str) and OLD_SHAPE_KEY.match(k) and k not in UNIT_GROUPS)

