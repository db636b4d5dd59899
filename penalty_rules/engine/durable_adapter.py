"""durable-rules, contained: the only module that imports it.

DurableMatcher compiles each item of the corpus (list version, domain, item) into its own
immutable JSON ruleset and answers one question: which of these items fire for these facts?
Precedence, explanations and missing facts stay in Python (reference evaluator); the engine
compares both.

One ruleset per item (issue 12): durable-rules 2.0.28 builds a fresh state for every sid, and that
state gets frame pools and 8 KiB of zeroed indices per beta node of the *whole ruleset*
(state.c createStateNode), whatever the fact matches. Measured on the generated 785-item corpus
(C calls alone, medians): assert + delete_state ~5.1 + 1.4 µs in a (list version, domain) ruleset
of ~20 items, ~2.6 + 0.6 µs in a one-item ruleset. The price is memory: every loaded ruleset holds
its own state pool and indices (~58 KiB), so the 785 items take ~+62 MiB of RSS as 785 rulesets
against ~+19 MiB as 41 domain rulesets (the bundled lists: 284 rulesets).
With one item rule per ruleset the answer is the assert's own result: every rule here joins a
single fact, so the fact reaching a rule's beta node (all its alpha tests passed) is that rule
firing, and durable-rules returns 0 ("handled") for it and 1 (not handled, the library's
MessageNotHandledException) otherwise; the hidden warm-up rule needs a field no case fact carries.
No action walk is needed (tests/engine/test_durable_per_item.py compares both readings).

Containment (see the design notes on durable-rules):
- one QuietHost per process (no timer threads) and one module-level lock around every host call,
  because the C engine crashes when several threads share a host;
- a ruleset is named "<doc key>#<domain>#<item id>@<sha256 of its JSON, 12 hex>" and never
  re-registered (durable-rules cannot delete or replace a ruleset); compiling unchanged content
  again reuses the loaded ruleset, changed content gets a new name;
- every evaluation uses a fresh sid and deletes its state in `finally` (1,024 live states at most
  per ruleset);
- each ruleset is warmed up when loaded: one fact fires its WARMUP rule and that state is deleted.
  durable-rules 2.0.28 segfaults when it deletes a state that no rule fired for if the state sits
  in a pool slot no fired state ever used (probe: no-match + delete_state on a fresh ruleset
  crashes; after one fired-and-deleted state it does not). Under the lock each ruleset holds at
  most one live state, which always reuses that warmed slot;
- facts are asserted with `assert_fact`, not posted as events: an event is consumed by the first
  rule that matches it, so only one item would fire; a fact lets every matching rule fire;
- an unknown condition value is left out of the fact, so it never matches (three-valued "unknown"
  counts as "not fired", like the reference evaluator's satisfied != True).

compile_groups (one ruleset per (list version, domain)) is kept: it describes the corpus per
domain (the benchmark's ZEN tables use it) and `_match` reads every rule that fires in such a
ruleset (action walk), which the tests use as a second reading of durable-rules.

Items with an `escalation` (outcome by the number of prior offences) are not compiled: the
reference evaluator alone decides them, and the engine never passes them to the matcher.
"""

import hashlib
import itertools
import json
import math
import threading
import uuid
from dataclasses import dataclass, field

from penalty_rules.engine.conditions import (
    TAG_EXPRESSION_NAMES, field_reads, quantity_value, tag_expression, tag_value,
)
from penalty_rules.engine.premises import effective_conditions
from penalty_rules.errors import DurableRulesError
from penalty_rules.model.conditions import Condition, Custom, Threshold
from penalty_rules.model.corpus import Corpus, ItemRef

try:
    from durable import engine as _durable
except ImportError as exc:  # e.g. Python 3.13: undefined symbol PyEval_CallObject
    _durable = None
    _IMPORT_ERROR: Exception | None = exc
else:
    _IMPORT_ERROR = None
    import durable_rules_engine as _C  # the C module of durable-rules (the host's own calls, see _match)

ALWAYS = "case_event"  # present (True) on every fact: lets an item without conditions fire
WARMUP = "warmup_probe"  # present only on the warm-up fact; no case fact carries it
WARMUP_RULE = "__warmup__"
_RESERVED = {"sid", "id", "$s", ALWAYS, WARMUP}
_OPS = {"max": "$lte", "lt": "$lt", "min": "$gte", "gt": "$gt"}

_LOCK = threading.Lock()  # every call into the host goes through it
_HOST = None
_LOADED: dict[str, dict] = {}  # ruleset name → compiled JSON (without actions), never replaced
_FIRED: dict[str, list[str]] = {}  # sid → rule names fired during the call that owns the sid (warm-up)
_SIDS = itertools.count(1)
_SID_PREFIX = uuid.uuid4().hex[:12]
_handles: dict[str, object] = {}  # ruleset name → its C handle (the lean matching path)
_dumps = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode
_ALWAYS_TEXT = "{" + _dumps(ALWAYS) + ":true"  # how every fact starts (RulesetGroup.fact_body)
_loads = json.JSONDecoder().decode


if _durable is not None:

    class QuietHost(_durable.Host):
        """A Host that starts no timer threads (we use no timers and no queued actions)."""

        def _run(self):
            return None


def _host():
    global _HOST
    if _durable is None:
        raise DurableRulesError("加载", f"无法导入 durable-rules: {_IMPORT_ERROR}")
    if _HOST is None:
        _HOST = QuietHost()
    return _HOST


def _recorder(rule_name: str):
    def action(c):  # exactly one parameter: durable-rules treats two as an async action
        _FIRED.setdefault(c.s.sid, []).append(rule_name)

    return action


def _plain(x: float) -> bool:
    """A number durable-rules' JSON parser reads: it rejects exponent notation (error 204).

    repr(float) writes a finite number without exponent exactly when it is 0 or its shortest
    decimal form has its first digit from the 4th place after the point (1e-4) up to the 16th
    before it (below 1e16); NaN and infinities fail both comparisons. Same answer as
    `math.isfinite(x) and "e" not in repr(float(x))` (tests/engine/test_durable_per_item.py),
    without writing the repr."""
    x = float(x)
    return x == 0.0 or 1e-4 <= abs(x) < 1e16


# ------------------------------------------------------------------------------ compiling
def _bound(th: Threshold, ruleset: str) -> float:
    b = th.bound
    if not (b == 0 or (1e-3 <= abs(b) < 1e15)):
        raise DurableRulesError("编译", f"阈值 {th.key} 超出可表示范围(须为 0 或 0.001 ≤ |值| < 1e15)", ruleset)
    return b


def _term(cond: Condition, ruleset: str) -> dict:
    if isinstance(cond, str):
        return {cond: True}
    if isinstance(cond, Threshold):
        return {_OPS[cond.op]: {cond.quantity: _bound(cond, ruleset)}}
    if isinstance(cond, Custom):
        return {cond.key: True}
    raise DurableRulesError("编译", f"无法编译的条件 {cond!r}", ruleset)


def compile_rule(ref: ItemRef, ruleset: str = "") -> dict:
    """One item → {"all": [{"m": {"$and": [...]}}]}; any_of becomes a nested $or of $and."""
    conds = effective_conditions(ref.item, ref.document.citable)  # with the statutory premise (engine.premises)
    terms = [_term(c, ruleset) for c in conds.all]
    if conds.any_of:
        terms.append({"$or": [{"$and": [_term(c, ruleset) for c in bundle]} for bundle in conds.any_of]})
    if not terms:
        terms = [{ALWAYS: True}]
    return {"all": [{"m": {"$and": terms}}]}


@dataclass(eq=False)
class RulesetGroup:
    """A compiled ruleset (one item, or a (list version, domain) group): its name, its rules and
    the fact fields they read, from which fact_body writes the one fact every match asserts."""

    doc_key: str
    domain: str
    name: str
    rules: dict[str, dict]  # item ref key → compiled rule (no action)
    tags: list[str] = field(default_factory=list)
    customs: list[str] = field(default_factory=list)
    quantities: dict[str, tuple[float, ...]] = field(default_factory=dict)  # name → sorted bounds
    handle: object = None  # its C handle once loaded (DurableMatcher)

    def __post_init__(self):
        # the fact's fields as JSON text pieces (the key and colon written once) and one generated
        # writer of the whole fact (_writer): the hot path of every match
        self._writer = _fact_writer(self.tags, self.customs, self.quantities)

    def fact_body(self, facts, first_offense) -> str:
        """The one definition of the fact of a case: the constant field, then each of the group's
        fields (tags, custom conditions, quantities, in that order) with a known value only
        (unknown = absent = never matches), as the JSON text the encoder `_dumps` writes for that
        dict, open at the end for the sid: fact_body(...) + '"sid":"<sid>"}' is the asserted text.
        Written straight from the values, without the dict, by a function generated once per
        ruleset (_fact_writer) (tests/engine/test_durable_per_item.py compares it with a dict built
        from FactView)."""
        return self._writer(facts, first_offense)

    def event_for(self, facts, first_offense) -> dict:
        """The fact of fact_body as a dict (decoded from its text, not a second encoder): for the
        host's own assert_fact, `_match` and the benchmark's ZEN tables."""
        return _loads(self.fact_body(facts, first_offense)[:-1] + "}")


def _fact_writer(tags, customs, quantities):
    """fn(facts, first_offense) → RulesetGroup.fact_body's text, generated once per ruleset: each
    field of the group read inline where its value is a plain read (conditions.tag_expression), else
    through its value function (tag_value, quantity_value); its JSON text pieces are constants."""
    namespace: dict = {**TAG_EXPRESSION_NAMES, "_quantity_text": _quantity_text}
    lines = ["def write(f, first):", f"    parts = [{_ALWAYS_TEXT!r}]", "    add = parts.append"]
    for i, tag in enumerate(tags):
        expr = tag_expression(tag)
        if expr is None:
            namespace[f"_t{i}"] = tag_value(tag)
            expr = f"_t{i}(f, first)"
        lines += [f"    v = {expr}", "    if v is True:", f"        add({_dumps(tag) + ':true'!r})",
                  "    elif v is False:", f"        add({_dumps(tag) + ':false'!r})"]
    if customs:
        lines.append("    custom = f.custom_conditions or {}")
        for key in customs:
            lines += [f"    v = custom.get({key!r})", "    if v is True:", f"        add({_dumps(key) + ':true'!r})",
                      "    elif v is False:", f"        add({_dumps(key) + ':false'!r})"]
    for i, (name, bounds) in enumerate(quantities.items()):
        namespace[f"_q{i}"] = quantity_value(name)
        namespace[f"_b{i}"] = bounds
        lines += [f"    v = _q{i}(f)", "    if v is not None:",
                  f"        v = _quantity_text(v, {_dumps(name) + ':'!r}, _b{i})",
                  "        if v is not None:", "            add(v)"]
    lines += ["    add('')  # the comma before the sid", "    return ','.join(parts)"]
    lines = lines[:1] + field_reads(lines[1:])  # the facts' fields read from their __dict__
    exec(compile("\n".join(lines) + "\n", "<durable fact writer>", "exec"), namespace)  # noqa: S102 - our own text
    return namespace["write"]


def _quantity_text(value, head: str, bounds: tuple[float, ...]) -> str | None:
    """A known quantity's field text, or None for NaN (compares false with every bound, like an
    absent field); a number durable-rules cannot read replaced by a stand-in (_stand_in)."""
    if isinstance(value, float) and math.isnan(value):
        return None
    if not _plain(value):
        value = _stand_in(value, bounds)
    return head + _value_text(value)


def _value_text(value) -> str:
    """One value of a fact as the JSON encoder writes it (fact_body)."""
    if value is True:
        return "true"
    if value is False:
        return "false"
    if type(value) is float:  # plain here (fact_body replaced the others by a stand-in)
        return float.__repr__(value)
    if type(value) is int:
        return int.__repr__(value)
    return _dumps(value)


def _stand_in(value: float, bounds: tuple[float, ...]) -> float:
    """A plain number on the same side of every bound as `value` (tiny, huge or infinite)."""
    if value > 0 and abs(value) >= 1e15:
        return max(bounds) + 1
    if value < 0 and abs(value) >= 1e15:
        return min(bounds) - 1
    return math.copysign(0.0005, value)  # |value| < 1e-4; bounds are 0 or ≥ 0.001 in size


def compile_groups(corpus: Corpus) -> list[RulesetGroup]:
    """Every (list version, domain) group of the corpus as one ruleset, compiled and named by
    content: the corpus per domain (see the module notes; the matcher loads compile_rulesets)."""
    buckets: dict[tuple, list[ItemRef]] = {}
    for ref in _compiled_refs(corpus):
        buckets.setdefault((ref.document.key, ref.item.domain), []).append(ref)
    return [_compile(doc_key, domain, f"{doc_key}#{domain}", refs) for (doc_key, domain), refs in buckets.items()]


def compile_rulesets(corpus: Corpus) -> list[RulesetGroup]:
    """One ruleset per compiled item (the matcher's rulesets), named by its list version, domain,
    item id and content: "<doc key>#<domain>#<item id>@<sha256, 12 hex>"."""
    seen: set[str] = set()
    out = []
    for ref in _compiled_refs(corpus):
        label = f"{ref.document.key}#{ref.item.domain}#{ref.item.id}"
        if ref.key in seen:
            raise DurableRulesError("编译", f"条目 {ref.key} 重复", label)
        seen.add(ref.key)
        out.append(_compile(ref.document.key, ref.item.domain, label, [ref]))
    return out


def _compiled_refs(corpus: Corpus):
    for doc in corpus.documents:
        for item in doc.items:
            if not item.escalation:  # escalation: decided by the reference evaluator only
                yield ItemRef(doc, item)


def _compile(doc_key: str, domain: str, label: str, refs: list[ItemRef]) -> RulesetGroup:
    rules: dict[str, dict] = {}
    tags: dict[str, None] = {}
    customs: dict[str, None] = {}
    quantities: dict[str, set[float]] = {}
    for ref in refs:
        if ref.key in rules:
            raise DurableRulesError("编译", f"条目 {ref.key} 重复", label)
        rules[ref.key] = compile_rule(ref, label)
        for cond in effective_conditions(ref.item, ref.document.citable).iter_all():
            if isinstance(cond, str):
                tags[cond] = None
            elif isinstance(cond, Threshold):
                quantities.setdefault(cond.quantity, set()).add(cond.bound)
            else:
                customs[cond.key] = None
    fields = set(tags) | set(customs) | set(quantities)
    if fields & _RESERVED:
        raise DurableRulesError("编译", f"条件名与保留字段冲突: {sorted(fields & _RESERVED)}", label)
    if len(fields) + 2 > 255:  # MAX_OBJECT_PROPERTIES (with sid and the constant field)
        raise DurableRulesError("编译", f"一个规则集用到 {len(fields)} 个事实字段, 超过 253 个", label)
    rules[WARMUP_RULE] = {"all": [{"m": {"$and": [{WARMUP: True}]}}]}
    text = json.dumps(rules, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    digest = hashlib.sha256(text.encode("utf-8")).hexdigest()[:12]
    return RulesetGroup(
        doc_key, domain, f"{label}@{digest}", rules, sorted(tags), sorted(customs),
        {q: tuple(sorted(b)) for q, b in sorted(quantities.items())},
    )


def _load(group: RulesetGroup) -> None:
    """Register the group's ruleset unless a ruleset of that name (same content) is loaded."""
    with _LOCK:
        if group.name in _LOADED:
            return
        definition = {key: dict(json.loads(json.dumps(rule)), run=_recorder(key)) for key, rule in group.rules.items()}
        host = _host()
        sid = "warmup-" + uuid.uuid4().hex
        try:
            host.set_rulesets({group.name: definition})
            host.assert_fact(group.name, {"sid": sid, WARMUP: True})
            host.delete_state(group.name, sid)
        except Exception as exc:
            raise DurableRulesError("加载规则集", str(exc), group.name) from exc
        finally:
            _FIRED.pop(sid, None)
        _LOADED[group.name] = group.rules


# ------------------------------------------------------------------------------ matching
def _rule_name(message: str, names) -> str:
    """The rule an action message is for: the message is {"<rule name>": {…}}. Read from the prefix
    when that gives one of the ruleset's rule names, else (a name with escapes) by decoding it."""
    end = message.find('":', 2)
    rule = message[2:end]
    # a prefix without a backslash holds no escaped quote: it is the whole name exactly
    if end > 2 and message.startswith('{"') and "\\" not in rule and rule in names:
        return rule
    return next(iter(_loads(message)))


def _match(name: str, event: dict) -> list[str]:
    """Assert one fact under a fresh sid; the rule names that fired. The state is always deleted.

    Lean path: the ruleset's C handle is called directly (assert_fact, then start_action_for_state /
    complete_and_start_action to walk the rules that fired, reading each rule's name from the action
    message), without the host's Python action machinery (Closure objects, state JSON round trips,
    one recorder call per rule). The rules and their matching are durable-rules' own; only the
    collection of fired names is done here. Profiled: the host path spent ~70 % of a match in that
    machinery."""
    sid = f"{_SID_PREFIX}-{next(_SIDS)}"  # fresh per evaluation (process-unique; uuid4 cost more than the match)
    text = _dumps(dict(event, sid=sid))
    with _LOCK:
        handle = _handle(name)
        hits: list[str] = []
        failure: Exception | None = None
        state = None
        try:
            result = _C.assert_fact(handle, text)
            if result[0] == 0:
                state = result[1]
                action = _C.start_action_for_state(handle, state)
                message = action[1] if action else None
                names = _LOADED[name]
                while message:
                    hits.append(_rule_name(message, names))
                    message = _C.complete_and_start_action(handle, state)
            elif result[0] == 2:
                failure = DurableRulesError("匹配", "同一事实已断言过", name)
            # result[0] == 1: no rule matched (MessageNotHandled); 3 (event deferred; the library returns
            # state 0 and collects nothing): not reachable under the lock with a fresh sid
        except Exception as exc:  # noqa: BLE001 - durable-rules raises bare Exception and C errors
            failure = exc
            if state is not None:
                try:
                    _C.abandon_action(handle, state)  # as the library does when an action fails midway
                except Exception:  # noqa: BLE001 - no action started, or it already ended
                    pass
        finally:
            failure = _delete_state(handle, sid, failure)  # always, even on BaseException
        if failure is not None:
            raise DurableRulesError("匹配", str(failure), name) from failure
    return hits


def _delete_state(handle, sid: str, failure: Exception | None) -> Exception | None:
    """Delete an evaluation's state (under the lock); the first failure of the evaluation (a
    failed assert may leave no state to delete: that error is not the one to report)."""
    try:
        _C.delete_state(handle, sid)
    except Exception as exc:  # noqa: BLE001 - durable-rules raises bare Exception and C errors
        if failure is None:
            failure = exc
    return failure


def _handle(name: str):
    """The C handle of a loaded ruleset (called under the lock)."""
    handle = _handles.get(name)
    if handle is None:
        handle = _handles[name] = _host().get_ruleset(name)._handle
    return handle


def _fires(name: str, body: str, handle=None) -> bool:
    """Whether the one item rule of ruleset `name` fires for the fact `body` (RulesetGroup.fact_body),
    asserted under a fresh sid whose state is always deleted.

    The answer is the assert's result: 0 when the fact reached a rule's action (it fired), 1 when no
    rule matched (the library raises MessageNotHandledException for it). The rule's action is left
    queued in the state and goes with it (delete_state frees the state's action results). The
    ruleset's other rule, the warm-up, needs a field no case fact has (compile_rulesets).
    `handle`: the ruleset's C handle when the caller holds it (RulesetGroup.handle)."""
    sid = f"{_SID_PREFIX}-{next(_SIDS)}"  # fresh per evaluation (process-unique; ASCII, no escaping)
    text = f'{body}"sid":"{sid}"}}'
    with _LOCK:
        if handle is None:
            handle = _handle(name)
        try:
            code = _C.assert_fact(handle, text)[0]
        except Exception as exc:  # noqa: BLE001 - durable-rules raises bare Exception and C errors
            failure = _delete_state(handle, sid, exc)  # a failed assert may leave no state: its error is reported
            raise DurableRulesError("匹配", str(failure), name) from failure
        except BaseException:
            _delete_state(handle, sid, None)  # always, even on BaseException
            raise
        try:
            _C.delete_state(handle, sid)
        except Exception as exc:  # noqa: BLE001
            raise DurableRulesError("匹配", str(exc), name) from exc
        if code != 0 and code != 1:
            # 2: the same fact asserted twice; 3 (event deferred): not reachable under the lock with a fresh sid
            failure = DurableRulesError("匹配", "同一事实已断言过" if code == 2 else f"意外的返回码 {code}", name)
            raise DurableRulesError("匹配", str(failure), name) from failure
    return code == 0


class DurableMatcher:
    """Which items fire, per durable-rules. Build once per corpus; safe to share between threads."""

    def __init__(self, corpus: Corpus, *, memo_size: int = 0):
        """memo_size > 0 keeps the answers for that many (ruleset name, fact) pairs: the name
        carries the content hash and the fact is the canonical JSON of the case's values of the
        ruleset's fields, so a remembered answer is exactly what durable-rules would say again."""
        self.memo_size = memo_size
        self._memo: dict[tuple[str, str], bool] = {}
        self.memo_hits = 0
        self.memo_misses = 0
        self.groups = compile_rulesets(corpus)  # one per item
        self._by_ref: dict[str, RulesetGroup] = {}
        for group in self.groups:
            _load(group)
            with _LOCK:
                group.handle = _handle(group.name)
            for key in group.rules:
                if key != WARMUP_RULE:
                    self._by_ref[key] = group

    def ruleset_names(self) -> dict[str, list[str]]:
        """Document key → names of its loaded rulesets (one per item), for the audit record."""
        out: dict[str, list[str]] = {}
        for group in self.groups:
            out.setdefault(group.doc_key, []).append(group.name)
        return {k: sorted(v) for k, v in sorted(out.items())}

    def ruleset_for(self, ref: ItemRef) -> str:
        group = self._by_ref.get(ref.key)
        if group is None:
            raise DurableRulesError("匹配", f"条目 {ref.key} 未编译(带分档处理的条目只由参考求值器判断)")
        return group.name

    def fired(self, facts, refs, first_offense_fn) -> set[str]:
        """The ItemRef keys among `refs` whose conditions all hold (unknown never fires).

        One fact per ref, asserted to the ref's own ruleset, with the 首违 value the ref is
        evaluated with (prior offences of linked items may differ per list) and the fields its
        rule reads (a one-item ruleset's fields are its rule's).
        """
        by_ref = self._by_ref
        fires = self._fires if self.memo_size else _fires
        out: set[str] = set()
        for ref in refs:
            key = ref.key
            group = by_ref.get(key)
            if group is None:
                self.ruleset_for(ref)  # raises the clear error
            if fires(group.name, group._writer(facts, first_offense_fn(facts, ref)), group.handle):
                out.add(key)
        return out

    def _fires(self, name: str, body: str, handle) -> bool:
        key = (name, body)
        hit = self._memo.get(key)
        if hit is not None:
            self.memo_hits += 1
            return hit
        self.memo_misses += 1
        hit = _fires(name, body, handle)
        if len(self._memo) >= self.memo_size:
            try:
                self._memo.pop(next(iter(self._memo)), None)  # oldest first
            except (RuntimeError, StopIteration):  # another thread changed the memo meanwhile
                pass
        self._memo[key] = hit
        return hit
