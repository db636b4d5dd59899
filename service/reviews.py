"""Review records and the four-eyes publication of list versions (issue 11), shared by the HTTP
service (/v1/reviews, /v1/lists/{id}/versions/{v}/publish) and the CLI (penalty-rules lists review
/ publish / reviews), which both write the same audit database (tables of migration 0004,
append-only like decisions).

Who may review: a key whose role is reviewer or above (service.auth.ROLES: admin includes
reviewer). A verdict is given on one item of one version, on the item's content at that moment
(its hash is recorded): a later edit of the item makes the verdict stale.

Publishing (four eyes):
1. `request`: a reviewer key R1 asks to publish version V with effective dates. Refused unless
   every item of V is approved on its current content (latest verdict by a reviewer key, and no
   open `needs_change` of any reviewer on that content: penalty_rules.publish.status). An
   `effective_from` before today is refused unless `allow_past` is given (recorded on the row).
2. `approve`: a *different* reviewer key R2 approves that request, naming it (`request_id`): it
   must be the newest request on the current content (a request made later — other dates — or a
   content change voids the one R2 read); a past `effective_from` needs R2's own `allow_past`
   (recorded too). The checks run again, the
   YAML file gets `status: in_force` and the dates, versions.lock the content hash (also in its
   `published` section), and then the approval is recorded (with that hash); if recording fails,
   the files are rolled back. An `approve` row therefore means: published. A version is published
   once: a version with an approval on record is never requested or approved again.
3. Start-up (service.app), `lists validate` and `lists lock` cross-check every approval against
   the lists (penalty_rules.publish.check): still there, not a draft, the published hash — and the
   whole chain behind it from the records (check_chains: the request by another person, the list
   header pseudo-item `@list` and every item approved on the published content, no open objection).
Records are read in the database's insertion order (`seq`), names compared by person_key, and
once the service has registered its keys (api_keys) only rows under those names and roles count.
A request counts only for the content it was made on: editing the draft after the request needs a
new request. R1 and R2 may themselves have approved items (not required to be others).

Each step runs under a lock of the lists folder across processes (penalty_rules.publish.files.
publish_lock: fcntl.flock on lists/.publish.lock) and in this process under _PUBLISHING; the files
are replaced atomically. Comments are stored unmasked in append-only tables, so a comment that
looks like personal data is refused (422 `comment_personal_data`), as case references are.
"""

import threading
import uuid
import weakref
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy.engine import Engine as SAEngine

from penalty_rules.lint.flags import CODES, blocking_flags, blocking_zh
from penalty_rules.publish import files
from penalty_rules.publish.check import REVIEWER_ROLES, registered_people
from penalty_rules.publish.check import is_registered as _is_registered
from penalty_rules.publish.files import PublishError
from penalty_rules.publish.status import (HEADER_ITEM, VERDICT_ZH, VERDICTS, VersionStatus, reviewables, same_person,
                                          version_status)
from penalty_rules.model.facts import MAX_DATE, MIN_DATE
from service.audit import utc_now
from service.auth import ROLES_ZH, Principal

metadata = sa.MetaData()
reviews = sa.Table(
    "reviews", metadata,
    sa.Column("id", sa.String(36), primary_key=True),
    sa.Column("created_at", sa.String(32)),
    sa.Column("list_key", sa.String(200)),
    sa.Column("content_hash", sa.String(71)),
    sa.Column("item_id", sa.String(120)),
    sa.Column("item_hash", sa.String(71)),
    sa.Column("reviewer", sa.String(64)),
    sa.Column("role", sa.String(16)),
    sa.Column("verdict", sa.String(16)),
    sa.Column("comment", sa.Text),
    sa.Column("channel", sa.String(8)),  # service | cli (migration 0005)
)
publications = sa.Table(
    "publications", metadata,
    sa.Column("id", sa.String(36), primary_key=True),
    sa.Column("created_at", sa.String(32)),
    sa.Column("list_key", sa.String(200)),
    sa.Column("content_hash", sa.String(71)),
    sa.Column("action", sa.String(16)),
    sa.Column("actor", sa.String(64)),
    sa.Column("role", sa.String(16)),
    sa.Column("request_id", sa.String(36)),
    sa.Column("effective_from", sa.String(10)),
    sa.Column("effective_to", sa.String(10)),
    sa.Column("published_hash", sa.String(71)),
    sa.Column("comment", sa.Text),
    sa.Column("allow_past", sa.Boolean),
    sa.Column("channel", sa.String(8)),
)
COMMENT_MAX = 4000
_PUBLISHING = threading.Lock()  # one publication step at a time in this process (files are rewritten)
CHANNELS = ("service", "cli")
_COLUMNS: "weakref.WeakKeyDictionary[SAEngine, dict[str, set[str]]]" = weakref.WeakKeyDictionary()
_TABLES: "weakref.WeakKeyDictionary[SAEngine, set[str]]" = weakref.WeakKeyDictionary()


def forget_columns(engine: SAEngine) -> None:
    """Drop the cached tables and columns of `engine` (service.audit.migrate calls it: the schema changed)."""
    _COLUMNS.pop(engine, None)
    _TABLES.pop(engine, None)


def _has_table(engine: SAEngine, name: str) -> bool:
    """Whether the database has the table (cached per engine with the columns; a table not seen is
    looked up again: migrations only add tables)."""
    tables = _TABLES.get(engine)
    if tables is None or name not in tables:
        tables = _TABLES[engine] = set(sa.inspect(engine).get_table_names())
    return name in tables


def _columns(engine: SAEngine, table: sa.Table) -> set[str]:
    """The columns the database has (a read-only check may meet a database before migration 0005;
    cached per engine, forgotten when migrate runs on it)."""
    known = _COLUMNS.setdefault(engine, {})
    if table.name not in known:
        known[table.name] = {c["name"] for c in sa.inspect(engine).get_columns(table.name)}
    return known[table.name]


def _select(engine: SAEngine, table: sa.Table):
    """SELECT of the table's rows with `seq`, the order the database stored them in (SQLite: rowid,
    never reused (0004's triggers) and never given below a stored one (0006's); PostgreSQL: the
    identity column of 0005, a value other than the session's currval refused by 0006's trigger —
    drawn at insert, not commit, so not a writer's-proof order: README, residual). Rows before
    0005 (legacy) are ordered by created_at (penalty_rules.publish.status.record_order)."""
    have = _columns(engine, table)
    cols = [c for c in table.c if c.name in have]
    if engine.dialect.name == "sqlite":
        seq = sa.literal_column(f"{table.name}.rowid")
    elif "seq" in have:
        seq = sa.literal_column(f"{table.name}.seq")
    else:
        seq = sa.null()
    seq = seq.label("seq")
    return sa.select(*cols, seq), seq


def _check_reviewer(principal: Principal) -> None:
    if not principal.allows("reviewer"):
        raise PublishError("forbidden", f"审核和发布须由法制审核人员及以上角色的密钥进行, 密钥 {principal.name} 的角色为"
                           f"{ROLES_ZH.get(principal.role, principal.role)}", "reviewer", status=403)


def _comment(comment: str | None) -> str | None:
    if comment is None:
        return None
    if any(ord(c) < 32 and c not in "\n\t" for c in comment):
        raise PublishError("control_character", "comment 不得含控制字符", "comment", status=422)
    if len(comment) > COMMENT_MAX:
        raise PublishError("comment_too_long", f"comment 过长({len(comment)} 个字符, 至多 {COMMENT_MAX} 个)",
                           "comment", status=422)
    from service import privacy

    if privacy.mask_text(comment, "") != comment:  # stored unmasked and append-only: refuse, as case_ref
        raise PublishError("comment_personal_data", "comment 中含有疑似个人信息(身份证号、手机号、银行卡号、邮箱、"
                           "车牌号、标明的姓名等); 审核和发布记录只增不改、不加掩码保存, 请删去后再提交", "comment",
                           status=422)
    return comment


class ReviewStore:
    """Inserts and reads of the review tables; there is no update or delete path."""

    def __init__(self, engine: SAEngine, channel: str = "service"):
        if channel not in CHANNELS:
            raise ValueError(f"channel must be one of {CHANNELS}, not {channel!r}")
        self.engine = engine
        self.channel = channel  # recorded on every row: service (a key the service proved) or cli

    def _insert(self, table: sa.Table, row: dict) -> dict:
        row = {**row, "channel": self.channel}
        with self.engine.begin() as conn:
            conn.execute(table.insert().values(**row))
        return row

    def _rows(self, table: sa.Table, where=None) -> list[dict]:
        """Rows in the order the database stored them (`seq`), never by the writer's created_at."""
        query, seq = _select(self.engine, table)
        if where is not None:
            query = query.where(where)
        with self.engine.connect() as conn:
            rows = conn.execute(query.order_by(seq, table.c.created_at, table.c.id)).mappings().all()
        return [dict(r) for r in rows]

    def reviews(self, key: str | None = None) -> list[dict]:
        return self._rows(reviews, None if key is None else reviews.c.list_key == key)

    def publications(self, key: str | None = None) -> list[dict]:
        return self._rows(publications, None if key is None else publications.c.list_key == key)

    def add_review(self, row: dict) -> dict:
        return self._insert(reviews, row)

    def add_publication(self, row: dict) -> dict:
        return self._insert(publications, row)


def _known(store: ReviewStore) -> dict[str, set[str]]:
    return registered_people(registered_keys(store.engine))


def _counting(rows: list[dict], known: dict[str, set[str]]) -> list[dict]:
    """The rows that count: a reviewer role and a name the service has loaded with that role
    (_is_registered: a row written under any other name by a writer of the database does not count)."""
    return [r for r in rows if r["role"] in REVIEWER_ROLES and _is_registered(known, r["reviewer"], r["role"])]


# ------------------------------------------------------------------------------- workflow
def status(store: ReviewStore, root: Path, key: str) -> tuple[VersionStatus, list[dict], list[dict]]:
    """(derived status of every item, review rows, publication rows) of version `key` as on disk
    (the lists are read through files.find_version's cache: unchanged files are not parsed again).
    The status carries the open request on the current content (`st.open_request`)."""
    _, doc, _ = files.find_version(root, key)
    rows = store.reviews(key)
    known = _known(store)
    st = version_status(doc, _counting(rows, known))
    pubs = store.publications(key)
    st.open_request = (None if doc.status.value != "draft" or any(p["action"] == "approve" for p in pubs)
                       else _open_request(pubs, files.content_hash(doc), known))
    return st, rows, pubs


def review(store: ReviewStore, root: Path, key: str, item_id: str, verdict: str, comment: str | None,
           principal: Principal) -> dict:
    """Record one verdict on one item of a draft version (the version as it is on disk now)."""
    _check_reviewer(principal)
    if verdict not in VERDICTS:
        raise PublishError("bad_verdict", f"verdict 须为 approved(通过)或 needs_change(需修改), 而不是 {verdict!r}",
                           "verdict", status=422)
    comment = _comment(comment)
    if verdict == "needs_change" and not (comment or "").strip():
        raise PublishError("comment_required", "结论为需修改(needs_change)时须写明修改意见(comment)", "comment",
                           status=422)
    corpus, doc, _ = files.find_version(root, key)
    if doc.status.value != "draft":
        raise PublishError("not_a_draft", f"清单版本 {key} 已发布(状态 {doc.status.value}), 不再审核; 修改须新建版本",
                           "list")
    hashes = dict(reviewables(doc))  # the header pseudo-item HEADER_ITEM and every item
    if item_id not in hashes:
        import difflib

        close = difflib.get_close_matches(item_id, [i.id for i in doc.items], n=5, cutoff=0.5)
        raise PublishError("unknown_item", f"清单版本 {key} 中没有条目 {item_id}"
                           + (f";相近的: {'、'.join(close)}" if close else "")
                           + f"(清单表头即首违界定、适用地域、层级、取代的版本等, 以 {HEADER_ITEM} 审核)", "item",
                           status=404)
    item = next((i for i in doc.items if i.id == item_id), None)
    flags = blocking_flags(item) if verdict == "approved" and item is not None else []
    if flags:
        raise PublishError(CODES[flags[0]], blocking_zh(item) + "; 处理前不能通过审核(可给出需修改意见)",
                           "item", status=422)
    return store.add_review({
        "id": str(uuid.uuid4()), "created_at": utc_now(), "list_key": key, "content_hash": corpus.hashes[key],
        "item_id": item_id, "item_hash": hashes[item_id], "reviewer": principal.name, "role": principal.role,
        "verdict": verdict, "comment": comment,
    })


@dataclass
class PublishResult:
    action: str  # request | approve
    record: dict
    status: VersionStatus
    published_hash: str | None = None
    file: str | None = None

    def message_zh(self) -> str:
        r = self.record
        if self.action == "request":
            return (f"已登记发布申请 {r['id']}({r['list_key']}, 自 {r['effective_from']} 起施行"
                    + (f", 至 {r['effective_to']} 止" if r["effective_to"] else "")
                    + ("; 生效日期早于申请之日(allow_past)" if r.get("allow_past") else "")
                    + f"; 申请人 {r['actor']}); 须由另一位审核人员批准(指明此申请: request_id {r['id']},"
                    " 命令行 --request)后发布")
        return (f"已批准并发布 {r['list_key']}(批准人 {r['actor']}, 申请 {r['request_id']}); 内容哈希 {self.published_hash}"
                f" 已记入 versions.lock; 服务须重启后载入新版本")


def _open_request(pubs: list[dict], draft_hash: str, known: dict[str, set[str]]) -> dict | None:
    """The latest request on the current content by a registered reviewer key (_is_registered: a
    request under another name would not count in the chain check). The version is still a draft,
    so no approval of it took effect (an approval whose file write was rolled back may be given again)."""
    open_ = [p for p in pubs if p["action"] == "request" and p["content_hash"] == draft_hash
             and p["role"] in REVIEWER_ROLES and _is_registered(known, p["actor"], p["role"])]
    return open_[-1] if open_ else None


def _require_approved(st: VersionStatus, doc) -> None:
    from penalty_rules.errors import Problem

    flagged = [(i, flags) for i in doc.items if (flags := blocking_flags(i))]
    if flagged:  # approvals given before the check, or a flag added back after them, do not count
        raise PublishError(CODES[flagged[0][1][0]], f"清单版本 {doc.key} 有 {len(flagged)} 个条目含未处理的"
                           "导入标记(排除情形、处理结果不符、移入备注或未读的文字等), 不能发布: " + "; ".join(blocking_zh(i) for i, _ in flagged[:10]),
                           "items", problems=[Problem(CODES[flags[0]], blocking_zh(i), path=f"items.{i.id}")
                                              for i, flags in flagged])
    blocking = st.blocking()
    if blocking:
        listed = "、".join(f"{i.item_id}({i.state_zh})" for i in blocking[:10])
        more = f" 等 {len(blocking)} 条" if len(blocking) > 10 else ""
        objected = st.objections()
        open_ = ("; 未解决的需修改意见(须由提出意见的审核人员本人或管理员批准, 或修改条目): "
                 + "; ".join(i.objections_zh() for i in objected[:10])) if objected else ""
        raise PublishError("items_not_approved", f"{st.summary_zh()}; 全部条目通过审核后才能发布: {listed}{more}{open_}",
                           "items", problems=[Problem("open_objection", i.objections_zh(), path=f"items.{i.item_id}")
                                              for i in objected])


def request_out(row: dict | None) -> dict | None:
    """A request as shown to reviewers (GET /v1/reviews, the request's answer)."""
    if row is None:
        return None
    return {k: row.get(k) for k in ("id", "list_key", "content_hash", "actor", "created_at", "effective_from",
                                     "effective_to", "allow_past", "comment")}


def _check_past(day: date, allow_past: bool, today: date, who: str) -> None:
    if day < today and not allow_past:
        raise PublishError("effective_from_in_past", f"生效日期 effective_from {day.isoformat()} 早于今天 "
                           f"{today.isoformat()}: 追溯生效须{who}明确给出 allow_past(命令行 --allow-past), 并将记入发布记录",
                           "effective_from", status=422)


def _check_range(effective_from: date | None, effective_to: date | None) -> None:
    """The dates a case can be decided on (CaseFacts: MIN_DATE..MAX_DATE): a version effective outside them
    could never be applied (an API fuzzer published one effective 9999-12-31)."""
    for name, day in (("effective_from", effective_from), ("effective_to", effective_to)):
        if day is not None and not (MIN_DATE <= day <= MAX_DATE):
            raise PublishError("date_out_of_range", f"{name} {day.isoformat()} 超出可受理的日期范围 "
                               f"{MIN_DATE.isoformat()}..{MAX_DATE.isoformat()}", name, status=422)


def publish(store: ReviewStore, root: Path, key: str, principal: Principal, action: str = "auto",
            effective_from: date | None = None, effective_to: date | None = None,
            comment: str | None = None, request_id: str | None = None, allow_past: bool = False,
            today: date | None = None) -> PublishResult:
    """One step of the four-eyes publication. `action`: request, approve (of the request named by
    `request_id`), or auto (approve when `request_id` is given, else request). `allow_past`: an
    effective_from before `today` (default: today) is intended (recorded)."""
    _check_reviewer(principal)
    comment = _comment(comment)
    _check_range(effective_from, effective_to)
    with _PUBLISHING, files.publish_lock(root):
        return _publish(store, root, key, principal, action, effective_from, effective_to, comment, request_id,
                        bool(allow_past), today or date.today())


def _publish(store, root, key, principal, action, effective_from, effective_to, comment, request_id, allow_past,
             today) -> PublishResult:
    if action not in ("auto", "request", "approve"):
        raise PublishError("bad_action", f"action 须为 request 或 approve, 而不是 {action!r}", "action", status=422)
    _, doc, _ = files.find_version(root, key, fresh=True)
    if doc.status.value != "draft":
        raise PublishError("not_a_draft", f"清单版本 {key} 已发布(状态 {doc.status.value}); 已发布版本不能再改", "list")
    draft_hash = files.content_hash(doc)
    known = _known(store)
    if not _is_registered(known, principal.name, principal.role):  # its records would not count: refuse before writing
        raise PublishError("key_not_registered", f"密钥 {principal.name}({ROLES_ZH.get(principal.role, principal.role)})"
                           "不是服务载入过的密钥(审计库 key_registrations), 它的发布记录不会被承认; 先以含这一密钥的"
                           "密钥文件启动服务, 再申请或批准发布", "reviewer", status=403)
    st = version_status(doc, _counting(store.reviews(key), known))
    pubs = store.publications(key)
    done = [p for p in pubs if p["action"] == "approve"]
    if done:  # published before, then set back to draft in its file
        raise PublishError("already_published", f"清单版本 {key} 已于 {done[0]['created_at'][:10]} 经审核发布"
                           f"(批准人 {done[0]['actor']}, 记录 {done[0]['id']}), 其文件却被改回草案; 已发布版本不能再发布"
                           "或修改: 恢复发布时的内容, 修改须以新的版本号建立草案", "list")
    pending = _open_request(pubs, draft_hash, known)
    if action == "auto":
        if request_id is not None:
            action = "approve"
        elif pending is not None and not same_person(pending["actor"], principal.name) and effective_from is None:
            raise PublishError("request_id_required", f"清单版本 {key} 有 {pending['actor']} 的待批准发布申请: "
                               + _pending_zh(pending) + "; 批准须指明该申请(request_id, 命令行 --request), "
                               "另行申请须给出生效日期", "request_id", status=422)
        else:
            action = "request"
    if action == "request":
        if request_id is not None:
            raise PublishError("bad_request_id", "request_id 只用于批准(action=approve)", "request_id", status=422)
        if pending is not None and same_person(pending["actor"], principal.name):
            same = effective_from is None or (
                pending["effective_from"] == effective_from.isoformat()
                and pending["effective_to"] == (effective_to.isoformat() if effective_to else None)
                and bool(pending.get("allow_past")) == allow_past)
            if same:  # asked again: the same request stands, still waiting for another reviewer
                return PublishResult("request", pending, st)
        if effective_from is None:
            raise PublishError("missing_effective_from", "发布申请须给出生效日期 effective_from", "effective_from",
                               status=422)
        _check_past(effective_from, allow_past, today, "申请人")
        _require_approved(st, doc)
        p = files.plan(root, key, effective_from, effective_to)
        row = store.add_publication({
            "id": str(uuid.uuid4()), "created_at": utc_now(), "list_key": key, "content_hash": draft_hash,
            "action": "request", "actor": principal.name, "role": principal.role, "request_id": None,
            "effective_from": effective_from.isoformat(),
            "effective_to": effective_to.isoformat() if effective_to else None,
            "published_hash": p.published_hash, "comment": comment, "allow_past": allow_past,
        })
        return PublishResult("request", row, st)
    # approve: of the request the approver names, which must be the newest on the current content
    if request_id is None:
        if pending is None:
            raise PublishError("no_publication_request", f"清单版本 {key} 没有针对其当前内容的待批准发布申请"
                               "(内容在申请后被修改的, 须重新申请)", "action")
        raise PublishError("request_id_required", f"批准须指明所批准的发布申请(request_id, 命令行 --request); "
                           f"清单版本 {key} 待批准的申请: " + _pending_zh(pending), "request_id", status=422)
    named = next((x for x in pubs if x["id"] == request_id and x["action"] == "request"), None)
    if named is None:
        raise PublishError("unknown_request", f"清单版本 {key} 没有编号为 {request_id} 的发布申请", "request_id",
                           status=404)
    if named["content_hash"] != draft_hash:
        raise PublishError("request_stale", f"发布申请 {request_id} 之后清单版本 {key} 的内容已被修改, 该申请不再有效;"
                           "须针对现在的内容重新申请" + (f"(现有申请: {_pending_zh(pending)})" if pending else ""),
                           "request_id")
    if pending is None or named["id"] != pending["id"]:
        raise PublishError("request_superseded", f"发布申请 {request_id}({_pending_zh(named)})已被更新的申请取代: "
                           + (_pending_zh(pending) if pending else "无") + "; 核对新申请的日期后指明新申请批准",
                           "request_id")
    if same_person(pending["actor"], principal.name):
        raise PublishError("four_eyes", f"发布申请由 {pending['actor']} 提出, 须由另一位审核人员批准(四眼原则)",
                           "reviewer", status=403)
    _check_past(date.fromisoformat(pending["effective_from"]), allow_past, today, "批准人")
    for given, recorded, name in ((effective_from, pending["effective_from"], "effective_from"),
                                  (effective_to, pending["effective_to"], "effective_to")):
        if given is not None and given.isoformat() != recorded:
            raise PublishError("dates_differ", f"{name} {given.isoformat()} 与发布申请中的 {recorded} 不同;"
                               "日期不同须重新申请", name, status=422)
    _require_approved(st, doc)
    p = files.plan(root, key, date.fromisoformat(pending["effective_from"]),
                   date.fromisoformat(pending["effective_to"]) if pending["effective_to"] else None)
    row = {
        "id": str(uuid.uuid4()), "created_at": utc_now(), "list_key": key, "content_hash": draft_hash,
        "action": "approve", "actor": principal.name, "role": principal.role, "request_id": pending["id"],
        "effective_from": pending["effective_from"], "effective_to": pending["effective_to"],
        "published_hash": p.published_hash, "comment": comment, "allow_past": allow_past,
    }
    digest = files.write(p, record=lambda: store.add_publication(row))  # recorded last, files rolled back if not
    return PublishResult("approve", row, st, digest, str(p.path))


def _pending_zh(row: dict) -> str:
    return (f"{row['id']}(申请人 {row['actor']}, {str(row['created_at'])[:19]}, 自 {row['effective_from']} 起施行"
            + (f", 至 {row['effective_to']} 止" if row.get("effective_to") else "")
            + (", 追溯生效 allow_past" if row.get("allow_past") else "") + ")")


def reviews_out(st: VersionStatus, rows: list[dict], pubs: list[dict]) -> dict:
    """The JSON answer of GET /v1/reviews and `lists reviews --json`: with the open request (its id
    and dates: the approver names it) and the open objections per item."""
    return {
        "list": st.key,
        "summary_zh": st.summary_zh(),
        "counts": st.counts,
        "all_approved": st.all_approved,
        "open_request": request_out(st.open_request),
        "items": [{"item_id": i.item_id, "state": i.state, "state_zh": i.state_zh, "reviewer": i.reviewer,
                   "verdict": i.verdict, "at": i.at, "comment": i.comment, "reviews": i.reviews,
                   "objections": i.objections} for i in st.items],
        "reviews": [{**r, "verdict_zh": VERDICT_ZH.get(r["verdict"], r["verdict"])} for r in rows],
        "publications": pubs,
    }


def decision_records(engine: SAEngine, limit: int) -> tuple[list[dict], bool]:
    """The newest `limit` decisions of the audit log (id, facts as stored — masked —, decision date,
    outcome, chosen item, and from migration 0007 the version that decided and how that is known) and
    whether there were more."""
    from service.audit import DecisionRecord

    t = DecisionRecord.__table__
    have = _columns(engine, t)
    decided = [t.c.decided_by, t.c.decided_by_source] if "decided_by" in have else []
    with engine.connect() as conn:
        rows = conn.execute(
            sa.select(t.c.id, t.c.facts, t.c.decision_date, t.c.outcome, t.c.chosen_item, *decided)
            .where(t.c.kind != "probe").order_by(t.c.created_at.desc(), t.c.id).limit(limit + 1)
        ).mappings().all()
    return [dict(r) for r in rows[:limit]], len(rows) > limit


def newest_decision(engine: SAEngine) -> tuple[str | None, int]:
    """(id of the newest decision, number of decisions) — the impact cache's key: decisions are
    append-only, so an unchanged pair means an unchanged set of the newest N."""
    from service.audit import DecisionRecord

    t = DecisionRecord.__table__
    with engine.connect() as conn:
        newest = conn.execute(sa.select(t.c.id).where(t.c.kind != "probe")
                              .order_by(t.c.created_at.desc(), t.c.id).limit(1)).scalar()
        count = conn.execute(sa.select(sa.func.count()).select_from(t).where(t.c.kind != "probe")).scalar()
    return newest, int(count or 0)


# ------------------------------------------------------------------- publications vs. the lists
def approval_records(engine: SAEngine) -> list[dict] | None:
    """Every `publications` row (requests and approvals), or None when the database has no
    `publications` table (not migrated to 0004: nothing can have been published through it). Rows
    written before the chain check are marked `legacy` (mark_legacy)."""
    if not _has_table(engine, "publications"):
        return None
    return mark_legacy(engine, ReviewStore(engine).publications(), "publications")


def registered_keys(engine: SAEngine) -> list[dict]:
    """Every (key_sha256, name, role) a key was loaded under by the service (`key_registrations`,
    migration 0006, append-only: a role or name changed in the keys file adds one, the earlier
    stay). A database before 0006: `api_keys` (first name and role of each secret; a `name+` row,
    the service's renaming of a rotated key, under the name it renamed)."""
    from service.audit import ApiKey, KeyRegistration

    if _has_table(engine, "key_registrations"):
        t = KeyRegistration.__table__
        with engine.connect() as conn:
            return [dict(r) for r in conn.execute(sa.select(t.c.key_sha256, t.c.name, t.c.role)).mappings().all()]
    if not _has_table(engine, "api_keys"):
        return []
    t = ApiKey.__table__
    with engine.connect() as conn:
        rows = [dict(r) for r in conn.execute(sa.select(t.c.key_sha256, t.c.name, t.c.role)).mappings().all()]
    names = {r["name"] for r in rows}
    for r in rows:
        while r["name"].endswith("+") and r["name"][:-1] in names:
            r["name"] = r["name"][:-1]
    return rows


def mark_legacy(engine: SAEngine, rows: list[dict], table: str) -> list[dict]:
    """Mark (`legacy`: True) the rows written before migration 0005 by the code before the chain
    check: `channel` NULL and `seq` at most the bound recorded by migration 0006 (`legacy_records`;
    a row inserted later without a channel is not legacy). A database before 0006 (`rows`: the whole
    table): the same rule as 0006's — the highest seq without a channel, but below the first row
    with one (the code of 0005 writes a channel on every row: a channel-less row after it is no
    record of the code before)."""
    bound = None
    if _has_table(engine, "legacy_records"):
        with engine.connect() as conn:
            bound = conn.execute(sa.text("SELECT max_seq FROM legacy_records WHERE table_name = :t"),
                                 {"t": table}).scalar()
        bound = int(bound or 0)
    else:
        channelled = [int(r["seq"]) for r in rows if r.get("channel") is not None and r.get("seq") is not None]
        if channelled:
            bound = min(channelled) - 1
    for r in rows:
        r["legacy"] = r.get("channel") is None and (
            bound is None or (r.get("seq") is not None and int(r["seq"]) <= bound))
    return rows


def review_records(engine: SAEngine) -> list[dict]:
    """Every `reviews` row (the four-eyes chains are verified from them: check.check_chains); rows
    written before the chain check are marked `legacy` (mark_legacy)."""
    if not _has_table(engine, "reviews"):
        return []
    return mark_legacy(engine, ReviewStore(engine).reviews(), "reviews")


def publication_problems(engine: SAEngine, corpus, root: Path, check_lock: bool = True) -> list:
    """Every published version (approval on record) checked against the loaded lists and the lock;
    the lock's `published` marks against the records; every non-draft version outside the lock's
    baseline must have an approval (penalty_rules.publish.check.check_all)."""
    from penalty_rules.load.lockfile import load_lock_sections
    from penalty_rules.publish.check import check_all, registered_people

    records = approval_records(engine) or []
    return check_all(corpus, records, load_lock_sections(Path(root)), Path(root), check_lock,
                     reviews=review_records(engine) if records else [],
                     known=registered_people(registered_keys(engine)) if records else None)


def startup_refusal(engine: SAEngine, corpus, root: Path) -> str | None:
    """The service's refusal to start (Chinese; the problems with their English codes), or None."""
    problems = publication_problems(engine, corpus, root)
    if not problems:
        return None
    return (f"已发布的清单版本与审计库中的发布记录不符({len(problems)} 处), 服务拒绝启动(已发布版本不能修改;"
            "恢复发布时的内容, 修改须新建版本并审核发布; 可运行 penalty-rules lists validate --db 查看):\n"
            + "\n".join(str(p) for p in problems))


def changes_out(root: Path, key: str) -> dict | None:
    """What the version changes against the one it supersedes, for the reviewers of a publication (the
    requester and the second reviewer see it in the publish answer): the city's figures, the directions, and
    the items marked 放宽 and 需审核 by id; None when the version supersedes none (or it cannot be read)."""
    from penalty_rules.report.diff import LENIENT, REVIEW, diff_documents

    try:
        corpus, doc, _ = files.find_version(root, key)
    except PublishError:
        return None
    old = corpus.document(f"{doc.id}@{doc.supersedes}") if doc.supersedes else None
    if old is None:
        return None
    d = diff_documents(old, doc, corpus.registry)
    return {"from": old.key, "figures_zh": d.figures.text_zh if d.figures else None,
            "changes_zh": d.figures.changes_zh if d.figures else None,
            "added": [i.id for i in d.added], "removed": [i.id for i in d.removed],
            "lenient": [c.id for c in d.changed if c.direction == LENIENT],
            "review": [c.id for c in d.changed if c.direction == REVIEW]}
