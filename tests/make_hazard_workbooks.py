"""Makes the workbook fixtures about cell types (issue 12, item 2) of tests/invalid/ and tests/valid/, from a
workbook filled with tests/valid/new-review.yaml. Run from the repository:

    peerkg template /tmp/filled.xlsx --entry tests/valid/new-review.yaml
    python tests/make_hazard_workbooks.py /tmp/filled.xlsx
"""

from __future__ import annotations

import datetime
import io
import re
import sys
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

from openpyxl import load_workbook

HERE = Path(__file__).parent
CITATION = "Test J. 2023;4:1–12."


def cell_of(ws: Any, column: str, row: int = 2) -> Any:
    header = [c.value for c in ws[1]]
    return ws.cell(row=row, column=header.index(column) + 1)


def variant(filled: Path, target: Path, change: Callable[[Any], None]) -> None:
    book = load_workbook(filled)
    change(book)
    book.save(target)


def percent(column: str, value: float, number_format: str) -> Callable[[Any], None]:
    def change(book: Any) -> None:
        cell = cell_of(book["findings"], column)
        cell.value, cell.number_format = value, number_format
    return change


def value(sheet: str, column: str, new: object) -> Callable[[Any], None]:
    def change(book: Any) -> None:
        cell_of(book[sheet], column).value = new
    return change


def ci_inverted(book: Any) -> None:
    """The first finding's 95% CI bounds swapped (lower above upper)."""
    lower, upper = cell_of(book["findings"], "effect.ci_lower"), cell_of(book["findings"], "effect.ci_upper")
    lower.value, upper.value = upper.value, lower.value


def with_saved_value(path: Path, coordinate: str, saved: str) -> None:
    """Adds the value Excel computes and saves (<v>) to a formula cell: openpyxl writes formulas without one."""
    out = io.BytesIO()
    pattern = re.compile(rf'<c r="{coordinate}"[^>]*><f>([^<]*)</f><v\s*/?>(?:</v>)?</c>'.encode())
    with zipfile.ZipFile(path) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            data = source.read(info)
            if info.filename.startswith("xl/worksheets/"):
                data = pattern.sub(lambda m: f'<c r="{coordinate}" t="str"><f>'.encode() + m.group(1)
                                   + f"</f><v>{saved}</v></c>".encode(), data)
            target.writestr(info, data)
    path.write_bytes(out.getvalue())


def main(filled: Path) -> None:
    invalid, valid = HERE / "invalid", HERE / "valid"
    formula = f'=F2&". "&D2&"{CITATION[len("Test J. 2023"):]}"'
    variant(filled, invalid / "xlsx-percent-p-value.xlsx", percent("effect.p", 0.0009, "0.00%"))
    variant(filled, invalid / "xlsx-formula-without-value.xlsx", value("papers", "citation", formula))
    variant(filled, invalid / "xlsx-date-in-text-column.xlsx",
            value("findings", "outcome_as_reported", datetime.datetime(2023, 3, 6)))
    variant(filled, invalid / "xlsx-boolean-in-text-column.xlsx", value("findings", "population_as_reported", True))
    variant(filled, invalid / "xlsx-ci-inverted.xlsx", ci_inverted)
    variant(filled, invalid / "xlsx-merged-cells.xlsx", lambda book: book["findings"].merge_cells("A2:A3"))
    variant(filled, valid / "xlsx-percent-i2.xlsx", percent("effect.i2", 0.48, "0%"))
    variant(filled, valid / "xlsx-formula-citation.xlsx", value("papers", "citation", formula))
    with_saved_value(valid / "xlsx-formula-citation.xlsx", "G2", CITATION)


if __name__ == "__main__":
    main(Path(sys.argv[1]))
