"""The chain check asks what the workflow asks: the approval names the newest request on the
published content (a request superseded by a later one with other dates is not approvable), so an
approval of a superseded request written by a writer of the database is refused at check."""

import uuid
from datetime import date

from penalty_rules.load.loader import load_corpus
from penalty_rules.publish import files
from service import reviews as rv

from test_review_publish import R1, R2, store  # noqa: F401  (store: the fixture)
from test_review_key_changes import approved_draft


def test_an_approval_of_a_superseded_request_is_refused_at_check(tmp_path, store):
    root, key = approved_draft(store, tmp_path, "2030-s")
    first = rv.publish(store, root, key, R1, "request", date(2030, 1, 1)).record
    rv.publish(store, root, key, R1, "request", date(2030, 2, 1))  # supersedes the first
    p = files.plan(root, key, date(2030, 1, 1))
    files.write(p, record=lambda: store.add_publication({
        **first, "id": str(uuid.uuid4()), "action": "approve", "actor": R2.name, "role": R2.role,
        "request_id": first["id"], "published_hash": p.published_hash}))
    problems = rv.publication_problems(store.engine, load_corpus(root).corpus, root)
    assert [p.code for p in problems] == ["publication_chain_incomplete"] and "取代" in str(problems[0]), problems
