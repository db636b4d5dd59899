"""Cross-check of the publication records (audit database, table `publications`) against the lists
as loaded: every version approved for publication (an `approve` row) must still be there, in force
(not a draft) and have exactly the content hash that was published and locked. This catches what
the lists folder alone cannot: a published file set back to `status: draft` whose lock entry was
deleted loads as a mere draft (a warning) without it.

Used at service start-up (service.app.create_app refuses to start), by `penalty-rules lists
validate` (with an audit database) and by `penalty-rules lists lock` (refuses to write).

An `approve` row alone proves nothing (anyone who may INSERT can write one): check_chains verifies
the whole four-eyes chain of every published version from the records at check time — the request
the approval names (stored before it, same version, same content and dates), requester and approver
reviewer-role keys that are two people (person_key), and every reviewable of the published content
(the list header pseudo-item and each item, penalty_rules.publish.status.reviewables) approved by a
reviewer-role key with no open objection; every one of these by a key the service has loaded (its
`api_keys` table), with that role. A version whose chain is incomplete is refused, naming what is
missing.
"""

from collections import defaultdict
from functools import partial
from pathlib import Path

from penalty_rules.errors import Problem
from penalty_rules.load.lockfile import LOCK_NAME, PUBLISHED_FROZEN, frozen_differences
from penalty_rules.model.corpus import Corpus
from penalty_rules.model.listdoc import Status
from penalty_rules.publish.status import HEADER_ITEM, person_key, record_order, same_person, version_status

REVIEWER_ROLES = ("reviewer", "admin")


def _who(row: dict) -> str:
    return f"发布记录 {row.get('id')}: {str(row.get('created_at') or '')[:19]} 由 {row.get('actor')} 批准"


def check_publications(corpus: Corpus, records: list[dict], lock: dict[str, str] | None = None,
                       lists_root: Path | None = None) -> list[Problem]:
    """`records`: rows of `publications` (any actions; only `approve` rows count). `lock`: the
    lock's recorded hashes, also checked (the entry must be there with the published hash); None
    skips that (lists lock, which is about to rewrite the lock). Errors, one per difference."""
    lock_file = str(Path(lists_root.name) / LOCK_NAME) if lists_root is not None else LOCK_NAME
    seen: set[tuple[str, str | None]] = set()
    problems: list[Problem] = []
    rows = sorted((r for r in records if r.get("action") == "approve"), key=record_order)
    for row in rows:
        key, expected = row["list_key"], row.get("published_hash")
        if (key, expected) in seen:
            continue
        seen.add((key, expected))
        who = _who(row)
        file = corpus.files.get(key)
        said = {  # kind of difference → (code, words, file, path)
            "missing": ("published_version_missing", lambda now: (
                f"清单版本 {key} 已经审核发布({who}), 但清单中没有它(文件被删除、改名或有错误未载入);"), file, "list"),
            "reverted": ("published_version_reverted", lambda now: (
                f"已发布版本 {key} 的状态被改回草案(status: draft; {who}, 自 {row.get('effective_from')} 起施行);"),
                file, "status"),
            "changed": ("published_version_changed", lambda now: (
                f"已发布版本 {key} 的内容与发布时不同(发布时内容哈希 {expected[:19]}…, 现为 {now[:19]}…; {who});"),
                file, "content_hash"),
            "unlocked": ("published_version_unlocked", lambda now: (
                f"已发布版本 {key} 在 {LOCK_NAME} 中的记录被删除({who});"), lock_file, f"versions.{key}"),
            "lock_changed": ("published_version_lock_changed", lambda now: (
                f"已发布版本 {key} 在 {LOCK_NAME} 中记录的哈希 {now[:19]}… 与发布时的 {expected[:19]}… 不同({who});"),
                lock_file, f"versions.{key}"),
        }
        for kind, now in frozen_differences(corpus, key, expected, lock).items():
            code, words, where, path = said[kind]
            problems.append(Problem(code, words(now) + PUBLISHED_FROZEN, where, path=path))
    return problems


def published_keys(records: list[dict]) -> dict[str, str]:
    """version → published hash of the `approve` rows (the latest per version, in the database's order)."""
    out: dict[str, str] = {}
    for r in sorted((r for r in records if r.get("action") == "approve" and r.get("published_hash")),
                    key=record_order):
        out[r["list_key"]] = r["published_hash"]
    return out


UNREVIEWED_HINT = ("非草案版本只能经逐条审核和四眼批准发布: 把它改回 status: draft, 逐条审核后用 penalty-rules lists "
                   "publish 申请并由另一位审核人员批准")


def check_unreviewed(corpus: Corpus, records: list[dict], baseline: set[str]) -> list[Problem]:
    """Four eyes from the filesystem: every list version that is not a draft must have an `approve`
    row in the audit database, unless it is in the lock's baseline (locked before the workflow).
    A version in force by an edit of its file and `lists lock` alone is refused here."""
    approved = {r["list_key"] for r in records if r.get("action") == "approve"}
    problems = []
    for doc in sorted(corpus.documents, key=lambda d: d.key):
        if doc.status is Status.draft or doc.key in baseline or doc.key in approved:
            continue
        problems.append(Problem(
            "unreviewed_version",
            f"清单版本 {doc.key} 的状态为 {doc.status.value}, 但审计库中没有它的批准发布记录(四眼原则), 它也不在 "
            f"{LOCK_NAME} 的 baseline(审核流程之前已锁定的版本)中; " + UNREVIEWED_HINT,
            corpus.files.get(doc.key), path="status"))
    return problems


def check_published_marks(published: dict[str, str], records: list[dict],
                          lists_root: Path | None = None) -> list[Problem]:
    """Every entry of the lock's `published` section must match an `approve` row (same version,
    same published hash): a mark written by hand (or in another database's folder) is an error."""
    lock_file = str(Path(lists_root.name) / LOCK_NAME) if lists_root is not None else LOCK_NAME
    approved = {(r["list_key"], r.get("published_hash")) for r in records if r.get("action") == "approve"}
    return [
        Problem("published_without_record",
                f"{LOCK_NAME} 的 published 一节记有经审核发布的版本 {key}(哈希 {digest[:19]}…), 但审计库中没有"
                "与之相符的批准发布记录; published 一节只能由 penalty-rules lists publish 写入: "
                "核对审计库是否正确, 或删去这一记录后按审核流程发布", lock_file, path=f"published.{key}")
        for key, digest in sorted(published.items()) if (key, digest) not in approved
    ]


def _content_unreviewed(doc, row: dict, counted: list[dict], legacy: bool = False) -> list[str]:
    """What of the published content (`doc`, as published) lacks an approval, or has an open objection.
    `legacy`: an approval written before the header pseudo-item existed (no @list review asked)."""
    missing = []
    for name in ("effective_from", "effective_to"):
        now = getattr(doc, name)
        if (now.isoformat() if now else None) != row.get(name):
            missing.append(f"清单的 {name} {now} 与批准的 {row.get(name)} 不同")
    for i in version_status(doc, counted).blocking():
        if legacy and i.item_id == HEADER_ITEM:
            continue
        what = "清单表头(@list: 首违界定、适用地域、层级、取代的版本等)" if i.item_id == HEADER_ITEM else f"条目 {i.item_id}"
        missing.append(f"{what}在发布的内容上{'有未解决的需修改意见' if i.objections else '没有审核人员的通过结论'}"
                       f"({i.state_zh})")
    return missing


def registered_people(keys: list[dict]) -> dict[str, set[str]]:
    """person_key → roles of the keys the service has loaded (service.reviews.registered_keys: every
    name and role a key was loaded under, append-only: keys removed from the keys file stay)."""
    out: dict[str, set[str]] = {}
    for k in keys:
        out.setdefault(person_key(str(k.get("name") or "")), set()).add(k.get("role"))
    return out


def is_registered(known: dict[str, set[str]] | None, name: str | None, role: str | None) -> bool:
    """A name the service has loaded with that role (`known`: registered_people); nothing registered
    (a database no service has served): not checked. The workflow counts records by the same test."""
    return not known or role in known.get(person_key(name), set())


def check_chains(corpus: Corpus, records: list[dict], reviews: list[dict],
                 known: dict[str, set[str]] | None = None) -> list[Problem]:
    """The four-eyes chain behind every `approve` row (module docstring). `records`: every row of
    `publications`; `reviews`: every row of `reviews` (with `seq`, the database's order, where known).
    `known` (registered_people of `api_keys`; None or empty: not checked — the service registers
    its keys at every start, so a database it ever served has some): a request, approval or review
    counts only by a name the service has loaded, with that role.

    Rows marked `legacy` (written before migration 0005 by the code before this check: see
    service.reviews.mark_legacy) cannot meet today's rules: an `approve` row marked legacy is held
    to the rules it was written under — the request by another key name, reviewer roles, every item
    approved on the published content with no open objection, counting only the reviews marked
    legacy too (a later row, or one by a name never loaded, cannot block or make it), in the
    writer's created_at order (record_order) — without the @list header review and the key
    registration, which did not exist then. Any row written later is checked in full."""
    registered = partial(is_registered, known)
    # grouped once (this runs at every start): reviews by version, registered requests by version and content
    counted_by_key: dict[str, list[dict]] = defaultdict(list)  # registered reviewers' rows
    legacy_by_key: dict[str, list[dict]] = defaultdict(list)  # the old workflow's rows (no registration then)
    for r in reviews:
        if r.get("role") in REVIEWER_ROLES:
            if registered(r.get("reviewer"), r.get("role")):
                counted_by_key[r.get("list_key")].append(r)
            if r.get("legacy"):
                legacy_by_key[r.get("list_key")].append(r)
    requests_by_content: dict[tuple, list[dict]] = defaultdict(list)
    for r in records:
        if r.get("action") == "request" and r.get("role") in REVIEWER_ROLES and registered(r.get("actor"), r.get("role")):
            requests_by_content[(r.get("list_key"), r.get("content_hash"))].append(r)
    problems: list[Problem] = []
    by_id = {r.get("id"): r for r in records if r.get("action") == "request"}
    for row in sorted((r for r in records if r.get("action") == "approve"), key=record_order):
        key = row.get("list_key")
        doc = corpus.document(key)
        if doc is None:
            continue  # check_publications: published_version_missing
        missing: list[str] = []
        legacy = bool(row.get("legacy"))
        req = by_id.get(row.get("request_id"))
        if req is None or req.get("list_key") != key:
            missing.append(f"批准所指的发布申请 {row.get('request_id')} 不存在(或不是这一版本的申请)")
        else:
            if ((str(req.get("created_at")) > str(row.get("created_at"))) if legacy and req.get("legacy")
                    else record_order(req) >= record_order(row)):  # legacy: the writer's created_at order
                missing.append(f"发布申请 {req.get('id')} 记录在批准之后")
            if req.get("role") not in REVIEWER_ROLES:
                missing.append(f"申请人 {req.get('actor')} 的角色 {req.get('role')} 不是审核人员")
            if not legacy and not registered(req.get("actor"), req.get("role")):
                missing.append(f"申请人 {req.get('actor')}({req.get('role')})不是服务载入过的密钥(api_keys)")
            if (req.get("actor") == row.get("actor")) if legacy else same_person(req.get("actor"), row.get("actor")):
                missing.append(f"申请人 {req.get('actor')} 与批准人 {row.get('actor')} 是同一人(四眼原则须两人)")
            if req.get("content_hash") != row.get("content_hash"):
                missing.append("批准的内容与申请的内容不同")
            newer = [r for r in requests_by_content[(key, row.get("content_hash"))]
                     if record_order(req) < record_order(r) < record_order(row)]
            if newer and not legacy:  # the workflow approves only the newest request on the content
                missing.append(f"批准的发布申请 {req.get('id')} 在批准前已被同一内容上更新的申请 {newer[-1].get('id')} 取代")
            for name in ("effective_from", "effective_to"):
                if req.get(name) != row.get(name):
                    missing.append(f"批准的 {name} {row.get(name)} 与申请的 {req.get(name)} 不同")
        if row.get("role") not in REVIEWER_ROLES:
            missing.append(f"批准人 {row.get('actor')} 的角色 {row.get('role')} 不是审核人员")
        if not legacy and not registered(row.get("actor"), row.get("role")):
            missing.append(f"批准人 {row.get('actor')}({row.get('role')})不是服务载入过的密钥(api_keys)")
        if corpus.hashes.get(key) == row.get("published_hash"):  # else check_publications says how it differs
            # legacy: the old workflow's reviews only, in its order (created_at), no registration
            counted = legacy_by_key[key] if legacy else counted_by_key[key]
            missing += _content_unreviewed(doc, row, counted, legacy)
        if missing:
            problems.append(Problem(
                "publication_chain_incomplete",
                f"已发布版本 {key} 的审核发布记录不完整(批准记录 {row.get('id')}, 批准人 {row.get('actor')}): "
                + "; ".join(missing[:12]) + (f" 等 {len(missing)} 处" if len(missing) > 12 else "")
                + "。批准发布须有另一位审核人员的发布申请, 且发布的内容(表头和每个条目)逐条经审核通过; "
                "核对审计库是否被改写, 恢复后再启动",
                corpus.files.get(key), path="status"))
    return problems


def check_all(corpus: Corpus, records: list[dict], lock, lists_root: Path | None = None,
              check_lock: bool = True, reviews: list[dict] | None = None,
              known: dict[str, set[str]] | None = None) -> list[Problem]:
    """Every check of the records against the lists: publications (check_publications), the
    four-eyes chain of each (check_chains: `reviews` are the rows of `reviews`), the lock's
    published marks, and non-draft versions without approval outside the baseline. `lock`: a
    penalty_rules.load.lockfile.LockSections."""
    problems = check_publications(corpus, records, lock.versions if check_lock else None, lists_root)
    problems += check_chains(corpus, records, reviews or [], known)
    problems += check_published_marks(lock.published, records, lists_root)
    problems += check_unreviewed(corpus, records, lock.baseline)
    return problems
