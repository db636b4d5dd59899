"""A synthetic Liaocheng caseload for replay tests and benchmarks. SYNTHETIC: no real case.

Calibrated to the published 2022 figures where there are any (CALIBRATION lists each figure with
its source); everything else is an assumption stated in ASSUMPTIONS and in the README. Seeded:
the same (n, seed) gives the same rows.

Every row is a valid CaseFacts for the bundled lists: an item id of the Liaocheng binding stack
(city, Shandong and national lists) or, for some fact patterns, the item's conduct text instead.
Cases repeat the same fact patterns (mass enforcement is stereotyped): each item has a pool of
patterns drawn once from the fact distributions and used with Zipf frequencies; dates are drawn
per case over the year.

Boundary-dense mode (`dense_dates=True`, `caseload generate --dense-dates`): the same patterns,
with dates drawn where the decision changes — around every fixed date of the corpus (行政处罚法
2021-07-15, list versions and items in force, special-law revisions, first-offence start dates)
and around the decision default `today`, decision dates sometimes omitted, lags up to years and
near the limitation deadlines, discovery and end dates near those deadlines, birth dates near the
14th and 18th birthdays, prior dates near the first-offence window starts, priors given by their
conduct text (matched by search) and violated laws with special rules. Not calibrated: it exists
to exercise the projection's date classes (tests/replay, benchmarks/bench_replay.py).
"""

import json
import random
from bisect import bisect
from datetime import date, timedelta
from itertools import accumulate
from pathlib import Path

from penalty_rules.model.corpus import Corpus
from penalty_rules.model.facts import MIN_DATE, calendar_months, duration_mismatch

YEAR = 2022
EV_ITEM = "lc-practice-2022/ev-restricted-zone"
PARKING_ITEM = "lc-practice-2022/parking-notified"
EV_START = date(2022, 7, 10)

# Published figures (source: 聊城市 2022 年法治政府建设白皮书, as summarised in
# shared/reference/liaocheng-facts.md).
CALIBRATION = {
    "penalty_cases_2022": (1_144_482, "全市 2022 年行政处罚立案 1,144,482 件"),
    "no_penalty_cases_2022": (372_700, "全市 2022 年不予处罚 372,700 件"),
    "reduced_penalty_cases_2022": (262, "全市 2022 年减轻处罚 262 件"),
    "ev_first": (72_000, "低速电动车首次驶入限行区域警告 72,000 起(2022-07-10 起)"),
    "ev_second": (4_009, "第二次依法处罚 4,009 起"),
    "ev_third": (94, "第三次暂扣车辆 94 起"),
    "parking_reminders": (99_000, "违法停车拍照提醒后按时驶离 99,000 次"),
    "parking_penalties": (24_000, "未按时驶离处罚 24,000 起"),
}
TOTAL_2022 = CALIBRATION["penalty_cases_2022"][0] + CALIBRATION["no_penalty_cases_2022"][0]  # 1,517,182

# Assumptions (no published figure): shares of the cases that are neither e-vehicle nor parking,
# by domain of the bundled binding items; rates of unknown facts; pattern pool and repetition.
ASSUMPTIONS = {
    "domain_shares_of_other_cases": {"market": 0.46, "tax": 0.30, "transport": 0.14, "ecology": 0.08, "drugs": 0.02},
    "patterns_per_item": 40,
    "zipf_exponent": 1.1,
    "conduct_text_instead_of_item": 0.05,
    "unknown_rates": {"party_type": 0.04, "first_offense": 0.10, "corrected": 0.08, "harm": 0.10,
                      "minor_violation": 0.25, "custom_conditions": 0.15, "act_date": 0.01,
                      "discovered_date": 0.35, "circumstances": 0.45},
    # weights of CaseFacts.corrected where known (other cases): a correction after an order's deadline and one on
    # the party's own initiative after discovery but before any order are given small synthetic weights
    "corrected_weights": {"within_deadline": 40, "promptly": 20, "before_discovery": 10, "not_corrected": 20,
                          "after_deadline": 4, "voluntarily_after_discovery": 3},
    "decision_lag_days": "traffic: same day; others: 0-90 days, geometric (mean ≈ 20)",
    "act_dates": "over 2022, working days weighted 1, weekends 0.4; e-vehicle from 2022-07-10",
    "jurisdiction": "half the patterns at the city (371500), half spread over its counties",
}

COLUMNS = [
    "case_ref", "item_id", "conduct", "domain", "jurisdiction", "act_date", "decision_date", "discovered_date",
    "party_type", "age", "birth_date", "first_offense", "prior_offenses", "corrected", "harm", "minor_violation",
    "illegal_gains_yuan", "goods_value_yuan", "subjective_fault", "continuing", "act_end_date", "circumstances",
    "quantities", "custom_conditions", "violated_law",
]
DATE_COLUMNS = {"act_date", "decision_date", "discovered_date", "birth_date", "act_end_date"}
JSON_COLUMNS = {"prior_offenses", "circumstances", "quantities", "custom_conditions"}


def _fit_duration(row: dict) -> dict:
    """A 持续时间 drawn for the pattern that the row's own dates contradict (CaseFacts refuses it:
    duration_mismatch) is replaced by the days the dates span, in months of 30 days (rows stay valid)."""
    q = row.get("quantities")
    if q and "violation_duration_months" in q and "act_end_date" in row and "act_date" in row:
        start, end = date.fromisoformat(row["act_date"]), date.fromisoformat(row["act_end_date"])
        if duration_mismatch(start, end, float(q["violation_duration_months"])) is not None:
            whole = calendar_months(start, end)
            months = max(whole, round(((end - start).days + 1) / 30, 2))
            row["quantities"] = {**q, "violation_duration_months": min(months, whole + 1)}
    return row


def _pick(rng: random.Random, weighted: list[tuple[object, float]]):
    r = rng.random() * sum(w for _, w in weighted)
    for value, w in weighted:
        r -= w
        if r < 0:
            return value
    return weighted[-1][0]


def _maybe(rng, rate_unknown, value):
    return None if rng.random() < rate_unknown else value


class Caseload:
    """The generator, bound to a corpus (the binding stack of 聊城市)."""

    def __init__(self, corpus: Corpus, seed: int = 2022, dense_dates: bool = False, today: date | None = None):
        self.seed = seed
        self.dense = dense_dates
        self.today = today or date.today()
        if dense_dates:
            self._dense_setup(corpus)
        stack = corpus.registry.stack("371500")
        self.counties = [j.code for j in corpus.registry.jurisdictions if j.parent == "371500"]
        self.items = {}
        for doc in corpus.documents:
            if doc.binding_level and doc.jurisdiction in stack:
                for item in doc.items:
                    latest = corpus.latest(item.id)
                    self.items[item.id] = latest.item if latest else item
        self.by_domain: dict[str, list] = {}
        for item_id in sorted(self.items):
            item = self.items[item_id]
            if item_id in (EV_ITEM, PARKING_ITEM):
                continue
            self.by_domain.setdefault(item.domain, []).append(item)
        days = [date(YEAR, 1, 1) + timedelta(days=i) for i in range(365)]
        self.days = days
        self.day_cum = list(accumulate(1.0 if d.weekday() < 5 else 0.4 for d in days))
        ev_days = [d for d in days if d >= EV_START]
        self.ev_days = ev_days
        self.ev_cum = list(accumulate(1.0 if d.weekday() < 5 else 0.4 for d in ev_days))
        self._pools: dict = {}

    # ---------------------------------------------------------------- patterns
    def _party(self, rng, weights):
        unknown = ASSUMPTIONS["unknown_rates"]
        party = _maybe(rng, unknown["party_type"], _pick(rng, weights))
        out = {"party_type": party} if party else {}
        if party in ("individual", "individual_business") or party is None:
            r = rng.random()
            if r < 0.80:
                out["age"] = rng.choice([rng.randint(18, 75)] * 49 + [rng.randint(14, 17)])
            elif r < 0.86:
                out["_birth_age"] = rng.randint(18, 31)  # a birth date drawn per case (facts take births from 1990)
        return out

    def _common(self, rng, item) -> dict:
        u = ASSUMPTIONS["unknown_rates"]
        f = {}
        f["corrected"] = _maybe(rng, u["corrected"], _pick(rng, list(ASSUMPTIONS["corrected_weights"].items())))
        f["harm"] = _maybe(rng, u["harm"], _pick(rng, [("none", 45), ("minor", 35), ("serious", 10)]))
        f["minor_violation"] = _maybe(rng, u["minor_violation"], rng.random() < 0.5)
        r = rng.random()
        if r < 0.60:
            f["first_offense"] = True
        elif r < 0.85:
            f["first_offense"] = False
        elif r < 0.95:
            f["_priors"] = [(rng.randint(30, 900), None)]  # days before the act; same item
        # else unknown
        g = rng.random()
        f["illegal_gains_yuan"] = 0 if g < 0.6 else (round(rng.uniform(50, 5000), 2) if g < 0.75 else None)
        if rng.random() < 0.55:
            f["circumstances"] = _pick(rng, [([], 70), (["cooperated"], 20), (["eliminated_harm"], 8),
                                             (["confessed"], 2)])
            if f.get("harm") == "none" and "eliminated_harm" in f["circumstances"]:
                # 主动消除或者减轻违法行为危害后果 needs a harm caused: refused beside 没有造成危害后果 (CaseFacts)
                f["circumstances"] = []
        if rng.random() < 0.03:
            f["subjective_fault"] = False
        customs, quantities = {}, {}
        for cond in item.conditions.iter_all():
            key = getattr(cond, "key", None)
            if key and key.startswith("custom_"):
                v = _maybe(rng, u["custom_conditions"], rng.random() < 0.82)
                if v is not None:
                    customs[key] = v
            q = getattr(cond, "quantity", None)
            if q == "goods_value_yuan":
                f["goods_value_yuan"] = _maybe(rng, 0.1, round(rng.lognormvariate(5.5, 1.0), 2))
            elif q and q != "illegal_gains_yuan":
                if rng.random() < 0.85:
                    quantities[q] = round(rng.lognormvariate(8 if "yuan" in q else 0, 1.2), 2)
        if customs:
            f["custom_conditions"] = customs
        if quantities:
            f["quantities"] = quantities
        if item.domain == "ecology" and rng.random() < 0.1:
            f["continuing"] = True
            f["_end_after"] = rng.randint(5, 120)
        elif rng.random() < 0.2:
            f["continuing"] = False
        return {k: v for k, v in f.items() if v is not None}

    def _where(self, rng, f):
        if rng.random() >= 0.5 and self.counties:
            f["jurisdiction"] = rng.choice(self.counties)

    def _item_pattern(self, rng, item) -> dict:
        f = {"_item": item.id}
        if rng.random() < ASSUMPTIONS["conduct_text_instead_of_item"]:
            f["conduct"] = item.violation
        else:
            f["item_id"] = item.id
        if rng.random() < 0.6:
            f["domain"] = item.domain
        weights = ([("enterprise", 60), ("individual_business", 35), ("individual", 5)] if item.domain == "tax"
                   else [("enterprise", 40), ("individual_business", 45), ("individual", 10), ("other", 5)])
        f.update(self._party(rng, weights))
        f.update(self._common(rng, item))
        self._where(rng, f)
        f["_lag"] = "office"
        return f

    def _ev_pattern(self, rng, entry: int) -> dict:
        f = {"_item": EV_ITEM, "_ev": True}
        if rng.random() < ASSUMPTIONS["conduct_text_instead_of_item"]:
            f["conduct"] = self.items[EV_ITEM].violation
        else:
            f["item_id"] = EV_ITEM
        f.update(self._party(rng, [("individual", 98), ("other", 2)]))
        f["corrected"] = _pick(rng, [("not_corrected", 60), ("promptly", 40)])
        f["harm"] = _maybe(rng, 0.05, "none")
        if entry == 0:
            if rng.random() < 0.6:
                f["_priors"] = []
            else:
                f["first_offense"] = True
        else:
            f["_priors"] = [(d, EV_ITEM) for d in sorted(rng.sample(range(1, 150), entry), reverse=True)]
        self._where(rng, f)
        f["_lag"] = "spot"
        return {k: v for k, v in f.items() if v is not None}

    def _parking_pattern(self, rng, moved: bool) -> dict:
        f = {"_item": PARKING_ITEM}
        if rng.random() < ASSUMPTIONS["conduct_text_instead_of_item"]:
            f["conduct"] = "机动车违法停放, 通知车主限时驶离"
        else:
            f["item_id"] = PARKING_ITEM
        f.update(self._party(rng, [("individual", 85), ("enterprise", 10), ("individual_business", 5)]))
        f["corrected"] = "within_deadline" if moved else "not_corrected"
        f["harm"] = _maybe(rng, 0.05, "none")
        r = rng.random()
        if r < 0.5:
            f["first_offense"] = rng.random() < 0.7
        self._where(rng, f)
        f["_lag"] = "spot"
        return f

    def _pool(self, stream: tuple) -> tuple[list[dict], list[float]]:
        pool = self._pools.get(stream)
        if pool is None:
            rng = random.Random(f"{self.seed}:{stream}")
            k = ASSUMPTIONS["patterns_per_item"]
            kind = stream[0]
            if kind == "ev":
                patterns = [self._ev_pattern(rng, stream[1]) for _ in range(max(3, k // (1 + 5 * stream[1])))]
            elif kind == "parking":
                patterns = [self._parking_pattern(rng, stream[1]) for _ in range(k // 2)]
            else:
                patterns = [self._item_pattern(rng, self.items[stream[1]]) for _ in range(k)]
            s = ASSUMPTIONS["zipf_exponent"]
            weights = list(accumulate(1 / (i + 1) ** s for i in range(len(patterns))))
            pool = self._pools[stream] = (patterns, weights)
        return pool

    # ---------------------------------------------------------------- streams
    def _streams(self, n: int) -> list[tuple[tuple, float]]:
        ev = {i: CALIBRATION[k][0] / TOTAL_2022 for i, k in enumerate(("ev_first", "ev_second", "ev_third"))}
        park_yes = CALIBRATION["parking_reminders"][0] / TOTAL_2022
        park_no = CALIBRATION["parking_penalties"][0] / TOTAL_2022
        rest = 1 - sum(ev.values()) - park_yes - park_no
        out = [(("ev", i), w) for i, w in ev.items()] + [(("parking", True), park_yes), (("parking", False), park_no)]
        for dom, share in ASSUMPTIONS["domain_shares_of_other_cases"].items():
            items = self.by_domain.get(dom, [])
            zipf = [1 / (i + 1) for i in range(len(items))]
            for item, z in zip(items, zipf):
                out.append((("item", item.id), rest * share * z / sum(zipf)))
        return out

    def rows(self, n: int):
        """n rows (dicts with ISO date strings and a case_ref), in case order."""
        rng = random.Random(self.seed)
        streams = self._streams(n)
        cum = list(accumulate(w for _, w in streams))
        top = cum[-1]
        for i in range(n):
            stream = streams[min(bisect(cum, rng.random() * top), len(streams) - 1)][0]
            patterns, weights = self._pool(stream)
            pat = patterns[min(bisect(weights, rng.random() * weights[-1]), len(patterns) - 1)]
            yield self._case(rng, i, pat)

    # ---------------------------------------------------------------- dense dates
    def _dense_setup(self, corpus: Corpus) -> None:
        from penalty_rules.engine.history import window_start
        from penalty_rules.engine.statutory import add_period
        from penalty_rules.load.statutory import bundled_statutory
        from penalty_rules.replay.projection import corpus_boundaries

        points, periods, windows, counted_from = corpus_boundaries([corpus])
        lo, hi = date(2016, 1, 1), self.today + timedelta(days=60)
        self.d_points = [p for p in points if lo <= p <= hi] + [self.today]
        self.d_periods = periods
        self.d_windows = windows or [1]
        self.d_counted_from = counted_from
        self.d_window_start = window_start
        self.d_add_period = add_period
        st = corpus.statutory or bundled_statutory()
        self.d_laws = sorted({law for o in (st.special.overrides if st.special else []) for law in o.scope.laws})

    def _near(self, rng, d: date, k: int = 3) -> date:
        try:
            return d + timedelta(days=rng.randint(-k, k))
        except OverflowError:
            return d

    def _deadline(self, rng, start: date) -> date:
        """Near a limitation deadline counted from `start` (or up to three years later)."""
        if self.d_periods and rng.random() < 0.7:
            return self._near(rng, self.d_add_period(start, rng.choice(self.d_periods)), 2)
        return start + timedelta(days=rng.randint(0, 1100))

    def _dense_case(self, rng, row: dict, pat: dict) -> None:
        today = self.today
        r = rng.random()
        if r < 0.45:
            act = self._near(rng, rng.choice(self.d_points))
        elif r < 0.55:
            act = self._near(rng, today, 2)
        else:
            act = date(2016, 1, 1) + timedelta(days=rng.randint(0, (today - date(2016, 1, 1)).days))
        known_act = rng.random() >= 0.03
        r = rng.random()
        if r < 0.2:
            dec = None  # the decision date omitted: the engine uses today
        elif r < 0.45:
            dec = act + timedelta(days=min(400, int(rng.expovariate(1 / 30))))
        elif r < 0.7:
            dec = self._deadline(rng, act)
        elif r < 0.85:
            dec = max(act, self._near(rng, rng.choice(self.d_points)))
        else:
            dec = act
        eff = dec or today
        if known_act:
            row["act_date"] = act.isoformat()
            continuing = row.get("continuing")
            end = None
            if eff >= act and (continuing is True or "_end_after" in pat
                               or (continuing is None and rng.random() < 0.1)):
                end = min(eff, max(act, self._deadline(rng, act) if rng.random() < 0.3
                                   else act + timedelta(days=rng.randint(0, 200))))
                row["act_end_date"] = end.isoformat()
            if rng.random() < 0.6 and eff >= act:
                disc = self._deadline(rng, end or act) if rng.random() < 0.6 \
                    else act + timedelta(days=rng.randint(0, (eff - act).days))
                if act <= disc <= eff:
                    row["discovered_date"] = disc.isoformat()
            if "_birth_age" in pat or ("age" not in row and row.get("party_type") in ("individual", None)
                                       and rng.random() < 0.15):
                years = rng.choice([14, 14, 18, 18, pat.get("_birth_age", 30)])
                birth = self._near(rng, self.d_window_start(act, years), 2)
                if MIN_DATE <= birth <= act:
                    row["birth_date"] = birth.isoformat()
            priors = [(back, item) for back, item in pat.get("_priors", [])]
            if not priors and "first_offense" not in row and rng.random() < 0.3:
                priors = [(0, None) for _ in range(rng.randint(1, 2))]
            if priors or "_priors" in pat:
                out = []
                for _back, item in priors:
                    item = item or pat["_item"]
                    r = rng.random()
                    if r < 0.4:
                        d = self._near(rng, self.d_window_start(act, rng.choice(self.d_windows)), 2)
                    elif r < 0.55 and self.d_counted_from:
                        d = self._near(rng, rng.choice(self.d_counted_from), 2)
                    elif r < 0.65:
                        d = self._near(rng, act, 1)
                    else:
                        d = act - timedelta(days=rng.randint(1, 2000))
                    prior = {"item_id": item} if rng.random() < 0.7 else {"conduct": self.items[item].violation}
                    prior["date"] = max(MIN_DATE, d).isoformat()
                    out.append(prior)
                row["prior_offenses"] = out
        else:
            row.pop("birth_date", None)
            if row.get("prior_offenses"):
                row["first_offense"] = False
                row.pop("prior_offenses")
        if self.d_laws and "violated_law" not in row and rng.random() < 0.15:
            row["violated_law"] = rng.choice(self.d_laws)
        if dec is not None:
            row["decision_date"] = dec.isoformat()

    def variants(self, per_pattern: int, patterns: int = 1):
        """The `patterns` most frequent fact patterns of every stream, each with `per_pattern`
        independent date draws (rows sharing everything but dates: with dense_dates, what the
        projection-key check groups)."""
        rng = random.Random(f"{self.seed}:variants")
        i = 0
        for stream, _w in self._streams(0):
            for pat in self._pool(stream)[0][:patterns]:
                for _ in range(per_pattern):
                    yield self._case(rng, i, pat)
                    i += 1

    def _case(self, rng, i: int, pat: dict) -> dict:
        if self.dense:
            row = {"case_ref": f"LCD-{i + 1:07d}"}
            for k, v in pat.items():
                if not k.startswith("_"):
                    row[k] = v
            self._dense_case(rng, row, pat)
            return _fit_duration(row)
        row = {"case_ref": f"LC-{YEAR}-{i + 1:07d}"}
        if pat.get("_ev"):
            act = self.ev_days[min(bisect(self.ev_cum, rng.random() * self.ev_cum[-1]), len(self.ev_days) - 1)]
        else:
            act = self.days[min(bisect(self.day_cum, rng.random() * self.day_cum[-1]), len(self.days) - 1)]
        lag = 0 if pat["_lag"] == "spot" else min(90, int(rng.expovariate(1 / 20)))
        dec = act + timedelta(days=lag)
        for k, v in pat.items():
            if not k.startswith("_"):
                row[k] = v
        if "_birth_age" in pat:
            row["birth_date"] = (act - timedelta(days=int(365.25 * pat["_birth_age"]) + rng.randint(1, 300))).isoformat()
        if "_priors" in pat:
            row["prior_offenses"] = [
                {"item_id": item or pat["_item"], "date": (act - timedelta(days=back)).isoformat()}
                for back, item in pat["_priors"]
            ]
        known_act = rng.random() >= ASSUMPTIONS["unknown_rates"]["act_date"]
        if known_act:
            row["act_date"] = act.isoformat()
            if "_end_after" in pat:
                row["act_end_date"] = min(dec, act + timedelta(days=pat["_end_after"])).isoformat()
                _fit_duration(row)
            if pat["_lag"] == "spot":
                row["discovered_date"] = act.isoformat()
            elif rng.random() >= ASSUMPTIONS["unknown_rates"]["discovered_date"]:
                row["discovered_date"] = (act + timedelta(days=rng.randint(0, lag))).isoformat()
        else:
            row.pop("birth_date", None)
            if row.get("prior_offenses"):
                row["first_offense"] = False
                row.pop("prior_offenses")
        row["decision_date"] = dec.isoformat()
        return row


# ------------------------------------------------------------------------------ writing
def write(rows, path: Path, batch: int = 25_000) -> int:
    """Write rows as .jsonl, .csv or .parquet (nested fields as JSON text in CSV/Parquet)."""
    path = Path(path)
    suffix = path.suffix.lower()
    n = 0
    if suffix in (".jsonl", ".ndjson"):
        with open(path, "w", encoding="utf-8") as fh:
            for row in rows:
                fh.write(json.dumps(row, ensure_ascii=False, separators=(",", ":")) + "\n")
                n += 1
        return n
    if suffix == ".csv":
        import csv

        with open(path, "w", encoding="utf-8", newline="") as fh:
            w = csv.writer(fh)
            w.writerow(COLUMNS)
            for row in rows:
                w.writerow([_cell(c, row.get(c)) for c in COLUMNS])
                n += 1
        return n
    if suffix == ".parquet":
        import pyarrow as pa
        import pyarrow.parquet as pq

        schema = pa.schema([
            (c, pa.date32() if c in DATE_COLUMNS else pa.int64() if c == "age"
             else pa.float64() if c.endswith("_yuan") else pa.bool_()
             if c in ("first_offense", "minor_violation", "subjective_fault", "continuing") else pa.string())
            for c in COLUMNS
        ])
        writer = pq.ParquetWriter(path, schema, compression="zstd")
        try:
            buf: list[dict] = []
            for row in rows:
                buf.append(row)
                if len(buf) >= batch:
                    writer.write_table(_table(buf, schema))
                    n += len(buf)
                    buf = []
            if buf:
                writer.write_table(_table(buf, schema))
                n += len(buf)
        finally:
            writer.close()
        return n
    raise ValueError(f"未知的输出格式 {suffix}(支持 .jsonl、.csv、.parquet)")


def _cell(col, v):
    if v is None:
        return ""
    if col in JSON_COLUMNS:
        return json.dumps(v, ensure_ascii=False, separators=(",", ":"))
    if isinstance(v, bool):
        return "true" if v else "false"
    return v


def _table(rows, schema):
    import pyarrow as pa

    cols = {}
    for c in schema.names:
        vals = [r.get(c) for r in rows]
        if c in DATE_COLUMNS:
            vals = [date.fromisoformat(v) if v else None for v in vals]
        elif c in JSON_COLUMNS:
            vals = [None if v is None else json.dumps(v, ensure_ascii=False, separators=(",", ":")) for v in vals]
        elif c.endswith("_yuan"):
            vals = [None if v is None else float(v) for v in vals]
        cols[c] = vals
    return pa.table(cols, schema=schema)


def generate(corpus: Corpus, n: int, seed: int, out: Path, dense_dates: bool = False,
             today: date | None = None) -> int:
    return write(Caseload(corpus, seed, dense_dates=dense_dates, today=today).rows(n), out)
