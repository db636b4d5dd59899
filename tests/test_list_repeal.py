"""The repeal of the 2020 Shandong list, recorded as a draft version for the legal office to publish.

The 2021 list's page (鲁司〔2021〕39号, https://sqrdapp.com/law/show-209985.html) says the 2020 list was
repealed when the 2021 list took effect (2021-07-20). The published 2020 file cannot change (versions.lock),
so lists/shandong/sd-lenient-list/2021-repeal.yaml is a draft version without items: once reviewed and
published (four eyes), the 2020 version ends on 2021-07-20 and its items no longer apply to later acts. Until
then it is a draft and changes nothing. Run here through the real workflow on a copy of the bundled lists."""

import shutil
from datetime import date
from pathlib import Path

from penalty_rules.engine.engine import Engine
from penalty_rules.load.loader import load_corpus_strict
from penalty_rules.model.facts import CaseFacts
from service import reviews as rv
from service.audit import make_engine, migrate
from service.auth import Principal

BUNDLED = Path(__file__).resolve().parents[1] / "lists"
KEY = "sd-lenient-list@2021-repeal"
ITEM = "sd-lenient-list/x01"  # 个体工商户未将营业执照置于经营场所醒目位置: 限期内改正后不予处罚 (2020 list)


def _case(act: str, decided: str) -> CaseFacts:
    return CaseFacts(item_id=ITEM, party_type="individual_business", age=40, act_date=act, decision_date=decided,
                     discovered_date=act, continuing=False, corrected="within_deadline", harm="none",
                     first_offense=False, circumstances=[])


def _chosen(engine: Engine, facts: CaseFacts):
    d = engine.evaluate(facts)
    return d.chosen_item, [i.role for i in d.items if i.id == ITEM]


def test_the_repeal_is_a_draft_and_changes_nothing_until_published():
    corpus = load_corpus_strict(BUNDLED)
    draft = next(d for d in corpus.documents if d.key == KEY)
    assert draft.status.value == "draft" and draft.items == [] and draft.effective_from == date(2021, 7, 20)
    engine = Engine(corpus)
    assert _chosen(engine, _case("2024-05-01", "2024-06-01")) == (ITEM, ["applicable"])


def test_once_published_the_2020_list_ends_on_2021_07_20(tmp_path):
    root = tmp_path / "lists"
    shutil.copytree(BUNDLED, root)
    db = make_engine(f"sqlite:///{tmp_path / 'audit.db'}")
    migrate(db)
    try:
        store = rv.ReviewStore(db)
        first, second = Principal("reviewer-li", "reviewer"), Principal("reviewer-wang", "reviewer")
        req = rv.publish(store, root, KEY, first, "request", date(2021, 7, 20), allow_past=True,
                         comment="2021年版清单页面载明2020年版同时废止")
        rv.publish(store, root, KEY, second, "approve", request_id=req.record["id"], allow_past=True)
    finally:
        db.dispose()
    engine = Engine(load_corpus_strict(root))
    # an act after the repeal: the 2020 item is no longer in force (the general rules decide)
    chosen, roles = _chosen(engine, _case("2024-05-01", "2024-06-01"))
    assert chosen != ITEM and roles == ["not_in_force"]
    # an act and decision before it: the 2020 item still applies
    assert _chosen(engine, _case("2021-03-01", "2021-05-01")) == (ITEM, ["applicable"])


def test_an_itemless_version_publishes_only_as_a_repeal(tmp_path):
    import pytest

    from penalty_rules.publish.files import PublishError

    root = tmp_path / "lists"
    shutil.copytree(BUNDLED, root)
    path = root / "shandong" / "sd-lenient-list" / "2021-repeal.yaml"
    text = path.read_text("utf-8")
    lock = root / "versions.lock"  # the draft's lock line goes (a draft may stay unlocked): its file is edited below
    lock.write_text("".join(line for line in lock.read_text("utf-8").splitlines(True)
                            if not line.strip().startswith(KEY + ":")), "utf-8")
    db = make_engine(f"sqlite:///{tmp_path / 'audit.db'}")
    migrate(db)
    who = Principal("reviewer-li", "reviewer")
    try:
        store = rv.ReviewStore(db)
        for supersedes, day, code in (('supersedes: "2020"\n', date(2020, 6, 1), "bad_effective_from"),
                                      ("", date(2021, 7, 20), "no_items"),
                                      ('supersedes: "2019"\n', date(2021, 7, 20), "no_items")):
            path.write_text(text.replace('supersedes: "2020"\n', supersedes), "utf-8")
            with pytest.raises(PublishError) as exc:
                rv.publish(store, root, KEY, who, "request", day, allow_past=True)
            assert exc.value.code == code, (supersedes, exc.value.code)
    finally:
        db.dispose()
