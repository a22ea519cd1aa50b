"""`peerkg template`: the extraction workbook of loaders/spreadsheet.yaml, blank or filled with curated entries
(an .xlsx file with drop-down lists from the vocabularies and a README sheet, or a folder of CSV files)."""

from __future__ import annotations

# openpyxl is imported where a workbook is written, so that `peerkg template --help` and CSV output stay light.
import csv
import io
import re
import zipfile
from pathlib import Path
from typing import Any

from peerkg.errors import InputError, Problem
from peerkg.loaders import yaml12
from peerkg.loaders.fieldmap import Field, entry_format
from peerkg.loaders.workbook import LISTS_SHEET, README_SHEET, STRUCTURAL, Layout, Sheet, field_spec, layout
from peerkg.loaders.yaml_entry import load_yaml
from peerkg.ontology import scheme_slugs
from peerkg.queries.results import neutralise_cell
from peerkg.validation.shapes import FieldRules, field_rules

MAX_ROWS = 2000  # rows that get the drop-down lists
FIXED_TIME = "2024-01-01T00:00:00Z"  # the workbook's document dates: the same entries give the same bytes

Rows = dict[str, list[dict[str, Any]]]


# -- curated entries as rows ------------------------------------------------------------------------------

def entry_rows(path: Path) -> Rows:
    """A curated YAML entry as rows of the workbook's sheets; InputError for what the workbook cannot hold."""
    load_yaml(path)  # refuses a broken entry (and YAML aliases) before it is read as plain data
    data = yaml12.load(path.read_text("utf-8"))
    lay = layout()
    fmt = entry_format()
    file = str(path)
    kind = str(data.get("record", fmt.default_kind))
    sheet = lay.entry_sheets.get(kind)
    if sheet is None:
        raise InputError([Problem(file, f"the workbook has no sheet for a {kind}", data.get("id", ""),
                                  "record", rule="unsupported")])
    rows: Rows = {name: [] for name in lay.sheets}
    ident = data["id"]
    top: dict[str, Any] = {"id": ident}
    problems: list[Problem] = []
    children = {s.parent: s for s in lay.sheets.values() if s.parent}
    for key, value in data.items():
        if key in ("id", "record"):
            continue
        if key == "provenance":
            for name, sources in value.items():
                for source in sources:
                    rows[lay.sources.name].append({"entry": ident, "sheet": sheet.name, "field": name, **source})
        elif key in sheet.columns:
            top[key] = _cell(sheet, key, value, problems, file, ident)
        elif key in children:
            child = children[key]
            for n, record in enumerate(value, 1):
                row: dict[str, Any] = {"entry": ident, "item": n}
                for name, item in record.items():
                    if name == "sources":
                        rows[lay.sources.name].extend({"entry": ident, "sheet": child.name, "item": n, **s}
                                                      for s in item)
                    elif name == "provenance":  # an inclusion's sources per field
                        rows[lay.sources.name].extend({"entry": ident, "sheet": child.name, "item": n,
                                                       "field": field, **s}
                                                      for field, sources in item.items() for s in sources)
                    elif isinstance(item, dict):
                        row.update({f"{name}.{k}": _cell(child, f"{name}.{k}", v, problems, file, ident)
                                    for k, v in item.items()})
                    else:
                        row[name] = _cell(child, name, item, problems, file, ident)
                unknown = [c for c in row if c not in child.columns]
                if unknown:
                    problems.append(Problem(file, f"{key}[{n}] has fields the workbook cannot hold: "
                                            + ", ".join(unknown), ident, key, rule="unsupported"))
                rows[child.name].append(row)
        elif value not in (None, []):
            problems.append(Problem(file, f"the workbook cannot hold {key!r}: write it in YAML", ident, key,
                                    rule="unsupported"))
    rows[sheet.name].append(top)
    if problems:
        raise InputError(problems)
    return rows


def _cell(sheet: Sheet, column: str, value: Any, problems: list[Problem], file: str, ident: str) -> Any:
    separator = layout().separator
    if isinstance(value, list):
        texts = [str(v) for v in value]
        if any(separator in t for t in texts):
            problems.append(Problem(file, f"a value of {column!r} holds {separator!r}, the workbook's list "
                                    "separator", ident, column, rule="unsupported"))
        return f"{separator} ".join(texts)
    return value


# -- the workbook -----------------------------------------------------------------------------------------

def write_template(path: Path, entries: list[Path] | None = None, force: bool = False) -> None:
    """A blank workbook, or one holding the given curated entries: an .xlsx file, or a folder of CSV files
    when `path` has no suffix. Raises InputError for another suffix (e.g. .xls, .csv), and for a workbook (or
    a folder holding the workbook's CSV files) that exists already, unless `force`: a filled workbook is
    never overwritten by accident."""
    suffix = path.suffix.lower()
    if suffix not in (".xlsx", ""):
        raise InputError([Problem(str(path), f"peerkg writes the workbook as .xlsx (or as a folder of CSV files), "
                                  f"not as {path.suffix}", hint=f"name it {path.with_suffix('.xlsx').name}, or give "
                                  "a folder name without a suffix", rule="file-type")])
    taken = path.exists() and (path.is_file() or any((path / s.csv).exists() for s in layout().sheets.values()))
    if taken and not force:
        raise InputError([Problem(str(path), "exists already: the template would overwrite it",
                                  hint="give another name, or --force to overwrite it", rule="exists")])
    if path.is_dir() and suffix == ".xlsx":
        raise InputError([Problem(str(path), "is a folder", rule="file-type")])
    rows: Rows = {name: [] for name in layout().sheets}
    problems: list[Problem] = []
    for entry in entries or []:
        try:
            for name, part in entry_rows(entry).items():
                rows[name].extend(part)
        except InputError as exc:
            problems.extend(exc.problems)
    if problems:
        raise InputError(problems)
    if suffix == ".xlsx":
        path.write_bytes(workbook_bytes(rows))
    else:
        write_csv_folder(path, rows)


def write_csv_folder(folder: Path, rows: Rows) -> None:
    """Writes the workbook's sheets as one CSV file each (UTF-8, comma-separated) into `folder`."""
    folder.mkdir(parents=True, exist_ok=True)
    for sheet in layout().sheets.values():
        with (folder / sheet.csv).open("w", encoding="utf-8", newline="") as out:
            writer = csv.writer(out)
            writer.writerow(sheet.columns)
            for row in rows.get(sheet.name, []):
                # cells a spreadsheet would run as formulas are neutralised (the workbook loader undoes it)
                writer.writerow([neutralise_cell(_csv_text(row.get(c))) for c in sheet.columns])


def _csv_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def workbook_bytes(rows: Rows) -> bytes:
    """The .xlsx bytes of a workbook holding `rows` (sheet -> rows), reproducible: the same rows give the same bytes."""
    from openpyxl import Workbook
    from openpyxl.comments import Comment
    from openpyxl.styles import Alignment, Font
    from openpyxl.utils import get_column_letter

    lay = layout()
    book = Workbook()
    readme = book.active
    readme.title = README_SHEET
    lists = _ListSheet(book.create_sheet(LISTS_SHEET))
    for sheet in lay.sheets.values():
        ws = book.create_sheet(sheet.name)
        for index, column in enumerate(sheet.columns, 1):
            cell = ws.cell(row=1, column=index, value=column)
            cell.font = Font(bold=True)
            cell.comment = Comment(describe(sheet, column, lay), "peerkg")
            letter = get_column_letter(index)
            ws.column_dimensions[letter].width = 14 if column in STRUCTURAL else 24
            _validation(ws, sheet, column, letter, lists, lay)
        ws.freeze_panes = "A2"
        for number, row in enumerate(rows.get(sheet.name, []), 2):
            for index, column in enumerate(sheet.columns, 1):
                value = row.get(column)
                if value is None:
                    continue
                cell = ws.cell(row=number, column=index, value=value)
                cell.number_format = ws.column_dimensions[get_column_letter(index)].number_format
                if isinstance(value, str):
                    cell.data_type = "s"  # text stays text, even when it starts with "="
    _write_readme(readme, lay)
    readme.column_dimensions["A"].width = 28
    readme.column_dimensions["B"].width = 110
    for row in readme.iter_rows():
        for cell in row:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    lists.ws.sheet_state = "hidden"
    book.properties.creator = "peerkg"
    buffer = io.BytesIO()
    book.save(buffer)
    return _reproducible(buffer.getvalue())


class _ListSheet:
    """The hidden sheet holding the allowed values of each vocabulary column, one column per list."""

    def __init__(self, ws: Any):
        self.ws = ws
        self.columns: dict[tuple[str, ...], str] = {}

    def range_of(self, title: str, values: tuple[str, ...]) -> str:
        from openpyxl.utils import get_column_letter

        if values not in self.columns:
            index = len(self.columns) + 1
            letter = get_column_letter(index)
            self.ws.cell(row=1, column=index, value=title)
            for n, value in enumerate(values, 2):
                self.ws.cell(row=n, column=index, value=value)
            self.columns[values] = f"{LISTS_SHEET}!${letter}$2:${letter}${len(values) + 1}"
        return self.columns[values]


def allowed_values(sheet: Sheet, column: str, lay: Layout) -> tuple[str, ...]:
    """The drop-down values of a column: vocabulary slugs, true/false, sheet or field names."""
    fmt = entry_format()
    if column == "sheet" and not sheet.record:
        return tuple(s.name for s in lay.sheets.values() if s.record)
    if column == "field" and not sheet.record:
        names = {n for k in lay.entry_sheets for n, f in fmt.records[k].fields.items()
                 if f.kind in ("datatype", "scheme", "link")}
        return tuple(sorted(names))
    spec = field_spec(sheet, column)
    values: tuple[str, ...] = ()
    if spec is not None and spec.kind == "scheme":
        values = tuple(sorted(scheme_slugs(spec.target)))
    elif spec is not None and spec.kind == "datatype" and spec.target == "xsd:boolean":
        values = ("true", "false")
    if values and spec is not None and rules(sheet, column).not_reported:
        values += (fmt.not_reported_value,)
    return values


def _validation(ws: Any, sheet: Sheet, column: str, letter: str, lists: _ListSheet, lay: Layout) -> None:
    from openpyxl.worksheet.datavalidation import DataValidation

    values = allowed_values(sheet, column, lay)
    spec = field_spec(sheet, column)
    cells = f"{letter}2:{letter}{MAX_ROWS}"
    if values:
        validation = DataValidation(type="list", formula1="=" + lists.range_of(f"{sheet.name}.{column}", values),
                                    allow_blank=True)
        if spec is not None and spec.many:
            # several values are typed "a; b": let Excel accept them after a warning
            validation.errorStyle = "warning"
            validation.prompt = f"one or more of the list, separated by {lay.separator!r}"
        validation.error = "not an allowed value: see the README sheet"
    elif spec is not None and spec.kind == "datatype" and spec.target in ("xsd:nonNegativeInteger",
                                                                           "xsd:positiveInteger") \
            and not spec.many and not rules(sheet, column).not_reported:
        low = "1" if spec.target == "xsd:positiveInteger" else "0"
        validation = DataValidation(type="whole", operator="greaterThanOrEqual", formula1=low, allow_blank=True)
        validation.error = f"a whole number, at least {low}"
    elif spec is not None and spec.kind == "datatype" and spec.target == "xsd:decimal" \
            and not rules(sheet, column).not_reported:
        validation = DataValidation(type="decimal", allow_blank=True)
        validation.error = "a number (with a point as the decimal mark)"
    else:
        _number_format(ws, letter, spec)
        return
    _number_format(ws, letter, spec)
    validation.showErrorMessage = True
    ws.add_data_validation(validation)
    validation.add(cells)


def _number_format(ws: Any, letter: str, spec: Field | None) -> None:
    """Formats the column's cells so that the spreadsheet keeps what is typed: text columns as Text ("@", so
    "3-6" or "TRUE" is not turned into a date or a boolean), whole-number columns as "0", number columns as
    "General" (never a percentage). Vocabulary and structural columns are left as they are."""
    if spec is None or spec.kind not in ("datatype", "link", "identifier"):
        return
    if spec.kind != "datatype" or spec.target == "xsd:string" or spec.many:
        number_format = "@"  # several numbers are typed as text, "41; 42"
    elif spec.target in ("xsd:integer", "xsd:nonNegativeInteger", "xsd:positiveInteger"):
        number_format = "0"
    elif spec.target == "xsd:decimal":
        number_format = "General"
    else:
        return
    # the column's style (<col style>): Excel gives it to every cell typed into the column
    ws.column_dimensions[letter].number_format = number_format


def rules(sheet: Sheet, column: str) -> FieldRules:
    """What the shapes require of the field a column holds (the one rulebook; nothing restated here)."""
    fmt = entry_format()
    record = fmt.records.get(sheet.record) if sheet.record else fmt.records["source"]
    spec = field_spec(sheet, column)
    head, _, rest = column.partition(".")
    if record is not None and rest and head in record.fields:
        record = fmt.records[record.fields[head].target]
    if record is None or spec is None or spec.property is None:
        return FieldRules(required=False, not_reported=False)
    cls = record.sub_nodes[spec.on].cls if spec.on else record.cls
    return field_rules(cls, spec.property)


def describe(sheet: Sheet, column: str, lay: Layout) -> str:
    """What a column holds, in words (header comments and the README sheet)."""
    if column in lay.structural and (column in ("entry", "item") or not sheet.record):
        return lay.structural[column]
    spec = field_spec(sheet, column)
    if spec is None:
        return ""
    kinds = {
        "scheme": f"a term of the {spec.target} vocabulary",
        "link": "the id of a review in the graph",
        "identifier": "the entry id: surname of the first author and year, e.g. chien-2019",
    }
    text = kinds.get(spec.kind) or _datatype_words(spec)
    if spec.many:
        text = f"one or more ({lay.separator!r}-separated): {text}"
    if rules(sheet, column).required:
        text += "; required"
    if rules(sheet, column).not_reported:
        text += f"; or {entry_format().not_reported_value!r}"
    return text


def _datatype_words(spec: Field) -> str:
    return {
        "xsd:string": "text", "xsd:boolean": "true or false", "xsd:decimal": "a number",
        "xsd:integer": "a whole number", "xsd:nonNegativeInteger": "a whole number, 0 or more",
        "xsd:positiveInteger": "a whole number, 1 or more",
    }.get(spec.target, spec.target)


def _write_readme(ws: Any, lay: Layout) -> None:
    lines: list[tuple[str, str]] = [(line, "") for line in lay.readme.strip().splitlines()]
    for sheet in lay.sheets.values():
        lines += [("", ""), (f"sheet: {sheet.name}", f"{sheet.description} (as CSV: {sheet.csv})")]
        lines += [(column, describe(sheet, column, lay)) for column in sheet.columns]
    for number, (first, second) in enumerate(lines, 1):
        ws.cell(row=number, column=1, value=first)
        if second:
            ws.cell(row=number, column=2, value=second)


def _reproducible(data: bytes) -> bytes:
    """The same workbook as the same bytes: fixed ZIP entry dates and document dates."""
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            content = source.read(info)
            if info.filename == "docProps/core.xml":
                content = re.sub(rb"(<dcterms:(created|modified)[^>]*>)[^<]*", rb"\g<1>" + FIXED_TIME.encode(),
                                 content)
            fixed = zipfile.ZipInfo(info.filename, date_time=(2024, 1, 1, 0, 0, 0))
            fixed.compress_type = zipfile.ZIP_DEFLATED
            target.writestr(fixed, content)
    return out.getvalue()
