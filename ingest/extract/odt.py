"""ODT (OpenDocument text): ``content.xml`` read with entity resolution and network access off."""

from __future__ import annotations

import io
import zipfile

from lxml import etree

from ingest.extract import ODT, Extracted, ExtractError, Extractor, Options, zipguard

TEXT_NS = "urn:oasis:names:tc:opendocument:xmlns:text:1.0"


def extract(data: bytes, options: Options) -> Extracted:
    zipguard.check(data)
    parser = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False, load_dtd=False)
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as z:
            root = etree.fromstring(z.read("content.xml"), parser)
    except (KeyError, zipfile.BadZipFile, etree.XMLSyntaxError) as exc:
        raise ExtractError("corrupt_file") from exc
    paragraphs = ["".join(p.itertext()) for p in root.iter(f"{{{TEXT_NS}}}p", f"{{{TEXT_NS}}}h")]
    text = "\n".join(paragraphs)
    if not text.strip():
        raise ExtractError("empty_file")
    return Extracted(ODT, [text])


EXTRACTOR = Extractor("ODT", (ODT,), extract, (".odt",))
