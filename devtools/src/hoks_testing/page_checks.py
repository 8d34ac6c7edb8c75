"""What a finished staff page must hold to, checked in a real browser: it fits the window without
sideways scrolling, shows no untranslated key or raw code, and has no serious accessibility
violation (axe-core's rules, from the npm registry, run inside the page)."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

#: axe-core, pinned in ``tests/a11y/package.json`` and installed by npm (``./dev setup`` or on first use).
A11Y_DIR = Path(__file__).resolve().parents[3] / "tests" / "a11y"
AXE_JS = A11Y_DIR / "node_modules" / "axe-core" / "axe.min.js"
SERIOUS = ("serious", "critical")

#: Visible text that is a code or a key rather than words: ``theme.referral-follow-up``,
#: ``study-skills``, ``round-window-passed``, ``unit-tech``. Hyphenated Finnish words
#: ("Sosiaali- ja terveysala", "HOKS-seuranta") have a capital letter or a space after the hyphen.
KEY_PATTERN = re.compile(r"(?<![\w@/.-])[a-z][a-z0-9_]*(?:\.[a-z0-9_]+(?:-[a-z0-9]+)*)+(?![\w/-])")
CODE_PATTERN = re.compile(r"(?<![\w@/.-])[a-z][a-z0-9]*(?:-[a-z0-9]+)+(?![\w/@-])")
#: Codes of one word that are no word of any of the three languages: study types, Koski states.
RAW_WORDS = re.compile(r"(?<![\w-])(?:pt|eat|lasna|valiaikaisestikeskeytynyt|katsotaaneronneeksi|mitatoity)(?![\w-])")
#: Text that may look like a code but is not one: e-mail-less URLs, file names, ISO days.
ALLOWED = re.compile(r"^(?:\d{4}-\d{2}-\d{2}|\d{4}-\d{4}|[\w.-]+\.(?:csv|xlsx|ics|json|html))$")


@lru_cache(maxsize=1)
def ensure_axe() -> Path:
    """axe-core's script, installed with ``npm ci`` from the committed lock file when it is missing
    (``./dev setup`` does the same). Without npm the check cannot run: that is an error, not a pass."""
    if AXE_JS.exists():
        return AXE_JS
    npm = shutil.which("npm")
    if npm is None:
        raise RuntimeError("the accessibility check needs axe-core: install npm (Debian package 'npm') "
                           f"or run `npm ci` in {A11Y_DIR}")
    cache = os.environ.get("HOKS_CACHE_DIR", str(A11Y_DIR.parents[1] / ".cache"))
    subprocess.run([npm, "ci", "--no-audit", "--no-fund", "--silent", "--cache", f"{cache}/npm"],
                   cwd=A11Y_DIR, check=True, timeout=300)
    return AXE_JS


def translated_words(*catalogs: Any) -> frozenset[str]:
    """Code-like words that translations themselves use ("opinto-ohjaaja", "follow-up"): words, not codes."""
    words: set[str] = set()
    for catalog in catalogs:
        for labels in catalog.values():
            for label in labels.values():
                words.update(m.group(0) for m in CODE_PATTERN.finditer(label))
    return frozenset(words)


def raw_codes(text: str, words: frozenset[str] = frozenset()) -> list[str]:
    """Words of ``text`` that look like untranslated keys or codes (``words`` are known words)."""
    found = []
    for pattern in (KEY_PATTERN, CODE_PATTERN, RAW_WORDS):
        for match in pattern.finditer(text):
            word = match.group(0)
            if not ALLOWED.match(word) and word not in words:
                found.append(word)
    return sorted(set(found))


@dataclass
class PageFindings:
    url: str
    overflow_px: int = 0
    culprits: list[str] = field(default_factory=list)
    codes: list[str] = field(default_factory=list)
    violations: list[str] = field(default_factory=list)

    def problems(self) -> list[str]:
        out = []
        if self.overflow_px > 0:
            out.append(f"{self.url}: scrolls sideways by {self.overflow_px} px ({', '.join(self.culprits)})")
        if self.codes:
            out.append(f"{self.url}: raw codes or keys shown: {', '.join(self.codes[:12])}")
        out += [f"{self.url}: {v}" for v in self.violations]
        return out


#: The page's visible text, including labels of buttons and options (not scripts or hidden parts).
_VISIBLE_TEXT = """() => {
  const parts = [document.title];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  while (walker.nextNode()) {
    const node = walker.currentNode, el = node.parentElement;
    if (!el || el.closest('script,style,template,[hidden],[aria-hidden="true"]')) continue;
    if (el.closest('option') || el.getClientRects().length) parts.push(node.textContent);
  }
  for (const el of document.querySelectorAll('[title],[aria-label],[placeholder]'))
    parts.push(el.getAttribute('title') || '', el.getAttribute('aria-label') || '', el.getAttribute('placeholder') || '');
  return parts.join('\\n');
}"""

_OVERFLOW = "() => document.documentElement.scrollWidth - document.documentElement.clientWidth"

#: After a Tab press: the focused element and whether a focus indicator is drawn around it.
_FOCUS = """() => {
  const el = document.activeElement;
  if (!el || el === document.body) return {what: 'nothing', shown: false};
  const style = getComputedStyle(el);
  const shown = (style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) > 0) || style.boxShadow !== 'none';
  return {what: el.tagName.toLowerCase() + (el.id ? '#' + el.id : '') + ' ' + (el.textContent || '').trim().slice(0, 30),
          shown};
}"""

#: The elements that stick out at the right (outside any scrolling box): what makes the page scroll.
_CULPRITS = """() => {
  const limit = document.documentElement.clientWidth + 1, out = [];
  const name = el => el.tagName.toLowerCase() + (el.id ? '#' + el.id : '') +
    (typeof el.className === 'string' && el.className ? '.' + el.className.trim().split(/\\s+/).join('.') : '');
  const walk = el => {
    for (const child of el.children) {
      const o = getComputedStyle(child).overflowX;
      if (child.getBoundingClientRect().right > limit) {
        const inner = [...child.children].some(c => c.getBoundingClientRect().right > limit);
        if (o !== 'visible' || !inner) out.push(name(child) + ' right=' + Math.round(child.getBoundingClientRect().right));
        else walk(child);
      } else if (o === 'visible') walk(child);
      if (out.length >= 4) return;
    }
  };
  walk(document.body);
  return out;
}"""

#: 200 % zoom of a 1366×768 screen: the same page laid out in half the CSS pixels.
ZOOMED = {"width": 683, "height": 384}


async def check_page(page: Any, url: str, words: frozenset[str] = frozenset()) -> PageFindings:
    """Run the three checks on the page that is open in ``page``."""
    findings = PageFindings(url)
    findings.overflow_px = int(await page.evaluate(_OVERFLOW))
    if findings.overflow_px > 0:
        findings.culprits = await page.evaluate(_CULPRITS)
    findings.codes = raw_codes(await page.evaluate(_VISIBLE_TEXT), words)
    if not await page.evaluate("() => typeof window.axe !== 'undefined'"):
        # evaluated through the DevTools protocol: the pages' CSP (nonces) would refuse a script tag
        await page.evaluate(ensure_axe().read_text(encoding="utf-8") + "\n;undefined")
    result = await page.evaluate("""async () => {
      const r = await axe.run(document, {resultTypes: ['violations']});
      return r.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,
                                     nodes: v.nodes.slice(0, 3).map(n => n.target.join(' '))}));
    }""")
    findings.violations = [f"{v['impact']} {v['id']} ({v['help']}): {'; '.join(v['nodes'])}"
                           for v in result if v["impact"] in SERIOUS]
    return findings


async def check_zoom_and_keyboard(page: Any, url: str, tabs: int = 4, screenshot: Any = None) -> list[str]:
    """At 200 % zoom the page still does not scroll sideways, and the first ``tabs`` Tab presses
    each land on an element with a visible focus indicator. The viewport is restored afterwards."""
    problems = []
    before = page.viewport_size
    await page.set_viewport_size(ZOOMED)
    try:
        overflow = int(await page.evaluate(_OVERFLOW))
        if screenshot is not None:
            await page.screenshot(path=str(screenshot))
        if overflow > 0:
            culprits = ", ".join(await page.evaluate(_CULPRITS))
            problems.append(f"{url}: scrolls sideways by {overflow} px at 200 % zoom ({culprits})")
    finally:
        await page.set_viewport_size(before)
    await page.evaluate("() => { document.activeElement && document.activeElement.blur(); window.focus(); }")
    for _ in range(tabs):
        await page.keyboard.press("Tab")
        focus = await page.evaluate(_FOCUS)
        if not focus["shown"]:
            problems.append(f"{url}: keyboard focus not visible on {focus['what']}")
    return problems
