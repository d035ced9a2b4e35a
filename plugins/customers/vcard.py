"""vCard (.vcf) reading and writing for contacts (명함).

Writes vCard 3.0 in UTF-8.  Reads 2.1, 3.0 and 4.0 as phones and mail
programs export them: folded lines, ``QUOTED-PRINTABLE`` with a
``CHARSET`` (old Korean phones), escaped ``\\,`` ``\\;`` ``\\n``, and files
in UTF-8 (with or without a BOM) or CP949.

Rows read are dicts keyed by contact field names, plus ``account`` (the
company name from ``ORG``), which the importer resolves to an account.
"""
from __future__ import annotations

import datetime as dt
import quopri
import re
from typing import IO, Iterable, Iterator

LINE_LIMIT = 75
PHONE_FIELDS = {"mobile": "CELL", "direct_line": "WORK,VOICE", "fax": "WORK,FAX"}


# --- writing ------------------------------------------------------------------

def escape(value) -> str:
    text = str(value)
    return (text.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,")
            .replace("\r\n", "\\n").replace("\n", "\\n"))


def fold(line: str) -> str:
    """Fold at 75 octets without splitting a UTF-8 character (RFC 6350 3.2)."""
    out, current = [], b""
    for ch in line:
        encoded = ch.encode("utf-8")
        if len(current) + len(encoded) > LINE_LIMIT:
            out.append(current.decode("utf-8"))
            current = b" "
        current += encoded
    out.append(current.decode("utf-8"))
    return "\r\n".join(out)


def card_lines(contact: dict, account_name: str | None) -> list[str]:
    name = contact.get("name") or ""
    lines = ["BEGIN:VCARD", "VERSION:3.0", f"FN:{escape(name)}", f"N:{name_parts(name)}"]
    if account_name or contact.get("department"):
        lines.append(f"ORG:{escape(account_name or '')};{escape(contact.get('department') or '')}")
    for key, prop in (("job_title", "TITLE"), ("duty", "ROLE"), ("homepage", "URL"), ("description", "NOTE")):
        if contact.get(key):
            lines.append(f"{prop}:{escape(contact[key])}")
    for key, types in PHONE_FIELDS.items():
        if contact.get(key):
            lines.append(f"TEL;TYPE={types}:{escape(contact[key])}")
    if contact.get("extension"):
        lines.append(f"X-PLUGCRM-EXTENSION:{escape(contact['extension'])}")
    if contact.get("email"):
        lines.append(f"EMAIL;TYPE=INTERNET:{escape(contact['email'])}")
    if contact.get("address"):
        lines.append(f"ADR;TYPE=WORK:;;{escape(contact['address'])};;;;")
    if contact.get("birthday"):
        lines.append(f"BDAY:{str(contact['birthday'])[:10]}")
    if contact.get("groups"):
        lines.append("CATEGORIES:" + ",".join(escape(g) for g in contact["groups"]))
    if contact.get("employment_status"):
        lines.append(f"X-PLUGCRM-EMPLOYMENT:{escape(contact['employment_status'])}")
    lines.append("END:VCARD")
    return lines


def name_parts(name: str) -> str:
    """``N`` as family;given.  A Korean or Chinese name without spaces is family name + given name."""
    name = name.strip()
    if " " in name:
        given, _sep, family = name.rpartition(" ")
        return f"{escape(family)};{escape(given)};;;"
    if re.fullmatch(r"[\uac00-\ud7a3\u4e00-\u9fff]{2,4}", name):
        return f"{escape(name[0])};{escape(name[1:])};;;"
    return f"{escape(name)};;;;"


def write_cards(rows: Iterable[tuple[dict, str | None]], fileobj: IO[bytes]) -> int:
    """Write ``(contact, account name)`` pairs as vCards; returns how many."""
    count = 0
    for contact, account_name in rows:
        text = "\r\n".join(fold(line) for line in card_lines(contact, account_name)) + "\r\n"
        fileobj.write(text.encode("utf-8"))
        count += 1
    return count


# --- reading ------------------------------------------------------------------

def decode_file(data: bytes) -> str:
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return data.decode("cp949", errors="replace")


def unfold(text: str) -> list[str]:
    """Logical lines: folded continuations joined, quoted-printable soft breaks joined."""
    lines: list[str] = []
    for raw in re.split(r"\r\n|\n|\r", text):
        if raw[:1] in (" ", "\t") and lines:
            lines[-1] += raw[1:]
        elif lines and lines[-1].endswith("=") and "QUOTED-PRINTABLE" in lines[-1].split(":", 1)[0].upper():
            lines[-1] = lines[-1][:-1] + raw
        else:
            lines.append(raw)
    return [line for line in lines if line.strip()]


def parse_line(line: str) -> tuple[str, dict[str, list[str]], str]:
    head, _sep, value = line.partition(":")
    name, *param_parts = head.split(";")
    params: dict[str, list[str]] = {}
    for part in param_parts:
        key, eq, val = part.partition("=")
        if eq:
            params.setdefault(key.upper(), []).extend(v.strip('"').upper() for v in val.split(","))
        else:  # vCard 2.1: TEL;CELL;VOICE
            params.setdefault("TYPE", []).append(key.upper())
    name = name.split(".")[-1].upper()  # item1.TEL -> TEL
    if "QUOTED-PRINTABLE" in params.get("ENCODING", []):
        charset = (params.get("CHARSET") or ["UTF-8"])[0]
        value = quopri.decodestring(value.encode("ascii", errors="replace")).decode(charset, errors="replace")
    return name, params, value


def split_value(value: str, sep: str) -> list[str]:
    """Split on unescaped ``sep`` and unescape each part."""
    parts, current, i = [], "", 0
    while i < len(value):
        ch = value[i]
        if ch == "\\" and i + 1 < len(value):
            nxt = value[i + 1]
            current += "\n" if nxt in "nN" else nxt
            i += 2
            continue
        if ch == sep:
            parts.append(current)
            current = ""
        else:
            current += ch
        i += 1
    parts.append(current)
    return parts


def unescape(value: str) -> str:
    return split_value(value, "\x00")[0]


def phone_field(types: list[str], row: dict) -> str | None:
    kinds = set(types)
    if "FAX" in kinds:
        return "fax"
    if kinds & {"CELL", "MOBILE", "IPHONE"}:
        return "mobile"
    if kinds & {"WORK", "VOICE", "MAIN"} or not kinds:
        return "direct_line" if not row.get("direct_line") else "mobile" if not row.get("mobile") else None
    return "mobile" if not row.get("mobile") else "direct_line" if not row.get("direct_line") else None


def parse_birthday(value: str) -> str | None:
    digits = value.strip()[:10].replace("-", "")
    try:
        return dt.datetime.strptime(digits[:8], "%Y%m%d").date().isoformat()
    except ValueError:
        return None


def card_to_row(lines: list[str]) -> dict:
    row: dict = {}
    structured_name = ""
    for line in lines:
        name, params, value = parse_line(line)
        if name == "FN":
            row["name"] = unescape(value).strip()
        elif name == "N":
            parts = [p.strip() for p in split_value(value, ";")] + ["", ""]
            family, given = parts[0], parts[1]
            joiner = "" if re.search(r"[\uac00-\ud7a3\u4e00-\u9fff]", family + given) else " "
            structured_name = (family + given) if joiner == "" else f"{given} {family}".strip()
        elif name == "ORG":
            parts = split_value(value, ";")
            row["account"] = parts[0].strip()
            if len(parts) > 1 and parts[1].strip():
                row["department"] = parts[1].strip()
        elif name in ("TITLE", "ROLE", "URL", "NOTE", "X-PLUGCRM-EXTENSION", "X-PLUGCRM-EMPLOYMENT"):
            key = {"TITLE": "job_title", "ROLE": "duty", "URL": "homepage", "NOTE": "description",
                   "X-PLUGCRM-EXTENSION": "extension", "X-PLUGCRM-EMPLOYMENT": "employment_status"}[name]
            row[key] = unescape(value).strip()
        elif name == "TEL":
            key = phone_field(params.get("TYPE", []), row)
            if key and not row.get(key):
                row[key] = unescape(value).strip()
        elif name == "EMAIL" and not row.get("email"):
            row["email"] = unescape(value).strip()
        elif name == "ADR" and not row.get("address"):
            parts = [p.strip() for p in split_value(value, ";")]
            row["address"] = " ".join(p for p in parts if p)
        elif name == "BDAY":
            row["birthday"] = parse_birthday(value)
        elif name == "CATEGORIES":
            row["groups"] = [g.strip() for g in split_value(value, ",") if g.strip()]
    if not row.get("name") and structured_name:
        row["name"] = structured_name
    return {k: v for k, v in row.items() if v not in (None, "", [])}


def read_cards(fileobj: IO[bytes]) -> Iterator[dict]:
    """One row per ``BEGIN:VCARD`` ... ``END:VCARD`` block."""
    current: list[str] | None = None
    lines = unfold(decode_file(fileobj.read()))
    if not any(line.strip().upper() == "BEGIN:VCARD" for line in lines):
        raise ValueError("not a vCard file (no BEGIN:VCARD)")
    for line in lines:
        upper = line.strip().upper()
        if upper == "BEGIN:VCARD":
            current = []
        elif upper == "END:VCARD":
            if current is not None:
                yield card_to_row(current)
            current = None
        elif current is not None and not upper.startswith("VERSION:"):
            current.append(line)
