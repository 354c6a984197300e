"""The report as HTML (the page and the PDF share one template set) and as a PDF (WeasyPrint).

WeasyPrint never reaches the network: the URL fetcher refuses every URL that is not a `data:` URL or
a file under the project's static folders. The stylesheet is read from disk and the charts are
inline SVG, so a report needs nothing else.
"""

from functools import cache
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

import weasyprint
from django.conf import settings
from django.contrib.staticfiles import finders
from django.template.loader import render_to_string
from django.utils.text import slugify
from weasyprint.urls import URLFetcher, URLFetcherResponse

from .builder import AuditReport
from .coverage import report_coverage
from .gc_passes import fewer_gc_passes
from .run.groupings import SCREENING
from .signoff import report_signoff

PDF_TEMPLATE = "reports/audit_report.html"
PAGE_TEMPLATE = "reports/audit_report_page.html"
STYLESHEET = "css/report.css"
CHART_SCHEME = "report-chart"
# Badge colour and icon of each audit status (glyphs present in DejaVu Sans, the PDF's font).
STATUS_BADGES = {
    "draft": ("secondary", "✎"),
    "in_review": ("primary", "◷"),
    "changes_requested": ("warning", "↺"),
    "approved": ("success", "✓"),
    "archived": ("dark", "▣"),
}


def report_filename(audit_id: int, title: str, extension: str, suffix: str = "") -> str:
    """`audit-12-income-model-fairness-audit.pdf`: the audit id and its title, ASCII only."""
    slug = slugify(title)[:60].strip("-") or "report"
    return f"audit-{audit_id}-{slug}{suffix}.{extension}"


# Chapters at most this many table rows long are short: they follow the previous chapter on its
# page instead of starting a new one (a page holding three lines reads as a mistake in print).
SHORT_CHAPTER_ROWS = 12


def report_outline(report: AuditReport) -> list[dict]:
    """The chapters and their sections, numbered, for the table of contents and the headings.

    Each chapter says whether it `flow`s on from the previous one in print rather than starting
    a page: the principle chapters (the summary and each principle end anywhere on their last
    page, and a fresh page for each left pages with one question, or the summary's last two
    lines, on them), the appendix, and any short chapter. The summary (after the contents) and a
    fairness analysis with runs start a page.
    """
    chapters: list[dict[str, Any]] = [_chapter("summary", "1", "Executive summary")]
    for index, principle in enumerate(report.principles, start=2):
        chapters.append(
            _chapter(f"principle-{principle.code}", str(index), principle.name, flow=True)
        )
    number = len(report.principles) + 2
    runs = [
        {
            "id": f"run-{run.id}",
            "number": f"{number}.{i}",
            "title": f"{run.name}: {run.dataset_name}",
        }
        for i, run in enumerate(report.succeeded_runs, start=1)
    ]
    chapters.append(
        _chapter("fairness", str(number), "Fairness analysis", children=runs, flow=not runs)
    )
    if report.comparison is not None:
        number += 1
        rows = len(report.comparison.questions) + len(report.comparison.principles)
        chapters.append(
            _chapter(
                "compare",
                str(number),
                "Compared with the earlier audit",
                flow=rows <= SHORT_CHAPTER_ROWS,
            )
        )
    review_rows = len(report.reviews) + len(report.actions)
    chapters.append(
        _chapter(
            "reviews",
            str(number + 1),
            "Review history and actions",
            flow=review_rows <= SHORT_CHAPTER_ROWS,
        )
    )
    # The appendix always runs over pages, so it starts right after the sign-off block: a page break
    # before it left the sign-off, or the last lines of the reviews, alone on a page.
    chapters.append(_chapter("appendix", "A", "Appendix: method and provenance", flow=True))
    return chapters


def _chapter(
    id: str, number: str, title: str, *, children: list | None = None, flow: bool = False
) -> dict[str, Any]:
    return {"id": id, "number": number, "title": title, "children": children or [], "flow": flow}


def report_context(report: AuditReport, *, for_print: bool) -> dict:
    """What the report templates need, besides `report` itself.

    For print, charts are referenced as `report-chart:` images served from memory by the URL
    fetcher (`chart_resources`): WeasyPrint then draws each SVG without running the HTML cascade
    over its thousands of elements. The page inlines the same SVG text.
    """
    outline = report_outline(report)
    numbers = {chapter["id"]: chapter["number"] for chapter in outline}
    resources: dict[str, bytes] = {}

    def chart(name: str, svg: str) -> str:
        if not (for_print and svg):
            return ""
        url = f"{CHART_SCHEME}:{name}.svg"
        resources[url] = svg.encode("utf-8")
        return url

    run_blocks = []
    for i, run in enumerate(report.succeeded_runs, start=1):
        number = f"{numbers['fairness']}.{i}"
        groupings = [
            {
                "section": section,
                "number": f"{number}.{j}",
                "chart_url": chart(f"run-{run.id}-{j}", section.chart_svg),
            }
            for j, section in enumerate(run.groupings, start=1)
        ]
        llm_charts = [
            {**c, "url": chart(f"run-{run.id}-llm-{c['key']}", c["svg"])}
            for c in (run.llm.charts if run.llm is not None else [])
        ]
        run_blocks.append(
            {"run": run, "number": number, "groupings": groupings, "llm_charts": llm_charts}
        )
    return {
        "report": report,
        "for_print": for_print,
        "outline": outline,
        "numbers": numbers,
        "flows": {chapter["id"] for chapter in outline if chapter["flow"]},
        "principle_numbers": [
            (principle, numbers[f"principle-{principle.code}"], f"principle-{principle.code}")
            for principle in report.principles
        ],
        "run_blocks": run_blocks,
        "other_runs": [run for run in report.runs if not run.succeeded],
        "screening": SCREENING,
        "json_snapshot": report.snapshot("json"),
        "signoff": report_signoff(report, for_print=for_print),
        "coverage": report_coverage(report),
        "radar_url": chart("radar", report.radar_svg),
        "status_badge": STATUS_BADGES.get(report.status, ("secondary", "•")),
        "chart_resources": resources,
    }


def render_report_html(report: AuditReport) -> str:
    """The standalone HTML document the PDF is made from (charts as `report-chart:` images)."""
    return render_to_string(PDF_TEMPLATE, report_context(report, for_print=True))


def render_report_pdf(report: AuditReport) -> bytes:
    """The report as PDF bytes (A4, running header, page numbers, contents, SVG charts)."""
    context = report_context(report, for_print=True)
    fetcher = LocalOnlyFetcher(resources=context["chart_resources"])
    with fewer_gc_passes():
        html = weasyprint.HTML(
            string=render_to_string(PDF_TEMPLATE, context),
            base_url=str(_static_root()),
            url_fetcher=fetcher,
        )
        return html.write_pdf(stylesheets=[_stylesheet()], pdf_identifier=_identifier(report))


def _identifier(report: AuditReport) -> bytes:
    # A stable document id (not random), so the same report gives the same identifier.
    return f"audit-{report.audit_id}".encode()


def _static_root() -> Path:
    return Path(settings.BASE_DIR) / "static"


def _stylesheet_path() -> Path:
    found = finders.find(STYLESHEET)
    return Path(found) if found else _static_root() / STYLESHEET


@cache
def _parsed_stylesheet(path: str, mtime: float) -> weasyprint.CSS:
    return weasyprint.CSS(filename=path, url_fetcher=LocalOnlyFetcher())


def _stylesheet():
    path = _stylesheet_path()
    return _parsed_stylesheet(str(path), path.stat().st_mtime)


def _allowed_roots() -> list[Path]:
    roots = [_static_root()]
    for entry in getattr(settings, "STATICFILES_DIRS", []):
        roots.append(Path(entry[1] if isinstance(entry, list | tuple) else entry))
    return [root.resolve() for root in roots]


class LocalOnlyFetcher(URLFetcher):
    """Serves the report's in-memory charts, `data:` URLs and files under the static folders;
    refuses everything else.

    A report holds user text (notes, evidence names, links); none of it may make the server
    fetch a URL (SSRF) or read a file outside the static folders.
    """

    def __init__(self, *args, resources: dict[str, bytes] | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self._resources = dict(resources or {})

    def fetch(self, url, headers=None):
        if url in self._resources:
            return URLFetcherResponse(
                url, self._resources[url], headers={"Content-Type": "image/svg+xml"}
            )
        scheme = urlsplit(url).scheme.lower()
        if scheme == "data":
            return super().fetch(url, headers)
        if scheme == "file":
            path = Path(unquote(urlsplit(url).path)).resolve()
            if any(path.is_relative_to(root) for root in _allowed_roots()) and path.is_file():
                return super().fetch(url, headers)
        raise ValueError(f"The report renderer fetches no external resource ({url[:80]}).")
