"""lmsrx report and lmsrx compare: a self-contained page whose every number is the options JSON's."""
import html
import json
import re
import shutil
import subprocess
from html.parser import HTMLParser

import pytest

VOID = {"meta", "br", "hr", "img", "input", "link", "rect", "line", "path", "col", "source", "wbr"}
PATIENT = ("--line", "2", "--histology", "uterine", "--prior", "doxorubicin", "--condition", "cardiac")


class Checker(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.stack, self.errors, self.ids, self.hrefs, self.tags = [], [], set(), [], []

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        self.tags.append(tag)
        if "id" in a:
            self.ids.add(a["id"])
        if tag == "a":
            self.hrefs.append(a.get("href", ""))
        if tag not in VOID:
            self.stack.append(tag)

    def handle_startendtag(self, tag, attrs):
        self.tags.append(tag)

    def handle_endtag(self, tag):
        if tag in VOID:
            return
        if not self.stack or self.stack[-1] != tag:
            self.errors.append(f"</{tag}> closes {self.stack[-1:] or 'nothing'}")
        else:
            self.stack.pop()


def page(run, tmp_path, *extra):
    out = tmp_path / "board.html"
    r = run("report", *PATIENT, *extra, "-o", str(out))
    assert r.exit_code == 0, r.stderr
    return out.read_text(encoding="utf-8")


def test_the_page_parses_and_is_self_contained(run, tmp_path):
    text = page(run, tmp_path)
    checker = Checker()
    checker.feed(text)
    checker.close()
    assert checker.errors == [] and checker.stack == [], (checker.errors, checker.stack)
    assert "<title>" in text and "@media print" in text and "<th scope=" in text
    assert not re.search(r'<(script|link|img|iframe)\b', text) and "src=" not in text  # nothing loaded from anywhere
    assert "role=\"img\"" in text and "<desc " in text  # charts have a text alternative


def test_every_candidate_and_every_number_is_the_options_json(run, tmp_path):
    text = html.unescape(page(run, tmp_path))
    data = json.loads(run("options", *PATIENT, "--json").stdout)
    from lmsrx.clinical import figures

    for c in data["candidates"]:
        assert f'id="opt-{c["id"]}"' in text and c["name"] in text
        for e in c["evidence"]:
            for f in e["endpoints"]:
                assert figures.text(f) in text, figures.text(f)
    for x in data["excluded"]:
        assert x["name"] in text


def test_references_are_numbered_without_gaps_and_resolve(run, tmp_path):
    text = page(run, tmp_path)
    numbers = [int(n) for n in re.findall(r'<li id="ref-(\d+)">', text)]
    assert numbers == list(range(1, len(numbers) + 1)) and numbers
    cited = {int(n) for n in re.findall(r'href="#ref-(\d+)"', text)}
    assert cited and cited <= set(numbers)
    assert "https://pubmed.ncbi.nlm.nih.gov/22595799/" in text  # PALETTE's PMID as a link


def test_footer_and_markdown_hold_the_same_content(run, tmp_path, monkeypatch, kb):
    monkeypatch.setenv("LMSRX_REPORT_DATE", "2026-11-29")
    text = page(run, tmp_path)
    assert kb.meta.version in text and kb.sha256 in text and "generated 2026-11-29" in text
    md = run("report", *PATIENT, "--format", "markdown").stdout
    data = json.loads(run("options", *PATIENT, "--json").stdout)
    for c in data["candidates"]:
        assert f"\\[{c['id']}\\]" in md  # brackets escaped in Markdown
    assert "## LMS tumour board" in md and "### References" in md


def test_a_hostile_overlay_cannot_inject_markup(run, tmp_path):
    evil = "<script>alert(1)</script><img src=x onerror=alert(2)>"
    overlay = tmp_path / "evil.yaml"
    overlay.write_text(f"""\
references:
  evil-ref: {{kind: article, verified: partial, title: '{evil}'}}
regimens:
  evil-reg:
    name: '{evil}'
    drugs: [doxorubicin]
    family: other
    settings: [metastatic]
    recommendation: option
    summary: '{evil}'
    schedule: {{not_on_record: '{evil}', cite: [evil-ref]}}
    criteria:
      - {{test: setting, values: [metastatic], why: '{evil}'}}
    cautions:
      - {{when: always, text: '{evil}', cite: [evil-ref]}}
    evidence: [anthracycline-first-line]
    cite: [evil-ref]
""", encoding="utf-8")
    out = tmp_path / "b.html"
    r = run("--kb", str(overlay), "report", "--line", "1", "-o", str(out))
    assert r.exit_code == 0, r.stderr
    text = out.read_text(encoding="utf-8")
    assert "<script" not in text and "<img" not in text and "&lt;script&gt;" in text


def test_report_needs_nothing_eligible_for_exit_1(run):
    r = run("report", "--setting", "adjuvant", "--grade", "low", "--size", "2")
    assert r.exit_code == 1 and "## LMS tumour board" in r.stdout


@pytest.mark.skipif(not (shutil.which("chromium") or shutil.which("chromium-browser")),
                    reason="headless Chromium is not installed (apt-get install chromium) so no screenshot is taken")
def test_the_page_renders_in_headless_chromium(run, tmp_path):
    text = page(run, tmp_path)
    path = tmp_path / "board.html"
    shot = tmp_path / "board.png"
    browser = shutil.which("chromium") or shutil.which("chromium-browser")
    subprocess.run([browser, "--headless", "--no-sandbox", "--disable-gpu", "--window-size=1100,1600",
                    f"--screenshot={shot}", path.as_uri()], capture_output=True, timeout=120)
    assert text and shot.exists() and shot.stat().st_size > 10_000


CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")


@pytest.mark.skipif(not CHROMIUM, reason="headless Chromium is not installed (apt-get install chromium): no phone screenshot")
def test_the_page_fits_a_phone(run, tmp_path):
    page(run, tmp_path)
    shot = tmp_path / "phone.png"
    subprocess.run([CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--window-size=390,844",
                    f"--screenshot={shot}", (tmp_path / "board.html").as_uri()], capture_output=True, timeout=120)
    assert shot.exists() and shot.stat().st_size > 5_000


@pytest.mark.skipif(not CHROMIUM, reason="headless Chromium is not installed (apt-get install chromium): no PDF is printed")
def test_the_printed_page_count(run, tmp_path):
    page(run, tmp_path)
    pdf = tmp_path / "board.pdf"
    subprocess.run([CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", f"--print-to-pdf={pdf}",
                    (tmp_path / "board.html").as_uri()], capture_output=True, timeout=120)
    pages = pdf.read_bytes().count(b"/Type /Page") - pdf.read_bytes().count(b"/Type /Pages")
    assert 1 <= pages <= 20, pages


def test_charts_scale_and_nothing_is_printed_twice(run, tmp_path):
    text = page(run, tmp_path)
    assert 'viewBox="0 0 360 ' in text and "max-width: 100%" in text and "font-size: 14px" in text
    assert re.search(r"\[([^\]]+)\]\s*<span class=\"tag\">\[\1\]", text) is None  # no doubled label
    refs = re.findall(r'<li id="ref-\d+">(.*?)</li>', text, re.S)
    assert refs and all(r.count("22595799") <= 2 for r in refs)  # the PMID once, in its link (text and href)
    assert all("PMID: " not in r for r in refs if "pubmed" in r)


# ------------------------------------------------------------------ compare
def test_compare_regimens_aligns_end_points(run):
    data = json.loads(run("compare", "trabectedin", "pazopanib", "eribulin", "--json").stdout)
    assert data["kind"] == "regimens" and data["ids"] == ["trabectedin", "pazopanib", "eribulin"]
    rows = {r["field"]: r for r in data["rows"]}
    assert "4.2 vs dacarbazine 1.5 months" in rows["median PFS"]["trabectedin"]
    assert "4.6 vs placebo 1.6 months" in rows["median PFS"]["pazopanib"]
    assert rows["strength for LMS"]["eribulin"] == "other"
    assert "Trabectedin 1.5 mg/m2 day 1; every 21 days" in rows["schedule"]["trabectedin"]


def test_compare_drugs_trials_and_refusals(run, tmp_path):
    drugs = json.loads(run("compare", "doxil", "doxorubicin", "--json").stdout)
    assert drugs["kind"] == "drugs" and drugs["ids"] == ["pegylated-liposomal-doxorubicin", "doxorubicin"]
    trials = json.loads(run("compare", "palette", "trabectedin-vs-dacarbazine", "--json").stdout)
    assert trials["kind"] == "trials"
    mix = run("compare", "palette", "pazopanib")  # a trial and a drug (or regimen): a mix
    assert mix.exit_code == 2 and "not a mix" in mix.stderr
    assert run("compare", "trabectedin").exit_code == 2
    assert "did you mean" in run("compare", "trabectedn", "pazopanib").stderr
    out = tmp_path / "c.html"
    assert run("compare", "trabectedin", "pazopanib", "--format", "html", "-o", str(out)).exit_code == 0
    checker = Checker()
    checker.feed(out.read_text(encoding="utf-8"))
    assert checker.errors == [] and "<th scope=\"row\">median PFS</th>" in out.read_text(encoding="utf-8")
