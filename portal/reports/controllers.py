"""Partnership reports: the page (a GET form: its parameters hold no personal
data) and each figure as CSV. Registered at the top level, not in the families
router, because analysts have no area role: these handlers guard themselves
(no report role: 403; an area the user may not read: 404)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any
from urllib.parse import urlencode

from litestar import Request, Response, get
from litestar.exceptions import NotFoundException, PermissionDeniedException
from litestar.params import FromPath
from litestar.response import Template

from portal.areas import AreaDescription, Measure, ReportQuery
from portal.audit import service as audit
from portal.kernel.forms import Form
from portal.plugins import enabled_areas
from portal.reports import chart
from portal.reports.csv import csv_of
from portal.reports.service import default_period, readable_areas, report
from portal.web.handlers import user_of

RESULTS_ID = "report"


@dataclass(frozen=True)
class Shown:
    """A measure with its drawing and summary, for the template."""

    measure: Measure
    chart: chart.BarChart
    summary: str
    values: tuple[str, ...]  # each row's value as read, the same in the CSV


def _readable(request: Request[Any, Any, Any]) -> list[AreaDescription]:
    areas = readable_areas(user_of(request), enabled_areas(request.app.state.plugin_manager))
    if not areas:
        raise PermissionDeniedException("Your role does not give access to reports")
    return areas


def parse(
    request: Request[Any, Any, Any], areas: list[AreaDescription], today: date
) -> tuple[Form, ReportQuery | None, AreaDescription]:
    """The filters from the query string, defaulting to the last 3 months of
    the user's first area. An area the user may not read is a 404."""
    params = request.query_params
    form = Form({key: params.get(key) for key in params})
    by_slug = {a.slug: a for a in areas}
    slug = form.get("area") or areas[0].slug
    if slug not in by_slug:
        raise NotFoundException()
    area = by_slug[slug]
    form.values["area"] = slug
    dates = [f"{n}-{p}" for n in ("start", "end") for p in ("day", "month", "year")]
    if not any(form.get(field) for field in dates) and "start-day" not in params:
        first, last = default_period(today)
        form.set_date("start", first)
        form.set_date("end", last)
    start = form.date("start", "a start date", when="any")
    end = form.date("end", "an end date", when="any")
    if start and end and end < start:
        form.error("end", "The end date must be the same as or after the start date", "end-day")
    locality = form.get("locality")
    if locality and locality not in {loc.slug for loc in area.localities}:
        form.error("locality", f"Select a locality in {area.name}, or all localities")
    if not form.ok or start is None or end is None:
        return form, None, area
    return form, ReportQuery(area=slug, start=start, end=end, locality=locality), area


def filters_query(query: ReportQuery) -> str:
    """The effective filters as a query string, so a CSV link gives the page's figures."""
    values: dict[str, str | int] = {"area": query.area, "locality": query.locality}
    for name, day in (("start", query.start), ("end", query.end)):
        values.update(
            {f"{name}-day": day.day, f"{name}-month": day.month, f"{name}-year": day.year}
        )
    return urlencode(values)


def shown(measure: Measure) -> Shown:
    return Shown(
        measure=measure,
        chart=chart.bar_chart(measure),
        summary=chart.summary(measure),
        values=tuple(chart.value_text(measure, row) for row in measure.rows),
    )


async def _audit(
    request: Request[Any, Any, Any], action: str, query: ReportQuery, **kw: Any
) -> None:
    await audit.record(
        action,
        "success",
        actor=user_of(request),
        record_type="report",
        record_id=query.area,
        page=request.url.path,
        area=query.area,
        locality=query.locality,
        start=query.start.isoformat(),
        end=query.end.isoformat(),
        **kw,
    )


@get("/reports", name="reports")
async def reports_page(request: Request[Any, Any, Any]) -> Template:
    areas = _readable(request)
    form, query, area = parse(request, areas, date.today())
    measures: list[Shown] = []
    if query is not None:
        measures = [shown(m) for m in await report(request.app.state.plugin_manager, query, area)]
        await _audit(request, "report_view", query)
    context = {
        "form": form,
        "query": query,
        "area": area,
        "areas": areas,
        "measures": measures,
        "csv_query": filters_query(query) if query else "",
        "locality_name": {loc.slug: loc.name for loc in area.localities}.get(
            query.locality if query else "", ""
        ),
        "results_id": RESULTS_ID,
    }
    if request.headers.get("hx-target") == RESULTS_ID:
        return Template("reports/_report.html", context=context)
    return Template("reports/index.html", context=context)


@get("/reports/{filename:str}", name="report_csv")
async def report_csv(request: Request[Any, Any, Any], filename: FromPath[str]) -> Response[bytes]:
    """One figure (``<key>.csv``) or the whole report (``report.csv``) with the page's filters."""
    if not filename.endswith(".csv"):
        raise NotFoundException()
    key = filename.removesuffix(".csv")
    areas = _readable(request)
    _, query, area = parse(request, areas, date.today())
    if query is None:
        raise NotFoundException()
    measures = await report(request.app.state.plugin_manager, query, area)
    if key != "report":
        measures = [m for m in measures if m.key == key]
        if not measures:
            raise NotFoundException()
    await _audit(request, "report_export", query, measure=key)
    name = f"{area.slug}-{key}-{query.start.isoformat()}-to-{query.end.isoformat()}.csv"
    return Response(
        csv_of(area, query, measures).encode("utf-8-sig"),
        media_type="text/csv",  # Litestar adds "; charset=utf-8" to text/ types
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )


HANDLERS: list[Any] = [reports_page, report_csv]
