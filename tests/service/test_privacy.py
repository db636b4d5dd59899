"""Personal data in free text (the hardening issue, "Audit log"): ID numbers, phone numbers, bank
cards (and e-mail addresses, licence plates, names after an explicit label) are masked in what the
audit log stores and what reviewers read back, as 〔kind:hash8〕 with a salted HMAC; the decision is
computed on the original facts; logs never carry facts."""

import hashlib
import hmac
import json
import re
import sqlite3

import pytest

from tests.service.live_servers import Server, server_env

W = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]


def id_number(first17: str) -> str:
    """A 身份证号 with its GB 11643 check character."""
    return first17 + "10X98765432"[sum(int(c) * w for c, w in zip(first17, W)) % 11]


def luhn(partial: str) -> str:
    """partial + its Luhn check digit."""
    total = 0
    for i, c in enumerate(reversed(partial)):
        d = int(c)
        if i % 2 == 0:
            d *= 2
            d -= 9 if d > 9 else 0
        total += d
    return partial + str((10 - total % 10) % 10)


ID18 = id_number("37150219850312041")  # 聊城市东昌府区, 1985-03-12
ID18_X = next(i for i in (id_number(f"37150219900701{n:03d}") for n in range(1000)) if i.endswith("X"))
ID15 = "371502850312041"  # old 15-digit number: region, yymmdd, sequence
MOBILE = "13863512345"
LANDLINE = "0635-8212345"
CARD = luhn("622202160001234567")  # 19 digits, Luhn-valid
CARD16 = luhn("436742001234567")  # 16 digits
SALT = "test-salt-审计"


def test_fixtures_are_valid():
    assert len(ID18) == 18 and ID18_X.endswith("X") and len(CARD) == 19 and len(CARD16) == 16
    assert luhn(CARD[:-1]) == CARD


def token(kind: str, value: str) -> str:
    return f"〔{kind}:{hmac.new(SALT.encode(), f'{kind}:{value}'.encode(), hashlib.sha256).hexdigest()[:8]}〕"


# ------------------------------------------------------------------------------ unit
@pytest.mark.parametrize("raw, masked", [
    (f"当事人张某(身份证号{ID18})于2023年3月20日未按期申报", f"当事人张某(身份证号{token('身份证号', ID18)})于2023年3月20日未按期申报"),
    (f"身份证:{ID18_X.lower()},男", f"身份证:{token('身份证号', ID18_X)},男"),
    (f"老身份证{ID15}。", f"老身份证{token('身份证号', ID15)}。"),
    (f"联系电话{MOBILE},", f"联系电话{token('手机号', MOBILE)},"),
    ("手机 138 6351 2345 已关机", f"手机 {token('手机号', MOBILE)} 已关机"),
    (f"电话+86 {MOBILE}", f"电话{token('手机号', MOBILE)}"),
    (f"座机{LANDLINE}转分机", f"座机{token('电话', '06358212345')}转分机"),
    ("办公电话(0635)8212345", f"办公电话{token('电话', '06358212345')}"),
    (f"通过银行卡{CARD}转账5000元", f"通过银行卡{token('银行卡号', CARD)}转账5000元"),
    (f"卡号 {CARD16[:4]} {CARD16[4:8]} {CARD16[8:12]} {CARD16[12:]} 收款",
     f"卡号 {token('银行卡号', CARD16)} 收款"),
    ("邮箱 zhang.san@example.com 联系", f"邮箱 {token('邮箱', 'zhang.san@example.com')} 联系"),
    ("鲁P·A1234 在人行道停放", f"{token('车牌号', '鲁PA1234')} 在人行道停放"),
    ("当事人:张三,男,住聊城市东昌府区", f"当事人:{token('姓名', '张三')},男,住聊城市东昌府区"),
    ("姓名:欧阳小明。", f"姓名:{token('姓名', '欧阳小明')}。"),
])
def test_masks_personal_data(raw, masked):
    from service.privacy import mask_text

    assert mask_text(raw, SALT) == masked


@pytest.mark.parametrize("text", [
    "未按照规定期限办理纳税申报,2023年3月20日改正,罚款2000元",
    "在人行道上停放非机动车,违法所得1234567元",  # a 7-digit amount without a phone keyword
    f"身份证号{ID18[:-1]}",  # 17 digits: nothing to recognise
    "货值金额12345678901234567元",  # 17 digits, neither ID nor Luhn card length
    f"{luhn('622202160001234567')[:-1]}{(int(CARD[-1]) + 1) % 10}",  # not Luhn-valid, not an ID
    "当事人擅自施工,未办理审批手续",  # no explicit label: ordinary words are not names
    "当事人未按规定公示,经营者当场改正",
    "cn-tax-2021-6/03 与 lc-market-2022/12 相同",
    "2023-03-20 至 2023-04-10",
])
def test_leaves_ordinary_text_alone(text):
    from service.privacy import mask_text

    assert mask_text(text, SALT) == text


def test_mask_is_idempotent_and_salted():
    from service.privacy import mask_text

    raw = f"身份证号{ID18},电话{MOBILE},卡号{CARD}"
    once = mask_text(raw, SALT)
    assert mask_text(once, SALT) == once
    assert mask_text(raw, "another salt") != once
    assert not re.search(r"\d{11}", once)


def test_mask_facts_covers_every_free_text_field():
    from service.privacy import mask_facts

    facts = {"item_id": "cn-tax-2021-6/03", "conduct": f"当事人身份证号{ID18}", "violated_law": f"电话{MOBILE}",
             "act_date": "2023-03-20", "prior_offenses": [{"conduct": f"银行卡{CARD}", "date": "2022-01-01"}]}
    out = mask_facts(facts, SALT)
    assert ID18 not in json.dumps(out) and MOBILE not in json.dumps(out) and CARD not in json.dumps(out)
    assert out["item_id"] == facts["item_id"] and out["act_date"] == "2023-03-20"
    assert out["prior_offenses"][0]["date"] == "2022-01-01"


# ------------------------------------------------------------------------------ end to end
CONDUCT = f"当事人:李四,身份证号{ID18},手机{MOBILE},未按照规定期限办理纳税申报,通过银行卡{CARD}补缴"
PRIOR = f"2022年曾未按期申报(联系电话{LANDLINE},旧身份证{ID15})"
SECRETS = [ID18, MOBILE, CARD, ID15, "8212345", "李四"]


@pytest.fixture(scope="module")
def salted_server(tmp_path_factory):
    var = tmp_path_factory.mktemp("var-privacy")
    srv = Server(var, server_env(var, PENALTY_RULES_AUDIT_SALT=SALT, PENALTY_RULES_AUDIT_TIMEOUT="1")).start()
    yield srv
    srv.stop()


def test_stored_and_read_back_masked_decision_on_original(salted_server):
    facts = {"item_id": "cn-tax-2021-6/03", "conduct": CONDUCT, "act_date": "2023-03-20",
             "decision_date": "2023-04-10", "harm": "minor", "corrected": "within_deadline",
             "prior_offenses": [{"conduct": PRIOR, "date": "2022-05-01"}]}
    with salted_server.client("officer") as o, salted_server.client("reviewer") as rv:
        r = o.post("/v1/evaluate", json=facts)
        assert r.status_code == 200, r.text
        did = r.json()["decision_id"]
        # the decision was computed on (and answers with) the original text: the question about the prior quotes it
        assert LANDLINE in r.text or r.json()["outcome"] != "undetermined"
        rec = rv.get(f"/v1/decisions/{did}")
        page = rv.get("/v1/decisions", params={"item": "cn-tax-2021-6/03", "limit": 5})
        replay = rv.post(f"/v1/decisions/{did}/replay", params={"as_of": "2023-04-10"})
    assert rec.status_code == 200 and page.status_code == 200 and replay.status_code == 200
    for text in (rec.text, page.text, replay.text):
        assert not [s for s in SECRETS if s in text], text
    stored = rec.json()["facts"]
    assert stored["conduct"] == (f"当事人:{token('姓名', '李四')},身份证号{token('身份证号', ID18)},"
                                 f"手机{token('手机号', MOBILE)},未按照规定期限办理纳税申报,"
                                 f"通过银行卡{token('银行卡号', CARD)}补缴")
    assert token("电话", "06358212345") in stored["prior_offenses"][0]["conduct"]
    with sqlite3.connect(salted_server.var / "audit.db") as conn:  # the file itself
        raw = conn.execute("SELECT facts FROM decisions WHERE id = ?", (did,)).fetchone()[0]
    assert not [s for s in SECRETS if s in raw]


def test_batch_rows_are_stored_masked(salted_server):
    """The batch path masks its rows in the evaluation pool (not on the event loop): same tokens."""
    facts = {"item_id": "cn-tax-2021-6/03", "conduct": CONDUCT, "act_date": "2023-03-20",
             "decision_date": "2023-04-10", "harm": "minor", "corrected": "within_deadline",
             "prior_offenses": [{"conduct": PRIOR, "date": "2022-05-01"}]}
    with salted_server.client("officer") as o, salted_server.client("reviewer") as rv:
        r = o.post("/v1/evaluate/batch", json={"cases": [facts, facts]})
        assert r.status_code == 200, r.text
        ids = [x["decision"]["decision_id"] for x in r.json()["results"]]
        recs = [rv.get(f"/v1/decisions/{i}") for i in ids]
    assert len(ids) == 2 and all(rec.status_code == 200 for rec in recs)
    for rec in recs:
        assert not [s for s in SECRETS if s in rec.text], rec.text
        assert token("身份证号", ID18) in rec.json()["facts"]["conduct"]
    with sqlite3.connect(salted_server.var / "audit.db") as conn:
        raw = [conn.execute("SELECT facts FROM decisions WHERE id = ?", (i,)).fetchone()[0] for i in ids]
    assert not [s for s in SECRETS for text in raw if s in text]


def test_audit_failure_logs_decision_id_and_error_only(salted_server):
    facts = {"item_id": "cn-tax-2021-6/03", "conduct": CONDUCT, "act_date": "2023-03-20",
             "decision_date": "2023-04-10", "harm": "minor", "corrected": "within_deadline"}
    conn = sqlite3.connect(salted_server.var / "audit.db", isolation_level=None)
    conn.execute("BEGIN EXCLUSIVE")
    try:
        with salted_server.client("officer", timeout=60) as o:
            r = o.post("/v1/evaluate", json=facts)
    finally:
        conn.execute("ROLLBACK")
        conn.close()
    assert r.status_code == 503
    log = salted_server.output()
    assert re.search(r"[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[0-9a-f]{4}-[0-9a-f]{12}", log), log
    assert not [s for s in SECRETS + ["未按照规定期限", "纳税申报", '"conduct"', "parameters"] if s in log], log


def test_service_code_never_logs_facts():
    """Static check: no logging call in service/ passes facts, rows, request bodies or an exception's
    text (which may carry values) as an argument; errors are logged through describe_error / ids."""
    from pathlib import Path

    root = Path(__file__).resolve().parents[2] / "service"
    bare = re.compile(r"(?:^|,)\s*(exc|err|error|e|row|rows|facts|body|raw|payload|params|str\(exc\)|repr\(exc\))"
                      r"\s*(?=,|\)\s*$)|exc_info|stack_info")
    bad = []
    for path in root.rglob("*.py"):
        for n, line in enumerate(path.read_text().splitlines(), 1):
            call = re.search(r"\blog\.(debug|info|warning|error|exception|critical)\((.*)", line)
            if call and (call.group(1) == "exception" or bare.search(call.group(2))):
                bad.append(f"{path.name}:{n}: {line.strip()}")
    assert not bad, "\n".join(bad)
