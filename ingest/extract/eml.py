"""E-mail (.eml): the body as text, attachments as children ingested after the e-mail."""

from __future__ import annotations

from email import policy
from email.parser import BytesParser

from ingest.extract import Child, Extracted, ExtractError, Extractor, Options

MAX_ATTACHMENTS = 50


def extract(data: bytes, options: Options) -> Extracted:
    try:
        msg = BytesParser(policy=policy.default).parsebytes(data)
    except (ValueError, TypeError) as exc:
        raise ExtractError("corrupt_file") from exc
    body = msg.get_body(preferencelist=("plain", "html"))
    text = body.get_content() if body is not None else ""
    header = "\n".join(f"{h}: {msg[h]}" for h in ("From", "To", "Date", "Subject") if msg[h])
    children: list[Child] = []
    for part in msg.iter_attachments():
        if len(children) >= MAX_ATTACHMENTS:
            break
        payload = part.get_payload(decode=True)
        if isinstance(payload, bytes) and payload:
            children.append(Child(part.get_filename() or "attachment", payload))
    if not (text.strip() or children):
        raise ExtractError("empty_file")
    return Extracted("message/rfc822", [f"{header}\n\n{text}"], str(msg["Subject"] or "") or None, children)


EXTRACTOR = Extractor("e-mail (.eml, with its attachments)", ("message/rfc822",), extract, (".eml",))
