"""The strict JSON boundary of the facts contract (HTTP bodies, `penalty-rules check` files).

`parse_facts_json` first refuses duplicate keys, nesting deeper than MAX_JSON_DEPTH and integers of
more than MAX_INT_DIGITS digits (JsonInputError), then validates in pydantic's strict JSON mode: no
coercion ("15" is not an int, 1 is not a bool, 15.0 is not an age), ISO date strings and enum values
as JSON strings. NaN / Infinity are refused by CaseFacts (allow_inf_nan=False), naming the field.
"""

import json
import re
from datetime import date
from decimal import Decimal
from typing import Any

from penalty_rules.model.facts import CaseFacts

MAX_JSON_DEPTH = 16  # a batch of facts with priors is 5 levels deep
MAX_INT_DIGITS = 20  # larger than any 64-bit integer; every bounded field is far below


class JsonInputError(ValueError):
    """The text is not acceptable JSON: malformed, duplicate key, too deep, integer too large.
    `field` is the path of the offending value (e.g. prior_offenses[0].date) when known."""

    def __init__(self, code: str, message: str, field: str | None = None):
        super().__init__(message)
        self.code, self.message, self.field = code, message, field


class _DupDict(dict):
    """An object in which a key occurred twice (json.loads keeps the last one)."""

    duplicate: str = ""


class _BigInt(str):
    """An integer literal with too many digits, kept as its text."""


def _pairs(pairs: list[tuple[str, Any]]) -> dict:
    out: dict = {}
    for k, v in pairs:
        if k in out and not isinstance(out, _DupDict):
            out = _DupDict(out)
            out.duplicate = k
        out[k] = v
    return out


def _parse_int(text: str):
    return _BigInt(text) if len(text.lstrip("-")) > MAX_INT_DIGITS else int(text)


def _join(path: str, part) -> str:
    return f"{path}[{part}]" if isinstance(part, int) else (f"{path}.{part}" if path else str(part))


def _check_tree(value: Any, path: str = "", depth: int = 0) -> None:
    if isinstance(value, (dict, list)):
        depth += 1
        if depth > MAX_JSON_DEPTH:
            raise JsonInputError("too_deep", f"JSON 嵌套过深(至多 {MAX_JSON_DEPTH} 层), 位置 {path or '顶层'}",
                                 path or None)
        if isinstance(value, _DupDict):
            where = _join(path, value.duplicate)
            raise JsonInputError("duplicate_key", f"JSON 对象中的键 {value.duplicate!r} 重复出现(位置 {where})", where)
        for k, v in value.items() if isinstance(value, dict) else enumerate(value):
            _check_tree(v, _join(path, k), depth)
    elif isinstance(value, _BigInt):
        raise JsonInputError("number_too_large",
                             f"数字位数过多(整数至多 {MAX_INT_DIGITS} 位, 此处 {len(value.lstrip('-'))} 位), 位置 {path or '顶层'}",
                             path or None)


# The messages of the json module (CPython's scanner and decoder), in Chinese: the English text is
# not shown to officers (API review); an unlisted one is reported generically.
_JSON_ERRORS_ZH = (
    ("Expecting value", "此处缺少值, 或值不是合法的 JSON(字符串须用双引号括起)"),
    ("Expecting property name enclosed in double quotes", "此处须为用双引号括起的键名(不接受单引号或末尾多余的逗号)"),
    ("Expecting ':' delimiter", "键名后缺少冒号 :"),
    ("Expecting ',' delimiter", "缺少逗号 , 分隔"),
    ("Illegal trailing comma", "末尾多了逗号"),
    ("Extra data", "JSON 值结束后还有多余内容"),
    ("Unterminated string", "字符串缺少结尾的双引号"),
    ("Invalid control character", "字符串中含有未转义的控制字符(如换行, 须写作 \\n)"),
    ("Invalid \\uXXXX escape", "无效的 \\uXXXX 转义"),
    ("Invalid \\escape", "无效的反斜杠转义"),
)


def json_error_zh(msg: str) -> str:
    """The Chinese text of a json.JSONDecodeError's `msg` (or of pydantic's json_invalid error)."""
    for english, zh in _JSON_ERRORS_ZH:
        if msg.startswith(english):
            return zh
    return "无法解析"


def load_json_strict(raw: bytes | str) -> Any:
    """json.loads that refuses what the facts contract never needs: duplicate keys, nesting deeper
    than MAX_JSON_DEPTH, integers with more than MAX_INT_DIGITS digits. NaN / Infinity literals are
    read as floats and refused by validation (allow_inf_nan=False), naming the field.
    Raises JsonInputError (codes malformed_json, invalid_encoding, duplicate_key, too_deep, number_too_large)."""
    if isinstance(raw, bytes):
        try:
            raw = raw.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise JsonInputError("invalid_encoding", f"输入须为 UTF-8 编码(第 {exc.start} 字节无效)") from None
    try:
        data = json.loads(raw, object_pairs_hook=_pairs, parse_int=_parse_int)
    except RecursionError:
        raise JsonInputError("too_deep", f"JSON 嵌套过深(至多 {MAX_JSON_DEPTH} 层)") from None
    except json.JSONDecodeError as exc:
        raise JsonInputError("malformed_json",
                             f"JSON 格式错误(第 {exc.lineno} 行第 {exc.colno} 列): {json_error_zh(exc.msg)}") from None
    except ValueError:  # e.g. a number literal Python cannot read
        raise JsonInputError("malformed_json", "JSON 格式错误: 含有无法读取的数值") from None
    _check_tree(data)
    return data


_SURROGATE = re.compile("[\ud800-\udfff]")


def _escaped(text: str) -> str:
    """text with its lone surrogates written \\udXXX (they cannot be encoded in a UTF-8 answer)."""
    return _SURROGATE.sub(lambda m: f"\\u{ord(m.group()):04x}", text)


def _lone_surrogate(value: Any, loc: tuple = ()) -> tuple[tuple, str] | None:
    """(location, the string escaped) of the first string or object key holding a lone UTF-16 surrogate
    (\\ud800–\\udfff) in a value read by json.loads, which keeps them (a valid pair is read as one
    character, so any surrogate left is a lone one), in the order of the text; None when there is none."""
    if isinstance(value, str):
        return (loc, _escaped(value)) if _SURROGATE.search(value) else None
    if isinstance(value, dict):
        for k, v in value.items():
            if isinstance(k, str) and _SURROGATE.search(k):
                return (*loc, _escaped(k)), _escaped(k)
            found = _lone_surrogate(v, (*loc, k))
            if found:
                return found
    elif isinstance(value, list):
        for i, v in enumerate(value):
            found = _lone_surrogate(v, (*loc, i))
            if found:
                return found
    return None


def locate_lone_surrogate(exc, data: Any):
    """pydantic refuses a lone surrogate for the whole input (json_invalid "unexpected end of hex escape",
    or string_unicode), naming no field: the same error (string_unicode) at the string's (or key's) path
    in `data`, the value as json.loads read it. `exc` itself when it is another error."""
    from pydantic import ValidationError
    from pydantic_core import InitErrorDetails

    errors = exc.errors()
    if not any(e.get("loc") == () and e.get("type") in ("json_invalid", "string_unicode") for e in errors):
        return exc
    found = _lone_surrogate(data)
    if found is None:
        return exc
    loc, text = found
    return ValidationError.from_exception_data(exc.title, [InitErrorDetails(type="string_unicode", loc=loc or ("(顶层)",),
                                                                            input=text[:40])])


def parse_facts_json(raw: bytes | str) -> CaseFacts:
    """The boundary reading of one facts object: load_json_strict, then strict JSON-mode validation.
    Raises JsonInputError or pydantic.ValidationError."""
    from pydantic import ValidationError

    data = load_json_strict(raw)
    try:
        return CaseFacts.model_validate_json(raw, strict=True)
    except ValidationError as exc:
        raise locate_lone_surrogate(exc, data) from None


def validate_facts_value(value: Any) -> CaseFacts:
    """Strict validation of a facts object already read by load_json_strict (a batch case):
    re-serialised and validated in strict JSON mode, so it is judged exactly as a body would be.
    Raises pydantic.ValidationError."""
    from pydantic import ValidationError

    if isinstance(value, CaseFacts):
        return value
    try:
        return CaseFacts.model_validate_json(json.dumps(_json_values(value), ensure_ascii=False), strict=True)
    except ValidationError as exc:
        raise locate_lone_surrogate(exc, value) from None


def _json_values(value, loc: tuple = ()):
    """A row of a typed source (Parquet) as JSON values: a decimal is a number (yuan are stored so); any other
    value JSON has no form for (binary …) is a validation error naming its field — a bad row, never a crash of the
    whole replay (a re-reader: a decimal or binary column stopped the run)."""
    from pydantic import ValidationError
    from pydantic_core import InitErrorDetails, PydanticCustomError

    if value is None or isinstance(value, (str, bool, int, float)):
        return value
    if isinstance(value, Decimal):
        return float(value) if value.is_finite() else str(value)  # (a string: refused as no number)
    if isinstance(value, dict):
        return {k: _json_values(v, (*loc, k)) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_json_values(v, (*loc, i)) for i, v in enumerate(value)]
    err = PydanticCustomError("unsupported_type", "须为 JSON 的数字、字符串、布尔、数组或对象, 不接受 {kind} 类型的值",
                              {"kind": type(value).__name__})
    raise ValidationError.from_exception_data(
        "CaseFacts", [InitErrorDetails(type=err, loc=loc or ("(顶层)",), input=repr(value)[:40])])


_MESSAGES_ZH = {
    "missing": "缺少必填字段",
    "extra_forbidden": "不允许的字段(未知字段, 请检查拼写)",
    "string_type": "须为字符串",
    "int_type": "须为整数(不接受字符串、小数或 true/false)",
    "int_parsing": "须为整数",
    "int_from_float": "须为整数",
    "float_type": "须为数字(不接受字符串)",
    "float_parsing": "须为数字",
    "finite_number": "须为有限的数字(不接受 NaN 或 Infinity)",
    "bool_type": "须为 true 或 false(不接受字符串或数字)",
    "bool_parsing": "须为 true 或 false",
    "date_type": "须为 YYYY-MM-DD 格式的日期",
    "unsupported_type": "须为 JSON 的数字、字符串、布尔、数组或对象(不接受二进制等类型的值)",
    "date_parsing": "须为 YYYY-MM-DD 格式的日期",
    "date_from_datetime_parsing": "须为 YYYY-MM-DD 格式的日期",
    "date_from_datetime_inexact": "须为日期, 不能带时间",
    "datetime_type": "须为 ISO 8601 格式的时间",
    "datetime_parsing": "须为 ISO 8601 格式的时间",
    "datetime_from_date_parsing": "须为 ISO 8601 格式的日期或时间",
    "list_type": "须为数组",
    "dict_type": "须为对象",
    "model_type": "须为 JSON 对象",
    "model_attributes_type": "须为 JSON 对象",
    "json_invalid": "JSON 格式错误",
    "json_type": "须为 JSON",
    "uuid_parsing": "须为 UUID",
    "uuid_type": "须为 UUID",
    "string_unicode": "须为有效的 Unicode 字符串(不接受单独的代理字符 \\ud800–\\udfff)",
    "string_sub_type": "须为字符串",
    "int_parsing_size": "整数超出可处理的范围",
    "float_finite": "须为有限的数字",
    "dict_attributes_type": "须为对象",
    "date_future": "须为将来的日期",
    "date_past": "须为过去的日期",
    "bytes_type": "须为字符串",
    "none_required": "须为 null",
    "frozen_field": "该字段不可修改",
    "is_instance_of": "类型不符",
    "timezone_aware": "须带时区",
    "timezone_naive": "不能带时区",
    "union_tag_invalid": "类型标记无效",
    "union_tag_not_found": "缺少类型标记",
    "set_type": "须为数组",
    "tuple_type": "须为数组",
    "iterable_type": "须为数组",
    "multiple_of": "不是所要求的倍数",
}
_CJK = re.compile(r"[\u4e00-\u9fff]")


# error type → (message with the context value, context key)
_CTX_MESSAGES_ZH = {
    "string_too_long": ("长度不得超过 {} 个字符", "max_length"),
    "string_too_short": ("长度不得少于 {} 个字符", "min_length"),
    "too_long": ("至多 {} 项", "max_length"),
    "too_short": ("至少 {} 项", "min_length"),
}
# what the patterns of the facts contract (model.facts) ask for, in words: never the regex itself
_PATTERNS_ZH = {
    r"^\d{6}$": "须为6位行政区划代码(如 371500)",
    r"^custom_[0-9a-f]{10}$": "须为条目特有条件的编号: custom_ 后接 10 位十六进制数字(见条目的 custom 条件)",
    r"^[a-z][a-z0-9_]{1,59}$": "须以小写字母开头, 由小写字母、数字和下划线组成, 2 至 60 个字符(键见 lists/statutory/special-laws)",
    r"^[a-z_]+$": "须由小写字母和下划线组成(数量名称见词表 quantities)",
}
DICT_KEY = "[key]"  # pydantic's location part of an error in a mapping's key


def error_loc(err: dict) -> tuple:
    """The location of one pydantic error, with the field a cross-field check names in its context
    (facts.date_error: pydantic locates a model validator's error at the model itself)."""
    loc = tuple(err.get("loc", ()))
    named = (err.get("ctx") or {}).get("field")
    return (*loc, named) if isinstance(named, str) and named else loc


def loc_text(loc, prefix: str | None = None) -> str:
    """A location as the field path the errors name: ("cases", 0, "act_date") → cases[0].act_date,
    after `prefix` when given; "" for an empty location without prefix."""
    out = (prefix or "") + "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in loc if p != DICT_KEY)
    return out if prefix else out.lstrip(".")


def _expected_zh(expected: str) -> str:
    """pydantic's "'a', 'b' or 'c'" as "'a'、'b'、'c'" (no English "or" in a Chinese message)."""
    return re.sub(r"(?<=')(?:, | or )(?=')", "、", expected)


def _bound_text(bound) -> str:
    """A limit as an officer reads it: a date as YYYY-MM-DD (pydantic gives a date behind a wrap validator as its
    repr, "datetime.date(1840, 1, 1)"), a whole number without ".0"."""
    if isinstance(bound, date):
        return bound.isoformat()
    m = re.fullmatch(r"datetime\.date\((\d+), (\d+), (\d+)\)", str(bound))
    if m:
        return date(*map(int, m.groups())).isoformat()
    if isinstance(bound, float) and bound.is_integer():
        return str(int(bound))
    return str(bound)


def validation_message_zh(err: dict) -> str:
    """The Chinese message of one pydantic error (naming the reason; the caller names the field).
    Never pydantic's English text: an error type not known here is named by its code."""
    t, ctx = err.get("type", ""), err.get("ctx") or {}
    if "field" in ctx and isinstance(ctx.get("message"), str):  # facts.date_error: our own Chinese text
        return ctx["message"]
    if t in _MESSAGES_ZH:
        return _MESSAGES_ZH[t]
    if t == "json_invalid" and isinstance(ctx.get("error"), str):
        return f"JSON 格式错误: {json_error_zh(ctx['error'])}"
    if t == "enum" or t == "literal_error":
        return f"取值须为以下之一: {_expected_zh(str(ctx.get('expected', '')))}"
    if t in ("greater_than_equal", "greater_than"):
        bound = _bound_text(ctx.get("ge", ctx.get("gt")))
        return f"不得小于{'' if t == 'greater_than_equal' else '等于'} {bound}"
    if t in ("less_than_equal", "less_than"):
        bound = _bound_text(ctx.get("le", ctx.get("lt")))
        return f"不得大于{'' if t == 'less_than_equal' else '等于'} {bound}"
    if t in ("too_long", "too_short") and isinstance(err.get("input"), str):
        # a length constraint on a string type with validators of its own is reported generically
        template, key = _CTX_MESSAGES_ZH["string_" + t]
        return template.format(ctx.get(key))
    if t == "string_pattern_mismatch":
        what = "键名" if DICT_KEY in tuple(err.get("loc", ())) else ""
        return f"{what}格式不符: {_PATTERNS_ZH.get(str(ctx.get('pattern')), '格式见接口说明')}"
    if t in _CTX_MESSAGES_ZH:
        template, key = _CTX_MESSAGES_ZH[t]
        return template.format(ctx.get(key))
    if t == "value_error":  # the ValueError texts of the project's validators are Chinese
        text = str(ctx.get("error") or err.get("msg", "")).removeprefix("Value error, ")
        return text if _CJK.search(text) else "取值无效"
    return f"取值无效(错误类型 {t})" if t else "取值无效"

