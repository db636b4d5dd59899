"""The item page's review records speak Chinese: the channel (服务 / 命令行) under 渠道, roles by
their Chinese names, and neither `channel` nor the database's `seq` as a header (finding 7)."""

import uuid
from types import SimpleNamespace

from service import reviews as rv
from service.audit import make_engine, migrate
from service.web import routes


def test_review_records_columns_are_chinese(tmp_path):
    engine = make_engine(f"sqlite:///{tmp_path / 'audit.db'}")
    migrate(engine)
    for channel, verdict in (("service", "needs_change"), ("cli", "approved")):
        rv.ReviewStore(engine, channel).add_review({
            "id": str(uuid.uuid4()), "created_at": "2026-11-30T16:00:00.000000Z", "list_key": "l@v",
            "content_hash": "x", "item_id": "l/01", "item_hash": "x", "reviewer": "reviewer-li",
            "role": "reviewer", "verdict": verdict, "comment": "意见"})
    found, rows = routes._review_records(SimpleNamespace(repo=SimpleNamespace(engine=engine)), "l/01")
    engine.dispose()
    assert found and len(rows) == 2
    assert {k for r in rows for k in r} <= set(routes.REVIEW_COLUMNS.values()), rows
    assert [(r["渠道"], r["结论"], r["角色"]) for r in rows] == [("服务", "需修改", "法制审核人员"),
                                                              ("命令行", "通过", "法制审核人员")]


def test_header_review_records_of_one_version(tmp_path):
    """The list version page shows the @list records of that version only (finding 7)."""
    engine = make_engine(f"sqlite:///{tmp_path / 'audit.db'}")
    migrate(engine)
    for key in ("l@v", "l@w"):
        rv.ReviewStore(engine).add_review({
            "id": str(uuid.uuid4()), "created_at": "2026-11-30T16:00:00.000000Z", "list_key": key,
            "content_hash": "x", "item_id": "@list", "item_hash": "x", "reviewer": "reviewer-li",
            "role": "reviewer", "verdict": "approved", "comment": None})
    found, rows = routes._review_records(SimpleNamespace(repo=SimpleNamespace(engine=engine)), "@list", "l@v")
    engine.dispose()
    assert found and [r["清单版本"] for r in rows] == ["l@v"]


def test_an_item_with_many_records_shows_its_newest(tmp_path):
    """More records than the page shows: the newest (oldest first), and how many were left out."""
    limit = getattr(routes, "REVIEW_LIMIT", 200)
    engine = make_engine(f"sqlite:///{tmp_path / 'audit.db'}")
    migrate(engine)
    store = rv.ReviewStore(engine)
    for n in range(limit + 2):
        store.add_review({
            "id": str(uuid.uuid4()), "created_at": "2026-11-30T16:00:00.000000Z", "list_key": "l@v",
            "content_hash": "x", "item_id": "l/01", "item_hash": "x", "reviewer": "reviewer-li",
            "role": "reviewer", "verdict": "approved", "comment": f"第{n}条"})
    found, rows = routes._review_records(SimpleNamespace(repo=SimpleNamespace(engine=engine)), "l/01")
    engine.dispose()
    assert found and [r["意见"] for r in rows] == [f"第{n}条" for n in range(2, limit + 2)]
    assert getattr(rows, "left_out", None) == 2
