"""``hoks-sis convert`` as a user runs it, on a folder that mixes good and broken documents."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys

from sisfeed_samples import EHOKS, KOSKI, leaks, load

BROKEN = {
    "null.json": b"null",
    "truncated.json": b'{"oppija-oid": "1.2.246.562.24.44651722625", ',
    "deep.json": b"[" * 50_000 + b"]" * 50_000,
    "huge-number.json": b'{"opiskeluoikeudet": [], "henkil\xc3\xb6": {"oid": ' + b"9" * 5000 + b"}}",
    "hetu-as-oid.json": None,  # filled in below: eHOKS with a hetu typed into oppija-oid
    "laajuus-true.json": None,  # Koski with laajuus.arvo: true
    "windows-bom.json": None,  # a good Koski document exported with a byte-order mark
}


def _folder(tmp_path):
    folder = tmp_path / "export"
    folder.mkdir()
    for path in EHOKS + KOSKI:
        shutil.copy(path, folder / f"{path.parent.name}-{path.name}")
    hoks = load("ehoks/hoksit.json")
    hoks["oppija-oid"] = load("koski/ammatillinen-perustutkinto_2024-08-13.json")["henkilö"]["hetu"]
    koski = load("koski/ammatillinen-perustutkinto_2024-08-13.json")
    koski["opiskeluoikeudet"][0]["suoritukset"][0]["osasuoritukset"][0]["koulutusmoduuli"]["laajuus"]["arvo"] = True
    bom = load("koski/ammatillinen-lisatiedot_2024-07-26.json")
    bom["henkilö"]["oid"] = "1.2.246.562.24.10000000077"
    files = dict(BROKEN, **{"hetu-as-oid.json": json.dumps(hoks).encode(),
                            "laajuus-true.json": json.dumps(koski).encode(),
                            "windows-bom.json": b"\xef\xbb\xbf" + json.dumps(bom, ensure_ascii=False).encode()})
    for name, data in files.items():
        (folder / name).write_bytes(data)
    return folder


def _run(*args: str) -> subprocess.CompletedProcess:
    env = dict(os.environ, HOKS_PSEUDONYM_KEY="test-key")
    return subprocess.run([sys.executable, "-m", "hoks_sisfeed.cli", "convert", *args],
                          capture_output=True, text=True, env=env, timeout=120, check=False)


def test_every_good_document_is_written_and_the_exit_code_is_1(tmp_path):
    good = _run(*map(str, EHOKS + KOSKI), "--out", str(tmp_path / "good.jsonl"))
    assert good.returncode == 0, good.stderr
    expected = len((tmp_path / "good.jsonl").read_text().splitlines())

    run = _run(str(_folder(tmp_path)), "--out", str(tmp_path / "all.jsonl"))

    assert run.returncode == 1
    assert "Traceback" not in run.stderr
    written = (tmp_path / "all.jsonl").read_text().splitlines()
    assert len(written) == expected + 1  # + the study right of the document with a byte-order mark
    errors = [line for line in run.stderr.splitlines() if line.startswith("error: ")]
    named = sorted(line.split("/export/", 1)[1].split(":", 1)[0] for line in errors)
    assert named == ["deep.json", "hetu-as-oid.json", "huge-number.json", "laajuus-true.json", "null.json",
                     "truncated.json"]
    assert "laajuus-true.json: opiskeluoikeudet[0].suoritukset[0].osasuoritukset[0].koulutusmoduuli.laajuus.arvo:" \
        in run.stderr
    assert "21 documents: 15 converted (0 of them in part)" in run.stderr and "6 refused" in run.stderr
    assert leaks(written + [run.stderr]) == []
