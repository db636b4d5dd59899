"""Chinese numerals as used in article numbers (第三十三条)."""

_DIGITS = "零一二三四五六七八九"


def zh_number(n: int) -> str:
    """1 → 一, 10 → 十, 33 → 三十三, 105 → 一百零五, 1260 → 一千二百六十."""
    if n < 0:
        raise ValueError(n)
    if n < 10:
        return _DIGITS[n]
    if n < 20:
        return "十" + (_DIGITS[n % 10] if n % 10 else "")
    if n < 100:
        return _DIGITS[n // 10] + "十" + (_DIGITS[n % 10] if n % 10 else "")
    if n < 1000:
        rest = n % 100
        head = _DIGITS[n // 100] + "百"
        if rest == 0:
            return head
        if rest < 10:
            return head + "零" + _DIGITS[rest]
        return head + (_DIGITS[rest // 10] + "十" + (_DIGITS[rest % 10] if rest % 10 else ""))
    rest = n % 1000
    head = _DIGITS[n // 1000] + "千"
    if rest == 0:
        return head
    if rest < 100:
        return head + "零" + zh_number(rest)
    return head + zh_number(rest)


def parse_zh_number(text: str) -> int:
    """Inverse of zh_number for 一..九千九百九十九 (also accepts 〇 and 两)."""
    values = {c: i for i, c in enumerate(_DIGITS)}
    values.update({"〇": 0, "两": 2})
    units = {"十": 10, "百": 100, "千": 1000}
    total, current = 0, 0
    for ch in text:
        if ch in values:
            current = values[ch]
        elif ch in units:
            total += (current or 1) * units[ch]
            current = 0
        else:
            raise ValueError(f"not a Chinese numeral: {text!r}")
    return total + current
