"""Report writers (PDF with reportlab, Excel with openpyxl). No Qt: each takes domain objects, an
options dataclass and a path."""
