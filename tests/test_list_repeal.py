"""The repeal of the 2020 Shandong list, recorded as a draft version for the legal office to publish.

The 2021 list's page (鲁司〔2021〕39号, https://sqrdapp.com/law/show-209985.html) says the 2020 list was
repealed when the 2021 list took effect (2021-07-20). The published 2020 file cannot change (versions.lock),
so lists/shandong/sd-lenient-list/2021-repeal.yaml is a draft version without items: once reviewed and
published (four eyes), the 2020 version ends on 2021-07-20 and its items no longer apply to later acts. Until
then it is a draft and changes nothing. Run here through the real workflow on a copy of the bundled lists."""

import shutil
from datetime import date
from pathlib import Path

import pytest
from pydantic import ValidationError

from penalty_rules.engine.engine import Engine
from penalty_rules.load.loader import load_corpus_strict
from penalty_rules.model.facts import CaseFacts
from penalty_rules.model.listdoc import ListDocument
from penalty_rules.publish.files import PublishError
from penalty_rules.publish.status import HEADER_ITEM
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


def _publish_repeal(tmp: Path) -> Path:
    """A copy of the bundled lists with the repeal published (request, then approval by another reviewer)."""
    root = tmp / "lists"
    shutil.copytree(BUNDLED, root)
    db = make_engine(f"sqlite:///{tmp / 'audit.db'}")
    migrate(db)
    try:
        store = rv.ReviewStore(db)
        first, second = Principal("reviewer-li", "reviewer"), Principal("reviewer-wang", "reviewer")
        # the list-level fields (supersedes: the version it repeals) are reviewed as the header pseudo-item
        rv.review(store, root, KEY, HEADER_ITEM, "approved", None, first)
        req = rv.publish(store, root, KEY, first, "request", date(2021, 7, 20), allow_past=True,
                         comment="2021年版清单页面载明2020年版同时废止")
        rv.publish(store, root, KEY, second, "approve", request_id=req.record["id"], allow_past=True)
    finally:
        db.dispose()
    return root


@pytest.fixture(scope="module")
def repealed(tmp_path_factory) -> Engine:
    return Engine(load_corpus_strict(_publish_repeal(tmp_path_factory.mktemp("repeal"))))


def test_once_published_the_2020_list_ends_on_2021_07_20(repealed):
    engine = repealed
    # an act after the repeal: the 2020 item is no longer in force (the general rules decide)
    chosen, roles = _chosen(engine, _case("2024-05-01", "2024-06-01"))
    assert chosen != ITEM and roles == ["not_in_force"]
    # an act and decision before it: the 2020 item still applies
    assert _chosen(engine, _case("2021-03-01", "2021-05-01")) == (ITEM, ["applicable"])


def test_an_itemless_version_publishes_only_as_a_repeal(tmp_path):
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
            rv.review(store, root, KEY, HEADER_ITEM, "approved", None, who)  # the header as it now is
            with pytest.raises(PublishError) as exc:
                rv.publish(store, root, KEY, who, "request", day, allow_past=True)
            assert exc.value.code == code, (supersedes, exc.value.code)
    finally:
        db.dispose()


def test_the_repeal_boundary_is_2021_07_20(repealed):
    # the last day of the 2020 list: its item applies; from the repeal's date: no longer in force
    assert _chosen(repealed, _case("2021-07-19", "2021-07-19")) == (ITEM, ["applicable"])
    chosen, roles = _chosen(repealed, _case("2021-07-20", "2021-07-20"))
    assert chosen != ITEM and roles == ["not_in_force"]


def test_an_act_before_the_repeal_decided_after_it_keeps_the_2020_item(repealed):
    # 行政处罚法 第三十七条: the rules in force when the act was done apply (the later, more lenient ones
    # if any); the engine asks whether the item was in force at the act date, so the repeal after the
    # act does not take the 2020 item away
    assert _chosen(repealed, _case("2021-07-19", "2024-06-01")) == (ITEM, ["applicable"])
    assert _chosen(repealed, _case("2021-03-01", "2022-01-10")) == (ITEM, ["applicable"])


def test_a_repeal_must_name_the_version_in_force_just_before_it(tmp_path):
    """cn-tax-first-offense has two published versions, 2021-6 (from 2021-04-01) and 2021-33 (from
    2022-01-01). An itemless draft naming 2021-6, dated 2025-01-01, would end 2021-33 (Corpus.end_of
    ends the version starting just before it): refused. One naming 2021-33 is the repeal of the version
    then in force; it may carry no effective_to."""
    root = tmp_path / "lists"
    shutil.copytree(BUNDLED, root)
    folder = root / "national" / "cn-tax-first-offense"
    draft = folder / "2025-repeal.yaml"
    head = (folder / "2021-33.yaml").read_text("utf-8").split("\nnotes:")[0]
    head = head.replace("version: 2021-33", "version: 2025-repeal").replace("status: in_force", "status: draft")
    key = "cn-tax-first-offense@2025-repeal"
    db = make_engine(f"sqlite:///{tmp_path / 'audit.db'}")
    migrate(db)
    who = Principal("reviewer-li", "reviewer")
    try:
        store = rv.ReviewStore(db)
        for supersedes, day, until, code, field in (
                ("2021-6", date(2025, 1, 1), None, "repeal_not_in_force", "supersedes"),
                ("2021-6", date(2022, 1, 1), None, "repeal_not_in_force", "supersedes"),
                ("2021-33", date(2025, 1, 1), date(2026, 1, 1), "repeal_with_effective_to", "effective_to")):
            draft.write_text(head.replace("supersedes: 2021-6", f"supersedes: {supersedes}") + "\nitems: []\n",
                             "utf-8")
            rv.review(store, root, key, HEADER_ITEM, "approved", None, who)  # the header as it now is
            with pytest.raises(PublishError) as exc:
                rv.publish(store, root, key, who, "request", day, until, allow_past=True)
            assert (exc.value.code, exc.value.field, exc.value.status) == (code, field, 422), supersedes
            assert supersedes in exc.value.message
        # naming the version in force, with no end: the request is recorded
        draft.write_text(head.replace("supersedes: 2021-6", "supersedes: 2021-33") + "\nitems: []\n", "utf-8")
        rv.review(store, root, key, HEADER_ITEM, "approved", None, who)
        rv.publish(store, root, key, who, "request", date(2025, 1, 1), allow_past=True)
    finally:
        db.dispose()


def test_a_non_draft_version_without_items_must_name_what_it_repeals():
    data = load_corpus_strict(BUNDLED).document(KEY).model_dump(mode="json", by_alias=True)
    data.update(status="in_force")
    ListDocument.model_validate(data)  # a repeal: it names the 2020 version
    data.update(supersedes=None)
    with pytest.raises(ValidationError, match="supersedes"):
        ListDocument.model_validate(data)
    data.update(status="draft")
    ListDocument.model_validate(data)  # a draft may be written before it is complete
