"""Read the text back out of a PDF written by fpdf2 with its built-in fonts (no PDF library needed)."""
import re
import zlib

_STREAM = re.compile(rb"/Filter /FlateDecode.*?stream\n(.*?)\nendstream", re.DOTALL)
_SHOWN = re.compile(rb"\(((?:[^()\\]|\\.)*)\) Tj")
_ESCAPE = re.compile(rb"\\([nrtbf()\\]|[0-7]{1,3})")
_SIMPLE = {b"n": b"\n", b"r": b"\r", b"t": b"\t", b"b": b"\b", b"f": b"\f", b"(": b"(", b")": b")", b"\\": b"\\"}


def _unescape(raw: bytes) -> bytes:
    def one(match):
        code = match.group(1)
        return _SIMPLE.get(code) or bytes([int(code, 8)])
    return _ESCAPE.sub(one, raw)


def page_streams(pdf: bytes) -> list[bytes]:
    return [zlib.decompress(body) for body in _STREAM.findall(pdf)]


def pdf_text(pdf: bytes) -> str:
    """Every string the pages draw, in drawing order, joined by spaces."""
    pieces = []
    for stream in page_streams(pdf):
        pieces += [_unescape(raw).decode("cp1252") for raw in _SHOWN.findall(stream)]
    return " ".join(pieces)
