"""Run axe-core (vendored, tests/browser/vendor/axe-core) on the page a browser test shows.

Injected through the DevTools protocol, which the pages' strict Content-Security-Policy does not govern, so
the app's CSP stays as it is in production and nothing is fetched from outside the test environment.
"""

from pathlib import Path

AXE_VERSION = "4.14.1"
AXE = Path(__file__).resolve().parent / "vendor" / "axe-core" / "axe.min.js"
# What must not happen on any page; "moderate" and "minor" findings are reported by axe but not failed here.
FAILING = ("serious", "critical")


def axe_violations(page) -> list[str]:
    """Return the serious and critical violations on PAGE, each as "rule: impact, target, summary"."""
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.evaluate(AXE.read_text(encoding="utf-8") + "\n;true")
    assert page.evaluate("axe.version") == AXE_VERSION
    results = page.evaluate(
        "async () => (await axe.run(document, {resultTypes: ['violations']})).violations"
        ".map(v => ({id: v.id, impact: v.impact, nodes: v.nodes.map(n => [n.target.join(' '), n.failureSummary])}))"
    )
    found = []
    for violation in results:
        if violation["impact"] not in FAILING:
            continue
        for target, summary in violation["nodes"]:
            found.append(f"{violation['id']} ({violation['impact']}): {target}: {' '.join(summary.split())[:200]}")
    return found
