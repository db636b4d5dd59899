"""Law-derived cases: what 行政处罚法 (2017 and 2021 texts) and the special laws require, case by case.

The cases in ``cases/*.yaml`` were written from the statute texts in ``shared/reference/statutes``,
never from the engine's output. Each case names the article (and text version) that fixes its
answer and one line of reasoning (``why``). A failing case is a disagreement between the engine and
that reading of the law; review the ``why`` before changing a case.

Expect keys (all but ``outcome`` optional):
  outcome           decision.outcome
  rule              decision.chosen_rule (statutory rule id or item id)
  missing           fact names that must all be among decision.missing_facts[].fact
  range             decision.leniency.range (exact list)
  mandatory         decision.leniency.mandatory
  wording           substring of decision.summary
  basis             entries that must each match some decision.basis entry; keys: role, law (substring of
                    citation.law or label), article, paragraph, item, version (prefix of the entry's version)
  basis_exclude     entries that must match no decision.basis entry (same keys)
  measures_include  substrings that must each occur in some decision.measures entry
  measures_exclude  substrings that must occur in no decision.measures entry
  override          id that must be in decision.trace.overrides; given where the special-law row governs the
                    answer (it would differ under the general rule of 行政处罚法), whether or not it is lenient
  possible_include  outcomes that must be in decision.possible_outcomes

The last test of the module prints, per file, the number of cases and of answers MORE LENIENT than
the law (leniency: no_penalty 4 > discretionary_no_penalty 3 > reduced_penalty 2 > lighter_penalty 1
> normal 0; also a firm lenient outcome where the case expects ``undetermined``).
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from datetime import date
from pathlib import Path

import pytest
import yaml
from pydantic import ValidationError

from penalty_rules.load.statutory import bundled_statutory
from penalty_rules.model.facts import CaseFacts

TODAY = date(2026, 11, 27)
CASES_DIR = Path(__file__).resolve().parent / "cases"
FILES = (
    "versions", "special_law", "agency_facts", "priors", "modality",
    "measures", "ages_capacity", "art32_33", "limitation", "list_premises",
)
MIN_PER_FILE = 10
MIN_TOTAL = 170

RANK = {"no_penalty": 4, "discretionary_no_penalty": 3, "reduced_penalty": 2, "lighter_penalty": 1, "normal": 0}
UNDETERMINED = "undetermined"
OUTCOMES = set(RANK) | {UNDETERMINED}

# --- the facts contract (CaseFacts as the engine is to implement it) -----------------------------
CONTRACT_FACTS = {
    "item_id", "conduct", "domain", "jurisdiction", "act_date", "decision_date", "party_type", "first_offense",
    "prior_offenses", "corrected", "harm", "minor_violation", "illegal_gains_yuan", "goods_value_yuan",
    "subjective_fault", "age", "birth_date", "mental_condition", "mental_condition_cause", "discovered_date",
    "continuing", "act_end_date", "circumstances", "safety_related", "violated_law", "special_law_facts",
    "custom_conditions",  # a list item's own condition in its words, answered by its key (README: custom)
}
ENUMS = {
    "party_type": {"enterprise", "individual_business", "individual", "other"},
    "corrected": {"before_discovery", "voluntarily_after_discovery", "within_deadline", "promptly", "after_deadline",
                  "not_corrected"},
    "harm": {"none", "minor", "serious"},
    "mental_condition": {"none", "cannot_recognize", "limited"},
    "mental_condition_cause": {"mental_illness", "intellectual_disability", "other"},  # other: 醉酒、服用药物 …
}
BOOLS = {"first_offense", "minor_violation", "subjective_fault", "continuing", "safety_related"}
DATES = {"act_date", "decision_date", "birth_date", "discovered_date", "act_end_date"}
CIRCUMSTANCES = {
    "cooperated", "eliminated_harm", "coerced_or_deceived", "coerced", "deceived", "confessed", "meritorious",
}
SPECIAL_LAW_KEYS = bundled_statutory().special.fact_keys  # a case file may answer the special laws' own facts
PRIOR_KEYS = {"item_id", "conduct", "date", "same_conduct", "before_act"}
CASE_KEYS = {"id", "article", "why", "facts", "expect"}
EXPECT_KEYS = {
    "outcome", "rule", "missing", "range", "mandatory", "wording", "basis", "basis_exclude",
    "measures_include", "measures_exclude", "override", "possible_include",
}
BASIS_KEYS = {"role", "law", "article", "paragraph", "item", "version"}
ID_RE = re.compile(r"^[a-z0-9][a-z0-9-]*$")
ARTICLE_RE = re.compile(r"第[一二三四五六七八九十百零〇0-9]+[条项]")  # an article, or a list's item


# --- loading ----------------------------------------------------------------------------------------
def _load() -> list[tuple[str, dict]]:
    out = []
    for path in sorted(CASES_DIR.glob("*.yaml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        if not isinstance(data, list):
            raise ValueError(f"{path.name}: a case file is a YAML list of cases")
        out += [(path.stem, case) for case in data]
    return out


CASES = _load()


def _case_id(case) -> str:
    return str(case.get("id")) if isinstance(case, dict) else repr(case)


# --- reading the decision (tolerant of fields the engine does not have yet) --------------------------
_ABSENT = object()


def _get(obj, name):
    if obj is None or obj is _ABSENT:
        return _ABSENT
    if isinstance(obj, dict):
        return obj.get(name, _ABSENT)
    return getattr(obj, name, _ABSENT)


class ContractGap(Exception):
    """The engine does not (yet) accept or return what the contract says."""


def evaluate(engine, facts: dict):
    try:
        case_facts = CaseFacts(**facts)
    except ValidationError as exc:
        errors = "; ".join(f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in exc.errors())
        raise ContractGap(f"CaseFacts rejects the contract's facts ({errors})") from None
    return engine.evaluate(case_facts, today=TODAY)


def _basis_parts(entry) -> dict:
    citation = _get(entry, "citation")
    version = _get(entry, "version")
    if version in (_ABSENT, None):
        version = _get(citation, "version")
    return {
        "role": _get(entry, "role"),
        "law": _get(citation, "law"),
        "label": _get(entry, "label"),
        "article": _get(citation, "article"),
        "paragraph": _get(citation, "paragraph"),
        "item": _get(citation, "item"),
        "version": version,
    }


def basis_matches(entry, want: dict) -> bool:
    parts = _basis_parts(entry)
    for key, value in want.items():
        if key == "law":
            hay = " ".join(str(parts[k]) for k in ("law", "label") if parts[k] not in (_ABSENT, None))
            if str(value) not in hay:
                return False
        elif key == "version":
            if parts["version"] in (_ABSENT, None) or not str(parts["version"]).startswith(str(value)):
                return False
        elif parts[key] != value:
            return False
    return True


def _basis_text(entry) -> str:
    p = _basis_parts(entry)
    shown = {k: v for k, v in p.items() if v not in (_ABSENT, None) and k != "label"}
    return str(shown)


def check(decision, expect: dict) -> list[str]:
    """Every mismatch between the decision and the case's expectations, in words."""
    problems: list[str] = []

    def need(name):
        value = _get(decision, name)
        if value is _ABSENT:
            problems.append(f"decision has no field {name!r} (contract not implemented)")
        return value

    outcome = need("outcome")
    if outcome != expect["outcome"]:
        note = " — MORE LENIENT THAN THE LAW" if more_lenient(expect["outcome"], outcome) else ""
        problems.append(f"outcome {outcome!r}, law: {expect['outcome']!r}{note}")

    if "rule" in expect:
        rule = need("chosen_rule")
        if rule is not _ABSENT and rule != expect["rule"]:
            problems.append(f"chosen_rule {rule!r}, law: {expect['rule']!r}")

    if "missing" in expect:
        missing = need("missing_facts")
        if missing is not _ABSENT:
            have = {_get(m, "fact") for m in missing or []}
            lacking = [f for f in expect["missing"] if f not in have]
            if lacking:
                problems.append(f"missing_facts {sorted(map(str, have))} lacks {lacking}")

    if "range" in expect or "mandatory" in expect:
        leniency = need("leniency")
        if leniency is not _ABSENT:
            if leniency is None:
                problems.append("leniency is null, law: a 从轻或者减轻 range")
            else:
                if "range" in expect:
                    rng = _get(leniency, "range")
                    rng = list(rng) if rng not in (_ABSENT, None) else rng
                    if rng != expect["range"]:
                        problems.append(f"leniency.range {rng!r}, law: {expect['range']!r}")
                if "mandatory" in expect:
                    mandatory = _get(leniency, "mandatory")
                    if mandatory is not expect["mandatory"]:
                        problems.append(f"leniency.mandatory {mandatory!r}, law: {expect['mandatory']!r}")

    if "wording" in expect:
        summary = need("summary")
        if summary is not _ABSENT and expect["wording"] not in (summary or ""):
            problems.append(f"summary lacks {expect['wording']!r}")

    if "basis" in expect or "basis_exclude" in expect:
        basis = need("basis")
        if basis is not _ABSENT:
            basis = list(basis or [])
            for want in expect.get("basis", []):
                if not any(basis_matches(e, want) for e in basis):
                    problems.append(f"basis lacks {want} (has {[_basis_text(e) for e in basis]})")
            for banned in expect.get("basis_exclude", []):
                hits = [_basis_text(e) for e in basis if basis_matches(e, banned)]
                if hits:
                    problems.append(f"basis must not cite {banned}: {hits}")

    if "measures_include" in expect or "measures_exclude" in expect:
        measures = need("measures")
        if measures is not _ABSENT:
            measures = [str(m) for m in measures or []]
            for text in expect.get("measures_include", []):
                if not any(text in m for m in measures):
                    problems.append(f"measures lack {text!r} (has {measures})")
            for text in expect.get("measures_exclude", []):
                if any(text in m for m in measures):
                    problems.append(f"measures must not contain {text!r} (has {measures})")

    if "override" in expect:
        trace = need("trace")
        overrides = _get(trace, "overrides")
        if trace is not _ABSENT and overrides is _ABSENT:
            problems.append("decision.trace has no field 'overrides' (contract not implemented)")
        elif overrides is not _ABSENT and expect["override"] not in (overrides or []):
            problems.append(f"trace.overrides {overrides!r} lacks {expect['override']!r}")

    if "possible_include" in expect:
        possible = need("possible_outcomes")
        if possible is not _ABSENT:
            lacking = [o for o in expect["possible_include"] if o not in (possible or [])]
            if lacking:
                problems.append(f"possible_outcomes {possible!r} lacks {lacking}")
    return problems


def more_lenient(expected: str, actual) -> bool:
    """Is the engine's outcome more lenient than the law's?"""
    if expected == UNDETERMINED:
        return actual in RANK and RANK[actual] > 0  # a firm lenient answer where the law needs more facts
    if actual not in RANK:
        return False  # undetermined (or garbage) is never more lenient than a firm answer
    return RANK[actual] > RANK[expected]


# --- the harness's own checks (these must pass whatever the engine does) ------------------------------
def test_case_files_and_counts():
    per_file = Counter(stem for stem, _ in CASES)
    absent = [name for name in FILES if name not in per_file]
    assert not absent, f"case files missing: {absent}"
    small = {name: n for name, n in per_file.items() if n < MIN_PER_FILE}
    assert not small, f"files with fewer than {MIN_PER_FILE} cases: {small}"
    assert len(CASES) >= MIN_TOTAL, f"{len(CASES)} cases, need at least {MIN_TOTAL}"


def test_every_case_names_an_article():
    bad = [
        _case_id(case) for _, case in CASES
        if not isinstance(case.get("article"), str) or not ARTICLE_RE.search(case["article"])
    ]
    assert not bad, f"cases without an article (第…条, or a list's 第…项): {bad}"


def _case_problems(case) -> list[str]:
    p: list[str] = []
    if not isinstance(case, dict):
        return ["not a mapping"]
    if set(case) != CASE_KEYS:
        p.append(f"keys {sorted(case)} != {sorted(CASE_KEYS)}")
    if not ID_RE.match(str(case.get("id", ""))):
        p.append("id must be lower-case ASCII, digits and '-'")
    why = case.get("why")
    if not isinstance(why, str) or not why.strip() or "\n" in why.strip():
        p.append("why must be one line of reasoning")
    facts, expect = case.get("facts") or {}, case.get("expect") or {}
    if not isinstance(facts, dict) or not isinstance(expect, dict):
        return p + ["facts and expect must be mappings"]

    unknown = set(facts) - CONTRACT_FACTS
    if unknown:
        p.append(f"facts not in the contract: {sorted(unknown)}")
    for name, allowed in ENUMS.items():
        if name in facts and facts[name] not in allowed:
            p.append(f"{name}={facts[name]!r} not in {sorted(allowed)}")
    for name in BOOLS & set(facts):
        if not isinstance(facts[name], bool):
            p.append(f"{name} must be a bool")
    for name in DATES & set(facts):
        if not isinstance(facts[name], date):
            p.append(f"{name} must be a date (YYYY-MM-DD)")
    if "age" in facts and not isinstance(facts["age"], int):
        p.append("age must be an int")
    for c in facts.get("circumstances") or []:
        if c not in CIRCUMSTANCES:
            p.append(f"circumstance {c!r} not in the contract")
    for key, value in (facts.get("special_law_facts") or {}).items():
        if key not in SPECIAL_LAW_KEYS or not isinstance(value, bool):
            p.append(f"special_law_facts.{key}={value!r} not in the contract")
    for i, prior in enumerate(facts.get("prior_offenses") or []):
        if not isinstance(prior, dict) or set(prior) - PRIOR_KEYS or not isinstance(prior.get("date"), date):
            p.append(f"prior_offenses[{i}] malformed: {prior!r}")
        elif not (prior.get("item_id") or prior.get("conduct")):
            p.append(f"prior_offenses[{i}] needs item_id or conduct")
    act, dec, disc = facts.get("act_date"), facts.get("decision_date"), facts.get("discovered_date")
    end = facts.get("act_end_date")
    if isinstance(act, date) and isinstance(dec, date) and dec < act:
        p.append("decision_date before act_date")
    if isinstance(disc, date):
        if isinstance(act, date) and disc < act:
            p.append("discovered_date before act_date")
        if isinstance(dec, date) and disc > dec:
            p.append("discovered_date after decision_date")
    if isinstance(end, date):
        if not facts.get("continuing"):
            p.append("act_end_date given without continuing: true")
        if isinstance(act, date) and end < act or isinstance(dec, date) and end > dec:
            p.append("act_end_date outside act_date..decision_date")
    if isinstance(dec, date) and dec > TODAY:
        p.append("decision_date after the test's today")

    unknown = set(expect) - EXPECT_KEYS
    if unknown:
        p.append(f"unknown expect keys {sorted(unknown)}")
    if expect.get("outcome") not in OUTCOMES:
        p.append(f"expect.outcome {expect.get('outcome')!r} not in {sorted(OUTCOMES)}")
    if "missing" in expect and expect.get("outcome") != UNDETERMINED:
        p.append("expect.missing only makes sense with outcome undetermined")
    for key in ("range", "possible_include"):
        if any(o not in RANK for o in expect.get(key, [])):
            p.append(f"expect.{key} has an unknown outcome")
    if "mandatory" in expect and not isinstance(expect["mandatory"], bool):
        p.append("expect.mandatory must be a bool")
    for key in ("basis", "basis_exclude"):
        for entry in expect.get(key, []):
            if not isinstance(entry, dict) or not entry or set(entry) - BASIS_KEYS:
                p.append(f"expect.{key} entry {entry!r}: keys must be among {sorted(BASIS_KEYS)}")
    for key in ("missing", "measures_include", "measures_exclude"):
        if not all(isinstance(x, str) for x in expect.get(key, [])):
            p.append(f"expect.{key} must be a list of strings")
    return p


def test_cases_are_well_formed():
    ids = Counter(_case_id(case) for _, case in CASES)
    dupes = [i for i, n in ids.items() if n > 1]
    bad = {f"{stem}:{_case_id(case)}": probs for stem, case in CASES if (probs := _case_problems(case))}
    assert not dupes, f"duplicate case ids: {dupes}"
    assert not bad, "malformed cases:\n" + "\n".join(f"  {k}: {v}" for k, v in bad.items())


# --- the law-derived cases ----------------------------------------------------------------------------
@pytest.mark.parametrize(
    "stem,case", [pytest.param(stem, case, id=_case_id(case)) for stem, case in CASES]
)
def test_law_case(engine, stem, case):
    try:
        decision = evaluate(engine, case["facts"])
    except ContractGap as exc:
        pytest.fail(f"[{stem}] {exc}", pytrace=False)
    problems = check(decision, case["expect"])
    if problems:
        missing = [_get(m, "fact") for m in _get(decision, "missing_facts") or []] \
            if _get(decision, "missing_facts") is not _ABSENT else None
        pytest.fail(
            f"[{stem}] {case['article']}: {case['why']}\n"
            + "\n".join(f"  - {p}" for p in problems)
            + f"\n  engine: outcome={_get(decision, 'outcome')!r} chosen_rule={_get(decision, 'chosen_rule')!r}"
            f" missing={missing!r}",
            pytrace=False,
        )


def test_zz_summary(engine, capsys):
    """Runs last in this module: cases per file and answers more lenient than the law."""
    per_file: Counter = Counter()
    agree: Counter = Counter()
    lenient: dict[str, list[str]] = defaultdict(list)
    errors: dict[str, list[str]] = defaultdict(list)
    for stem, case in CASES:
        per_file[stem] += 1
        try:
            decision = evaluate(engine, case["facts"])
        except Exception as exc:  # noqa: BLE001 - counted and shown, never hidden
            errors[stem].append(f"{_case_id(case)}: {type(exc).__name__}")
            continue
        outcome = _get(decision, "outcome")
        if not check(decision, case["expect"]):
            agree[stem] += 1
        if more_lenient(case["expect"]["outcome"], outcome):
            lenient[stem].append(f"{_case_id(case)} ({outcome} > {case['expect']['outcome']})")

    lines = ["", "law-derived cases (tests/legal/cases):",
             f"  {'file':<16}{'cases':>6}{'agree':>7}{'more lenient':>14}{'errors':>8}"]
    for stem in sorted(per_file):
        lines.append(
            f"  {stem:<16}{per_file[stem]:>6}{agree[stem]:>7}{len(lenient[stem]):>14}{len(errors[stem]):>8}"
        )
    total_lenient = sum(map(len, lenient.values()))
    total_errors = sum(map(len, errors.values()))
    lines.append(
        f"  {'TOTAL':<16}{sum(per_file.values()):>6}{sum(agree.values()):>7}{total_lenient:>14}{total_errors:>8}"
    )
    lines.append(f"  answers MORE LENIENT than the law: {total_lenient}")
    for stem in sorted(lenient):
        lines += [f"    {stem}: {x}" for x in lenient[stem]]
    if total_errors:
        kinds = Counter(e.split(": ", 1)[1] for v in errors.values() for e in v)
        lines.append(f"  cases the engine could not evaluate: {total_errors} {dict(kinds)}")
    with capsys.disabled():
        print("\n".join(lines))
