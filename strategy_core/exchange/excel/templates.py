"""The templates of the method as the workbook writes them: which sheets there are and, per sheet,
its columns — key, header, number format, allowed words (the drop-downs), status colouring. The
export writes these columns and the import recognises them, in zh or en."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, Iterable

from strategy_core.plan import bsc, okr, onion
from strategy_core.routines import review, risk
from strategy_core.track import measure

SHEETS = ("onion", "okr", "scorecard", "weekly", "daily", "review", "risk", "board")
IMPORTABLE = SHEETS[:-1]     # the board is measured, not typed: an import skips it


@dataclass(frozen=True)
class Col:
    """One column of a template: its key, header, kind of value (number format), allowed words and whether its cell is
    coloured by status; the export writes it and the import recognises it."""
    key: str
    label: str                          # catalog key of the header
    kind: str = "text"                  # text | long | money | gap | number | pct | pct100 | date | datetime | int | id
    choices: tuple[str, ...] = ()       # catalog keys of the allowed words (a drop-down)
    words: Callable[[str], list[str]] | None = None   # allowed words not in the catalog (e.g. ≥ ≤)
    status: bool = False                # colour the cell by its word


def _keys(prefix: str, values: Iterable[str]) -> tuple[str, ...]:
    return tuple(prefix + v for v in values)


LEVEL = _keys("okr.level.", okr.LEVELS)
PERSPECTIVE = _keys("bsc.perspective.", bsc.PERSPECTIVES)
FREQUENCY = _keys("bsc.frequency.", bsc.FREQUENCIES)
DIRECTION = _keys("okr.direction.", okr.DIRECTIONS)
KR_STATUS = _keys("status.", (measure.ON_TRACK, measure.AT_RISK, measure.OFF_TRACK, measure.NO_DATA,
                              measure.OUTDATED))
IND_STATUS = _keys("status.", (measure.GREEN, measure.YELLOW, measure.RED, measure.NO_DATA, measure.OUTDATED))
RISK_LEVEL = _keys("risk.level.", risk.LEVELS)
YES_NO = ("xl.yes", "xl.no")
COMMITTED = ("okr.committed.yes", "okr.committed.no")
REVIEW_KIND = _keys("review.kind.", review.KINDS)
ADJ_STATUS = _keys("review.status.", review.ADJUSTMENT_STATUSES)
ONION_KIND = _keys("onion.kind.", onion.KINDS)
ONION_LAYER = _keys("onion.layer.", onion.LAYERS)
ENTRY_KIND = ("xl.entry.finding", "xl.entry.adjustment")
BOARD_KIND = ("xl.kind.key_result", "xl.kind.indicator")
SUBJECT_KIND = ("xl.kind.key_result", "xl.kind.indicator")
_SYMBOLS = lambda lang: [bsc.COMPARATOR_SYMBOL[c] for c in bsc.COMPARATORS]  # noqa: E731
_LABELS = lambda lang: list(risk.LABELS)  # noqa: E731

COLUMNS: dict[str, tuple[Col, ...]] = {
    "onion": (
        Col("layer", "onion.col.layer", choices=ONION_LAYER),
        Col("name", "field.name"),
        Col("kind", "field.kind", choices=ONION_KIND),
        Col("share", "xl.col.share", "pct100"),
        Col("units", "field.units", "number"),
        Col("unit_price", "xl.col.unit_price", "money"),
        Col("value", "xl.col.monthly", "money"),
        Col("annual", "xl.col.annual", "money"),
        Col("daily", "onion.col.daily", "money"),
        Col("planned", "onion.col.planned", "money"),
        Col("children_total", "xl.col.children_total", "money"),
        Col("gap", "xl.col.gap", "gap"),
        Col("check", "xl.col.check", "long"),
        Col("key_result", "field.key_result_id", "long"),
        Col("note", "field.note", "long"),
        Col("id", "xl.col.id", "id"),
        Col("parent", "xl.col.parent", "id"),
    ),
    "okr": (
        Col("level", "field.level", choices=LEVEL),
        Col("title", "field.title", "long"),
        Col("o_owner", "xl.col.objective_owner"),
        Col("o_team", "xl.col.objective_team"),
        Col("period_start", "field.period_start", "date"),
        Col("period_end", "field.period_end", "date"),
        Col("aligns_to", "field.aligns_to", "long"),
        Col("perspective", "field.perspective", choices=PERSPECTIVE),
        Col("statement", "field.statement", "long"),
        Col("metric", "field.metric"),
        Col("unit", "field.unit"),
        Col("baseline", "field.baseline", "number"),
        Col("target", "field.target", "number"),
        Col("direction", "field.direction", choices=DIRECTION),
        Col("band_low", "field.band_low", "number"),
        Col("band_high", "field.band_high", "number"),
        Col("deadline", "field.deadline", "date"),
        Col("owner", "field.owner"),
        Col("team", "field.team"),
        Col("decomposition_logic", "field.decomposition_logic", "long"),
        Col("data_support", "field.data_support", "long"),
        Col("execution_steps", "field.execution_steps", "long"),
        Col("data_source", "field.data_source", "long"),
        Col("alert_value", "field.alert_value", "number"),
        Col("resources_money", "xl.col.resources_money", "long"),
        Col("resources_people", "xl.col.resources_people", "long"),
        Col("resources_things", "xl.col.resources_things", "long"),
        Col("risk_plan", "field.risk_plan", "long"),
        Col("committed", "field.committed", choices=COMMITTED),
        Col("weight", "field.weight", "number"),
        Col("check", "xl.col.quality", "long"),
        Col("o_id", "xl.col.objective_id", "id"),
        Col("kr_id", "xl.col.kr_id", "id"),
    ),
    "scorecard": (
        Col("perspective", "field.perspective", choices=PERSPECTIVE),
        Col("name", "field.name", "long"),
        Col("unit", "field.unit"),
        Col("comparator", "field.comparator", words=_SYMBOLS),
        Col("target", "field.target", "number"),
        Col("band", "field.band", "number"),
        Col("frequency", "field.frequency", choices=FREQUENCY),
        Col("owner", "field.owner"),
        Col("data_source", "xl.col.indicator_source", "long"),
        Col("krs", "bsc.col.krs", "long"),
        Col("latest", "bsc.col.latest", "number"),
        Col("latest_date", "xl.col.latest_date", "date"),
        Col("status", "common.status", choices=IND_STATUS, status=True),
        Col("id", "xl.col.id", "id"),
    ),
    "weekly": (
        Col("person", "field.person"),
        Col("week_start", "field.week_start", "date"),
        Col("confidence", "field.confidence", "int"),
        Col("last_week_result", "field.last_week_result", "long"),
        Col("help_needed", "field.help_needed", "long"),
        Col("item", "field.item_text", "long"),
        Col("key_result", "xl.col.item_kr", "long"),
        Col("kr_value", "field.kr_value", "number"),
        Col("done", "weekly.col.done", choices=YES_NO),
        Col("plan_id", "xl.col.plan_id", "id"),
        Col("item_id", "xl.col.item_id", "id"),
    ),
    "daily": (
        Col("day", "field.day", "date"),
        Col("owner", "field.owner"),
        Col("submitted_at", "xl.col.submitted_at", "datetime"),
        Col("note", "xl.col.report_note", "long"),
        Col("indicator", "daily.col.indicator", "long"),
        Col("perspective", "field.perspective", choices=PERSPECTIVE),
        Col("unit", "field.unit"),
        Col("comparator", "field.comparator", words=_SYMBOLS),
        Col("target", "field.target", "number"),
        Col("value", "field.value", "number"),
        Col("status", "common.status", choices=IND_STATUS, status=True),
        Col("comment", "field.comment", "long"),
        Col("report_id", "xl.col.report_id", "id"),
        Col("reading_id", "xl.col.reading_id", "id"),
    ),
    "review": (
        Col("kind", "field.review_kind", choices=REVIEW_KIND),
        Col("period_start", "field.period_start", "date"),
        Col("period_end", "field.period_end", "date"),
        Col("held_on", "field.held_on", "date"),
        Col("attendees", "field.attendees", "long"),
        Col("summary", "field.review_summary", "long"),
        Col("entry", "xl.col.entry", choices=ENTRY_KIND),
        Col("subject_kind", "board.col.kind", choices=SUBJECT_KIND),
        Col("subject", "review.col.subject", "long"),
        Col("planned", "xl.col.planned", "number"),
        Col("actual", "xl.col.actual", "number"),
        Col("gap", "review.col.gap", "pct"),
        Col("cause", "field.cause", "long"),
        Col("what", "field.what", "long"),
        Col("owner", "field.owner"),
        Col("due", "field.due", "date"),
        Col("adj_status", "field.adjustment_status", choices=ADJ_STATUS, status=True),
        Col("response", "field.response", "long"),
        Col("gap_closed", "review.col.gap_closed", choices=YES_NO),
        Col("review_id", "xl.col.review_id", "id"),
        Col("entry_id", "xl.col.entry_id", "id"),
    ),
    "risk": (
        Col("name", "field.name", "long"),
        Col("level", "xl.col.risk_level", choices=RISK_LEVEL, status=True),
        Col("top", "field.top", choices=YES_NO),
        Col("impact_share", "field.impact_share", "pct100"),
        Col("impact_money", "xl.col.impact_money", "money"),
        Col("impact_text", "field.impact_text", "long"),
        Col("trigger", "field.trigger", "long"),
        Col("trigger_comparator", "field.trigger_comparator", words=_SYMBOLS),
        Col("trigger_value", "field.trigger_value", "number"),
        Col("owner", "field.owner"),
        Col("label", "field.label", words=_LABELS),
        Col("strategy", "field.strategy", "long"),
        Col("cost", "field.cost", "money"),
        Col("expected_result", "field.expected_result", "number"),
        Col("expected_unit", "field.expected_unit"),
        Col("channel", "field.channel", "long"),
        Col("risk_id", "xl.col.risk_id", "id"),
        Col("plan_id", "xl.col.risk_plan_id", "id"),
    ),
    "board": (
        Col("kind", "board.col.kind", choices=BOARD_KIND),
        Col("name", "board.col.name", "long"),
        Col("owner", "field.owner"),
        Col("unit", "field.unit"),
        Col("target", "xl.col.target_text"),
        Col("latest", "bsc.col.latest", "number"),
        Col("latest_date", "xl.col.latest_date", "date"),
        Col("progress", "board.col.progress", "pct"),
        Col("expected", "board.col.expected", "pct"),
        Col("status", "common.status", choices=KR_STATUS + IND_STATUS[:3], status=True),
        Col("forecast", "board.col.forecast", "number"),
        Col("alert", "xl.col.alert", choices=YES_NO),
    ),
}
assert tuple(COLUMNS) == SHEETS
