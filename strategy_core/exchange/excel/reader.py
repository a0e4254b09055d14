"""Read an uploaded xlsx safely: bounded in bytes, rows, columns, cells and time; one clear refusal.

``read_workbook(data, filename=..., limits=Limits())`` → one ``SheetData`` per worksheet, in the
workbook's order: the rows that hold at least one value, as (1-based row number, values from
column A with trailing empties trimmed). Everything else raises ``ImportRefused`` with a catalog
key ``xl.read.<reason>`` and parameters naming the file, sheet, cell, limit or allowed values.

The file is never trusted:

* the first bytes decide what it is — empty, an OLE/CFB container (a password-protected
  workbook holds ``EncryptionInfo``/``EncryptedPackage``; without them it is an old .xls), a
  zip, or anything else (text, PDF, random bytes: not an xlsx);
* the zip's declared sizes are checked before anything is inflated (total and ratio per
  member), and every part is inflated in 64 KB chunks that count against the same budget and
  the deadline, so a member that lies about its size cannot get past either;
* macro-enabled (vbaProject.bin, a macroEnabled content type, Excel 4 macro sheets) and binary
  (.xlsb) workbooks are refused — save as .xlsx;
* the XML is parsed by expat with handlers that refuse any DOCTYPE, entity declaration or
  external reference (the defusedxml exceptions are raised), so billion laughs and XXE stop at
  the first line. openpyxl is not used to parse: its read-only ``iter_rows`` pads every sheet
  to the declared ``<dimension>`` (a cell at XFD1048576 would mean a million empty rows), and
  the ``<dimension>`` may also declare fewer rows than there are. Here rows and cells are
  streamed as written, ``<dimension>`` is ignored, and a value beyond ``max_rows``/``max_cols``
  is refused as soon as it is seen;
* merged cells, formulas without a cached value and error values (#REF!, #DIV/0! …) are refused
  with the sheet and cell, since the value a person sees cannot be known.

Cell values: ``str`` as stored (not stripped; an empty string is no value), ``int``/``float``,
``bool``, and for date-formatted numbers what openpyxl gives (``datetime``; ``time`` for a pure
time, ``timedelta`` for ``[h]:mm`` formats), also for the East Asian built-in date formats
27–36 and 50–58 that WPS and Excel in Chinese write without defining them. A formula cell gives
its cached value.

Long because the defences are one streaming pass: the byte budget, the deadline, the XML handlers
and the cell checks share its state, and whoever reviews how a hostile file is stopped should
read them in one place.
"""
from __future__ import annotations

import datetime as dt
import io
import math
import posixpath
import re
import time
import zipfile
import zlib
from dataclasses import dataclass, field
from typing import Any, Callable
from xml.parsers import expat

from defusedxml import DTDForbidden, EntitiesForbidden, ExternalReferenceForbidden
from openpyxl.styles.numbers import BUILTIN_FORMATS, is_date_format, is_timedelta_format
from openpyxl.utils.cell import get_column_letter
from openpyxl.utils.datetime import CALENDAR_MAC_1904, CALENDAR_WINDOWS_1900, from_excel, from_ISO8601

from strategy_core.errors import WorkbenchError

MB = 1024 * 1024
CHUNK = 64 * 1024                 # bytes inflated (and fed to the parser) at a time
RATIO_FLOOR = 1 * MB              # a member smaller than this is never refused for its ratio
TREE_MAX = 16 * MB                # a part read whole into memory (rels, content types, workbook, styles)
EXCEL_ROWS, EXCEL_COLS = 1_048_576, 16_384
CFB_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ZIP_MAGIC = (b"PK\x03\x04", b"PK\x05\x06", b"PK\x07\x08")
# built-in number formats that Excel and WPS in Chinese, Japanese and Korean show as dates
# (openpyxl knows only the Western ones, 14–22 and 45–47)
EAST_ASIAN_DATE_IDS = frozenset(range(27, 37)) | frozenset(range(50, 59))

_REL_OFFICE_DOC = "/officeDocument"
_REL_WORKSHEET = "/worksheet"
_REL_MACROSHEET = ("/macrosheet", "/xlMacrosheet", "/xlIntlMacrosheet")
_REL_STYLES = "/styles"
_REL_STRINGS = "/sharedStrings"
_CELL_REF = re.compile(r"([A-Z]{1,3})([0-9]{1,7})")
_ESCAPED = re.compile(r"_x([0-9A-Fa-f]{4})_")


class ImportRefused(WorkbenchError):
    """The file cannot be read as it stands; nothing was read into the workspace.

    ``key`` is ``xl.read.<reason>``; ``params`` always hold ``file`` (the name given, or None)
    and, as they apply, ``sheet``, ``cell`` (e.g. "C12"), ``row``, ``column`` (a letter),
    ``part`` (inside the zip), ``limit`` and ``allowed``."""

    def text(self, lang: str) -> str:
        from strategy_core.i18n import t
        params = dict(self.params)
        name = params.get("file")
        params["file"] = f"“{name}”" if name else t("xl.read.this_file", lang)
        return t(self.key, lang, **params)


@dataclass(frozen=True)
class Limits:
    """How much of a workbook the reader takes (bytes, inflation, sheets, rows, columns, cells, seconds); a file past
    any of them is refused, so a hostile file cannot exhaust the machine."""
    max_bytes: int = 20 * MB            # the file as uploaded
    max_unzipped: int = 200 * MB        # all parts inflated, declared and actual
    max_ratio: int = 250                # inflated / compressed size of one member (above RATIO_FLOOR)
    max_sheets: int = 50
    max_rows: int = 200_000             # per sheet: the last row number that may hold a value
    max_cols: int = 200                 # the last column (200 = GR) that may hold a value
    max_cells: int = 5_000_000          # values in the whole workbook (and shared strings)
    max_seconds: float = 60.0


@dataclass
class SheetData:
    """One worksheet as read: its name and its rows, each (row number, values from column A)."""
    name: str
    rows: list[tuple[int, tuple]] = field(default_factory=list)   # (row number, values from column A)


# -- the reading ----------------------------------------------------------------------------

def read_workbook(data: bytes, *, filename: str | None = None, limits: Limits = Limits()) -> list[SheetData]:
    """Every worksheet of the xlsx *data*, or ``ImportRefused`` with one reason."""
    return _Reader(data, filename, limits).read()


def _local(name: str) -> str:
    return name.rpartition("}")[2]


_LOCAL: dict[str, str] = {}      # "namespace}c" → "c": a sheet has few distinct tags and millions of elements


def _local_name(name: str) -> str:
    tag = _LOCAL[name] = name.rpartition("}")[2]
    if len(_LOCAL) > 10_000:         # a hostile file with endless distinct tags: forget, do not grow
        _LOCAL.clear()
    return tag


def _mb(n: float) -> float:
    return round(n / MB, 1)


def _unescape(text: str) -> str:
    """OOXML's _xHHHH_ escapes (a CR is stored as _x000D_, a literal "_x" as _x005F_x)."""
    return _ESCAPED.sub(lambda m: chr(int(m.group(1), 16)), text) if "_x" in text else text


def _number(text: str) -> int | float:
    """A stored number as openpyxl casts it: int unless it has a point or an exponent."""
    if "." in text or "e" in text or "E" in text:
        value = float(text)
        if not math.isfinite(value):
            raise ValueError(text)
        return value
    return int(text)


class _Part:
    """A zip member inflated in chunks, each counted against the limits and the clock."""

    def __init__(self, reader: "_Reader", info: zipfile.ZipInfo, cap: int | None = None):
        self.reader, self.info, self.cap = reader, info, cap
        self.out = 0

    def chunks(self):
        r, info = self.reader, self.info
        limit_part = max(r.limits.max_ratio * max(info.compress_size, 1), RATIO_FLOOR)
        try:
            with r.zip.open(info) as f:
                while True:
                    r.check_time()
                    chunk = f.read(CHUNK)
                    if not chunk:
                        return
                    self.out += len(chunk)
                    r.used += len(chunk)
                    if r.used > r.limits.max_unzipped:
                        r.refuse("bomb", part=info.filename, size_mb=_mb(r.used), limit_mb=_mb(r.limits.max_unzipped))
                    if self.cap is not None and self.out > self.cap:
                        r.refuse("bomb", part=info.filename, size_mb=_mb(self.out), limit_mb=_mb(self.cap))
                    if self.out > limit_part:
                        r.refuse("ratio", part=info.filename, ratio=round(self.out / max(info.compress_size, 1)),
                                 limit=r.limits.max_ratio)
                    yield chunk
        except (zipfile.BadZipFile, zlib.error, EOFError, OSError, NotImplementedError, ValueError) as e:
            # ValueError: a local header whose name is not the UTF-8 it claims, and the like
            r.refuse("truncated", part=info.filename, detail=str(e)[:200])
        except RuntimeError as e:              # a zip-level password, or a zip that cannot be read
            if "encrypted" in str(e).lower() or "password" in str(e).lower():
                r.refuse("encrypted")
            r.refuse("truncated", part=info.filename, detail=str(e)[:200])

    def read(self) -> bytes:
        return b"".join(self.chunks())


class _Xml:
    """expat with every DTD, entity declaration and external reference refused (what defusedxml
    does, and stricter: an xlsx part never has a DOCTYPE)."""

    def __init__(self, start: Callable | None = None, end: Callable | None = None, text: Callable | None = None):
        p = expat.ParserCreate(namespace_separator="}")
        p.buffer_text = True
        p.buffer_size = CHUNK
        p.ordered_attributes = False
        p.SetParamEntityParsing(expat.XML_PARAM_ENTITY_PARSING_NEVER)
        p.StartDoctypeDeclHandler = self._doctype
        p.EntityDeclHandler = self._entity
        p.UnparsedEntityDeclHandler = self._unparsed
        p.ExternalEntityRefHandler = self._external
        if start:
            p.StartElementHandler = start
        if end:
            p.EndElementHandler = end
        if text:
            p.CharacterDataHandler = text
        self.p = p

    @staticmethod
    def _doctype(name, sysid, pubid, has_internal_subset):
        raise DTDForbidden(name, sysid, pubid)

    @staticmethod
    def _entity(name, is_parameter_entity, value, base, sysid, pubid, notation_name):
        raise EntitiesForbidden(name, value, base, sysid, pubid, notation_name)

    @staticmethod
    def _unparsed(name, base, sysid, pubid, notation_name):
        raise EntitiesForbidden(name, None, base, sysid, pubid, notation_name)

    @staticmethod
    def _external(context, base, sysid, pubid):
        raise ExternalReferenceForbidden(context, base, sysid, pubid)


class _Tree:
    """A small part (rels, content types, workbook, styles) as nested (tag, attrs, children)."""

    __slots__ = ("tag", "attrs", "children", "text")

    def __init__(self, tag: str, attrs: dict[str, str]):
        self.tag, self.attrs, self.children, self.text = tag, attrs, [], ""

    def find_all(self, tag: str) -> list["_Tree"]:
        out = []
        for c in self.children:
            if c.tag == tag:
                out.append(c)
            out.extend(c.find_all(tag))
        return out

    def attr(self, name: str) -> str | None:
        """An attribute by its local name, whatever its namespace (Strict OOXML uses others)."""
        for k, v in self.attrs.items():
            if _local(k) == name:
                return v
        return None


class _Reader:
    def __init__(self, data: bytes, filename: str | None, limits: Limits):
        self.data, self.filename, self.limits = data, filename, limits
        self.deadline = time.monotonic() + limits.max_seconds
        self.used = 0
        self.cells = 0
        self.zip: zipfile.ZipFile | None = None
        self.by_name: dict[str, zipfile.ZipInfo] = {}
        self.sheet: str | None = None

    # -- refusing ----------------------------------------------------------------------------

    def refuse(self, reason: str, **params: Any):
        raise ImportRefused("xl.read." + reason, file=self.filename, **params)

    def check_time(self) -> None:
        if time.monotonic() > self.deadline:
            self.refuse("timeout", limit=self.limits.max_seconds, sheet=self.sheet)

    # -- the container -----------------------------------------------------------------------

    def read(self) -> list[SheetData]:
        data, lim = self.data, self.limits
        if not data:
            self.refuse("empty")
        if len(data) > lim.max_bytes:
            self.refuse("too_big", size_mb=_mb(len(data)), limit_mb=_mb(lim.max_bytes))
        head = bytes(data[:8])
        if head == CFB_MAGIC:
            if "EncryptedPackage".encode("utf-16-le") in data or "EncryptionInfo".encode("utf-16-le") in data:
                self.refuse("encrypted")
            self.refuse("xls", allowed=".xlsx")
        if not head.startswith(ZIP_MAGIC):
            self.refuse("not_xlsx", allowed=".xlsx")
        try:
            self.zip = zipfile.ZipFile(io.BytesIO(data))
            infos = self.zip.infolist()
        except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError, OSError, ValueError, NotImplementedError) as e:
            self.refuse("truncated", part=None, detail=str(e)[:200])
        self.check_time()
        self.by_name = {i.filename.lstrip("/").lower(): i for i in infos}
        if "mimetype" in self.by_name and self.by_name["mimetype"].file_size < 200:
            if b"opendocument.spreadsheet" in self._bytes("mimetype"):
                self.refuse("ods", allowed=".xlsx")
        declared = sum(i.file_size for i in infos)
        if declared > lim.max_unzipped:
            self.refuse("bomb", part=None, size_mb=_mb(declared), limit_mb=_mb(lim.max_unzipped))
        for i in infos:
            ratio = i.file_size / max(i.compress_size, 1)
            if i.file_size > RATIO_FLOOR and ratio > lim.max_ratio:
                self.refuse("ratio", part=i.filename, ratio=round(ratio), limit=lim.max_ratio)
        if any(i.flag_bits & 0x1 for i in infos):
            self.refuse("encrypted")
        if any(n.endswith("vbaproject.bin") for n in self.by_name):
            self.refuse("macro", part=next(i.filename for n, i in self.by_name.items()
                                           if n.endswith("vbaproject.bin")), allowed=".xlsx")
        if "[content_types].xml" not in self.by_name:
            self.refuse("not_xlsx", allowed=".xlsx")
        types = self._tree("[Content_Types].xml")
        for node in types.children:
            ctype = (node.attr("ContentType") or "").lower()
            if "sheet.binary" in ctype:           # .xlsb (its type also says macroEnabled)
                self.refuse("xlsb", allowed=".xlsx")
            if "macroenabled" in ctype:
                self.refuse("macro", part=(node.attr("PartName") or node.attr("Extension") or "").lstrip("/"),
                            allowed=".xlsx")
        book_part = next((self._target("", r) for r in self._rels("")
                          if (r.attr("Type") or "").endswith(_REL_OFFICE_DOC)), None)
        if book_part is None or book_part.lower() not in self.by_name:
            self.refuse("not_xlsx", allowed=".xlsx")
        if book_part.lower().endswith(".bin"):
            self.refuse("xlsb", allowed=".xlsx")
        return self._workbook(book_part)

    def _info(self, part: str) -> zipfile.ZipInfo:
        info = self.by_name.get(part.lstrip("/").lower())
        if info is None:
            self.refuse("broken", part=part, line=None)
        return info

    def _bytes(self, part: str) -> bytes:
        return _Part(self, self._info(part)).read()

    def _parse(self, part: str, xml: _Xml, cap: int | None = None) -> None:
        p = xml.p
        try:
            for chunk in _Part(self, self._info(part), cap).chunks():
                p.Parse(chunk, False)
            p.Parse(b"", True)
        except (DTDForbidden, EntitiesForbidden, ExternalReferenceForbidden):
            self.refuse("xml_unsafe", part=part)
        except expat.ExpatError as e:
            self.refuse("broken", part=part, line=e.lineno)
        except (LookupError, ValueError):        # e.g. an XML declaration naming an unknown encoding
            self.refuse("broken", part=part, line=None)

    def _tree(self, part: str) -> _Tree:
        """A small part as a tree (only after its inflated size is within the budget)."""
        root = _Tree("", {})
        stack = [root]

        def start(name, attrs):
            node = _Tree(_local(name), attrs)
            stack[-1].children.append(node)
            stack.append(node)

        def end(name):
            stack.pop()

        def text(data):
            stack[-1].text += data

        self._parse(part, _Xml(start, end, text), TREE_MAX)
        if not root.children:
            self.refuse("broken", part=part, line=None)
        return root.children[0]

    def _rels(self, part: str) -> list[_Tree]:
        folder, name = posixpath.split(part)
        rels = posixpath.join(folder, "_rels", name + ".rels")
        if rels.lower() not in self.by_name:
            return []
        return [r for r in self._tree(rels).children if r.tag == "Relationship"
                and (r.attr("TargetMode") or "").lower() != "external"]

    @staticmethod
    def _target(source: str, rel: _Tree) -> str:
        target = (rel.attr("Target") or "").replace("\\", "/")
        if target.startswith("/"):
            path = target
        else:
            path = posixpath.join(posixpath.dirname(source), target)
        return posixpath.normpath("/" + path).lstrip("/")

    # -- the workbook ------------------------------------------------------------------------

    def _workbook(self, book_part: str) -> list[SheetData]:
        lim = self.limits
        book = self._tree(book_part)
        if book.tag != "workbook":               # a Word or PowerPoint file, say
            self.refuse("not_xlsx", allowed=".xlsx")
        rels = {r.attr("Id"): r for r in self._rels(book_part)}
        epoch = CALENDAR_WINDOWS_1900
        for pr in book.find_all("workbookPr"):
            if (pr.attr("date1904") or "").lower() in ("1", "true"):
                epoch = CALENDAR_MAC_1904
        sheets: list[tuple[str, str]] = []
        for s in (s for group in book.children if group.tag == "sheets" for s in group.children
                  if s.tag == "sheet"):
            rel = rels.get(s.attr("id"))
            kind = (rel.attr("Type") or "") if rel is not None else ""
            if kind.endswith(_REL_MACROSHEET):
                self.refuse("macro", part=self._target(book_part, rel), allowed=".xlsx")
            if kind.endswith(_REL_WORKSHEET):
                sheets.append((s.attr("name") or "", self._target(book_part, rel)))
            elif rel is None:
                self.refuse("broken", part=book_part, line=None)
            # chart sheets and dialog sheets hold no cells: skipped
        if len(sheets) > lim.max_sheets:
            self.refuse("too_many_sheets", count=len(sheets), limit=lim.max_sheets)
        styles = next((self._target(book_part, r) for r in rels.values()
                       if (r.attr("Type") or "").endswith(_REL_STYLES)), None)
        strings = next((self._target(book_part, r) for r in rels.values()
                        if (r.attr("Type") or "").endswith(_REL_STRINGS)), None)
        kinds = self._styles(styles) if styles and styles.lower() in self.by_name else []
        shared = self._strings(strings) if strings and strings.lower() in self.by_name else []
        out = []
        for name, part in sheets:
            self.sheet = name
            out.append(_SheetReader(self, name, part, shared, kinds, epoch).read())
        return out

    def _styles(self, part: str) -> list[str | None]:
        """For each cell style (``s`` of a cell): "date", "timedelta" or None — as openpyxl decides."""
        root = self._tree(part)
        custom: dict[int, str] = {}
        for nf in (n for group in root.children if group.tag == "numFmts" for n in group.children):
            try:
                custom[int(nf.attr("numFmtId") or "")] = nf.attr("formatCode") or ""
            except ValueError:
                continue
        kinds: list[str | None] = []
        for xfs in root.children:
            if xfs.tag != "cellXfs":
                continue
            for xf in xfs.children:
                try:
                    fid = int(xf.attr("numFmtId") or 0)
                except ValueError:
                    fid = 0
                code = custom.get(fid, BUILTIN_FORMATS.get(fid))
                if code is None and fid in EAST_ASIAN_DATE_IDS:
                    kinds.append("date")
                elif code and is_timedelta_format(code):
                    kinds.append("timedelta")
                elif code and is_date_format(code):
                    kinds.append("date")
                else:
                    kinds.append(None)
        return kinds

    def _strings(self, part: str) -> list[str]:
        """The shared strings: the text of each <si> (plain or rich runs; phonetic runs left out)."""
        out: list[str] = []
        limit = self.limits.max_cells
        buf: list[str] = []
        state = {"t": False, "skip": 0}

        def start(name, attrs):
            tag = _local(name)
            if tag == "t":
                state["t"] = True
            elif tag == "rPh":
                state["skip"] += 1

        def end(name):
            tag = _local(name)
            if tag == "t":
                state["t"] = False
            elif tag == "rPh":
                state["skip"] -= 1
            elif tag == "si":
                out.append(_unescape("".join(buf)))
                buf.clear()
                if len(out) > limit:
                    self.refuse("too_many_strings", count=len(out), limit=limit)

        def text(data):
            if state["t"] and not state["skip"]:
                buf.append(data)

        self._parse(part, _Xml(start, end, text))
        return out


class _SheetReader:
    """One worksheet streamed row by row; nothing is padded and <dimension> is not trusted."""

    def __init__(self, r: _Reader, name: str, part: str, shared: list[str], kinds: list[str | None],
                 epoch: dt.datetime):
        self.r, self.name, self.part = r, name, part
        self.shared, self.kinds, self.epoch = shared, kinds, epoch
        self.rows: list[tuple[int, tuple]] = []
        self.row_no = 0
        self.row: dict[int, Any] = {}
        self.col_no = 0
        self.cell: dict[str, Any] | None = None
        self.field: str | None = None          # "v", "f", "t" (inline string) or None
        self.buf: list[str] = []
        self.skip = 0                           # inside phonetic runs of an inline string
        self.since_check = 0
        self.xml: _Xml | None = None

    def read(self) -> SheetData:
        self.r.check_time()
        self.xml = _Xml(self.start, self.end, self.text)
        self.r._parse(self.part, self.xml)
        return SheetData(self.name, self.rows)

    def refuse(self, reason: str, **params: Any):
        self.r.refuse(reason, sheet=self.name, **params)

    # -- expat handlers ------------------------------------------------------------------------

    def start(self, name: str, attrs: dict[str, str]) -> None:
        tag = _LOCAL.get(name) or _local_name(name)
        if tag == "c":
            ref = attrs.get("r")
            if ref:
                m = _CELL_REF.fullmatch(ref)
                if m is None:
                    self.refuse("broken", part=self.part, line=self.r_line())
                col = 0
                for ch in m.group(1):
                    col = col * 26 + ord(ch) - 64
                self.col_no = col
                row = int(m.group(2))
                if row != self.row_no:          # a cell that names another row than its <row>
                    self._flush()
                    self.row_no = row
            else:
                self.col_no += 1
            self.cell = {"t": attrs.get("t", "n"), "s": attrs.get("s"), "v": None, "f": False, "is": None}
        elif self.cell is not None:
            if tag == "v":
                self.field, self.buf = "v", []
            elif tag == "f":
                self.cell["f"] = True
                self.field, self.buf = "f", []
            elif tag == "is":
                self.cell["is"] = []
            elif tag == "t" and self.cell["is"] is not None and not self.skip:
                self.field, self.buf = "t", []
            elif tag == "rPh":
                self.skip += 1
        elif tag == "row":
            self._flush()
            r = attrs.get("r")
            try:
                self.row_no = int(r) if r else self.row_no + 1
            except ValueError:
                self.refuse("broken", part=self.part, line=self.r_line())
            self.col_no = 0
            self.since_check += 1
            if self.since_check >= 500:
                self.since_check = 0
                self.r.check_time()
        elif tag == "mergeCell":
            self.refuse("merged", range=attrs.get("ref", ""))

    def text(self, data: str) -> None:
        if self.field is not None:
            self.buf.append(data)

    def end(self, name: str) -> None:
        tag = _LOCAL.get(name) or _local_name(name)
        cell = self.cell
        if cell is None:
            if tag == "sheetData":
                self._flush()
            return
        if tag == "c":
            self._cell(cell)
            self.cell = None
        elif tag == "v" and self.field == "v":
            cell["v"] = "".join(self.buf)
            self.field = None
        elif tag == "f" and self.field == "f":
            cell["formula"] = "".join(self.buf)
            self.field = None
        elif tag == "t" and self.field == "t":
            cell["is"].append("".join(self.buf))
            self.field = None
        elif tag == "rPh":
            self.skip -= 1

    def r_line(self) -> int | None:
        return self.xml.p.CurrentLineNumber if self.xml else None

    # -- values --------------------------------------------------------------------------------

    def _where(self) -> dict[str, Any]:
        letter = get_column_letter(self.col_no) if 1 <= self.col_no <= EXCEL_COLS else str(self.col_no)
        return {"cell": f"{letter}{self.row_no}", "row": self.row_no, "column": letter}

    def _cell(self, c: dict[str, Any]) -> None:
        kind, raw = c["t"], c["v"]
        if c["f"] and (raw is None or (raw == "" and kind != "str")):
            self.refuse("formula_no_value", formula="=" + c.get("formula", ""), **self._where())
        try:
            if kind == "s":
                if raw is None or raw == "":
                    value = None
                else:
                    i = int(raw)
                    if not 0 <= i < len(self.shared):
                        raise ValueError(raw)
                    value = self.shared[i]
            elif kind == "inlineStr":
                value = _unescape("".join(c["is"] or ()))
            elif kind == "str":
                value = _unescape(raw) if raw is not None else None
            elif kind == "b":
                value = None if raw in (None, "") else bool(int(raw))
            elif kind == "e":
                if raw in (None, ""):
                    value = None
                else:
                    self.refuse("error_value", value=raw, **self._where())
            elif kind == "d":
                value = from_ISO8601(raw) if raw else None
            else:                                  # "n" or absent
                if raw is None or raw == "":
                    value = None
                else:
                    value = _number(raw)
                    style = self._style(c["s"])
                    if style == "date":
                        value = from_excel(value, self.epoch)
                    elif style == "timedelta":
                        value = from_excel(value, self.epoch, timedelta=True)
        except (ValueError, OverflowError, TypeError):
            self.refuse("bad_value", value=(raw or "")[:50], **self._where())
        if value is None or value == "":
            return
        lim = self.r.limits
        if self.row_no > lim.max_rows:
            self.refuse("too_many_rows", limit=lim.max_rows, **self._where())
        if self.col_no > lim.max_cols:
            self.refuse("too_many_cols", limit=lim.max_cols, last_column=get_column_letter(lim.max_cols),
                        **self._where())
        self.r.cells += 1
        if self.r.cells > lim.max_cells:
            self.refuse("too_many_cells", limit=lim.max_cells, **self._where())
        self.row[self.col_no] = value

    def _style(self, s: str | None) -> str | None:
        if not s:
            return None
        try:
            i = int(s)
        except ValueError:
            return None
        return self.kinds[i] if 0 <= i < len(self.kinds) else None

    def _flush(self) -> None:
        if not self.row:
            return
        row = self.row
        values = tuple(row.get(j) for j in range(1, max(row) + 1))
        self.rows.append((self.row_no, values))
        self.row = {}
