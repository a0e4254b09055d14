"""Export a workspace as an xlsx workbook: one sheet per template of the method (SPEC §2–6).

Sheets (keys in ``SHEETS``): onion (revenue decomposition with its consistency findings), okr
(the three-level table, every SPEC §3 field), scorecard (indicators with their latest status),
weekly (plans + items), daily (data reports + readings), review (minutes: findings +
adjustments), risk (risks + plans A/B/C) and board (every KR and indicator as of a date, with a
native bar chart of KR progress).

Each sheet: a title block (company, year, export date), a styled header row at ``HEADER_ROW``
(frozen below, repeated on every printed page), columns fitted to their content (CJK counted
double), number formats (money in the workspace currency, %, dates), drop-downs for fixed
choices, status colours by conditional formatting beside the status word, landscape print set
to fit the width.

Safety (DESIGN §3 "Excel"): only values are written, never formulas. Text is cleaned of control
characters; text that a spreadsheet would read as a formula (= + - @, a leading tab or CR) is
stored as a string with the quote prefix. Text longer than a cell can hold (``CELL_MAX``) is
refused with ``ExportError`` naming the sheet, row and column — never cut.
"""
from __future__ import annotations

import datetime as dt
import io
import math
import re
import unicodedata
from functools import lru_cache
from typing import Any, Iterable

import xlsxwriter

from strategy_core.errors import WorkbenchError
from strategy_core.exchange.excel.rows import ROWS, Context
from strategy_core.exchange.excel.templates import BOARD_KIND, COLUMNS, IMPORTABLE, SHEETS
from strategy_core.i18n import LANGS, t
from strategy_core.numbers import currency_symbol
from strategy_core.plan import onion
from strategy_core.store.store import Store
from strategy_core.track import tracking

__all__ = ["CELL_MAX", "COLUMNS", "HEADER_ROW", "IMPORTABLE", "PAGE_WIDTH", "SHEETS", "ExportError", "blank_template",
           "clean_text", "export_workbook"]

CELL_MAX = 32_767            # characters an xlsx cell holds; more is refused, never cut
HEADER_ROW = 4               # rows 1–3: the title block
TEMPLATE_ROWS = 500          # rows below the data that keep the drop-downs and status colours
WIDTH_MIN, WIDTH_MAX, WIDTH_LONG = 8, 60, 48
ROW_LINE = 15                # points per line of wrapped text
PAGE_WIDTH = 200             # column-width units printed on one landscape A4 page (about 70 % scale)
# control characters, the two non-characters XML forbids, and lone surrogates: none can be in a cell
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ufffe\uffff\ud800-\udfff]")
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "\n")   # (CR is LF by then)

# (fill, font colour) of a status word; the word itself stays in the cell
_TONES = {"good": ("C6EFCE", "006100"), "warn": ("FFEB9C", "9C5700"), "bad": ("FFC7CE", "9C0006"),
          "none": ("EDEDED", "595959")}
STATUS_TONE = {"status.on_track": "good", "status.green": "good", "status.at_risk": "warn",
               "status.yellow": "warn", "status.off_track": "bad", "status.red": "bad",
               "status.no_data": "none", "status.outdated": "none",
               "risk.level.red": "bad", "risk.level.yellow": "warn", "risk.level.green": "good",
               "review.status.open": "warn", "review.status.done": "good"}


class ExportError(WorkbenchError):
    """The workspace cannot be written as a workbook as it stands (nothing is cut to make it fit)."""


# -- cell safety ------------------------------------------------------------------------------

def clean_text(value: str) -> str:
    """Text without the characters a workbook cannot hold. Tab and LF stay; CR becomes LF (the
    XML would turn it into LF anyway, and an import would then see a change)."""
    return _CONTROL.sub("", value.replace("\r\n", "\n").replace("\r", "\n"))


@lru_cache(maxsize=65_536)
def _width_of(text: str) -> int:
    """Display width: CJK and other wide characters count double (texts repeat: an objective's
    title is on every one of its KR rows, so the answer is kept)."""
    if text.isascii():
        return len(text)
    return sum(2 if unicodedata.east_asian_width(ch) in ("W", "F") else 1 for ch in text)


# -- writing ---------------------------------------------------------------------------------

def _money_format(currency: str, lang: str, *, red: bool = False) -> str:
    sym = currency_symbol(currency, lang).replace('"', "")
    neg = f'[Red]-"{sym}"#,##0' if red else f'-"{sym}"#,##0'
    return f'"{sym}"#,##0;{neg}'


def _number_format(kind: str, value: Any, money: str, gap: str) -> str | None:
    if kind == "money":
        return money
    if kind == "gap":
        return gap
    if kind == "pct":
        return "0%"
    if kind == "pct100":
        return '0"%"' if float(value).is_integer() else '0.0#"%"'
    if kind == "id":
        return "0"
    if kind in ("number", "int"):
        return "#,##0" if float(value).is_integer() else "#,##0.00"
    if kind == "date":
        return "yyyy-mm-dd"
    if kind == "datetime":
        return "yyyy-mm-dd hh:mm"
    return None


def _shown(value: Any, fmt: str | None) -> str:
    """Roughly what the cell shows, to size the column."""
    if isinstance(value, (dt.datetime, dt.date)):
        return "0000-00-00 00:00" if isinstance(value, dt.datetime) else "0000-00-00"
    if isinstance(value, (int, float)):
        if fmt == "0%":
            return f"{value:.0%}"
        return f"¥{value:,.2f}" if fmt and "." in fmt else f"¥{value:,.0f}"
    return str(value)


_BORDER_COLOR = "#BFBFBF"


class _Writer:
    """One sheet being written with XlsxWriter (rows and columns 0-based here, 1-based in messages)."""

    def __init__(self, wb: xlsxwriter.Workbook, key: str, lang: str, currency: str,
                 title_lines: tuple[str, str, str]):
        self.wb, self.key, self.lang = wb, key, lang
        self.cols = COLUMNS[key]
        self.sheet_name = t(f"xl.sheet.{key}", lang)
        self.ws = wb.add_worksheet(self.sheet_name)
        self.money = _money_format(currency, lang)
        self.gap = _money_format(currency, lang, red=True)
        self.widths = [_width_of(t(c.label, lang)) + 2 for c in self.cols]
        self.headers = [t(c.label, lang) for c in self.cols]
        self.row = HEADER_ROW              # the last row written, 1-based
        self.wrapped: list[tuple[int, int, str]] = []   # (row, column index, text) of wrapped cells
        self._formats: dict[tuple, Any] = {}
        ws = self.ws
        fonts = ({"bold": True, "font_size": 14, "font_color": "#1F3864"}, {"font_size": 10, "font_color": "#595959"},
                 {"font_size": 10, "font_color": "#595959"})
        for r, (text, font) in enumerate(zip(title_lines, fonts), start=1):
            if text:
                self._write_text(r, 0, text, "", wb.add_format(font))
        ws.set_row(0, 22)
        head = wb.add_format({"bold": True, "font_color": "#FFFFFF", "bg_color": "#1F3864", "pattern": 1,
                              "border": 1, "border_color": _BORDER_COLOR, "text_wrap": True, "valign": "vcenter",
                              "align": "center"})
        for j, text in enumerate(self.headers):
            ws.write_string(HEADER_ROW - 1, j, text, head)
        ws.set_row(HEADER_ROW - 1, 32)

    def _checked(self, value: str, column: str, row: int) -> str:
        text = clean_text(value)
        if len(text) > CELL_MAX:
            raise ExportError("xl.error.too_long", sheet=self.sheet_name, row=row, column=column or "A",
                              length=len(text), max=CELL_MAX)
        return text

    def _write_text(self, row: int, col: int, value: str, column: str, fmt: Any) -> str:
        """A text cell (always a string, never a formula; one a spreadsheet would read as a formula
        gets the quote prefix)."""
        text = self._checked(value, column, row)
        if text.startswith(_FORMULA_START):
            fmt = self.wb.add_format({"quote_prefix": True})
        self.ws.write_string(row - 1, col, text, fmt)
        return text

    def _format(self, key: tuple) -> Any:
        """The cell format of a kind of cell (number format, ID, wrap, indent, quote prefix), made once."""
        fmt = self._formats.get(key)
        if fmt is None:
            num, is_id, wrap, indent, quote = key
            props: dict[str, Any] = {"border": 1, "border_color": _BORDER_COLOR, "valign": "top"}
            if num:
                props["num_format"] = num
            if is_id:
                props["font_color"] = "#808080"
            if quote:
                props["quote_prefix"] = True
            if wrap:
                props["text_wrap"] = True
            if indent:
                props["indent"] = indent
            fmt = self._formats[key] = self.wb.add_format(props)
        return fmt

    def add(self, data: dict[str, Any]) -> None:
        self.row += 1
        r = self.row
        ws, widths = self.ws, self.widths
        pct_cols = set(data.get("_pct", ()))
        level = int(data.get("_indent", 0))
        for j, col in enumerate(self.cols):
            value = data.get(col.key)
            wrap = col.kind == "long"
            num, is_id, quote, text = None, False, False, None
            if value is None or value == "":
                shown = ""
            elif isinstance(value, bool):
                raise TypeError(f"{col.key}: write booleans as words")
            elif isinstance(value, str):
                if col.choices and value in col.choices or col.status and value.startswith("status."):
                    value = t(value, self.lang)
                text = self._checked(value, self.headers[j], r)
                quote = text.startswith(_FORMULA_START)
                shown = max(text.split("\n"), key=_width_of) if "\n" in text else text
                wrap = wrap or "\n" in text
            else:
                if isinstance(value, float) and value != value:   # NaN: nothing to show
                    continue
                kind = "pct" if col.key in pct_cols else col.kind
                num = _number_format(kind if kind != "text" else "number", value, self.money, self.gap)
                shown = _shown(value, num) if kind != "id" else str(value)
                is_id = kind == "id"
            fmt = self._format((num, is_id, wrap, min(level * 2, 15) if col.key == "name" else 0, quote))
            if text is not None:
                if text:
                    ws.write_string(r - 1, j, text, fmt)
                    if wrap:
                        self.wrapped.append((r, j, text))
                else:
                    ws.write_blank(r - 1, j, None, fmt)
            elif value is None or value == "":
                ws.write_blank(r - 1, j, None, fmt)
            elif isinstance(value, (dt.date, dt.datetime)):
                ws.write_datetime(r - 1, j, value, fmt)
            else:
                ws.write_number(r - 1, j, value, fmt)
            w = min(_width_of(shown) + 2 + (2 * level if col.key == "name" else 0), WIDTH_MAX)
            widths[j] = max(widths[j], min(w, WIDTH_LONG) if col.kind == "long" else w)

    def finish(self) -> None:
        ws, n_cols = self.ws, len(self.cols)
        last_row = max(self.row, HEADER_ROW + 1)
        span_end = self.row + TEMPLATE_ROWS
        widths = [max(WIDTH_MIN, min(w, WIDTH_MAX)) for w in self.widths]
        for j, w in enumerate(widths):
            ws.set_column(j, j, w)
        # rows as tall as their wrapped text: not every program sizes them on opening (LibreOffice
        # printed long adjustments over the next row)
        lines: dict[int, int] = {}
        for r, j, text in self.wrapped:
            n = sum(max(1, math.ceil(_width_of(part) / (widths[j] - 1))) for part in text.split("\n"))
            lines[r] = max(lines.get(r, 1), n)
        for r, n in lines.items():
            if n > 1:
                ws.set_row(r - 1, min(ROW_LINE * n + 3, 409))
        ws.freeze_panes(HEADER_ROW, 0)
        ws.autofilter(HEADER_ROW - 1, 0, last_row - 1, n_cols - 1)
        for j, col in enumerate(self.cols):
            words = [t(k, self.lang) for k in col.choices] if col.choices else (col.words(self.lang) if col.words else [])
            listed = ",".join(w.replace('"', '""') for w in words)
            if words and len(listed) <= 255 and not any("," in w for w in words):
                ws.data_validation(HEADER_ROW, j, span_end - 1, j, {
                    "validate": "list", "source": words, "ignore_blank": True, "show_error": True,
                    "error_message": t("xl.validation.error", self.lang), "error_title": self.headers[j][:32]})
            for k in col.choices if (col.status or col.choices) else ():
                tone = STATUS_TONE.get(k)
                if tone:
                    fill, font = _TONES[tone]
                    word = t(k, self.lang).replace('"', '""')
                    ws.conditional_format(HEADER_ROW, j, span_end - 1, j, {
                        "type": "cell", "criteria": "==", "value": f'"{word}"', "format": self.wb.add_format(
                            {"bg_color": "#" + fill, "font_color": "#" + font, "bold": True})})
        ws.set_landscape()
        ws.set_paper(9)                         # A4
        # fit to the width of as many pages as keep the type readable (a 33-column OKR table on one
        # A4 page would print at a third of its size); the first columns repeat on every page
        pages = max(1, math.ceil(sum(widths) / PAGE_WIDTH))
        ws.fit_to_pages(pages, 0)
        if pages > 1:
            ws.repeat_columns(0, 1)
        ws.repeat_rows(HEADER_ROW - 1)
        ws.set_margins(left=0.4, right=0.4, top=0.6, bottom=0.6)
        ws.set_footer("&L" + self.sheet_name.replace("&", "&&") + "&C&P / &N")


def _title_lines(key: str, lang: str, ws: dict[str, Any] | None, on: dt.date | None,
                 today: dt.date) -> tuple[str, str, str]:
    sheet = t(f"xl.sheet.{key}", lang)
    if ws is None:
        return (sheet, t("xl.title.blank", lang), t("xl.title.ids", lang) if key in IMPORTABLE else "")
    title = f"{sheet} — {ws['name']}"
    sub = t("xl.title.sub", lang, company=ws["name"], year=ws["year"], date=today.isoformat(),
            currency=ws["currency"])
    note = ""
    if key == "board" and on is not None:
        note = t("xl.title.as_of", lang, date=on.isoformat())
    elif key == "onion":
        basis = t("onion.day_basis." + (ws.get("day_basis") or "month_30"), lang, days=onion.days_basis_count(ws))
        note = t("xl.title.onion", lang, basis=basis)
    if key in IMPORTABLE:
        note = " ".join(x for x in (note, t("xl.title.ids", lang)) if x)
    return (title, sub, note)


def _chart(w: _Writer, rows: list[dict[str, Any]]) -> None:
    """The board's native bar chart: each KR's progress, the first KR on top like the table."""
    n = sum(1 for r in rows if r.get("kind") == BOARD_KIND[0])
    if not n:
        return
    keys = [c.key for c in w.cols]
    name_col, prog_col = keys.index("name"), keys.index("progress")
    first, last = HEADER_ROW, HEADER_ROW + n - 1          # 0-based rows of the KRs
    chart = w.wb.add_chart({"type": "bar"})
    chart.add_series({"values": [w.sheet_name, first, prog_col, last, prog_col],
                      "categories": [w.sheet_name, first, name_col, last, name_col]})
    chart.set_title({"name": t("xl.chart.kr_progress", w.lang)})
    chart.set_x_axis({"num_format": "0%", "major_gridlines": {"visible": False}})   # (a bar chart's value axis)
    chart.set_y_axis({"reverse": True})
    chart.set_legend({"none": True})
    chart.set_style(10)
    cm = 96 / 2.54                                         # pixels per centimetre
    chart.set_size({"width": round(24 * cm), "height": round(max(7.5, 0.75 * n + 2) * cm)})
    w.ws.insert_chart(f"A{w.row + 3}", chart)


def _new_workbook(lang: str, buf: io.BytesIO, today: dt.date, title: str | None = None) -> xlsxwriter.Workbook:
    # every string is written as a string: nothing becomes a formula, a number or a link on its own
    wb = xlsxwriter.Workbook(buf, {"in_memory": True, "strings_to_formulas": False, "strings_to_numbers": False,
                                   "strings_to_urls": False})
    # created on the export's day, not the clock's
    wb.set_properties({"author": t("xl.creator", lang), "created": dt.datetime.combine(today, dt.time()),
                       **({"title": title} if title else {})})
    return wb


def export_workbook(store: Store, workspace_id: int, lang: str | None = None, *, today: dt.date,
                    on: dt.date | None = None, sheets: Iterable[str] = SHEETS) -> bytes:
    """The workspace as an xlsx file (bytes), one sheet per template, in *lang* (default: the
    workspace's language), dated *today*. The board is measured as of *on* (default: *today* inside
    the plan year). Raises ExportError when a text does not fit a cell."""
    ws = store.get_workspace(workspace_id)
    lang = lang or ws.get("language") or "zh"
    if lang not in LANGS:
        raise ExportError("xl.error.lang", lang=lang, allowed=", ".join(LANGS))
    on = on or tracking.today_in(ws["year"], today)
    for key in sheets:
        if key not in SHEETS:
            raise ExportError("xl.error.sheet", sheet=key, allowed=", ".join(SHEETS))
    ctx = Context(store, workspace_id, ws, lang, on)
    buf = io.BytesIO()
    wb = _new_workbook(lang, buf, today, f"{ws['name']} {ws['year']}")
    for key in sheets:
        w = _Writer(wb, key, lang, ws["currency"], _title_lines(key, lang, ws, on, today))
        rows = ROWS[key](ctx)
        for row in rows:
            w.add(row)
        w.finish()
        if key == "board":
            _chart(w, rows)
    wb.close()
    return buf.getvalue()


def blank_template(sheet_key: str, lang: str, currency: str = "CNY", *, today: dt.date) -> bytes:
    """One sheet with the headers, styles and drop-downs of *sheet_key* and no rows: to fill in
    (its title line is dated *today*)."""
    if sheet_key not in SHEETS:
        raise ExportError("xl.error.sheet", sheet=sheet_key, allowed=", ".join(SHEETS))
    if lang not in LANGS:
        raise ExportError("xl.error.lang", lang=lang, allowed=", ".join(LANGS))
    buf = io.BytesIO()
    wb = _new_workbook(lang, buf, today)
    _Writer(wb, sheet_key, lang, currency, _title_lines(sheet_key, lang, None, None, today)).finish()
    wb.close()
    return buf.getvalue()
