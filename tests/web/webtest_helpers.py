"""Helpers of the web tests: log-in over HTTP, CSRF tokens, CJK fonts, and screenshot checks
without an image library (decode a PNG, 8-bit RGB/RGBA, not interlaced, as Chromium writes them,
and count dark pixels in a region)."""

import re
import struct
import subprocess
import zlib

import httpx

# the web secret of the servers started with one from the environment (conftest.secure_server)
WEB_SECRET = "test-web-secret-" + "x" * 40


def decode_png(data: bytes) -> tuple[int, int, int, bytes]:
    """(width, height, channels, raw rows without filter bytes)."""
    assert data[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
    pos, idat, width = 8, [], None
    while pos < len(data):
        length, kind = struct.unpack(">I4s", data[pos:pos + 8])
        body = data[pos + 8:pos + 8 + length]
        if kind == b"IHDR":
            width, height, depth, colour, _, _, interlace = struct.unpack(">IIBBBBB", body)
            assert depth == 8 and colour in (2, 6) and interlace == 0, (depth, colour, interlace)
            channels = 3 if colour == 2 else 4
        elif kind == b"IDAT":
            idat.append(body)
        elif kind == b"IEND":
            break
        pos += 12 + length
    raw = zlib.decompress(b"".join(idat))
    stride = width * channels
    out = bytearray(height * stride)
    prev = bytearray(stride)
    for y in range(height):
        ftype = raw[y * (stride + 1)]
        line = bytearray(raw[y * (stride + 1) + 1:(y + 1) * (stride + 1)])
        for i in range(stride):
            a = line[i - channels] if i >= channels else 0
            b = prev[i]
            c = prev[i - channels] if i >= channels else 0
            if ftype == 1:
                line[i] = (line[i] + a) & 0xFF
            elif ftype == 2:
                line[i] = (line[i] + b) & 0xFF
            elif ftype == 3:
                line[i] = (line[i] + ((a + b) >> 1)) & 0xFF
            elif ftype == 4:
                p = a + b - c
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                pred = a if pa <= pb and pa <= pc else (b if pb <= pc else c)
                line[i] = (line[i] + pred) & 0xFF
        out[y * stride:(y + 1) * stride] = line
        prev = line
    return width, height, channels, bytes(out)


def dark_share(png: bytes, box: tuple[int, int, int, int], threshold: int = 100) -> float:
    """Share of pixels darker than `threshold` (mean of R, G, B) in box (x, y, w, h)."""
    width, height, channels, rows = decode_png(png)
    x0, y0, w, h = box
    x1, y1 = min(width, x0 + w), min(height, y0 + h)
    dark = total = 0
    for y in range(max(0, y0), y1):
        base = y * width * channels
        for x in range(max(0, x0), x1):
            i = base + x * channels
            total += 1
            if (rows[i] + rows[i + 1] + rows[i + 2]) / 3 < threshold:
                dark += 1
    return dark / total if total else 0.0


def distinct_columns(png: bytes, box: tuple[int, int, int, int], threshold: int = 100) -> int:
    """Columns of the box holding at least one dark pixel (text spreads over many columns)."""
    width, height, channels, rows = decode_png(png)
    x0, y0, w, h = box
    cols = 0
    for x in range(max(0, x0), min(width, x0 + w)):
        for y in range(max(0, y0), min(height, y0 + h)):
            i = (y * width + x) * channels
            if (rows[i] + rows[i + 1] + rows[i + 2]) / 3 < threshold:
                cols += 1
                break
    return cols


def login_client(server, role: str) -> httpx.Client:
    """An httpx client logged in to the workbench with the role's development key (cookie session)."""
    c = httpx.Client(base_url=server.url, timeout=60)
    r = c.get("/web/login")
    token = re.search(r'name="csrf_token" value="([^"]+)"', r.text).group(1)
    r = c.post("/web/login", data={"csrf_token": token, "api_key": server.keys[role], "next": "/web/check"})
    assert r.status_code == 303, r.text
    return c


def csrf_of(html: str) -> str:
    return re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)


def cjk_fonts() -> list[str]:
    try:
        out = subprocess.run(["fc-list", ":lang=zh", "family"], capture_output=True, text=True, timeout=30).stdout
    except (OSError, subprocess.TimeoutExpired):
        return []
    return [line.strip() for line in out.splitlines() if line.strip()]


def case_form_values(page: str, csrf: str) -> dict:
    """What the browser would send from the rendered case form (#case-form): text/date/number values,
    checked boxes, selected options, textarea text (the answer fields left out)."""
    import html as H

    data: dict = {"csrf_token": csrf}
    for m in re.finditer(r"<input ([^>]*)>", page):
        a = dict(re.findall(r'(\w[\w-]*)="([^"]*)"', m.group(1)))
        name = a.get("name")
        if not name or name == "answer" or name.startswith("answer") or name == CSRF:
            continue
        if a.get("type") in ("radio", "checkbox"):
            if re.search(r"\schecked\b", m.group(1)):
                data.setdefault(name, []).append(H.unescape(a.get("value", "")))
        elif a.get("value"):
            data[name] = H.unescape(a["value"])
    for m in re.finditer(r'<select id="[^"]*" name="([^"]+)"[^>]*>(.*?)</select>', page, re.S):
        sel = re.search(r'<option value="([^"]*)" selected', m.group(2))
        if sel and sel.group(1):
            data[m.group(1)] = H.unescape(sel.group(1))
    for m in re.finditer(r'<textarea [^>]*name="([^"]+)"[^>]*>(.*?)</textarea>', page, re.S):
        if m.group(2):
            data[m.group(1)] = H.unescape(m.group(2))
    return data


CSRF = "csrf_token"
