"""PDF with a text layer (pypdf); a scan (no text layer) goes to OCR when the job allows it. Encrypted or
broken files are refused with their own reason."""

from __future__ import annotations

import io

from ingest.extract import Extracted, ExtractError, Extractor, Options, ocr

MAX_PAGES = 5000


def extract(data: bytes, options: Options) -> Extracted:
    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    try:
        reader = PdfReader(io.BytesIO(data), strict=False)
        if reader.is_encrypted:
            raise ExtractError("encrypted_pdf")
        if len(reader.pages) > MAX_PAGES:
            raise ExtractError("too_many_pages")
        pages = [page.extract_text() or "" for page in reader.pages]
        title = reader.metadata.title if reader.metadata and reader.metadata.title else None
        created = reader.metadata.creation_date if reader.metadata else None
    except ExtractError:
        raise
    except (PdfReadError, ValueError, KeyError, TypeError, AttributeError, IndexError, RecursionError) as exc:
        raise ExtractError("corrupt_file") from exc
    if not any(p.strip() for p in pages):  # a scan
        if not options.ocr:
            raise ExtractError("no_text_layer")
        return ocr.scanned_pdf(data, options.ocr_languages)
    published = created.date().isoformat() if created else None
    return Extracted("application/pdf", pages, str(title) if title else None, published=published)


EXTRACTOR = Extractor("PDF", ("application/pdf",), extract, (".pdf",))
