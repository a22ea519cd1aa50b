"""The extraction workbook (loaders/spreadsheet.yaml): a blank template, a curated entry exported into it, and
a filled one (.xlsx, or a folder of one CSV file per sheet) read back into entries.

A filled workbook is turned into the YAML entries a curator would write and loaded by the YAML loader: the same
triples and the same checks. Problems and validation results point at the sheet, row and column.
"""

from __future__ import annotations

# openpyxl and defusedxml are imported where a workbook is read, so that reading YAML entries never loads them.
import csv
import datetime
import io
import re
import zipfile
from dataclasses import dataclass, field
from decimal import Decimal
from functools import cache
from pathlib import Path
from typing import Any

import yaml

from peerkg import resources
from peerkg.errors import InputError, Problem
from peerkg.loaders import yaml12
from peerkg.loaders.base import LoadedFile, Place
from peerkg.loaders.fieldmap import EntryFormat, Field, entry_format
from peerkg.loaders.yaml_entry import load_yaml_text

STRUCTURAL = ("entry", "item", "sheet", "field")
LISTS_SHEET = "lists"
README_SHEET = "README"
INTEGER_TYPES = ("xsd:integer", "xsd:nonNegativeInteger", "xsd:positiveInteger")


@dataclass(frozen=True)
class Sheet:
    name: str
    record: str
    csv: str
    parent: str
    description: str
    columns: tuple[str, ...]


@dataclass(frozen=True)
class Layout:
    sheets: dict[str, Sheet]
    separator: str
    max_bytes: int
    max_unpacked_bytes: int
    structural: dict[str, str]
    readme: str

    @property
    def entry_sheets(self) -> dict[str, Sheet]:
        """Sheets whose rows are entries (reviews, umbrella reviews), by record kind."""
        return {s.record: s for s in self.sheets.values() if s.record and not s.parent}

    @property
    def sources(self) -> Sheet:
        return next(s for s in self.sheets.values() if not s.record)


@cache
def layout() -> Layout:
    """The workbook layout of loaders/spreadsheet.yaml (sheets, columns, list separator, size limits), read once."""
    raw = yaml.safe_load(resources.path("loaders", "spreadsheet.yaml").read_text("utf-8"))
    sheets = {name: Sheet(name, spec.get("record", ""), spec["csv"], spec.get("parent", ""),
                          spec.get("description", ""), tuple(spec["columns"]))
              for name, spec in raw["sheets"].items()}
    return Layout(sheets, raw["list_separator"], int(raw["max_bytes"]), int(raw["max_unpacked_bytes"]),
                  dict(raw["structural_columns"]), raw["readme"])


def field_spec(sheet: Sheet, column: str) -> Field | None:
    """The entry-format field a column holds (None for the structural columns)."""
    fmt = entry_format()
    record = fmt.records.get(sheet.record) if sheet.record else fmt.records["source"]
    if record is None or (column in STRUCTURAL and column not in record.fields):
        return None
    head, _, rest = column.partition(".")
    spec = record.fields.get(head)
    if rest and spec is not None and spec.kind == "record":
        return fmt.records[spec.target].fields.get(rest)
    return spec


# -- where a value sits in the workbook -------------------------------------------------------------------

@dataclass(frozen=True)
class Cell:
    file: str
    sheet: str
    row: int
    column: str = ""
    letter: str = ""
    csv: bool = False

    def place(self) -> Place:
        text = f"sheet {self.sheet!r}, row {self.row}"
        if self.column:
            text += f", column {self.column!r}" + (f" ({self.letter}{self.row})" if self.letter else "")
        return Place(text, self.row if self.csv else None, cell=True)


@dataclass
class Table:
    """One sheet as read: its header and its non-empty rows, each with its row number."""

    sheet: Sheet
    file: str
    header: list[str]
    rows: list[tuple[int, dict[str, Any]]]
    csv: bool = False

    def cell(self, row: int, column: str = "") -> Cell:
        letter = ""
        if column in self.header and not self.csv:
            from openpyxl.utils import get_column_letter

            letter = get_column_letter(self.header.index(column) + 1)
        return Cell(self.file, self.sheet.name, row, column, letter, self.csv)


# -- reading a workbook -----------------------------------------------------------------------------------

def unneutralise_cell(value: str) -> str:
    """A CSV cell as it was before `peerkg.queries.results.neutralise_cell`: a single quote written before
    =, +, -, @, tab or carriage return, to keep spreadsheets from running the cell, is dropped."""
    if value[:1] == "'" and value[1:2] in ("=", "+", "-", "@", "\t", "\r"):
        return value[1:]
    return value


def _refuse(file: str, message: str, rule: str, hint: str = "") -> InputError:
    return InputError([Problem(file, message, hint=hint, rule=rule)])


def check_xlsx(path: Path) -> None:
    """Refuses what is not a plain workbook before openpyxl reads it: not a ZIP, too big unpacked (a ZIP
    bomb), malformed XML, or XML with a DTD or entity declarations (billion laughs, external entities)."""
    from xml.etree.ElementTree import ParseError

    from defusedxml import DefusedXmlException
    from defusedxml.ElementTree import fromstring

    file = str(path)
    limits = layout()
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise _refuse(file, f"cannot read the file: {exc.strerror}", "unreadable") from None
    if size == 0:
        raise _refuse(file, "the file is empty", "empty")
    if size > limits.max_bytes:
        raise _refuse(file, f"the workbook is {size:,} bytes; at most {limits.max_bytes:,} are read", "too-large")
    if not zipfile.is_zipfile(path):
        raise _refuse(file, "not an .xlsx workbook (an .xlsx file is a ZIP archive)", "not-a-workbook",
                      "save it from your spreadsheet program as Excel Workbook (.xlsx)")
    try:
        with zipfile.ZipFile(path) as archive:
            members = archive.infolist()
            if sum(m.file_size for m in members) > limits.max_unpacked_bytes:
                raise _refuse(file, "the workbook unpacks to more than "
                              f"{limits.max_unpacked_bytes:,} bytes", "too-large")
            for member in members:
                if not member.filename.endswith((".xml", ".rels", ".vml")):
                    continue
                data = archive.read(member)
                try:
                    fromstring(data, forbid_dtd=True)
                except DefusedXmlException:
                    raise _refuse(file, f"{member.filename} declares a DTD or XML entities, which a workbook "
                                  "never needs (they can expand without bound or read other files)",
                                  "xml-entities") from None
                except ParseError as exc:
                    raise _refuse(file, f"{member.filename} is not well-formed XML: {exc}", "syntax") from None
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, EOFError) as exc:
        raise _refuse(file, f"the workbook archive is damaged: {exc}", "syntax") from None


def read_xlsx(path: Path) -> list[Table]:
    """The sheets of an .xlsx workbook as tables; raises InputError for what is not a plain workbook, has unknown
    sheets or merged cells. A cell is read as the value Excel shows: a formula by its computed value, a
    percentage cell of a percentage field (I²) as its percent; a cell whose type the curator did not mean
    (a date or true/false in a text column, a formula never computed) becomes a `yaml12.Refused` value."""
    check_xlsx(path)
    from openpyxl import load_workbook
    from openpyxl.utils.exceptions import InvalidFileException

    file = str(path)
    try:
        # the formulas, number formats and merged cells; then the values Excel computed and saved
        book = load_workbook(path, data_only=False)
        values = load_workbook(path, data_only=True)
    except (InvalidFileException, KeyError, ValueError, TypeError, zipfile.BadZipFile, OSError) as exc:
        raise _refuse(file, f"openpyxl cannot read the workbook: {exc}", "syntax") from None
    tables, problems = [], []
    for name in book.sheetnames:
        if name in (README_SHEET, LISTS_SHEET):
            continue
        sheet = layout().sheets.get(name)
        if sheet is None:
            problems.append(_unknown_sheet(file, name))
            continue
        ws, computed = book[name], values[name]
        merged = sorted(str(r) for r in ws.merged_cells.ranges if r.max_row >= 2)
        if merged:
            problems.append(Problem(file, f"cells {', '.join(merged)} are merged: a merged cell gives its value "
                                    "to its first row only", field=f"sheet {name!r}",
                                    hint="unmerge them and write the value in every row it belongs to",
                                    rule="merged-cells"))
            continue
        rows: list[list[Any]] = []
        header: list[str] = []
        for r in range(1, ws.max_row + 1):
            row = []
            for c in range(1, ws.max_column + 1):
                cell = ws.cell(row=r, column=c)
                value = computed.cell(row=r, column=c).value
                if r == 1:
                    header.append(str(value).strip() if value is not None else "")
                else:
                    column = header[c - 1] if c - 1 < len(header) else ""
                    spec = field_spec(sheet, column) if column in sheet.columns else None
                    value = _xlsx_value(cell, value, spec, f"{cell.coordinate}")
                row.append(value)
            rows.append(row)
        tables.append(_table(sheet, file, rows, csv_file=False))
    if problems:
        raise InputError(problems)
    return tables


def _xlsx_value(cell: Any, value: Any, spec: Field | None, where: str) -> Any:
    """The value of a workbook cell as the curator meant it (see `read_xlsx`)."""
    if cell.data_type == "f" and value is None:
        formula = str(cell.value)
        return yaml12.Refused(f"cell {where} holds the formula {formula} but no computed value",
                              "open the workbook in Excel or LibreOffice, let it calculate and save it; or type "
                              "the value", "formula-without-value")
    if spec is None or value is None:
        return value
    text_field = spec.kind == "datatype" and spec.target == "xsd:string" and not spec.year_month
    number_field = spec.kind == "datatype" and spec.target in (*INTEGER_TYPES, "xsd:decimal")
    if isinstance(value, bool):
        if text_field or number_field or spec.kind != "datatype":
            return yaml12.Refused(f"cell {where} holds the true/false value {str(value).upper()}, not "
                                  f"{'text' if not number_field else 'a number'}",
                                  "format the column as Text and type the value again", "cell-type")
        return value
    if isinstance(value, datetime.datetime | datetime.date | datetime.time):
        if spec.year_month and not isinstance(value, datetime.time):
            return value
        return yaml12.Refused(f"cell {where} holds a date ({value.isoformat()}): the spreadsheet turned what "
                              "was typed into a date", "format the column as Text (or Number) and type the value "
                              "again as the source prints it", "cell-type")
    if isinstance(value, int | float) and "%" in str(cell.number_format):
        if spec.percentage:
            return (Decimal(repr(value)) * 100).normalize()
        return yaml12.Refused(f"cell {where} is formatted as a percentage: it shows "
                              f"{(Decimal(repr(value)) * 100).normalize():f}% but holds {value!r}",
                              "format the cell as a number (or Text) and type the value as the source prints it",
                              "cell-type")
    return value


def read_csv_folder(folder: Path) -> list[Table]:
    """The CSV files of a folder as the workbook's sheets; raises InputError naming every file that cannot be read."""
    limits = layout()
    by_file = {s.csv: s for s in limits.sheets.values()}
    tables, problems = [], []
    files = sorted(p for p in folder.iterdir() if p.is_file() and not p.name.startswith("."))
    if not files:
        raise _refuse(str(folder), "the folder holds no CSV file of the extraction workbook", "empty",
                      "expected: " + ", ".join(by_file))
    for path in files:
        sheet = by_file.get(path.name)
        if sheet is None:
            problems.append(Problem(str(path), f"{path.name!r} is not a sheet of the extraction workbook",
                                    hint="expected: " + ", ".join(by_file), rule="unknown-field"))
            continue
        try:
            if path.stat().st_size > limits.max_bytes:
                problems.append(Problem(str(path), "the file is too large", rule="too-large"))
                continue
            data = path.read_bytes()
        except OSError as exc:
            problems.append(Problem(str(path), f"cannot read the file: {exc.strerror}", rule="unreadable"))
            continue
        if b"\x00" in data:
            problems.append(Problem(str(path), "this is a binary file, not CSV text", rule="binary"))
            continue
        try:
            text = data.decode("utf-8-sig")
            # the csv module's own quoting rules on a file object (str.splitlines would also split at U+2028, form
            # feed... inside a cell); a line break inside a cell is kept as LF, the form an .xlsx cell (XML) and
            # YAML give it; a cell `peerkg template` neutralised for spreadsheets ('=x) is read back as written
            rows: list[list[Any]] = [[unneutralise_cell(c.replace("\r\n", "\n").replace("\r", "\n")) for c in row]
                                     for row in csv.reader(io.StringIO(text, newline=""))]
        except (UnicodeDecodeError, csv.Error) as exc:
            problems.append(Problem(str(path), f"not UTF-8 CSV text: {exc}", rule="syntax"))
            continue
        delimiter = _other_delimiter(rows[0] if rows else [])
        if delimiter:
            problems.append(Problem(str(path), f"the columns are separated by {delimiter!r}, not by commas",
                                    hint="save the sheet as CSV UTF-8 (comma delimited), or export it with a "
                                    "comma as the separator", rule="csv-delimiter"))
            continue
        tables.append(_table(sheet, str(path), rows, csv_file=True))
    if problems:
        raise InputError(problems)
    return tables


def _other_delimiter(header: list[Any]) -> str:
    """The separator of a header row written with another delimiter than the comma (one cell holding
    several column names joined by ';', a tab or '|'), else ""."""
    if len(header) != 1:
        return ""
    counts = {d: str(header[0]).count(d) for d in (";", "\t", "|")}
    best = max(counts, key=lambda d: counts[d])
    return best if counts[best] else ""


def _unknown_sheet(file: str, name: str) -> Problem:
    return Problem(file, f"sheet {name!r} is not a sheet of the extraction workbook",
                   hint="sheets: " + ", ".join(layout().sheets), rule="unknown-field")


def _table(sheet: Sheet, file: str, rows: list[list[Any]], csv_file: bool) -> Table:
    header_row = rows[0] if rows else []
    header = [str(h).strip() if h is not None else "" for h in header_row]
    while header and not header[-1]:
        header.pop()
    table = Table(sheet, file, header, [], csv_file)
    problems = []
    for index, name in enumerate(header):
        if name not in sheet.columns:
            import difflib

            close = difflib.get_close_matches(name, sheet.columns, n=1)
            problems.append(Problem(file, f"column {name!r} is not a field of the {sheet.name} sheet",
                                    field=table.cell(1, name).place().field if name else f"sheet {sheet.name!r}",
                                    hint=f"did you mean {close[0]!r}?" if close else
                                    "columns: " + ", ".join(sheet.columns), rule="unknown-field"))
        elif header.index(name) != index:
            problems.append(Problem(file, f"column {name!r} appears twice", field=f"sheet {sheet.name!r}",
                                    rule="duplicate-key"))
    if problems:
        raise InputError(problems)
    for number, row in enumerate(rows[1:], 2):
        values = {name: _clean(row[i]) for i, name in enumerate(header) if i < len(row)}
        values = {k: v for k, v in values.items() if v is not None}
        if values:
            table.rows.append((number, values))
    return table


def _clean(value: Any) -> Any:
    if isinstance(value, str):
        value = value.strip()
        return value or None
    return value


# -- rows into YAML entries -------------------------------------------------------------------------------

@dataclass
class Draft:
    """One entry being assembled from rows: its YAML data and where each value came from."""

    id: str
    table: Table
    row: int
    data: dict[str, Any]
    cells: dict[str, Cell] = field(default_factory=dict)

    def locate(self, path: str) -> Cell:
        """The cell of a YAML key path of this entry; for a key with no cell, its record's row and the column
        of that name."""
        probe = path
        suffix = ""
        while True:
            if probe in self.cells:
                cell = self.cells[probe]
                column = suffix.lstrip(".")
                if column and not cell.column:
                    head = re.sub(r"\[\d+\]", "", column)
                    return Cell(cell.file, cell.sheet, cell.row, head, "", cell.csv)
                return cell
            if not probe:
                return self.table.cell(self.row)
            cut = max(probe.rfind("."), probe.rfind("["))
            suffix = probe[cut:] + suffix if cut >= 0 else probe + suffix
            probe = probe[:cut] if cut >= 0 else ""


def convert(spec: Field | None, value: Any, fmt: EntryFormat, separator: str) -> Any:
    """A cell's value as the YAML loader expects it: lists split, numbers and booleans typed. A value that
    cannot be converted is passed on as it is, for the loader to report."""
    if spec is None:
        return value
    if isinstance(value, str) and value == fmt.not_reported_value:
        return value
    if spec.many and isinstance(value, str) and separator in value:
        return [_scalar(spec, v.strip(), fmt) for v in value.split(separator) if v.strip()]
    return _scalar(spec, value, fmt)


def _scalar(spec: Field, value: Any, fmt: EntryFormat) -> Any:
    if isinstance(value, yaml12.Refused):
        return value
    if isinstance(value, datetime.datetime | datetime.date):
        return f"{value.year:04d}-{value.month:02d}" if spec.year_month else value.isoformat()
    if spec.kind in ("scheme", "link", "identifier", "kind"):
        return str(value)
    if spec.kind != "datatype":
        return value
    target = spec.target
    if isinstance(value, float) and value.is_integer() and (target in INTEGER_TYPES or target == "xsd:string"):
        value = int(value)
    if target == "xsd:string":
        return str(value) if not isinstance(value, bool) else value
    if isinstance(value, float) and target == "xsd:decimal":
        return Decimal(repr(value))  # the shortest text that is this binary number, as Excel shows it
    if isinstance(value, str):
        text = value.strip()
        # the numbers of YAML 1.2's core schema (yaml12.CORE_SCHEMA), digits 0-9 only
        if target in INTEGER_TYPES and re.fullmatch(r"[+-]?[0-9]+", text):
            return int(text)
        if target == "xsd:decimal" and re.fullmatch(r"[+-]?([0-9]+\.?[0-9]*|\.[0-9]+)([eE][+-]?[0-9]+)?", text):
            return Decimal(text) if re.search(r"[.eE]", text) else int(text)
        if target == "xsd:boolean" and text.lower() in ("true", "false"):
            return text.lower() == "true"
    return value


Items = dict[tuple[str, str, int], tuple[str, dict[str, Any]]]


def drafts(tables: list[Table]) -> tuple[list[Draft], list[Problem]]:
    """The entries of the workbook as YAML data: one per row of the entry sheets, with the rows of the other
    sheets in their lists, and the sources where they belong."""
    lay = layout()
    by_sheet = {t.sheet.name: t for t in tables}
    found: dict[str, Draft] = {}
    problems: list[Problem] = []
    for kind, sheet in lay.entry_sheets.items():
        table = by_sheet.get(sheet.name)
        if table is not None:
            problems.extend(_entry_rows(table, kind, found))
    items: Items = {}
    for sheet in lay.sheets.values():
        table = by_sheet.get(sheet.name)
        if sheet.parent and table is not None:
            problems.extend(_child_rows(table, found, items))
    problems.extend(_sources(by_sheet.get(lay.sources.name), found, items, entry_format(), lay))
    return list(found.values()), problems


def _entry_rows(table: Table, kind: str, found: dict[str, Draft]) -> list[Problem]:
    fmt = entry_format()
    lay = layout()
    problems = []
    record = fmt.records[kind]
    for row, values in table.rows:
        ident = str(values.get("id", ""))
        if not ident:
            problems.append(_at(table.cell(row, "id"), "a row without an id", "missing-field"))
            continue
        if ident in found:
            problems.append(_at(table.cell(row, "id"), f"entry id {ident!r} appears twice", "duplicate-id"))
            continue
        data: dict[str, Any] = {"id": ident} if kind == fmt.default_kind else {"id": ident, "record": kind}
        draft = Draft(ident, table, row, data)
        draft.cells[""] = table.cell(row)
        for column, value in values.items():
            draft.cells[column] = table.cell(row, column)
            if column != "id":
                data[column] = convert(field_spec(table.sheet, column), value, fmt, lay.separator)
        for child in lay.sheets.values():
            if child.parent and child.parent in record.fields:
                data[child.parent] = []
                draft.cells[child.parent] = draft.cells[""]
        if "provenance" in record.fields:
            data["provenance"] = {}
            draft.cells["provenance"] = draft.cells[""]
        found[ident] = draft
    return problems


def _child_rows(table: Table, found: dict[str, Draft], items: Items) -> list[Problem]:
    fmt = entry_format()
    sheet = table.sheet
    problems = []
    counters: dict[str, int] = {}
    for row, values in sorted(table.rows, key=lambda r: (_item(r[1]) or 0, r[0])):
        problem = _child_problem(table, row, values, found, sheet, items)
        if problem:
            problems.append(problem)
            continue
        draft = found[str(values["entry"])]
        n = counters[draft.id] = counters.get(draft.id, 0) + 1
        path = f"{sheet.parent}[{n}]"
        fields: dict[str, Any] = {}
        draft.cells[path] = table.cell(row)
        for column, value in values.items():
            if column in STRUCTURAL:
                continue
            head, _, rest = column.partition(".")
            converted = convert(field_spec(sheet, column), value, fmt, layout().separator)
            if rest:
                fields.setdefault(head, {})[rest] = converted
                draft.cells[f"{path}.{head}"] = table.cell(row)
            else:
                fields[column] = converted
            draft.cells[f"{path}.{column}"] = table.cell(row, column)
        draft.data[sheet.parent].append(fields)
        items[(draft.id, sheet.name, _item(values) or 0)] = (path, fields)
    return problems


def _item(values: dict[str, Any]) -> int | None:
    raw = values.get("item")
    if isinstance(raw, bool):
        return None
    if isinstance(raw, float) and raw.is_integer():
        return int(raw)
    if isinstance(raw, int):
        return raw
    if isinstance(raw, str) and raw.isdigit():
        return int(raw)
    return None


def _child_problem(table: Table, row: int, values: dict[str, Any], found: dict[str, Draft], sheet: Sheet,
                   items: Items) -> Problem | None:
    ident = str(values.get("entry", ""))
    if not ident:
        return _at(table.cell(row, "entry"), "the row names no entry", "missing-field",
                   "write the id of its review in the entry column")
    if ident not in found:
        return _at(table.cell(row, "entry"), f"no entry {ident!r} on the reviews or umbrella reviews sheet",
                   "unknown-link", "check the id")
    record = entry_format().records[str(found[ident].data.get("record", entry_format().default_kind))]
    if sheet.parent not in record.fields:
        return _at(table.cell(row, "entry"), f"a {record.kind} has no {sheet.name}", "unknown-field")
    item = _item(values)
    if item is None or item < 1:
        return _at(table.cell(row, "item"), f"item {values.get('item')!r} is not a number 1, 2, 3, ...",
                   "wrong-datatype")
    if (ident, sheet.name, item) in items:
        return _at(table.cell(row, "item"), f"item {item} of {ident} appears twice on this sheet", "duplicate-key")
    return None


def _sources(table: Table | None, found: dict[str, Draft], items: Items, fmt: EntryFormat,
             lay: Layout) -> list[Problem]:
    problems: list[Problem] = []
    if table is None:
        return problems
    entry_sheet_names = {s.name for s in lay.entry_sheets.values()}
    for row, values in table.rows:
        ident = str(values.get("entry", ""))
        draft = found.get(ident)
        if draft is None:
            problems.append(_at(table.cell(row, "entry"), f"no entry {ident!r} on the reviews or umbrella "
                                "reviews sheet", "unknown-link"))
            continue
        source = {k: convert(field_spec(lay.sources, k), v, fmt, lay.separator)
                  for k, v in values.items() if k not in STRUCTURAL}
        sheet_name = str(values.get("sheet", ""))
        if sheet_name in entry_sheet_names:
            name = str(values.get("field", ""))
            if not name:
                problems.append(_at(table.cell(row, "field"), "a source of a review-level fact names its field",
                                    "missing-field", "e.g. review_type"))
                continue
            listing = draft.data["provenance"].setdefault(name, [])
            path = f"provenance.{name}"
            draft.cells.setdefault(path, table.cell(row, "field"))
        else:
            target = items.get((ident, sheet_name, _item(values) or 0))
            if target is None:
                problems.append(_at(table.cell(row, "item"), f"{ident} has no item {values.get('item')!r} on "
                                    f"sheet {sheet_name!r}", "unknown-link", "check the sheet and item columns"))
                continue
            name = str(values.get("field", "") or "")
            if name:  # a field of a record with provenance per field (an inclusion's amstar2)
                listing = target[1].setdefault("provenance", {}).setdefault(name, [])
                path = f"{target[0]}.provenance.{name}"
            else:
                path = f"{target[0]}.sources"
                listing = target[1].setdefault("sources", [])
        listing.append(source)
        item_path = f"{path}[{len(listing)}]"
        draft.cells[item_path] = table.cell(row)
        for column in source:
            draft.cells[f"{item_path}.{column}"] = table.cell(row, column)
    return problems


def _at(cell: Cell, message: str, rule: str, hint: str = "") -> Problem:
    place = cell.place()
    return Problem(cell.file, message, field=place.field, line=place.line, hint=hint, rule=rule)


def load_workbook(path: Path) -> LoadedFile:
    """Every entry of a filled workbook (.xlsx) or folder of CSV files, each made into a YAML entry and read
    by the YAML loader, with its places moved to the sheet, row and column it came from. Raises InputError
    when the workbook cannot be read; problems of rows and cells are returned."""
    tables = read_csv_folder(path) if path.is_dir() else read_xlsx(path)
    found, problems = drafts(tables)
    loaded = LoadedFile(problems=problems)
    for draft in found:
        text = yaml12.dump(draft.data)
        try:
            entry = load_yaml_text(text, str(path), draft.id)
        except InputError as exc:
            loaded.problems.extend(_relocate(draft, p) for p in exc.problems)
            continue
        entry.places = {key: draft.locate(place.field).place() for key, place in entry.places.items()}
        entry.problems = [_relocate(draft, p) for p in entry.problems]
        loaded.entries.append(entry)
    return loaded


def _relocate(draft: Draft, problem: Problem) -> Problem:
    cell = draft.locate(problem.field)
    place = cell.place()
    return Problem(cell.file, problem.message, draft.id, place.field, place.line, problem.hint, problem.rule)
