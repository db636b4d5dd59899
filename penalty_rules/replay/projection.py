"""The decision-relevant projection of a case, and the strict reading of one row.

A decision is a pure function of (facts, list snapshot). Dates enter the engine only through
comparisons: with fixed dates of the corpus (list versions and items in force, 行政处罚法 versions,
special-law rows and revisions, first-offence `counted_from`), with each other (act before the
decision), and through periods counted from the act or its end (limitation periods of art. 36 /
old art. 29 and the special laws, against the decision and discovery dates; first-offence windows of
the lists, against prior dates), and a birth date through the age in 周岁 on the act date (for an act
that is or may be continuing, also at its end or the decision: art. 30 counts the age at the act's
end, statutory.age_span). `Projector.key` replaces every date by the outcome of exactly those
comparisons; two rows with the same key are decided alike (proved on generated caseloads by the
equality check against the production path: benchmarks/bench_replay.py, tests/replay).

Reading a row: the facts contract is validated strictly (penalty_rules.model.facts_json). To keep
1.5 M rows affordable, the part of a row without dates (the "template") is validated once per
distinct template in strict JSON mode, and the dates of each row are checked by `_date_of` and
`_cross_checks` (a subset of what CaseFacts accepts: plain YYYY-MM-DD in range and the model's
ordering rules). Whatever that fast path does not accept is read by the official boundary
(`validate_facts_value`), so a bad row always carries the official error.
"""

import bisect
import json
import re
from datetime import date, timedelta

from pydantic import ValidationError

from penalty_rules.engine.history import window_start
from penalty_rules.engine.statutory import add_period
from penalty_rules.model.age import full_years
from penalty_rules.model.corpus import Corpus
from penalty_rules.model.facts import MAX_DATE, MIN_DATE, CaseFacts, duration_mismatch
from penalty_rules.model.facts_json import validate_facts_value

DATE_FIELDS = ("act_date", "decision_date", "discovered_date", "act_end_date", "birth_date")
_ISO = re.compile(r"^\d{4}-\d{2}-\d{2}$")
PRIOR_PLACEHOLDER = "2000-01-01"
MAX_CACHED_TEMPLATES = 500_000  # refused templates remembered (valid ones are always kept)


class RowError(Exception):
    """A row that does not satisfy the facts contract: code, field, Chinese message."""

    def __init__(self, code: str, message: str, field: str | None = None):
        super().__init__(message)
        self.code, self.message, self.field = code, message, field


def official_error(row: dict) -> RowError | None:
    """The official boundary's verdict on a row (None: the row is valid)."""
    from penalty_rules.model.facts_json import error_loc, loc_text, validation_message_zh

    try:
        validate_facts_value(row)
    except ValidationError as exc:
        errs = exc.errors()
        e = errs[0]
        path = loc_text(error_loc(e)) or "(顶层)"
        more = f"(另有 {len(errs) - 1} 处错误)" if len(errs) > 1 else ""
        return RowError(e["type"], f"{path}: {validation_message_zh(e)}{more}", path)
    return None


def _h(v):
    """A hashable, type-exact stand-in of a JSON value (true ≠ 1 ≠ 1.0)."""
    t = type(v)
    if t is str or v is None:
        return v
    if t is list:
        return ("[", tuple(_h(x) for x in v))
    if t is dict:
        return ("{", tuple((k, _h(x)) for k, x in v.items()))
    return (t.__name__, v)


def corpus_boundaries(corpora: list[Corpus]) -> tuple[list[date], list, list[int]]:
    """(fixed dates ±1 day of the lists that can bind a case here and of the statutory data,
    periods counted from the act, first-offence windows in years, first-offence start dates)."""
    fixed: set[date] = set()
    periods: dict = {}
    windows: set[int] = set()
    statutory_seen = set()
    counted_from: set[date] = set()
    for corpus in corpora:
        stacks = {code for j in corpus.registry.jurisdictions for code in corpus.registry.stack(j.code)}
        for doc in corpus.documents:
            if doc.jurisdiction not in stacks:
                continue  # other places' lists are never in force here: their dates decide nothing
            for d in (doc.start, corpus.end_of(doc), doc.effective_from, doc.effective_to, doc.published_on):
                if d:
                    fixed.add(d)
            if doc.first_offense is not None:
                if doc.first_offense.counted_from:
                    fixed.add(doc.first_offense.counted_from)
                    counted_from.add(doc.first_offense.counted_from)
                if doc.first_offense.window_years:
                    windows.add(doc.first_offense.window_years)
            for item in doc.items:
                for d in (item.effective_from, item.effective_to):
                    if d:
                        fixed.add(d)
        st = corpus.statutory
        if st is None:
            from penalty_rules.load.statutory import bundled_statutory

            st = bundled_statutory()
        if id(st) in statutory_seen:
            continue
        statutory_seen.add(id(st))
        for law in st.versions:
            for d in (law.in_force_from, law.in_force_to, getattr(law, "text_version", None)):
                if d:
                    fixed.add(d)
            for spec in law.rules:
                lim = spec.limitation
                if lim is not None:
                    for p in (lim.period, lim.extended):
                        if p is not None:
                            periods[(p.years, p.months)] = p
        if st.special:
            for o in st.special.overrides:
                for d in (o.in_force_from, o.in_force_to, o.revised_on, getattr(o, "text_version", None)):
                    if d:
                        fixed.add(d)
                if o.period is not None:
                    periods[(o.period.years, o.period.months)] = o.period
    points: set[date] = set()
    for d in fixed:
        for delta in (-1, 0, 1):
            try:
                points.add(d + timedelta(days=delta))
            except OverflowError:
                pass
    return sorted(points), [periods[k] for k in sorted(periods, key=str)], sorted(windows), sorted(counted_from)


class Projector:
    """Strict row reading and the projection key, for a fixed set of corpora (both sides of a
    replay: the key must separate every case either side could decide differently)."""

    def __init__(self, corpora: list[Corpus], today: date):
        self.points, self.periods, self.windows, self.counted_from = corpus_boundaries(corpora)
        self.today = today
        self._dates: dict = {}  # date text → date (or False: not accepted by the fast path)
        self._classes: dict[date, int] = {}
        self._deadlines: dict[date, tuple[date, ...]] = {}
        self._shifts: dict[date, tuple[date, ...]] = {}
        self._templates: dict = {}  # template key → (template id, CaseFacts without dates) or RowError
        self.templates = 0
        self.tkeys: list = []  # template id → template key (process-independent)

    # ------------------------------------------------------------------ dates
    def _date_of(self, v):
        d = self._dates.get(v) if type(v) is str else None
        if d is not None:
            return d
        if type(v) is date:
            d = v if MIN_DATE <= v <= MAX_DATE else False
        elif type(v) is str and _ISO.match(v):
            try:
                d = date.fromisoformat(v)
            except ValueError:
                d = False
            if d and not (MIN_DATE <= d <= MAX_DATE):
                d = False
            if len(self._dates) < 200_000:
                self._dates[v] = d
        else:
            d = False
        return d

    def _cls(self, d: date | None):
        if d is None:
            return None
        c = self._classes.get(d)
        if c is None:
            c = self._classes[d] = bisect.bisect_right(self.points, d)
        return c

    def _deadlines_from(self, start: date) -> tuple[date, ...]:
        got = self._deadlines.get(start)
        if got is None:
            got = self._deadlines[start] = tuple(add_period(start, p) for p in self.periods)
        return got

    def _window_starts(self, act: date) -> tuple[date, ...]:
        got = self._shifts.get(act)
        if got is None:
            got = self._shifts[act] = tuple(window_start(act, w) for w in self.windows)
        return got

    # ------------------------------------------------------------------ rows
    def _template(self, row: dict):
        """(template key, dates of the row, prior dates) — raises RowError for the slow path."""
        parts = []
        dates = {}
        prior_dates = ()
        for k, v in row.items():
            if k in DATE_FIELDS:
                dates[k] = v
            elif k == "prior_offenses" and type(v) is list:
                pd = []
                pk = []
                for p in v:
                    if type(p) is not dict or "date" not in p:
                        raise RowError("slow", "")
                    pd.append(p["date"])
                    pk.append(tuple((a, _h(b)) for a, b in p.items() if a != "date"))
                prior_dates = pd
                parts.append((k, ("priors", tuple(pk))))
            else:
                parts.append((k, _h(v)))
        return tuple(parts), dates, prior_dates

    def _new_template(self, tkey, make_template):
        """Validate a template (the row without dates; prior dates replaced) once, strictly."""
        try:
            tpl = make_template()
            if type(tpl.get("prior_offenses")) is list:
                tpl["prior_offenses"] = [dict(p, date=PRIOR_PLACEHOLDER) if type(p) is dict else p
                                         for p in tpl["prior_offenses"]]
            facts = CaseFacts.model_validate_json(json.dumps(tpl, ensure_ascii=False), strict=True)
            got = (self.templates, facts)
            self.templates += 1
            self.tkeys.append(tkey)
        except (ValidationError, RowError, TypeError, ValueError):
            got = False
        # a valid template is always kept (tkeys and the memo refer to it by id: export_memo reads
        # it back); refused ones are remembered only up to the cap
        if got or len(self._templates) < MAX_CACHED_TEMPLATES:
            self._templates[tkey] = got
        return got

    def key(self, row: dict):
        """The projection key of a valid row, or None when the fast path does not accept the row
        (the caller then reads it through the official boundary)."""
        try:
            tkey, dates, prior_dates = self._template(row)
        except RowError:
            return None
        got = self._templates.get(tkey)
        if got is None:
            got = self._new_template(tkey, lambda: {k: v for k, v in row.items() if k not in DATE_FIELDS})
        if not got:
            return None
        own = self._dates_of([dates.get(k) for k in
                              ("act_date", "decision_date", "discovered_date", "act_end_date", "birth_date")])
        pds = self._dates_of(prior_dates)
        if own is None or pds is None:
            return None
        return self.signature(got, *own, pds)

    def key_columns(self, tkey, make_template, act, dec_given, disc, end, birth, prior_dates):
        """`key` for a row already split into a type-exact template key and dates (columnar input:
        date values are dates or None, each checked here)."""
        got = self._templates.get(tkey)
        if got is None:
            got = self._new_template(tkey, make_template)
        if not got:
            return None
        own = self._dates_of((act, dec_given, disc, end, birth))
        pds = self._dates_of(prior_dates)
        if own is None or pds is None:
            return None
        return self.signature(got, *own, pds)

    def _dates_of(self, values) -> list | None:
        """Each value as a date (None stays None); None when one is not a valid date."""
        out = []
        for v in values:
            if v is not None:
                v = self._date_of(v)
                if v is False:
                    return None
            out.append(v)
        return out

    def signature(self, got, act, dec_given, disc, end, birth, prior_dates):
        tid, tf = got
        # the model's own date rules (CaseFacts._dates): anything it refuses goes the slow way
        if act is not None:
            if (dec_given is not None and dec_given < act) or (disc is not None and disc < act) \
                    or (end is not None and end < act) or (birth is not None and birth > act):
                return None
        if dec_given is not None and disc is not None and disc > dec_given:
            return None
        if end is not None and tf.continuing is False:
            return None
        if end is not None and act is not None and tf.quantities:  # CaseFacts._duration_fits_dates
            months = tf.quantities.get("violation_duration_months")
            if months is not None and duration_mismatch(act, end, float(months)) is not None:
                return None
        age_on_act = None
        if birth is not None and act is not None:
            age_on_act = full_years(birth, act)
            if tf.age is not None and age_on_act != tf.age:
                return None
        dec = dec_given or self.today
        sig = [self._cls(act), self._cls(dec), self._cls(end), age_on_act, birth is not None]
        if act is not None and tf.continuing is not False:
            # the age at the end of an act that is or may be continuing (statutory.age_span): from the
            # birth date, or the years the act may have lasted after the act date
            for until in (end, dec):
                if until is not None:
                    sig.append(full_years(birth, until) if birth is not None else None)
                    sig.append(full_years(act, until))
        if act is not None:
            # three-way: the engine refuses an act after the decision (act_after_decision), which
            # only happens here with the decision date missing (today stands in for it)
            sig.append((act > dec) - (act < dec))
        for start in (act, end):
            if start is None:
                continue
            # the discovery date is read only against these deadlines, as the limitation test does
            # (statutory._expired_from): discovered after the deadline; unknown discovery: in time
            # when the decision is not after it, else unknown
            for deadline in self._deadlines_from(start):
                sig.append(disc > deadline if disc is not None else (False if dec <= deadline else None))
        if prior_dates:
            shifts = self._window_starts(act) if act is not None else ()
            for pdate in prior_dates:
                sig.extend(pdate < c for c in self.counted_from)
                if act is not None:
                    sig.append((pdate > act) - (pdate < act))  # the act's own day is asked (history)
                    if end is not None:  # and a day within a continuing act
                        sig.append((pdate > end) - (pdate < end))
                    sig.extend(pdate < s for s in shifts)
        return tid, tuple(sig)


def read_row(row: dict) -> CaseFacts:
    """The official strict reading of one row (raises RowError)."""
    try:
        return validate_facts_value(row)
    except ValidationError:
        err = official_error(row)
        raise err from None
