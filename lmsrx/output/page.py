"""The self-contained HTML page of ``lmsrx report`` and ``lmsrx compare --format html``.

One file: inline CSS (screen and print: A4 or Letter, no cut tables or cards, a page break before each
section) and inline SVG charts drawn from the typed figures (no second source of numbers). No
network, no fonts, no scripts. Every text of the knowledge base and of the patient is escaped.
Accessible: real table headers, a ``<title>``, charts with a text alternative, colour never alone.
"""
from __future__ import annotations

from html import escape
from typing import Any

from lmsrx.clinical.figures import ORIGIN_TEXT

CSS = """
:root { --ink: #1a1a1a; --muted: #555; --line: #bbb; --own: #1f5f99; --other: #9a9a9a; --bad: #a11; --warn: #8a5a00; }
body { font-family: system-ui, -apple-system, "Segoe UI", Helvetica, Arial, sans-serif; color: var(--ink);
       max-width: 60rem; margin: 1.5rem auto; padding: 0 1rem; line-height: 1.4; font-size: 15px; }
h1 { font-size: 1.5rem; margin-bottom: .2rem; } h2 { font-size: 1.2rem; border-bottom: 2px solid var(--line); }
h3 { font-size: 1.05rem; margin: .2rem 0; }
table { border-collapse: collapse; width: 100%; margin: .4rem 0; }
th, td { border: 1px solid var(--line); padding: .25rem .45rem; text-align: left; vertical-align: top; }
th { background: #f1f1f1; }
.card { border: 1px solid var(--line); border-radius: 6px; padding: .6rem .8rem; margin: .8rem 0; }
.status { font-weight: bold; padding: 0 .35rem; border: 1px solid currentColor; border-radius: 3px; }
.eligible { color: #176117; } .conditional { color: var(--warn); } .excluded { color: var(--bad); }
.tag { font-size: .85em; color: var(--muted); } .newer { color: #1a4d8f; font-weight: bold; }
.refs { font-size: .85em; vertical-align: super; } .muted { color: var(--muted); }
figure { margin: .3rem 0 .6rem; } figcaption { font-size: .85em; color: var(--muted); }
svg { max-width: 100%; height: auto; } svg text { font-size: 14px; fill: var(--ink); }
footer { margin-top: 2rem; border-top: 1px solid var(--line); font-size: .85em; color: var(--muted); }
@media print {
  @page { size: A4; margin: 15mm; }
  @page letter { size: letter; }
  body { max-width: none; margin: 0; font-size: 10.5pt; }
  section { break-before: auto; } #options .card:first-child { break-before: avoid; }
  .card, table, figure, tr { break-inside: avoid; page-break-inside: avoid; }
  h2, h3 { break-after: avoid; page-break-after: avoid; }
  a { color: inherit; text-decoration: none; } a[href^="http"]::after { content: " <" attr(href) ">"; font-size: .8em; }
}
"""


def e(text: Any) -> str:
    return escape("" if text is None else str(text), quote=True)


def _refs(numbers: list[int]) -> str:
    if not numbers:
        return ""
    return '<span class="refs">[' + ", ".join(f'<a href="#ref-{n}">{n}</a>' for n in numbers) + "]</span>"


def _list(items: list[str]) -> str:
    return "<ul>" + "".join(f"<li>{e(x)}</li>" for x in items) + "</ul>" if items else '<p class="muted">none</p>'


def chart(fig: dict[str, Any], key: str) -> str:
    """Horizontal bars, one per arm, with CI whiskers where recorded; the option's own arm in blue and named;
    a source figure hatched and labelled. The figure's text is the chart's text alternative."""
    values = fig["values"]
    if fig["kind"] != "arms" or not values or fig["unit"] not in ("months", "percent", "years"):
        return ""
    top = max(max(v["value"], (v["ci"] or [0, 0])[1]) for v in values) or 1
    bar_w, row_h, view_w = 270, 40, 360  # each arm: its label on a line, its bar below (narrow enough for a phone)
    height = row_h * len(values) + 6
    unit = {"months": " mo", "percent": "%", "years": " y"}[fig["unit"]]
    hatch = fig["origin"] == "source"
    parts = [f'<svg role="img" aria-labelledby="{key}-t {key}-d" width="100%" style="max-width:{view_w * 4 // 3}px" '
             f'viewBox="0 0 {view_w} {height}" xmlns="http://www.w3.org/2000/svg">',
             f'<title id="{key}-t">{e(fig["name"])} [{e(ORIGIN_TEXT.get(fig["origin"], fig["origin"]))}]</title>',
             f'<desc id="{key}-d">{e(fig["text"])}</desc>',
             '<defs><pattern id="' + key + '-h" width="6" height="6" patternUnits="userSpaceOnUse" patternTransform="rotate(45)">'
             '<rect width="6" height="6" fill="white"/><line x1="0" y1="0" x2="0" y2="6" stroke="#555" stroke-width="3"/>'
             "</pattern></defs>"]
    for i, v in enumerate(values):
        y = 2 + i * row_h
        width = max(1.0, v["value"] / top * bar_w)
        colour = "var(--own)" if v["own"] else "var(--other)"
        fill = f"url(#{key}-h)" if hatch else colour
        label = (v["arm"] or "") + (" (this option)" if v["own"] else "")
        label = label if len(label) <= 44 else label[:43] + "…"
        parts.append(f'<text x="0" y="{y + 14}">{e(label)}</text>')
        bar_y = y + 19
        parts.append(f'<rect x="0" y="{bar_y}" width="{width:.1f}" height="14" fill="{fill}" '
                     f'stroke="{colour}" stroke-width="1.5"/>')
        if v["ci"]:
            lo, hi = (c / top * bar_w for c in v["ci"])
            mid = bar_y + 7
            parts.append(f'<path d="M{lo:.1f},{mid:.1f}H{hi:.1f}M{lo:.1f},{mid - 4:.1f}V{mid + 4:.1f}M{hi:.1f},{mid - 4:.1f}'
                         f'V{mid + 4:.1f}" stroke="var(--ink)" stroke-width="1.2" fill="none"/>')
        parts.append(f'<text x="{(width if not v["ci"] else bar_w) + 6:.1f}" y="{bar_y + 12}">{e(v["text"])}{e(unit)}</text>')
    parts.append("</svg>")
    caption = f'{e(fig["text"])}' + (" Hatched: the source's figure." if hatch else "")
    return f'<figure>{"".join(parts)}<figcaption>{caption}</figcaption></figure>'


def _card(c: dict[str, Any], index: int) -> str:
    status = f'<span class="status {e(c["status"])}">{e(c["status"].upper())}</span>'
    head = (f'<div class="card" id="opt-{e(c["id"])}"><h3>{status} {e(c["name"])} <span class="tag">{e(c["id"])}</span>'
            + (' <span class="newer">newer than the source</span>' if c["newer_than_source"] else "") + f'{_refs(c["refs"])}</h3>')
    body = [f'<p><b>Drugs:</b> {e(", ".join(c["drugs"]))}. <b>Recommendation:</b> {e(c["recommendation"])}. '
            f'<b>Evidence for LMS:</b> {e(c["strength"])}.'
            + (f' <b>Preferred by the source:</b> {e(c["preferred"])}.' if c["preferred"] else "") + "</p>"]
    if c["schedule"]:
        body.append("<p><b>Schedule:</b> " + "<br>".join(e(x) for x in c["schedule"]) + "</p>")
    body.append("<p><b>Why:</b></p>" + _list(c["why"]))
    if c["needs"]:
        body.append("<p><b>Still needed to decide:</b></p>" + _list(c["needs"]))
    for j, ev in enumerate(c["evidence"]):
        body.append(f'<p><b>{e(ev["head"])}</b>{_refs(ev["refs"])}</p>')  # the head carries its label once
        if not ev["tested_this_regimen"]:
            body.append(f'<p class="muted">{e(ev["summary"])} (did not test this regimen: its figures are not shown)</p>')
            continue
        if not ev["figures"]:
            body.append(f'<p class="muted">{e(ev["summary"])}</p>')
        for k, fig in enumerate(ev["figures"]):
            drawn = chart(fig, f"c{index}-{j}-{k}")
            body.append(drawn or f"<p>{e(fig['text'])}</p>")
    body.append("<p><b>Approval / guideline:</b></p>" + _list(c["approval"]))
    body.append("<p><b>Cautions:</b></p>" + _list(c["cautions"]))
    return head + "".join(body) + "</div>"


def _footer(f: dict[str, Any]) -> str:
    return (f'<footer><p>{e(f["notice"])}</p><p>Knowledge base {e(f["knowledge_version"])} (reviewed {e(f["review_date"])}; '
            f'sha256 {e(f["sha256"])}) · lmsrx {e(f["lmsrx_version"])} · generated {e(f["generated"])}</p></footer>')


def _document(title: str, body: str) -> str:
    return (f'<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8"><meta name="viewport" '
            f'content="width=device-width, initial-scale=1"><title>{e(title)}</title><style>{CSS}</style></head>'
            f"<body>{body}</body></html>\n")


def board(data: dict[str, Any]) -> str:
    p = data["patient"]
    g = data["glance"]
    out = [f'<header><h1>{e(data["title"])}</h1><p class="muted">{e(p["summary"])}</p></header>']
    rows = "".join(f'<tr><th scope="row">{e(k)}</th><td>{e(v)}</td></tr>' for k, v in p["given"].items())
    out.append('<section id="patient"><h2>The patient as understood</h2>'
               f'<table><caption class="muted">As given</caption><tbody>{rows}</tbody></table>'
               f'<p><b>Not given</b> (options that depend on it are conditional):</p>{_list(p["not_given"])}</section>')
    out.append('<section id="glance"><h2>At a glance</h2><table><thead><tr><th scope="col">Eligible</th>'
               '<th scope="col">Conditional (something still needed)</th><th scope="col">Excluded</th></tr></thead>'
               f'<tbody><tr><td>{g["eligible"]}</td><td>{g["conditional"]}</td><td>{g["excluded"]}</td></tr></tbody></table>'
               + _list([f'{c["status"].upper()}: {c["name"]}' + (f' (needs: {"; ".join(c["needs"])})' if c["needs"] else "")
                        for c in data["candidates"]]) + "</section>")
    out.append('<section id="options"><h2>Options</h2>'
               + "".join(_card(c, i) for i, c in enumerate(data["candidates"])) + "</section>")
    if data["discrepancies"]:
        rows = "".join(f'<tr><td>{e(d["about"])}</td><td>{e(d["topic"])}</td><td>{e(d["source_says"])}</td>'
                       f'<td>{e(d["record_says"])}{_refs(d["refs"])}</td></tr>' for d in data["discrepancies"])
        out.append('<section id="discrepancies"><h2>Where the source and the checked records differ</h2><table><thead><tr>'
                   '<th scope="col">About</th><th scope="col">Topic</th><th scope="col">The source says</th>'
                   f'<th scope="col">The checked record says</th></tr></thead><tbody>{rows}</tbody></table></section>')
    rows = "".join(f'<tr><td>{e(x["name"])} <span class="tag">{e(x["id"])}</span></td><td>{e("; ".join(x["reasons"]))}</td></tr>'
                   for x in data["excluded"])
    out.append('<section id="excluded"><h2>Excluded</h2><table><thead><tr><th scope="col">Option</th>'
               f'<th scope="col">Why not</th></tr></thead><tbody>{rows}</tbody></table></section>')
    refs = "".join(f'<li id="ref-{r["n"]}">{e(r["text"])} '
                   + " ".join(f'<a href="{e(link["url"])}">{e(link["label"])}</a>' for link in r["links"]) + "</li>"
                   for r in data["references"])
    out.append(f'<section id="references"><h2>References</h2><ol>{refs}</ol></section>')
    out.append(_footer(data["footer"]))
    return _document(data["title"], "".join(out))


def compare_page(data: dict[str, Any], footer: dict[str, Any]) -> str:
    ids = data["ids"]
    head = "".join(f'<th scope="col">{e(i)}</th>' for i in ids)
    rows = "".join(f'<tr><th scope="row">{e(r["field"])}</th>'
                   + "".join(f'<td>{e(r[i]).replace(chr(10), "<br>")}</td>' for i in ids) + "</tr>" for r in data["rows"])
    title = f"lmsrx compare: {' / '.join(ids)}"
    body = (f"<header><h1>{e(title)}</h1><p class='muted'>{e(data['kind'])} side by side</p></header>"
            f'<table><thead><tr><th scope="col">field</th>{head}</tr></thead><tbody>{rows}</tbody></table>' + _footer(footer))
    return _document(title, body)
