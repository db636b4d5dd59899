"""Masking personal data in free text before it is stored in (or read back from) the audit log.

What is recognised, in any string of the facts (conduct, prior_offenses[].conduct, violated_law, ...):

* 身份证号: 18 characters with a valid GB 11643 check character, 18 digits whose birth date is
  plausible (a mistyped number is still personal data), and old 15-digit numbers with a valid
  yymmdd birth date;
* 手机号: mainland mobile numbers 1[3-9]xxxxxxxxx, with or without +86 and spaces or hyphens;
* 电话: landlines with an area code (0635-8212345, (0635)8212345), and 7-8 digit numbers right
  after a telephone word (电话, 座机, 联系方式, Tel);
* 银行卡号: Luhn-valid numbers of 16 to 19 digits, also written in groups;
* 邮箱: e-mail addresses; 车牌号: vehicle licence plates (鲁P·A1234, new-energy plates);
* 姓名: only a name right after an explicit label with a colon (当事人:张三, 姓名:…), followed by a
  punctuation mark or the end. Names anywhere else are NOT detected: Chinese names cannot be told
  from ordinary words reliably, and a detector that guesses would mask legal text.

Each occurrence is replaced by 〔kind:hash8〕, hash8 being the first 8 hex digits of
HMAC-SHA256(salt, "kind:normalised value"): the same number gives the same token under the same
salt, so records about the same person can still be matched (equal tokens), and whoever holds the
salt can compute the token of a known number to search for it; nobody without the salt can reverse
a token by enumerating the (small) space of phone numbers. Masking is idempotent (tokens are never
masked again). Full-width digits are recognised too; numbers written with Chinese numerals are not.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import re
import secrets
import unicodedata
from datetime import date
from pathlib import Path
from typing import Any

TOKEN = re.compile(r"〔(?:身份证号|手机号|电话|银行卡号|邮箱|车牌号|姓名):[0-9a-f]{8}〕")

_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_ID_CHECK = "10X98765432"

_EMAIL = re.compile(r"[A-Za-z0-9._%+\-]+@[A-Za-z0-9\-]+(?:\.[A-Za-z0-9\-]+)*\.[A-Za-z]{2,}")
_PROVINCES = "京津沪渝冀豫云辽黑湘皖鲁新苏浙赣鄂桂甘晋蒙陕吉闽贵粤青藏川宁琼"
_PLATE = re.compile(
    rf"(?<![A-Za-z0-9])[{_PROVINCES}][A-HJ-NP-Z][·•・.\s]?(?=[A-HJ-NP-Z0-9]*\d)[A-HJ-NP-Z0-9]{{5,6}}[挂学警]?(?![A-Za-z0-9])"
)
_PAREN_LANDLINE = re.compile(r"[((]\s*(0\d{2,3})\s*[))]\s*(\d{7,8})(?!\d)")
# digit runs, optionally grouped by single spaces or hyphens, an optional +86 / 86 prefix, an X at the end
_NUMBER = re.compile(r"(?<![0-9A-Za-z\uff10-\uff19])(?:\+\s?86[\s\-]?)?\d(?:[ \-]?\d)*(?:[ \-]?[XxＸｘ])?(?![0-9A-Za-z])")
_PHONE_WORDS = re.compile(r"(电话|座机|联系方式|手机|号码|Tel|TEL|tel)[::]?\s*$")
_LABELS = "当事人|姓名|联系人|负责人|法定代表人|经营者|驾驶人|车主|户主|报案人|举报人|投诉人"
_NAME = re.compile(rf"((?:{_LABELS})\s*[::]\s*)([\u4e00-\u9fff·]{{2,5}})(?=[\s,,。;;、((]|$)")
_NOT_A_NAME = re.compile(r"(公司|厂|店|超市|中心|部|社|行|馆|站|所|院|局|队|场|园|处|会|室|庄|村)$")


def _digits(s: str) -> str:
    out = []
    for ch in s:
        if ch.isdigit():
            out.append(str(unicodedata.digit(ch)))
        elif ch in "XxＸｘ":
            out.append("X")
    return "".join(out)


def _plausible_date(y: int, m: int, d: int) -> bool:
    try:
        day = date(y, m, d)
    except ValueError:
        return False
    return date(1900, 1, 1) <= day <= date.today()


def _id18_checksum(d: str) -> bool:
    if not (len(d) == 18 and d[:17].isdigit()):
        return False
    return _ID_CHECK[sum(int(c) * w for c, w in zip(d[:17], _ID_WEIGHTS)) % 11] == d[17]


def _id18_plausible(d: str) -> bool:
    return (len(d) == 18 and d[:17].isdigit() and d[0] in "123456789"
            and _plausible_date(int(d[6:10]), int(d[10:12]), int(d[12:14])))


def _id15(d: str) -> bool:
    return (len(d) == 15 and d.isdigit() and d[0] in "123456789"
            and _plausible_date(1900 + int(d[6:8]), int(d[8:10]), int(d[10:12])))


def luhn_valid(d: str) -> bool:
    if not d.isdigit():
        return False
    total = 0
    for i, c in enumerate(reversed(d)):
        n = int(c)
        if i % 2 == 1:
            n *= 2
            if n > 9:
                n -= 9
        total += n
    return total % 10 == 0


def _classify(d: str, before: str) -> tuple[str, str] | None:
    """(kind, normalised value) of a digit string, or None."""
    if d.startswith("86") and len(d) == 13 and re.fullmatch(r"861[3-9]\d{9}", d):
        d = d[2:]
    if _id18_checksum(d):
        return "身份证号", d
    if 16 <= len(d) <= 19 and luhn_valid(d):
        return "银行卡号", d
    if _id18_plausible(d) or _id15(d):
        return "身份证号", d
    if re.fullmatch(r"1[3-9]\d{9}", d):
        return "手机号", d
    if re.fullmatch(r"0[1-9]\d{8,10}", d):
        return "电话", d
    if re.fullmatch(r"\d{7,8}", d) and _PHONE_WORDS.search(before):
        return "电话", d
    return None


def token(kind: str, value: str, salt: str) -> str:
    digest = hmac.new(salt.encode("utf-8"), f"{kind}:{value}".encode("utf-8"), hashlib.sha256).hexdigest()
    return f"〔{kind}:{digest[:8]}〕"


def _mask_numbers(text: str, salt: str) -> str:
    out, last = [], 0
    for m in _NUMBER.finditer(text):
        raw = m.group(0)
        before = text[max(0, m.start() - 8):m.start()]
        found = _classify(_digits(raw), before)
        if found is not None:
            out.append(text[last:m.start()])
            out.append(token(*found, salt))
            last = m.end()
            continue
        # not one number: maybe several, separated by spaces or hyphens (e.g. a phone and a card)
        parts = list(re.finditer(r"[^ \-]+", raw))
        if len(parts) < 2:
            continue
        pieces, changed, pos = [], False, 0
        for p in parts:
            kind = _classify(_digits(p.group(0)), before + raw[:p.start()]) if p.group(0)[0].isdigit() else None
            pieces.append(raw[pos:p.start()])
            if kind:
                pieces.append(token(*kind, salt))
                changed = True
            else:
                pieces.append(p.group(0))
            pos = p.end()
        pieces.append(raw[pos:])
        if changed:
            out.append(text[last:m.start()])
            out.append("".join(pieces))
            last = m.end()
    out.append(text[last:])
    return "".join(out)


def _outside_tokens(text: str, fn) -> str:
    """fn applied to every stretch of text between tokens; the tokens are kept as they are."""
    out, last = [], 0
    for m in TOKEN.finditer(text):
        out.append(fn(text[last:m.start()]))
        out.append(m.group(0))
        last = m.end()
    out.append(fn(text[last:]))
    return "".join(out)


# a text none of the patterns can match: fewer than 7 digits in a row (separators allowed), no @,
# no label colon, nothing like a licence plate; or a bare date
_MAYBE = re.compile(r"\d(?:[ \-]?\d){6}|@|[::]|[A-Z][·•・.\s]?[A-Z0-9]{4}|[((]\s*0\d")
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


def mask_text(text: str, salt: str) -> str:
    """The text with personal data replaced by tokens (idempotent: tokens are never masked again)."""
    if not text or _DATE.fullmatch(text) or not _MAYBE.search(text):
        return text
    steps = (
        lambda t: _EMAIL.sub(lambda m: token("邮箱", m.group(0).lower(), salt), t),
        lambda t: _PLATE.sub(lambda m: token("车牌号", re.sub(r"[·•・.\s]", "", m.group(0)), salt), t),
        lambda t: _PAREN_LANDLINE.sub(lambda m: token("电话", m.group(1) + m.group(2), salt), t),
        lambda t: _NAME.sub(lambda m: m.group(0) if _NOT_A_NAME.search(m.group(2))
                            else m.group(1) + token("姓名", m.group(2), salt), t),
        lambda t: _mask_numbers(t, salt),
    )
    for step in steps:
        text = _outside_tokens(text, step)
    return text


def redact(text: str) -> str:
    """For log lines: personal data replaced by its kind only (〔手机号〕), no hash to match."""
    return re.sub(r"〔([^:〕]+):[0-9a-f]{8}〕", r"〔\1〕", mask_text(text, _LOG_SALT))


_LOG_SALT = secrets.token_hex(16)


def mask_facts(value: Any, salt: str) -> Any:
    """Every string inside a JSON value (facts) masked; keys, numbers, booleans unchanged."""
    if isinstance(value, str):
        return mask_text(value, salt)
    if isinstance(value, list):
        return [mask_facts(v, salt) for v in value]
    if isinstance(value, dict):
        return {k: mask_facts(v, salt) for k, v in value.items()}
    return value


# ------------------------------------------------------------------------------ the salt
class SaltMissing(Exception):
    pass


MIN_SALT = 16


def resolve_salt(configured: str, var_dir: Path, production: bool) -> str:
    """PENALTY_RULES_AUDIT_SALT; unset, a random salt generated once into var/audit-salt (0600) and
    reused, so tokens stay stable on this machine (set the variable to share them between machines
    or to survive the loss of var/). A configured salt shorter than 16 characters is refused in
    production (a short salt could be guessed, and with it every phone number behind a token)."""
    if configured:
        if production and len(configured) < MIN_SALT:
            raise SaltMissing(f"PENALTY_RULES_AUDIT_SALT 过短(生产环境至少 {MIN_SALT} 个字符)")
        return configured
    path = var_dir / "audit-salt"
    try:
        return path.read_text(encoding="utf-8").strip()
    except FileNotFoundError:
        pass
    salt = secrets.token_hex(32)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:  # another process won the race
        return path.read_text(encoding="utf-8").strip()
    with os.fdopen(fd, "w", encoding="utf-8") as f:
        f.write(salt + "\n")
    return salt
