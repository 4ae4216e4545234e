"""The agreement as a PDF (fpdf2), laid out from the same document as the printed page."""
import unicodedata
from datetime import datetime, timezone

from fpdf import FPDF

from .document import BLANK, AgreementDocument, item_letter

# The PDF's built-in fonts cover Windows-1252 (accents, curly quotes, dashes): nothing to embed.
ENCODING = "windows-1252"
FONT = "Helvetica"
# Letters that Unicode does not decompose into a plain letter and an accent.
_PLAIN = {"Đ": "D", "đ": "d", "Ł": "L", "ł": "l", "ı": "i", "Ħ": "H", "ħ": "h", "→": "->", "←": "<-"}


def pdf_text(text: str) -> str:
    """Text the built-in fonts can draw: other letters lose their accents, anything else becomes "?"."""
    out = []
    for char in text:
        char = _PLAIN.get(char, char)
        try:
            char.encode(ENCODING)
            out.append(char)
        except UnicodeEncodeError:
            plain = "".join(c for c in unicodedata.normalize("NFKD", char) if not unicodedata.combining(c))
            try:
                plain.encode(ENCODING)
                out.append(plain or "?")
            except UnicodeEncodeError:
                out.append("?")
    return "".join(out)


class _AgreementPDF(FPDF):
    def __init__(self, reference: str):
        super().__init__(format="Letter")
        self.reference = reference
        self.core_fonts_encoding = ENCODING

    def footer(self):
        self.set_y(-15)
        self.set_font(FONT, size=8)
        self.cell(0, 10, pdf_text(f"{self.reference} — page {self.page_no()} of {{nb}}"), align="C")


def render_pdf(document: AgreementDocument, last_changed: datetime) -> bytes:
    """The PDF bytes; the same document and ``last_changed`` always give the same bytes."""
    pdf = _AgreementPDF(document.reference)
    # Dated by the data, not the clock, so the same agreement always gives the same file.
    pdf.set_creation_date(last_changed.replace(tzinfo=timezone.utc) if last_changed.tzinfo is None
                          else last_changed)
    pdf.set_title(pdf_text(f"{document.title} — {document.reference}"))
    pdf.set_author("Law Enforcement Action Partnership")
    pdf.set_margins(25, 22, 25)
    pdf.set_auto_page_break(True, margin=22)
    pdf.add_page()
    _heading(pdf, document)
    _paragraph(pdf, document.introduction)
    for party in document.parties:
        _paragraph(pdf, party, indent=6)
    _paragraph(pdf, document.conclusion)
    for article in document.articles:
        pdf.ln(3)
        pdf.set_font(FONT, "B", 11)
        _write(pdf, f"Article {article.number}. {article.heading}", height=6)
        pdf.set_font(FONT, size=10.5)
        for clause in article.clauses:
            _paragraph(pdf, f"{clause.number} {clause.text}")
            for index, item in enumerate(clause.items):
                _paragraph(pdf, f"{item_letter(index)} {item}", indent=8)
    _signatures(pdf, document)
    return bytes(pdf.output())


def _heading(pdf: FPDF, document: AgreementDocument) -> None:
    pdf.set_font(FONT, "B", 16)
    _write(pdf, document.title.upper(), height=9, align="C")
    pdf.set_font(FONT, size=10)
    _write(pdf, document.reference, height=6, align="C")
    if document.draft_note:
        pdf.set_font(FONT, "B", 11)
        _write(pdf, document.draft_note, height=7, align="C")
    pdf.ln(4)
    pdf.set_font(FONT, size=10.5)


def _paragraph(pdf: FPDF, text: str, indent: float = 0) -> None:
    pdf.set_x(pdf.l_margin + indent)
    _write(pdf, text, height=5.5, width=pdf.epw - indent)
    pdf.ln(1.5)


def _write(pdf: FPDF, text: str, height: float, width: float = 0, align: str = "L") -> None:
    pdf.multi_cell(width, height, pdf_text(text), align=align, new_x="LMARGIN", new_y="NEXT")


def _signatures(pdf: FPDF, document: AgreementDocument) -> None:
    pdf.ln(4)
    if pdf.will_page_break(60):  # the sentence before the signatures stays with them
        pdf.add_page()
    _paragraph(pdf, document.signing_intro)
    for block in document.signatures:
        if pdf.will_page_break(48):  # keep a signature block on one page
            pdf.add_page()
        pdf.ln(4)
        pdf.set_font(FONT, "B", 10.5)
        _write(pdf, f"{block.label}: {block.party}", height=6)
        pdf.set_font(FONT, size=10.5)
        pdf.ln(8)
        _write(pdf, f"Signature: {BLANK}", height=6)
        for label, value in (("Name", block.name), ("Title", block.title), ("Date", block.date)):
            _write(pdf, f"{label}: {value}", height=6)
