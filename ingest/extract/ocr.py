"""OCR of images and scanned PDFs with Tesseract (Debian ``tesseract-ocr`` with French, English and
Arabic data). Pillow's decompression-bomb limit refuses pixel floods before any pixel is decoded."""

from __future__ import annotations

import io

from ingest.extract import Extracted, ExtractError, Extractor, Options

MAX_PIXELS = 60_000_000  # about 7,700 x 7,700: any real scan at 300 dpi, not a 20,000 x 20,000 flood
MAX_OCR_PAGES = 300
LANGUAGES = ("fra", "eng", "ara")


def _lang(languages: list[str] | None) -> str:
    chosen = [x for x in (languages or ["fra", "eng"]) if x in LANGUAGES]
    return "+".join(chosen or ["fra", "eng"])


def _image_text(image, languages: list[str] | None) -> str:  # type: ignore[no-untyped-def]
    import pytesseract

    try:
        return str(pytesseract.image_to_string(image, lang=_lang(languages)))
    except pytesseract.TesseractNotFoundError as exc:
        raise ExtractError("ocr_unavailable") from exc


def image(data: bytes, options: Options) -> Extracted:
    from PIL import Image, ImageSequence

    if not options.ocr:
        raise ExtractError("ocr_skipped")
    Image.MAX_IMAGE_PIXELS = MAX_PIXELS
    try:
        img = Image.open(io.BytesIO(data))
        pages = [
            _image_text(frame.convert("RGB"), options.ocr_languages)
            for frame in list(ImageSequence.Iterator(img))[:MAX_OCR_PAGES]
        ]
    except Image.DecompressionBombError as exc:
        raise ExtractError("image_too_large") from exc
    except (OSError, ValueError, SyntaxError) as exc:
        raise ExtractError("corrupt_file") from exc
    if not any(p.strip() for p in pages):
        raise ExtractError("empty_file")
    return Extracted(Image.MIME.get(img.format or "", "image/png"), pages)


def scanned_pdf(data: bytes, languages: list[str] | None) -> Extracted:
    import pypdfium2 as pdfium

    try:
        pdf = pdfium.PdfDocument(data)
    except pdfium.PdfiumError as exc:
        raise ExtractError("corrupt_file") from exc
    if len(pdf) > MAX_OCR_PAGES:
        raise ExtractError("too_many_pages")
    pages = []
    for i in range(len(pdf)):
        bitmap = pdf[i].render(scale=200 / 72)  # 200 dpi
        pages.append(_image_text(bitmap.to_pil(), languages))
    if not any(p.strip() for p in pages):
        raise ExtractError("empty_file")
    return Extracted("application/pdf", pages)


EXTRACTOR = Extractor("images (OCR)", ("image/png", "image/jpeg", "image/tiff"), image, (".png", ".jpg", ".tif"))
