"""Condition phrases of a published list (适用条件 column) → the project's condition vocabulary.

A small grammar, not one regular expression per phrase:

1. The lexer (`tokenize`) reads the text left to right. At each position it tries the token table:
   punctuation, markers of alternatives (满足其一, 有下列情形之一, (1) …), remarks in brackets,
   outcome clauses (……的, 不予处罚), conjunctions (且 / 并 / 或者 …) and the LEXICON of condition
   words (首次违法, 危害后果轻微, 及时改正, 违法所得不超过 N 元 …). Anything else collects into a TEXT
   token. Conjunctions between two TEXT tokens are glued back (`主动停止建设或恢复原状` stays one
   phrase of the list's own wording: its structure is not guessed).
2. The recursive-descent parser (`Parser`) reads

       text        := alternatives
       alternatives:= bundle ( ALT bundle )*            ALT = [;,] 或 | (n) | 其n | ";" after 之一
       bundle      := clause ( (AND | ; | , | 、) clause )*
       clause      := atom ( OR atom )*                 OR without punctuation binds tightest
       atom        := PHRASE | THRESHOLD | TEXT

   and gives an expression tree, turned into disjunctive normal form (bundles of leaves) for the
   item's `all` / `any_of`.
3. A leaf the lexicon knows becomes a tag or a typed threshold of penalty_rules/data/vocabulary.yaml;
   any other leaf becomes a custom condition with its original wording (flagged for review).
   Remarks in brackets and outcome clauses are kept as remarks, never as conditions.

   A 之一 marker in mid-text splits the text first (`_split_at_any`): `X且Y，并满足其一：A；B` is X, Y
   and one of A, B; `A，或B，或C（三者之一），D` is one of A, B, C, and D. A closing marker parts its
   alternatives at 或, at ； or, with neither, at one kind of 、 / ， — two levels (A，B、C（以上条件之一）) or a
   count (三者 / 两项) that is not the number of parts keep the whole text (structure_unclear); a closing
   marker with no condition before it (符合上述条件之一，…) points outside the text and stays in words.
4. Rules that read a phrase with its context (each tested on the list's own wording in
   tests/importer/test_grammar.py):
   - time windows: `N年内无同类违法(记录)` / `二年内未就该事项被查处` → first_offense, window noted
     (the draft's `first_offense.window_years` only when every 首违 item of the table states the same
     same-kind window — build.py; else the item keeps the wording); `两年内无违法记录` / `一年内未受过
     行政处罚` / `此前无涉烟违法` (any violation, not the same kind) → first_offense AND the wording kept;
     `本次违法前6个月内 / 半年内 (车辆和驾驶人) 无违法记录` → first_offense AND the wording kept as a
     custom condition (`keep_words`): the window is in months and the record is any violation, which
     `first_offense.window_years` cannot say (the bundled traffic lists do the same). `N年内未被发现`
     is the limitation period, not a first offence: not read.
   - deadlines: `(经责令改正 / 收到…通知书后)在规定/责令…期限内 完成/补办/补报/拆除/停止 X` and
     `(责令限期改正后,)按期改正/完成 X` → corrected_within_deadline, the act noted; the act goes on over
     、/并 only into more of the same act (报备, 恢复原状, 验收 …).
   - a shared verb: `主动或限期内改正` → 主动改正 (corrected_voluntarily: on the party's own initiative, not
     necessarily before discovery) or 限期内改正; `立即或限期内改正` → 立即改正 or 限期内改正.
   - the correction verb takes its object and completion (_CORR: 改正违法行为 / 整改到位 / 整改完毕 / 整改完成 are
     改正); the order as the occasion (责令改正后…) may precede a deadline (→ corrected_within_deadline) or 立即 /
     当场 / 自行 (→ corrected_promptly with the words); 及时 / 立即 + the act that corrects (按要求及时退还 / 及时补办
     手续 / 及时办理登记: PROMPT_ACT) → corrected_promptly AND the words; a deadline + such an act (限期内取得许可 /
     30日内补办手续) → corrected_within_deadline / the threshold, the act noted. 停止 / 恢复原状 after 及时 / 立即
     are no correction (stopping is not correcting): in words.
   - corrections: only 及时改正 is corrected_promptly alone; 立即 / 当场 / 自行 改正 → the tag and the
     wording kept (after a deadline too: 7日内自行纠正 → the threshold and the wording); 发现前主动改正 →
     corrected_before_discovery; 主动改正 / 主动纠正 (not after 后: 经责令改正后主动改正 stays in words) →
     corrected_voluntarily; 经责令改正(后)已/及时改正 (no deadline said) is not corrected_within_deadline:
     经责令改正已改正 → corrected_after_order (已改正), 经责令改正后及时改正 → corrected_promptly.
   - a second amount of the same thing with its noun left out, after a threshold (`…10%以下且在5000万元
     以下`, `卷烟…不超过3条(600支)、金额不超过3000元`): quantity from FAMILY by the unit; a bare 金额 with
     no threshold before it is not read. `…3个月内属轻微违法` after a threshold: a classification (remark).
   - `N小时内报告` → report_hours; `锅炉总容量上限N吨/小时`; `pH值在N至M之间` → two bounds.
   Wordings narrower than a tag are never read as it: 未造成交通事故或交通拥堵 / 未造成环境污染 are not
   no_harm — they are their own officer-attested tags (vocabulary kind: attested, as are 以往违法均已处理,
   罚款已缴纳, 车辆状态正常, 承诺不再违法, 采取补救措施消除负面影响, 停止建设或恢复原状 (立即 / 主动 / 发现后 kept in
   words beside it), 施工初期 / 初期建设, 未造成水土流失危害后果, 没有实质性动工建设等危害后果, 未严重损害劳动者权益), read only in those words
   or plain synonyms; 未造成交通事故 alone, 以往交通违法均已处理 (traffic violations only, no list's own sentence:
   the tag asks about every violation) and 经责令改正后 (the occasion, no condition) stay custom. 经责令改正后及时改正 is corrected_promptly (the condition said is
   及时改正); 积极配合查处 is cooperated with the wording kept (查处 is 调查 and 处理).
   Attested tags with more in their words keep the words beside the tag: 书面承诺不再违法 (written);
   承诺不再违规 / 承诺不再实施同类(类似)违法行为 (违规, the same kind: only 承诺(今后 / 以后)不再违法 /
   不再实施违法(行为) / 不再发生违法(行为) is the tag alone); a bare 罚款已缴纳 with no 以往 / 以前 / 既往 and no 以往违法均已处理 before
   it in the sentence (may be this case's fine; 以往违法均已处理、罚款已缴纳 is the tag alone);
   未发生 / 无 交通事故或拥堵 and 未造成事故或拥堵 (none occurred / any accident: only 未造成交通事故或
   交通拥堵 is the tag alone); a time limit before 并采取补救措施消除负面影响 (在规定期限内…并采取…: the
   remedy too within it). A trailing 等 (罚款已缴纳等) or 本次 / 本案 before 罚款已缴纳 (this case's fine,
   not the earlier ones) is not filler there: the words stay custom (conditions.fragment).

5. `_guard` (after the lexer) undoes readings that would make an item more lenient, keeping the
   words (custom) and a review flag in `ParseResult.flags`: a negation before a tag word (非 / 不 / 未 /
   没有 / 无法 / 不能 / 不属于 …) or 的除外 after it (`conditions.negation`); a negated tag word and a
   bare noun joined by 和 / 及 / 以及 / 与 (未造成环境污染和人员伤亡: neither, `conditions.negation`); words
   after a tag word and 或 with no subject of their own (以往违法已处理或正在处理, `conditions.fragment`);
   words qualifying a tag word
   (社会影响轻微, 积极配合整改: `conditions.fragment`; 违法行为显著轻微 / 情节特别轻微 are a degree of 轻微:
   minor_violation AND the words, KEEP_WORDS); a 、 list under a shared 不存在 / 未
   or ending in 除外 / 以外 (`conditions.exclusion`); a bracket naming a condition (`conditions.bracket`;
   (不含N) / (含N) after a threshold set its bound); 且 … 或 with no punctuation
   (`conditions.structure_unclear`); an exclusion without 除外 (…的，(依法 / 应当 / 从重 …)处罚 / 查处 /
   不适用本清单 / 处…罚款 / 按一般程序处理) or after a heading ending in 除外 / 不适用 (to the end of the
   sentence, over a line break only into a numbered line), kept whole (`conditions.exclusion`) — a custom in
   `all` whose note (EXCEPT_NOTE) tells the reviewer to rewrite it (e.g. negated) before publishing; a
   bracket restricting the item (限 / 仅 / 指, N日内, 期限内, …的除外 / 以外 / 适用, …的), not an editor's
   bracket (页面截断的 / 详见附件) — but a bracket naming the list's general rule (清单总则: / 总条件为 / 一般条件：)
   whose words are plain conditions that all hold (no 或, exclusion, unknown words) is read: its conditions are
   the item's too, noted (`_general_rule_bracket`); one bound after a chain of nouns (违法所得、货值金额和罚款不超过N元,
   `conditions.fragment`); a condition after a punctuated 或 clause behind the same punctuation (A，或B，C),
   or behind a stronger one the parser does not resolve (A、或B，C / A；或B。C), checked per alternative,
   and outcome tiers (X的不予处罚，Y的减轻处罚): the whole text (`conditions.structure_unclear`); also
   A；或者B，C / A。或者B，C with no 之一 marker before (C with B only or with both: `_comma_clause_after`).
   A k-of-n marker (满足其中两项 …, `KOFN`): every part kept — all of them, stricter than the wording (the model
   has no k-of-n form) — flagged `conditions.k_of_n`, the note naming k; a count right after one condition
   (采取整改措施（至少两项）) stays in that condition's words. A bracket or heading naming the party
   (对小微企业 / 适用于… / 个体工商户 / (自然人) / 单位：: `PARTY`, `PARTY_NOUN`) is a condition in words
   (`conditions.party`), never a remark; conditions tiered by party (对小微企业：A；对其他企业：B) are kept whole.
   Outcome clauses (…的，依法不予处罚; 从轻或者减轻处罚 one range) are remarks, listed in `ParseResult.outcomes`:
   build.py flags one — or a heading / moved text naming an outcome — that names another outcome than the
   row's (`conditions.outcome_mismatch`). 依法…处罚 is an outcome only after 的 or as a whole last clause:
   未被依法不予处罚过 / 其他依法从轻处罚情形 are words of a condition.
   Numbered conditions (1)(2) are alternatives only under a 之一 /
   其一 / 任一 marker, all of them under 同时 / 下列条件, and kept whole (structure_unclear) with no
   marker — unless every numbered part states both the harm and the correction (其一:…及时自行改正…、无危害后果;
   其二:初次违法、危害轻微并及时改正, the shape of 行政处罚法第三十三条第一款's two grounds; a list of conditions that
   all hold states each once), with nothing before the first number and no 。 then more words after a part: then
   they are alternative cases, flagged `conditions.numbered_cases` with a note for the reviewer (`_numbered_cases`).
   Labels: (1) / 其一: / 1. and the Latin forms （a） / a. / I. / II、 (only at a clause start, no letter or digit
   after them: 维生素A. is no label). 。 or a 且 / 并 after punctuation closes the alternatives of a 之一 marker. Measures and
   labels (以警示教育代替行政处罚, 不得选择性适用, 未整改处…罚款, 处理措施：… up to ；/ a line break / a comma not
   followed by 并) go to the note (`ParseResult.moved`, counted
   as not parsed), flagged `conditions.moved_to_note` — never a clause holding a condition word
   (初次违法并接受行政指导: the condition is read, the rest kept in words).

Nothing is guessed: no threshold or quantity that the vocabulary does not have is created, and a
phrase the lexicon does not know as a whole stays in words.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal
from itertools import product

from penalty_rules.model.numerals import parse_zh_number
from penalty_rules.model.vocabulary import VOCABULARY

MAX_BUNDLES = 8  # a DNF larger than this is kept as the list's wording (custom), not expanded

# -- numbers --------------------------------------------------------------------------------------
ZH_NUM = "零〇一二两三四五六七八九十百千"
NUM = rf"(?:\d{{1,3}}(?:,\d{{3}})+(?:\.\d+)?|\d+(?:\.\d+)?|[{ZH_NUM}]+)"


def number(text: str) -> float:
    """'5' → 5, '0.1' → 0.1, '两' → 2, '五十' → 50; '5000万' is handled by the unit (万)."""
    text = text.replace(",", "") if re.fullmatch(r"\d{1,3}(?:,\d{3})+(?:\.\d+)?", text) else text
    if re.fullmatch(r"\d+(?:\.\d+)?", text):
        return float(text)
    return float(parse_zh_number(text))


# -- lexicon: condition words (the grammar's terminals) ---------------------------------------------
# Each entry: (regex, tag). The regexes are whole-phrase alternatives of one condition; they are
# tried longest first at each position. Taken over from tools/import_reference.py (OTHER_TO_TAG) where
# that converter had already judged a wording, and from the vocabulary's own Chinese labels.
_AGENCY = r"(?:税务机关|行政机关|执法机关|执法部门|监管部门)?"
# who investigates (积极配合执法人员调查): the same cooperation whoever is named
_INVESTIGATOR = r"(?:行政机关|执法机关|执法部门|执法人员|办案人员|调查人员|税务机关|监管部门)?"
# acts that correct, named after 及时 / 立即 (及时补办手续 / 按要求及时退还) or after a deadline (期限内取得许可)
_PROMPT_VERBS = "补办|补报|补正|补登|补缴|办理|返还|退还|退回|取得"
PROMPT_ACT = rf"(?:{_PROMPT_VERBS})"
_PROMPT_OBJ = r"[^;；。,，、()（）“”并且或和及无未不没]"
_FIRST = r"(?:首次|初次|首违|第一次)"
# The correction verb and what completes it: 改正 / 纠正 / 整改 (违法行为) (到位 / 完毕 / 完成) / 完成整改 — written
# with the longer forms reachable (a regex alternation takes the first that matches: 改正|改正违法行为 never
# reached the second, and 改正违法行为 / 整改到位 / 整改完毕 were cut to a fragment)
_CORR = r"(?:完成整改|(?:改正|纠正|整改)(?:违法行为)?(?:到位|完毕|完成)?)"
# The order to correct, or another act of the officers, as the occasion (经责令改正后 / 责令限期整改后, / 经执法人员
# 指出后 / 经批评教育后 / 被发现后): no condition of its own — the condition is the correction said after it
_ORDER_THEN = (r"(?:(?:经|在)?(?:执法人员|行政机关|执法机关|执法部门)?(?:责令(?:限期)?(?:改正|整改)?|指出|提醒|告知|批评教育"
               r"|教育|警示|约谈|提示|被?发现|现场检查|检查)(?:后|以后)[，,]?(?:能够?)?)")
LEXICON: list[tuple[str, str]] = [
    # first offence (window words before it are read by WINDOW below)
    # 首次违反本规定 / 首次违反《…》的规定: the first breach of the rule the item is about (first: an alternation
    # takes the first branch that matches, and 首次违反 alone is one)
    (rf"(?:属|系|为|是)?{_FIRST}违反[^，,；;。、()（）]{{0,14}}?(?:规定|条例|办法|规范|要求)(?:的)?(?=$|[，,；;。、且并及和或（(])"
     rf"|(?:属|系|为|是)?{_FIRST}(?:(?:发生|实施)?(?:违法|违规)(?:行为)?|违反|被发现|发现(?:该违规行为|该违法行为)?|发生|实施|被查处)(?:的)?"
     r"|(?:属于?)?首违|此前(?:无|没有|未有)同类(?:违法|违规)(?:记录|行为)?", "first_offense"),
    # harm
    # 此前无涉烟违法 (no window, any kind named): first_offense with the wording kept (KEEP_WORDS)
    (r"此前(?:无|没有|未有)(?:涉烟|相关|其他)?(?:违法|违规)(?:记录|行为)?", "first_offense"),
    (r"(?:违法行为的?|违法)?(?:危害后果|危害结果|危害|后果)(?:轻微|较轻|较小)", "minor_harm"),
    (r"(?:尚|均|也|并)?(?:没有|未|无|不)(?:造成|产生|发生)?(?:其他)?(?:任何)?(?:危害后果|危害结果|社会危害后果|不良后果)"
     r"|(?:没有|未|无)(?:造成|产生|发生)?(?:其他)?(?:任何)?危害(?!公共|国家|社会|他人|人体|健康|安全)", "no_harm"),
    # correction
    (rf"{_AGENCY}发现(?:违法行为)?(?:之)?前(?:已)?主动{_CORR}", "corrected_before_discovery"),
    (rf"{_ORDER_THEN}?(?:在|于)?{_AGENCY}(?:《[^》]{{1,20}}》)?(?:责令(?:限期)?改正|责令(?:限期)?整改|责令|规定|限定|要求|整改|限期)?(?:的)?(?:期限|时限|期间|限期)(?:内|之内)"
     rf"(?:已|及时)?(?:予以)?{_CORR}"
     rf"|(?:在|于)?限期(?:内|之内){_CORR}|按期(?:改正|整改|完成整改)"
     # 在规定时间内改正 / 在责令改正的时间内改正: 时间 with the words that make it a time set (not 短时间内)
     rf"|{_ORDER_THEN}?(?:在|于)?{_AGENCY}(?:责令(?:限期)?(?:改正|整改)|规定|限定|要求)(?:的)?时间(?:内|之内)(?:已|及时)?(?:予以)?{_CORR}"
     r"|(?:认真|及时)?整改并(?:在|于)(?:规定|责令改正|限定)(?:的)?(?:期限|时限)(?:内|之内)完成(?:整改)?(?=$|[，,；;。])"
     r"|(?:经|在)?(?:执法人员|行政机关|执法机关)?责令限期(?:改正|整改)(?:后|以后)(?:在期限内|按期)(?:改正|纠正|整改)",
     "corrected_within_deadline"),
    # 主动改正: on the party's own initiative (no order), before or after discovery — corrected_voluntarily, not
    # corrected_before_discovery (发现前 not said). Not after an order (经责令改正后主动改正: in words, see _guard)
    (rf"(?<!后)主动(?:予以)?{_CORR}(?:的)?", "corrected_voluntarily"),
    # 经责令改正(后)已改正: the order is the occasion, the condition is 已改正 (no deadline said: not
    # corrected_within_deadline, wider in words) — corrected_after_order
    (r"(?:经|在)?(?:执法人员|行政机关|执法机关|执法部门)?责令(?:限期)?(?:改正|整改)(?:后|以后)?[，,]?(?:已|已经)(?:改正|纠正|整改)(?:到位|完毕)?(?:的)?",
     "corrected_after_order"),
    # 经责令(改正)后及时改正: the order is the occasion, the condition is 及时改正 (no deadline said)
    (rf"{_ORDER_THEN}?及时(?:予以)?{_CORR}(?:的)?", "corrected_promptly"),
    # 立即 / 当场 / 自行 改正: narrower or other than 及时 — the tag is written and the wording kept (KEEP_WORDS)
    (rf"{_ORDER_THEN}?(?:立即|自行|自觉|当场|立即自行|及时自行)(?:予以)?{_CORR}(?:的)?", "corrected_promptly"),
    # (按要求)及时 / 立即 补办手续 / 退还 / 办理登记 …: the correction is the act named — the tag and the wording
    # (KEEP_WORDS: PROMPT_ACT). Not 停止 / 恢复原状 (stopping is not correcting; 立即停止建设或恢复原状 stays in words)
    (rf"(?:按要求|按照要求)?(?:及时|立即|当场)(?:予以)?{PROMPT_ACT}{_PROMPT_OBJ}{{0,10}}", "corrected_promptly"),
    # gains
    (r"(?:没有|无|未(?:获得|产生|取得)?|不存在)(?:违法所得)", "no_illegal_gains"),
    # fault
    (r"(?:当事人)?(?:有证据足以|能够?|可以)?(?:提供证据)?证明(?:其|自己)?(?:没有|无|不存在)(?:主观)?过错"
     r"|(?:当事人)?(?:有证据足以|能够?|可以)?证明(?:其|自己)?(?:对)?[^，,；;。、()（）且并和或]{1,12}?(?:没有|无|不存在)主观过错"
     r"|主观(?:上)?(?:无|没有)过错|无主观过错|没有主观过错", "no_subjective_fault"),
    # minor violation (OTHER_TO_TAG of tools/import_reference.py; 显著轻微 noted there too)
    # 违法行为显著轻微 / 情节特别轻微: a degree of 轻微 — the tag holds whenever the words do; the words say more
    # (显著 / 特别): kept beside the tag (KEEP_WORDS)
    (r"(?:违法行为|违法情节|违法|情节|违规行为)(?:显著|特别)?轻微(?!违法)|轻微违法(?:行为)?"
     # a bare 轻微 only as a clause of its own (总条件为轻微、及时改正…), never qualifying words before it
     r"|(?<![^，,、；;：:。为或])轻微(?=并|且|、|，|,|；|;|及时)", "minor_violation"),
    (r"违法行为及(?:其)?危害后果(?:均)?轻微", "minor_violation+minor_harm"),
    # art. 32 grounds
    (rf"积极配合{_INVESTIGATOR}(?:调查|检查调查|检查、调查"
     # 积极配合查处: the investigation and its handling — the tag plus the wording (KEEP_WORDS);
     # 配合查处有立功表现 is meritorious, not this
     r"|查处(?:工作)?(?![^，,；;。]*立功))(?:的)?", "cooperated"),
    (r"主动(?:消除|减轻)(?:或者?|、)?(?:减轻|消除)?(?:违法行为)?(?:的)?危害后果", "eliminated_harm"),
    (r"受(?:他人)?胁迫(?:或者?|、)诱骗(?:实施违法行为)?", "coerced_or_deceived"),
    (r"受(?:他人)?胁迫(?:实施违法行为)?", "coerced"),
    (r"主动供述(?:行政机关)?(?:尚未掌握的)?(?:违法行为)?", "confessed"),
    (r"(?:配合(?:行政机关)?查处(?:违法行为)?)?有立功表现", "meritorious"),
    # conditions the officer attests (vocabulary kind: attested): the lists' recurring wordings, with
    # plain synonyms only (违法 / 违法行为, 缴纳 / 缴清, 事故 or 拥堵 in either order)
    (r"(?:以往|以前|既往)(?:的)?违法(?:行为|记录)?(?:均|都|全部)?已(?:经)?(?:被)?处理(?:完毕)?",
     "prior_violations_handled"),
    # a bare 罚款已缴纳 with no 以往 context may be this case's fine: the tag and the words (FINES_PRIOR)
    (r"(?:(?:以往|以前|既往)(?:违法)?(?:的)?)?罚款(?:均|都|全部)?已(?:经)?(?:缴纳|缴清|交纳|缴交|缴付)(?:完毕)?", "fines_paid"),
    (r"(?:涉案)?(?:机动)?车辆(?:的)?状态(?:均)?正常", "vehicle_status_normal"),
    # neither an accident nor congestion (未造成交通事故 alone, or …等危害后果, says another thing)
    # (only 未/没有 造成/导致 交通事故 … is the tag alone; 发生 / 无 / a bare 事故 say other or more: the tag
    # is written and the wording kept, see TRAFFIC_STRICT)
    (r"(?:尚|均|并)?(?:未|没有|无)(?:造成|发生|导致)?(?:道路)?(?:交通)?事故(?:或者?|、|和|及)(?:造成|发生|导致)?(?:道路)?(?:交通)?拥堵"
     r"|(?:尚|均|并)?(?:未|没有|无)(?:造成|发生|导致)?(?:道路)?(?:交通)?拥堵(?:或者?|、|和|及)(?:造成|发生|导致)?(?:道路)?(?:交通)?事故",
     "no_traffic_accident_or_congestion"),
    # 环境 said: a bare 污染 may be another thing in another list (食品污染 is contamination)
    (r"(?:尚|均|并)?(?:未|没有)(?:造成|产生|导致)(?:生态)?环境污染(?:后果)?", "no_environmental_pollution"),
    (r"(?:书面)?承诺(?:今后|以后)?不再(?:违法|违规|(?:发生|实施)(?:同类|类似)?违法(?:违规)?(?:行为)?)", "promised_no_repeat"),
    # 水土流失 said: only that harm (no_harm is any harm — wider words are never read as it)
    (r"(?:尚|均|并)?(?:未|没有)(?:造成|产生|导致)水土流失(?:的)?危害后果", "no_soil_erosion_harm"),
    # 停止建设(停建)或恢复原状, with the occasion and adverb the lists put before it (发现后 / 现场检查后 / 企业 /
    # 立即 / 主动): those keep the words beside the tag (STOP_EXACT)
    (r"(?:(?:被)?发现后|现场检查后)?(?:企业)?(?:立即|主动)?(?:停止建设|停建)(?:或者?|、)恢复原状", "stopped_construction_or_restored"),
    (r"施工初期|初期建设", "early_construction_stage"),
    # the lists' words, 等 included (the tag restates them; no_harm is another, wider condition)
    (r"(?:没有|未)(?:造成)?实质性动工建设等危害后果", "no_substantive_construction_harm"),
    # 严重 and 劳动者权益 said: neither no_harm nor minor_harm
    (r"(?:尚|均|并)?(?:未|没有)(?:对劳动者权益造成严重损害|严重损害劳动者(?:的)?(?:合法)?权益)", "no_serious_harm_to_workers"),
    # not 主动 / 积极 采取…: the tag does not say on whose initiative (such a word before it keeps the words)
    (r"采取(?:了)?补救措施(?:并)?(?:已)?消除(?:了)?(?:不良|负面)影响", "remedied_negative_effects"),
]

# Quantities (vocabulary names) by the words a list uses for them; units convert to the quantity's.
QUANTITY_WORDS: list[tuple[str, str]] = [
    (r"违法所得(?:金额|数额)?", "illegal_gains"),
    (r"(?:涉案)?货值(?:金额)?", "goods_value_yuan"),
    (r"(?:应处|拟处|依法应处)?罚款(?:额|数额|金额)?", "fine_amount_yuan"),
    (r"违法数额|涉案金额", "illegal_amount_yuan"),
    (r"涉及(?:劳动者|职工|员工)(?:人数)?", "affected_workers"),
    (r"收取物品(?:涉及)?(?:劳动者)?", "workers_items_taken"),
    (r"人均收取(?:金额)?|向每名劳动者收取(?:金额)?", "amount_per_worker_yuan"),
    (r"违法数额占应报数(?:额)?(?:的)?(?:比例)?", "illegal_amount_ratio_pct"),
    (r"卷烟(?:、)?(?:雪茄烟?)?|雪茄烟?", "cigarettes_cartons"),
    (r"烟叶(?:、)?烟丝(?:、)?(?:复烤烟叶)?", "leaf_or_cut_tobacco_kg"),
    (r"涉及(?:人员|人数)|涉及(?=\d)", "affected_persons"),
    (r"逾期(?:时间)?", "overdue"),
    (r"(?:违法行为|违法)?(?:持续|存续)(?:时间)?|违规存续(?:时间)?", "violation_duration_months"),
    (r"超载|超过核定载质量", "overload_pct"),
    (r"超速|超过规定时速", "overspeed_pct"),
    (r"超标倍数", "exceedance_multiple"),
    (r"噪声超标", "noise_exceedance_db"),
    (r"(?:年产生或贮存)?危险废物(?:量)?", "hazardous_waste_t_per_year"),
    (r"收购烟叶", "tobacco_leaf_kg"),
    (r"锅炉(?:总)?容量", "boiler_capacity_t_per_h"),
]
UNIT = r"(?:吨/小时|万元|千元|元|名|人|个工作日|工作日|个月|月|日|天|小时|吨|公斤|千克|%|倍|分贝|条|支)"
CMP_PRE = r"(?:不超过|未超过|不高于|不多于|不足|未满|不满|低于|少于|小于|上限(?:为)?|在)"
CMP_POST = r"(?:以下|以内|及以下|之内|内)"
_PRE_OP = {"不足": "lt", "未满": "lt", "不满": "lt", "低于": "lt", "少于": "lt", "小于": "lt"}

# Deadlines to correct: 责令改正后5个工作日内完成备案 / 自现场检查之日起3个月内完成验收 / 7日内自行纠正.
DEADLINE = re.compile(
    rf"(?:自|在|于)?(?P<start>责令改正|责令整改|责令限期改正|现场检查|检查|被发现|发现)?(?:之日)?(?:后|起)?"
    rf"(?P<n>{NUM})(?P<unit>个工作日|工作日|日|天|个月)(?:内|之内)"
    rf"(?P<act>(?:及时)?(?:自行)?(?:按要求)?(?:完成(?:备案|验收|审批|补办)[^，,；;。、()（）“”]{{0,12}}|{_CORR}"
    # 30日内补办手续 / 10日内退还: the act named is the correction (noted)
    rf"|{PROMPT_ACT}{_PROMPT_OBJ}{{0,10}}))"
)
# 24小时内报告: time taken to report (vocabulary quantity report_hours).
REPORT = re.compile(rf"(?P<n>{NUM})小时(?:内|之内|以内)报告")
DEADLINE_QUANTITY = {"个工作日": "correction_workdays", "工作日": "correction_workdays", "日": "correction_days",
                     "天": "correction_days", "个月": "correction_months"}

# 两年内 / 一年内 / 二年内 before a first-offence word, or 两年内无同类违法(记录) / 未被查处 / 无同类违法.
# (N年内未被发现 is the limitation period of 行政处罚法第三十六条, not a first offence: not read here.)
WINDOW = re.compile(
    rf"(?:本次违法)?前?(?P<n>{NUM})年(?:内|以内|之内)(?P<tail>(?:未|没有|无)(?:就该事项|因同类违法行为|因)?(?:同类|相同|同一)?"
    r"(?:违法(?:行为)?|违规)?(?:记录|被查处|查处|被处罚|受到?(?:过)?(?:行政)?处罚)(?:记录)?(?:的)?"
    # 三年内未发生同类违法行为 / 两年内无违法行为 (any kind: the words kept, see _match_window)
    r"|(?:未|没有|无)(?:发生|有|存在|出现)?(?:过)?(?:同类|相同|同一)?(?:违法(?:行为)?|违规(?:行为)?)(?!所得)(?:的)?)?"
)
# 本次违法前6个月内 / 半年内 (车辆和驾驶人) 无违法记录 (traffic lists): first_offense, but the window is in
# months (first_offense.window_years cannot say it) and the record is any violation, not only the same
# kind: the tag is written AND the wording is kept as a custom condition (as the bundled traffic lists do).
MONTH_WINDOW = re.compile(
    rf"(?:本次违法)?前?(?P<w>{NUM}个月|半年)(?:内|以内|之内)(?P<who>车辆和驾驶人|驾驶人和车辆|车辆|驾驶人)?"
    r"(?:无|没有|未有)(?P<kind>同类)?(?:交通)?(?:违法(?:行为)?记录|违法行为)"
)

CONJ_AND = r"并且|而且|并|且|同时|以及|及(?!时)|和"
CONJ_OR = r"或者|或是|或"
# Alternatives announced in words (满足其一 …): a ; after them separates alternatives.
# 存在下列情形之一 is 有下列情形之一 (only before 下列 / 以下)
_ANY_OPEN = (r"(?:并|且)?(?:(?:满足|符合|具备|具有|有)(?:下列|以下)?|存在(?:下列|以下)|下列|以下)(?:情形|条件)?(?:其中)?"
             r"(?:之一|其一|任一|任意一项)(?:即可)?")
ANY_MARK = re.compile(
    r"[（(](?:满足|符合|具备)?(?:以上|上述|前述)?(?:[一二三四五两2-5]项)?(?:条件|情形)?(?:其一|之一|任一|三者之一|两者之一|二者之一)(?:即可)?[）)][:：]?"
    # A、B、C三项条件之一 / 以上条件之一 after the conditions: closes them (as the bracketed form)
    r"|(?:满足|符合|具备)?(?:(?:以上|上述|前述)(?:[一二三四五两2-5]项)?|[一二三四五两2-5]项)(?:条件|情形)(?:其一|之一|任一)(?:即可)?(?=$|[。；;，,])"
    # 有下列情形之一： / 满足下列条件之一的，不予处罚：: the outcome after a comma is part of the marker
    rf"|{_ANY_OPEN}(?:[^:：;；，,]{{0,12}}?[:：]"
    r"|(?:的)?[，,](?:可以|可|依法|应当|应|均|一律)?(?:不予|免予|从轻|减轻|从轻或者减轻|从轻或减轻)(?:行政)?处罚[:：])"
)
# Latin labels (（a） / a. / I. / II、) only where a label can stand — at the start or after punctuation, a space or a
# bracket — and with no letter or digit after them (维生素A. / pH / COD are no labels)
_LATIN_LABEL = (r"(?<![^\s：:；;，,。、（()）])(?:[（(][a-zA-Z][）)]|[a-zA-Z][.．](?![A-Za-z0-9])"
                r"|(?:VIII|VII|VI|IV|IX|V|X|III|II|I)[.．、](?![A-Za-z0-9]))")
ENUM = re.compile(r"[（(][1-9一二三四五六七八九][）)]|其[一二三四五六七八九][:：]|[1-9][.．、](?!\d)|" + _LATIN_LABEL)
# Outcome clauses: the consequence, not a condition (……的, 可以不予处罚 / 免予警告和罚款 / 从轻处罚).
OUTCOME = re.compile(
    r"的[:：][^;；。]*|只?教育不处罚|(?:的)?[，,]?(?:依法|可以|可|应当|应|均|即可|一律)*(?:予以)?(?:只给予警告|以警告代替[^;；。]*|免予[^;；。()（）]{0,12}|不予(?:行政)?处罚|免于[^;；。()（）]{0,12}"
    r"|从轻(?:或者|或|、)减轻(?:行政)?处罚|从轻(?:行政)?处罚|减轻(?:行政)?处罚|不罚款[^;；。]{0,10})"
)
HEADING = re.compile(r"(?P<h>[^:：;；,，。()（）]{1,16})[:：]")
# 危害后果：轻微 / 轻微的，… / 轻微（…） / 轻微或者… (a heading and a bare 轻微 after it): the heading says what is minor
HEADED_MINOR = re.compile(r"(?:较为|较)?轻微(?:的)?(?=$|[，,；;。、（(]|或|并|且|及时)")
HARM_HEADING = re.compile(r"(?:违法行为的?)?(?:危害后果|危害结果|后果|危害)")
VIOLATION_HEADING = re.compile(r"违法行为|违法情节|情节|违规行为")  # the lexicon's own X轻微 → minor_violation
# The kind of list named in front of its conditions (首违不罚: …): a label, not a condition.
LABEL = re.compile(r"(?:首违|轻微|初次)(?:不罚|免罚|轻罚|不予处罚|免予处罚)(?:清单|事项|情形|类)?[:：,，]?|(?:不予处罚|免予处罚|免罚|从轻处罚|减轻处罚)情形[:：]?"
                   r"|(?:适用|总|一般|通用|基本)条件(?:为|是)[:：]?"
                   # 从轻条件： / 不予处罚条件： / 一般条件：: the kind of the conditions that follow, with a colon
                   r"|(?:从轻|减轻|从轻或者?减轻|不予处罚|免予处罚|免罚|不罚|轻罚)(?:处罚)?(?:的)?(?:适用)?条件[:：]"
                   r"|(?:适用|总|一般|通用|基本)条件[:：]")
# Words before a label that only name the list (该清单一般条件：/ 本清单从轻条件：): the label's own
LABEL_LEAD = re.compile(r"(?:该|本|此)?(?:清单|基准|目录)(?:的)?")
# "X的, 不认定为Y": a definition by exclusion, not a condition (kept as a remark for review).
EXCLUSION = re.compile(r"[^;；。]*的[，,]?不(?:认定|视|属于?)为[^;；。]*")
# A clause that says when the item does NOT apply, without 除外 (造成危害后果的，依法处罚 / …的，不适用本清单 /
# 逾期不改正的，处1000元罚款 / 两年内再次违法的，从重处罚): an exclusion, not a condition of the item. It is
# kept whole in the list's words as a custom condition — which sits in `all` like any other: answered "holds",
# it would make the item apply to the very cases the list excludes — flagged conditions.exclusion, with
# EXCEPT_NOTE in the item's note: the reviewer must rewrite it (e.g. as a negated condition) before
# publishing. 不予 / 从轻 / 减轻 处罚 are outcomes.
_MUST = r"(?:仍|应当|应予|应|须|依法|予以|给予|从重|可以|可|并)"  # 依法从重 / 应当给予 / 仍应 / 可以 …
EXCEPT_CLAUSE = re.compile(
    rf"[^;；。，,:：()（）]*?的[，,]?{_MUST}+(?:行政)?(?:处罚|查处)(?=$|[;；。，,])"
    r"|[^;；。，,:：()（）]*?的[，,]?(?:依法)?按(?:照)?一般程序(?:处理|办理|查处)(?=$|[;；。，,])"
    # 处…罚款 after a comma or a modal (的，处1000元罚款 / 的依法处以罚款), or with an amount (的处1000元罚款):
    # not 的处罚款项 / 的处置 (a noun, no clause)
    rf"|[^;；。，,:：()（）]*?的(?:[，,]{_MUST}*|{_MUST}+)处以?(?!置)[^;；。，,()（）]*?罚款[^;；。，,()（）]*"
    rf"|[^;；。，,:：()（）]*?的处以?(?:人民币)?{NUM}[^;；。，,()（）]*?罚款[^;；。，,()（）]*"
    r"|[^;；。，,:：()（）]*?的[，,]?(?:不适用|不予适用|不再适用)[^;；。，,:：()（）]*(?=$|[;；。，,])"
)
# A heading ending in 除外 / 不适用 (有下列情形之一的，不适用： / 但有下列情形除外：): what follows it, to the end
# of the sentence, lists exclusions — kept whole with the heading (custom), flagged conditions.exclusion.
EXCEPT_HEAD = re.compile(r"[^;；。:：，,()（）]*?(?:的[，,]?)?(?:除外|不适用|不予适用)[^;；。:：，,()（）]{0,6}[:：][^。]*")
EXCEPT_PREFIX = "排除情形(不是适用条件)"
EXCEPT_NOTE = (EXCEPT_PREFIX + ": 暂按原文作为自定义条件保留, 发布前审核人须改写(例如写成否定的条件)或删除;"
               " 不改写时对此条答“符合”会使本条目适用于清单排除的情形")
EXCLUSION_REMARK_NOTE = EXCEPT_PREFIX + ", 须人工核对"  # X的，不认定为Y (no condition word): a remark
# A clause about the source rather than the case (页面截断, 新闻转述 …): the editor's remark, not a
# condition. Kept as a remark (listed in the report and the item's note), never as a condition.
EDITORIAL = re.compile(
    r"(?![（(“])[^;；。,，()（）“”]*(?:页面[^;；。,，()（）“”]*另提|截断|摘录|转载(?=页|自|稿|网页|文章|推测)|据转载|转述|照录|推测|未核实|未显示|原文其后)[^;；。,，()（）“”]*"
)
# 从轻后的裁量幅度:限期补种…,并处…罚款: a heading naming the measure or range — what follows it is the measure
# (kept in the note), never a condition or an alternative of a 之一 list. It ends at ；/; /。/ a line break and at
# a comma unless the next clause starts with 并 (，并处…): 处理措施：责令改正；限个体工商户 keeps 限个体工商户.
MEASURE_HEAD = re.compile(r"[^;；。:：，,()（）]*(?:裁量幅度|处罚幅度|处理措施|处罚措施|配套措施)(?:为)?[:：]"
                          r"[^;；。，,\n]*")
# After a comma the measure goes on (处1000元以上，5000元以下罚款 / 责令改正，逾期不改正的，处1000元罚款 / 警告，
# 或者处500元以下罚款) unless the next clause holds a condition word or a restriction (限 / 仅 / 当事人 / 适用):
# 处理措施：批评教育，没有违法所得 / 责令改正，限个体工商户 end the measure; ，并处… / ，并责令… always go on
MEASURE_MORE = re.compile(r"[，,](?P<c>[^;；。，,\n]*)")
MEASURE_GOES_ON = re.compile(r"并处|并责令")
MEASURE_STOP = re.compile(r"(?<![期时])限(?![期时])|仅|当事人|适用")
# Measures, outcomes and labels written in the conditions cell (以警示教育代替行政处罚, 不得选择性适用,
# 未整改处1万元罚款 …): not conditions — kept verbatim in the item's note, flagged.
MEASURE = re.compile(
    r"[^;；。,，()（）“”]*(?:代替(?:行政)?处罚|选择性适用|必须适用|(?:未|逾期未|拒不)(?:整改|改正)(?:的)?[，,]?处[^;；。]*?罚款"
    r"|预警提示|行政指导|双随机|清单类型|免罚类型|类型为|征求意见稿|免除其他处罚|没收[^;；。,，]*)"
    r"[^;；。,，()（）“”]*(?=$|[;；。,，])"
    r"|(?:不罚|免罚|轻罚|不予处罚|免予处罚)(?=$|[;；。,，])"
)
# 在规定期限内完成清理 / 在责令改正期限内按要求完成自主验收并报备 / 期限内拆除违法建筑物 /
# 经责令改正在限定期限内完成检测 / 收到责令限期办理通知书后在规定时限内完成整改: corrected within the
# deadline, the act named (kept in the item's note). The act is one corrective verb (ACT_VERB) and its
# object; it goes on over 、/并 only into more of the same act (ACT_MORE), never into another condition.
_ORDERED = r"(?:经责令(?:限期)?(?:改正|整改)(?:后)?|(?:单位)?收到《?责令[^，,；;。《》]{0,12}通知书》?后)"
ACT_VERB = rf"(?:完成|拆除|停止|{_PROMPT_VERBS})"
_ACT_OBJ = r"[^;；。,，、()（）“”并且]"
DEADLINE_ACT = re.compile(
    rf"{_ORDERED}?(?:在|于)?{_AGENCY}(?:《[^》]{{1,20}}》)?(?:责令(?:限期)?(?:改正|整改|补办{_ACT_OBJ}{{1,8}}?)|规定|限定|要求)?(?:的)?"
    rf"(?:期限|时限|限期)(?:内|之内)(?:按要求)?(?:已|及时)?(?P<act>{ACT_VERB}{_ACT_OBJ}{{0,14}})"
)
ACT_MORE = re.compile(rf"(?:并|、)(?:报备|备案|恢复原状|验收|审批|登记|构筑物|公开{_ACT_OBJ}{{0,8}}|完成{_ACT_OBJ}{{0,8}})")
# (责令限期改正后,) 能按期改正违法建设部分 / 责令改正后按期完成验收: corrected by the deadline set
# (按期完成 / 补办 only after the order: alone, 按期 may mean "as usual", not the deadline to correct).
BY_DUE = re.compile(
    rf"责令(?:限期)?(?:改正|整改)后[，,]?(?:能够?)?按期(?P<act>(?:改正|整改|完成|补办){_ACT_OBJ}{{0,14}})"
    rf"|(?:能够?)?按期(?P<act2>(?:改正|整改){_ACT_OBJ}{{0,14}})"
)
# A second amount of the same thing, its noun left out (卷烟不超过3条(600支)、金额不超过3000元 /
# 违法数额占应报数10%以下且在5000万元以下): the quantity follows from the one before and the unit.
FAMILY = {
    "illegal_amount_ratio_pct": {"元": ("illegal_amount_yuan", None)},
    "cigarettes_cartons": {"元": ("cigarettes_value_yuan", None), "支": ("cigarettes_sticks", None)},
    "tobacco_leaf_kg": {"元": ("illegal_amount_yuan", "金额指收购烟叶的金额(涉案金额)")},
}
ELLIPTIC = re.compile(
    rf"(?:金额|数额)?(?:的)?(?:在|为)?(?P<cmp>{CMP_PRE})?(?:人民币)?(?P<n>{NUM})(?P<unit>{UNIT})(?P<post>{CMP_POST})?"
)
ELLIPTIC_BRACKET = re.compile(rf"[（(](?P<n>{NUM})(?P<unit>支|元|万元)[）)]")
# 违规存续3个月内属轻微违法: right after a threshold, the list says what the threshold is (the minor
# case); a classification, not one more condition (kept as a remark).
CLASSIFY = re.compile(r"(?:即)?(?:属于?|为|系)轻微违法(?:行为)?")
# pH值在5至10之间: one phrase, two bounds.
RANGE = re.compile(rf"pH值?(?:在|为)?(?P<a>{NUM})(?:至|到|~|～|-|－)(?P<b>{NUM})(?:之间)?")
REMARK = re.compile(r"[（(][^（）()]*[）)]|“[^”]*”")
# k of n (满足其中两项 / 具备下列条件中的两项 / 符合以下任意两项 / (满足其中两项) / 以上条件满足两项即可 / 三项中至少符合
#两项): the condition model has no k-of-n form. Every part is kept (all of them: stricter than the wording, never
# wider) and the text flagged conditions.k_of_n with a note naming how many the list asks (build: the report).
_K = "[两二三四五六七八九2-9]"
_KOFN_VERB = r"(?:满足|符合|具备|具有|达到)"
_KOFN_ANY = r"(?:任意|任何|至少|任)"
KOFN = re.compile(
    rf"[（(]?(?:并|且)?(?:须|应|需|应当|只需|只须|仅需)?{_KOFN_VERB}?"
    r"(?:(?:以上|上述|前述|下列|以下)(?:所列)?(?:(?:从轻|减轻|不予处罚|免罚)?(?:条件|情形|情节)|各项)?)?"
    rf"(?:(?P<n>{_K}|十)(?:项|个|条)(?:条件|情形|情节)?)?(?P<sub>中的|之中|其中的?|中)?"
    rf"(?P<any>{_KOFN_ANY})?{_KOFN_VERB}?(?P<sub2>其中的?)?(?P<any2>{_KOFN_ANY})?"
    rf"(?P<k>{_K})(?:项|个|条|种)(?P<more>或以上|及以上|以上)?(?:条件|情形)?(?P<ok>即可)?(?P<close>[）)])?[:：]?"
)
AND_MARK = re.compile(r"(?:并|且)?(?:须|应|应当)?(?:同时具备|同时满足|同时符合)(?:以下条件|下列条件)?[:：]?|[（(](?:三|两|二|四)项同时满足[）)]")
FILLERS = {"属", "系", "为", "的", "已", "均", "经", "即", "且已", "并已", "等", "的情形", "情形", "属于",
           "查实为", "查实", "经查实", "经核实", "经查证", "本次", "其", "则", "能够", "能", "后", "须", "可", "当事人"}


# -- tokens -----------------------------------------------------------------------------------------
@dataclass
class Token:
    kind: str  # PHRASE THRESH TEXT AND OR SEP SEMI ALT ANY ENUM REMARK OUTCOME HEADING ALLMARK KOFN
    text: str
    value: object = None  # the condition (tag, threshold dict or list of them) of PHRASE / THRESH tokens
    note: str | None = None
    keep_words: bool = False  # the tag does not say all of it: the wording is kept as a custom condition too
    words: str | None = None  # the wording kept (keep_words) when it is more than `text` (a shared time limit)


def _threshold(quantity_key: str, unit: str, n: float, op: str) -> dict | None:
    """A typed threshold, or None where the vocabulary has no quantity of that kind/unit."""
    if quantity_key == "illegal_gains":
        quantity = "illegal_gains_yuan"
    elif quantity_key == "overdue":
        quantity = {"个月": "overdue_months", "月": "overdue_months", "日": "overdue_days", "天": "overdue_days"}.get(unit)
    else:
        quantity = quantity_key
    if quantity is None or quantity not in VOCABULARY.quantities:
        return None
    want = VOCABULARY.quantities[quantity].unit
    if unit in ("万元", "千元"):  # decimal arithmetic: 0.07万元 is 700 元 exactly
        n, unit = float(Decimal(str(n)) * (10000 if unit == "万元" else 1000)), "元"
    unit = {"名": "人", "天": "日", "月": "个月", "工作日": "个工作日", "千克": "公斤"}.get(unit, unit)
    if unit != want:
        return None
    return {"quantity": quantity, op: int(n) if float(n).is_integer() else n}


# 违法所得、货值金额和 / 违法所得和/或: quantity nouns before the noun of a threshold, under its one bound
_QN = "|".join(f"(?:{w})" for w, _ in QUANTITY_WORDS)
NOUN_CHAIN = re.compile(rf"(?:{_QN})(?:(?:、|和|及|以及|与|或者|或|和/|和／)(?:{_QN}))*(?:和/|和／|/|／)?")
_QWORDS = "|".join(f"(?P<q{i}>{w})" for i, (w, _) in enumerate(QUANTITY_WORDS))
THRESH_PRE = re.compile(rf"(?:{_QWORDS})(?:的)?(?:在|为)?(?P<cmp>{CMP_PRE})?(?:人民币)?(?P<n>{NUM})(?P<unit>{UNIT})"
                        rf"(?:[（(](?P<incl>不含|含)(?:本数)?[）)](?={CMP_POST}))?(?P<post>{CMP_POST})?")


def _match_threshold(text: str, pos: int) -> tuple[int, Token] | None:
    m = THRESH_PRE.match(text, pos)
    if not m or not (m.group("cmp") or m.group("post")):
        return None
    cmp = m.group("cmp")
    if cmp == "在" and not m.group("post"):
        return None
    q = next(QUANTITY_WORDS[int(k[1:])][1] for k, v in m.groupdict().items() if k.startswith("q") and v)
    op = _PRE_OP.get(cmp or "", "max")
    if m.group("incl") == "不含" and op == "max":  # 1000元(不含)以下
        op = "lt"
    try:
        n = number(m.group("n"))
    except ValueError:
        return None
    value = _threshold(q, m.group("unit"), n, op)
    if value is None:
        return None
    return m.end(), Token("THRESH", m.group(0), value)


def _match_deadline(text: str, pos: int) -> tuple[int, Token] | None:
    m = DEADLINE.match(text, pos)
    if not m:
        return None
    try:
        n = number(m.group("n"))
    except ValueError:
        return None
    value = _threshold(DEADLINE_QUANTITY[m.group("unit")], m.group("unit"), n, "max")
    if value is None:
        return None
    notes = []
    if m.group("start") in ("现场检查", "检查", "被发现", "发现"):
        notes.append(f"期限自{m.group('start')}之日起计算")
    end = _act_end(text, m.end())
    act = m.group("act") + text[m.end():end]
    core = re.sub(r"^(?:及时)?(?:自行)?(?:按要求)?", "", act)
    if not re.fullmatch(_CORR, core):  # 完成备案 / 补办手续 / 退还: the act is noted
        notes.append(f"期限内改正的内容: {act}")
    # 7日内自行纠正: the time taken is the threshold, but 自行 / 立即 / 当场 say more (on one's own, at
    # once): the wording is kept as a custom condition beside it, as for 自行改正 (KEEP_WORDS)
    keep = bool(re.search(r"自行|自觉|立即|当场", act))
    if keep:
        notes.append(f"“{act}”比改正用时的阈值多说了改正的方式: 原文另作自定义条件保留")
    return end, Token("THRESH", text[pos:end], value, "; ".join(notes) or None, keep_words=keep)


def _act_end(text: str, end: int) -> int:
    while (more := ACT_MORE.match(text, end)) and more.end() > end:
        end = more.end()
    return end


_PLAIN_ACTS = {"完成整改", "整改", "改正", "完成", "整改完毕", "改正完毕"}


def _act_token(text: str, pos: int, m: re.Match) -> tuple[int, Token]:
    end = _act_end(text, m.end())
    act = _act_of(m) + text[m.end():end]
    note = None if act in _PLAIN_ACTS else f"期限内改正的内容: {act}"
    return end, Token("PHRASE", text[pos:end], "corrected_within_deadline", note)


def _match_deadline_act(text: str, pos: int) -> tuple[int, Token] | None:
    m = DEADLINE_ACT.match(text, pos) or BY_DUE.match(text, pos)
    if not m:
        return None
    return _act_token(text, pos, m)


def _act_of(m: re.Match) -> str:
    return m.groupdict().get("act") or m.groupdict().get("act2") or ""


def _match_report(text: str, pos: int) -> tuple[int, Token] | None:
    m = REPORT.match(text, pos)
    if not m:
        return None
    value = _threshold("report_hours", "小时", number(m.group("n")), "max")
    return (m.end(), Token("THRESH", m.group(0), value)) if value else None


def _match_range(text: str, pos: int) -> tuple[int, Token] | None:
    m = RANGE.match(text, pos)
    if not m:
        return None
    a, b = number(m.group("a")), number(m.group("b"))
    if not a < b:
        return None
    lo, hi = (int(x) if float(x).is_integer() else x for x in (a, b))
    return m.end(), Token("THRESH", m.group(0), [{"quantity": "ph", "min": lo}, {"quantity": "ph", "max": hi}])


def _match_month_window(text: str, pos: int) -> tuple[int, Token] | None:
    m = MONTH_WINDOW.match(text, pos)
    if not m:
        return None
    scope = (f"记录范围: {m.group('who')}; " if m.group("who") else "") + ("" if m.group("kind") else "原文未限同类; ")
    note = (f"首违期限: {m.group('w')}内(以月计, 清单的 first_offense.window_years 不能表示; {scope}"
            "原文另作自定义条件保留)")
    return m.end(), Token("PHRASE", m.group(0), "first_offense", note, keep_words=True)


def _match_kofn(text: str, pos: int) -> tuple[int, Token] | None:
    """满足其中两项 / (任意两项) / 三项中至少符合两项: a k-of-n marker (value k). Not 第三项, (三项同时满足),
    两项条件之一 (one of them), nor a count with no word saying "only so many" (同时具备三项)."""
    m = KOFN.match(text, pos)
    if not m or (pos and text[pos - 1] in "第"):
        return None
    words = m.group(0)
    if not (m.group("sub") or m.group("sub2") or m.group("any") or m.group("any2") or m.group("more")
            or m.group("ok")):
        return None
    if words[:1] in "（(" and not m.group("close") or m.group("close") and words[:1] not in "（(":
        return None
    if re.match(r"之一|其一|任一|同时|全部|均", text[m.end():]) or re.search(r"同时", text[max(0, pos - 2):pos]):
        return None
    if m.end() < len(text) and text[m.end()] not in "，,；;。：:" and not words.endswith(("）", ")", "：", ":")):
        return None  # 具备其中两项资质证书: words go on — not a marker
    k = int(number(m.group("k")))
    if m.group("n") and int(number(m.group("n"))) <= k:  # 三项中满足三项: all of them
        return None
    return m.end(), Token("KOFN", words, k)


_FAMILY_MEMBERS = {q for fam in FAMILY.values() for q, _ in fam.values()}


def _previous_threshold(tokens: list[Token]) -> Token | None:
    """The threshold this one may continue: the last one before it (over 、/且 and over thresholds
    that were themselves read as its continuation)."""
    for tok in reversed(tokens):
        if tok.kind in ("SEP", "AND"):
            continue
        if tok.kind == "THRESH" and isinstance(tok.value, dict) and tok.value["quantity"] in FAMILY:
            return tok
        if tok.kind == "THRESH" and isinstance(tok.value, dict) and tok.value["quantity"] in _FAMILY_MEMBERS:
            continue
        return None
    return None


def _match_elliptic(text: str, pos: int, tokens: list[Token]) -> tuple[int, Token] | None:
    """金额不超过3000元 / 且在5000万元以下 / (600支) right after a threshold of the same thing."""
    prev = _previous_threshold(tokens)
    if prev is None or prev.value["quantity"] not in FAMILY:
        return None
    bracket = bool(tokens) and tokens[-1] is prev
    m = (ELLIPTIC_BRACKET.match(text, pos) if bracket else None) or ELLIPTIC.match(text, pos)
    if not m:
        return None
    if m.re is ELLIPTIC:
        if not (m.group("cmp") or m.group("post")) or (m.group("cmp") == "在" and not m.group("post")):
            return None
        op = _PRE_OP.get(m.group("cmp") or "", "max")
    else:
        op = next(k for k in ("max", "lt", "min", "gt") if k in prev.value)
    unit = m.group("unit")
    target = FAMILY[prev.value["quantity"]].get("元" if unit in ("元", "万元", "千元") else unit)
    if target is None:
        return None
    try:
        value = _threshold(target[0], unit, number(m.group("n")), op)
    except ValueError:
        return None
    if value is None:
        return None
    note = "; ".join(x for x in (f"“{m.group(0)}”按上一数量({prev.text})理解", target[1]) if x)
    return m.end(), Token("THRESH", m.group(0), value, note)


_LEXICON = [(re.compile(rx), tag) for rx, tag in LEXICON]


# A tag whose wording says more than the tag (立即/当场/自行 改正 is not just 及时改正; 此前无涉烟违法
# counts any earlier violation of the kind named, with no window): the tag is written AND the wording
# kept as a custom condition beside it (keep_words), flagged.
# 积极配合查处: 查处 is 调查 and 处理, more than the tag's 配合调查 — cooperated AND the wording.
# 书面承诺: a written promise, more than the tag's 承诺 (a spoken one would meet the tag) — the tag AND the wording.
KEEP_WORDS = re.compile(rf"(?:立即|自行|自觉|当场)|此前(?:无|没有|未有)(?!同类)|积极配合{_INVESTIGATOR}查处"
                        r"|书面承诺|(?:显著|特别)轻微")
# 按要求及时退还 / 及时补办手续 (corrected_promptly): the act named is the correction — more than the tag says:
# the tag AND the wording (only for that tag: 能证明未及时办理无主观过错 is no correction)
PROMPT_ACT_WORDS = re.compile(rf"及时(?:予以)?{PROMPT_ACT}")
# 承诺不再违规 (违规 is not 违法: a rule, not the law) and 承诺不再实施同类 / 类似违法行为 (the same kind
# only, less than the tag's any violation): the tag AND the wording. Only the lists' own wordings
# 承诺(今后 / 以后)不再违法 / 不再实施违法行为 (and 发生违法行为, a plain synonym) are the tag alone.
PROMISE_EXACT = re.compile(r"承诺(?:今后|以后)?不再(?:违法|(?:发生|实施)违法(?:行为)?)")
# 罚款已缴纳 (fines_paid asks about the EARLIER fines): the lists write it after 以往违法均已处理
# (以往违法均已处理、罚款已缴纳); with no 以往 / 以前 / 既往 before it and no prior-violations phrase
# before it in the same sentence it may be this case's fine: the tag AND the wording.
FINES_PRIOR = re.compile(r"(?:以往|以前|既往)")
PRIOR_TAGS = {"prior_violations_handled"}
_PRIOR_RX = [rx for rx, tag in _LEXICON if tag in PRIOR_TAGS]


def _prior_context(text: str, pos: int) -> bool:
    """A prior-violations phrase (以往违法均已处理 …) earlier in the sentence that holds `pos`."""
    start = max(text.rfind(c, 0, pos) for c in "。；;") + 1
    return any(rx.search(text, start, pos) for rx in _PRIOR_RX)


# no_traffic_accident_or_congestion alone only for 未/没有 造成/导致 交通事故 (and 拥堵): the act caused none.
# 未发生 / 无 (none occurred, whoever caused it) and a bare 事故 (any accident, not only a traffic one) say
# another or more: the tag is written and the wording kept beside it.
TRAFFIC_STRICT = re.compile(
    r"(?:尚|均|并)?(?:未|没有)(?:造成|导致)(?:道路)?交通事故(?:或者?|、|和|及)(?:造成|导致)?(?:道路)?(?:交通)?拥堵"
    r"|(?:尚|均|并)?(?:未|没有)(?:造成|导致)(?:道路)?(?:交通)?拥堵(?:或者?|、|和|及)(?:造成|导致)?(?:道路)?交通事故")


# tags read alone only in these exact wordings; other wordings of them keep the words beside the tag
# eliminated_harm is 主动消除或者减轻…危害后果 (met by merely reducing): 主动消除危害后果 alone says more
# (eliminated) — the tag and the wording kept
ELIMINATE_EXACT = re.compile(r"主动(?:消除(?:或者?|、)减轻|减轻(?:或者?|、)消除)(?:违法行为)?(?:的)?危害后果")
# stopped_construction_or_restored is 停止建设或恢复原状 at any time, by anyone's initiative: 立即 / 主动 and the
# occasion (发现后 / 现场检查后) say more — the tag and the wording kept
STOP_EXACT = re.compile(r"(?:停止建设|停建)(?:或者?|、)恢复原状")
EXACT_WORDS = {"no_traffic_accident_or_congestion": TRAFFIC_STRICT, "promised_no_repeat": PROMISE_EXACT,
               "eliminated_harm": ELIMINATE_EXACT, "stopped_construction_or_restored": STOP_EXACT}


def _match_phrase(text: str, pos: int) -> tuple[int, Token] | None:
    best = None
    for rx, tag in _LEXICON:
        m = rx.match(text, pos)
        if m and m.end() > pos and (best is None or m.end() > best[0]):
            best = (m.end(), Token("PHRASE", m.group(0), tag))
    tag, words = (best[1].value, best[1].text) if best else (None, "")
    if isinstance(tag, str) and (KEEP_WORDS.search(words) or (
            tag == "corrected_promptly" and PROMPT_ACT_WORDS.search(words)) or (
            (exact := EXACT_WORDS.get(tag)) is not None and not exact.fullmatch(words)) or (
            tag == "fines_paid" and not FINES_PRIOR.match(words) and not _prior_context(text, pos))):
        best[1].keep_words = True
        best[1].note = f"“{best[1].text}”比条件标签 {best[1].value} 的含义窄或不同: 原文另作自定义条件保留"
    return best


def _match_window(text: str, pos: int) -> tuple[int, Token] | None:
    m = WINDOW.match(text, pos)
    if not m:
        return None
    try:
        years = int(number(m.group("n")))
    except ValueError:
        return None
    after = _match_phrase(text, m.end())
    if after and after[1].value == "first_offense":  # 两年内首次违法
        return after[0], Token("PHRASE", text[pos:after[0]], "first_offense", f"首违期限: {years}年内")
    if m.group("tail"):  # 两年内无同类违法记录 / 二年内未就该事项被查处 / 两年内无同类违法
        if re.search(r"同类|相同|同一|该事项", m.group("tail")):
            return m.end(), Token("PHRASE", m.group(0), "first_offense", f"首违期限: {years}年内")
        # 两年内无违法记录 / 一年内未受过行政处罚: any violation or penalty, not only the same kind —
        # the tag is written and the wording kept (as for the month windows)
        return m.end(), Token("PHRASE", m.group(0), "first_offense",
                              f"首违期限: {years}年内(原文未限同类; 原文另作自定义条件保留)", keep_words=True)
    return None


_SIMPLE = [
    ("SEMI", re.compile(r"[;；]|。(?!$)")),
    ("SEP", re.compile(r"[，,、]")),
    ("END", re.compile(r"。|\s+|…+|\.{3,}")),
    ("ALLMARK", AND_MARK),
    ("LABEL", LABEL),
    ("ANY", ANY_MARK),
    ("ENUM", ENUM),
    ("OR", re.compile(CONJ_OR)),
]


def tokenize(text: str, lines: str | None = None) -> list[Token]:
    """`lines`: the same text with its line breaks (parse_conditions reads a line break as ；): an exclusion
    heading reaches over a line break only into a numbered line, and keeps the list's wording."""
    lines = lines if lines is not None and len(lines) == len(text) else text
    breaks = [i for i, ch in enumerate(lines) if ch == "\n"]
    tokens: list[Token] = []
    buf: list[str] = []
    pos = 0
    while pos < len(text):
        hit: tuple[int, Token] | None = None
        if not buf or text[pos] in "（(":
            hit = _match_kofn(text, pos)
        if not hit and not buf and (not tokens or tokens[-1].kind in ("SEMI", "SEP", "ENUM", "ANY", "REMARK")):
            hit = _match_clause_start(text, pos, lines, breaks) or _match_heading(text, pos)
        if not hit and not buf and tokens and tokens[-1].kind == "THRESH" and (c := CLASSIFY.match(text, pos)):
            hit = (c.end(), Token("REMARK", c.group(0), note="阈值的定性说明(不是另一条件)"))
        if not hit and not buf:
            hit = _match_elliptic(text, pos, tokens)
        for matcher in (() if hit else (_match_month_window, _match_window, _match_deadline, _match_deadline_act,
                                        _match_report, _match_range, _match_threshold)):
            hit = matcher(text, pos)
            if hit:
                break
        hit = hit or _match_word(text, pos, bool(buf)) or _match_structure(text, pos)
        if hit:
            if buf:
                tokens.append(Token("TEXT", "".join(buf)))
                buf.clear()
            if hit[1].kind != "END":
                tokens.append(hit[1])
            pos = hit[0]
        else:
            buf.append(text[pos])
            pos += 1
    if buf:
        tokens.append(Token("TEXT", "".join(buf)))
    return _glue(tokens)


MEASURE_NOTE = "处理措施或说明(不是适用条件), 记入备注"
EDITOR_NOTE = "编者说明(不是适用条件)"


def _match_clause_start(text: str, pos: int, lines: str, breaks: list[int]) -> tuple[int, Token] | None:
    """At the start of a clause: a number (1)/其一, an exclusion (…的，依法处罚 / …不适用： / X的，不认定为Y), a
    measure (处理措施：… / 以警示教育代替行政处罚), an editor's remark (页面截断) or a label (首违不罚清单:).
    A measure or an editor's clause holding a condition word (初次违法并接受行政指导 / 经预警提示后及时改正且首次违法)
    is not moved: it is read as any other words (the condition words as tags, the rest custom)."""
    if m := ENUM.match(text, pos):
        return m.end(), Token("ENUM", m.group(0))
    if ex := (EXCEPT_HEAD.match(text, pos) or EXCEPT_CLAUSE.match(text, pos)):
        end = _except_end(text, ex, breaks)
        return end, Token("TEXT", lines[pos:end], note=EXCEPT_NOTE)
    if x := EXCLUSION.match(text, pos):
        # 首次违法的，不认定为从重情节: with a condition word in it the clause is kept whole (custom), flagged,
        # never moved to the note with the condition
        if _holds_condition(x.group(0)):
            return x.end(), Token("TEXT", x.group(0), note=EXCEPT_NOTE)
        return x.end(), Token("REMARK", x.group(0), note=EXCLUSION_REMARK_NOTE)
    for rx, note in ((MEASURE_HEAD, MEASURE_NOTE), (MEASURE, MEASURE_NOTE), (EDITORIAL, EDITOR_NOTE)):
        if (e := rx.match(text, pos)) and e.end() > pos and not _holds_condition(e.group(0)):
            end = e.end()
            while rx is MEASURE_HEAD and (c := MEASURE_MORE.match(text, end)) and (
                    MEASURE_GOES_ON.match(c.group("c")) or not (_holds_condition(c.group("c"))
                                                                 or MEASURE_STOP.search(c.group("c")))):
                end = c.end()
            if rx is MEASURE_HEAD and text[end:end + 1] in "，," and (x := EXCEPT_CLAUSE.match(text, end + 1)):
                end = x.end()  # 责令改正，逾期不改正的，处1000元罚款: the measure's own sanction, not an exclusion
            return end, Token("REMARK", text[pos:end], note=note)
    if m := LABEL.match(text, pos):
        return m.end(), Token("LABEL", m.group(0))
    return None


HEADED_NONE = re.compile(r"(?:无|没有)(?=$|[，,；;。])")
_OR = re.compile(CONJ_OR)
_CLAUSE_REST = re.compile(r"[^;；。，,]*")


def _match_heading(text: str, pos: int) -> tuple[int, Token] | None:
    """A heading (危害后果：/ 适用情形：) naming no condition; 危害后果：无 → no_harm, 危害后果：轻微 → minor_harm."""
    m = HEADING.match(text, pos)
    if not m or ANY_MARK.match(text, pos):
        return None
    if any(t.kind in ("PHRASE", "THRESH") for t in tokenize(m.group("h"))):  # 首次发生的: … names a condition
        return None
    h = m.group("h")
    lead = LABEL_LEAD.match(h)
    if LABEL.fullmatch(m.group(0)[lead.end() if lead else 0:]):  # 该清单一般条件： / 从轻条件：: a label
        return m.end(), Token("LABEL", m.group(0))
    if HARM_HEADING.fullmatch(h) and (q := HEADED_NONE.match(text, m.end())):  # not a custom "无"
        return q.end(), Token("PHRASE", m.group(0) + q.group(0), "no_harm")
    if (q := HEADED_MINOR.match(text, m.end())) and q.group(0).endswith("的") and (
            ex := EXCEPT_CLAUSE.match(text, m.end())):
        # 违法情节：轻微的，依法从重处罚 / 危害后果：轻微的，不适用: an exclusion, kept whole (custom), flagged
        return ex.end(), Token("TEXT", text[pos:ex.end()], note=EXCEPT_NOTE)
    if q and (o := _OR.match(text, q.end())):
        # 危害后果：轻微或无 / 情节：轻微或较轻: the words after 或 have no condition of their own — the
        # heading：X或Y kept whole; 轻微或没有危害后果 (a full phrase after 或) is read as usual
        if not ((y := _match_phrase(text, o.end())) and y[1].kind == "PHRASE"):
            end = _CLAUSE_REST.match(text, o.end()).end()
            return end, Token("TEXT", text[pos:end], note="“轻微或…”所指见标题, 按原文保留")
    if q:
        # 危害后果：轻微 is minor_harm; 社会影响：轻微 / 涉案数量：轻微 qualify other words than the violation —
        # never minor_violation with the heading dropped: the list's words
        words = m.group(0) + q.group(0)
        tag = "minor_harm" if HARM_HEADING.fullmatch(h) else "minor_violation" if VIOLATION_HEADING.fullmatch(h) else None
        return q.end(), (Token("PHRASE", words, tag) if tag else Token("TEXT", words, note="“轻微”所指见标题, 按原文保留"))
    if _party(h):  # 对小微企业： / 个体工商户：: the party the item is for — a condition, never a heading
        return m.end(), Token("TEXT", m.group(0), note=PARTY_NOTE)
    return m.end(), Token("HEADING", m.group(0))


COLON_OUTCOME = re.compile(r"的[:：]")
# Before 依法 … 处罚 these words make it part of a condition (未被依法不予处罚过 / 其他依法从轻处罚情形): no outcome.
_YIFA_INSIDE = re.compile(r"(?:被|未|曾|受到|受过|其他|规定|给予|已)$")


def _yifa_outcome(text: str, pos: int, m: re.Match) -> bool:
    """An outcome clause naming 依法 / 予以 (……的，依法不予处罚) is the outcome only after 的 (的，依法… / 的依法…)
    or as a whole clause after punctuation, and only where its clause ends (end, ，；。 or a bracket): 未被依法不予
    处罚过 / 有其他依法不予处罚情形的 / 被依法从轻处罚 are words of a condition (the old reading: kept whole)."""
    if m.end() < len(text) and text[m.end()] not in "，,；;。:：）)（(":
        return False
    words = m.group(0)
    if words.startswith(("的", "，", ",")):
        return True
    before = text[:pos]
    return before.endswith("的") or (not before.rstrip() or before.rstrip()[-1] in "，,；;。:：") \
        and not _YIFA_INSIDE.search(before)


def _match_word(text: str, pos: int, in_words: bool) -> tuple[int, Token] | None:
    """A condition word of the lexicon, or an outcome clause (……的，可以不予处罚) where it is longer."""
    phrase = _match_phrase(text, pos)
    if phrase and phrase[1].value == "first_offense":  # 首次 … 两年内: window after the word
        w = WINDOW.match(text, phrase[0])
        if w and w.group("tail"):
            phrase = None
    m = OUTCOME.match(text, pos)
    if m and COLON_OUTCOME.match(m.group(0)) and _holds_condition(m.group(0)[2:]):
        # 危害后果轻微的：及时改正: the words after the colon are conditions, not the outcome
        m = COLON_OUTCOME.match(text, pos)
    if m and re.search(r"依法|予以", m.group(0)) and not _yifa_outcome(text, pos, m):
        m = None  # 被依法从轻处罚 / 未被依法不予处罚过 / 其他依法不予处罚情形: words of a condition, kept whole
    if m and not in_words and (phrase is None or m.end() >= phrase[0]) and m.group(0).lstrip("的，,"):
        return m.end(), Token("OUTCOME", m.group(0))
    if m and in_words and text[pos] in "的，,可应依" and m.end() > pos + 1:
        return m.end(), Token("OUTCOME", m.group(0))
    return phrase


_CONJ_AND = re.compile(CONJ_AND)
_STRUCTURE = _SIMPLE + [("REMARK", REMARK), ("AND", _CONJ_AND)]


def _match_structure(text: str, pos: int) -> tuple[int, Token] | None:
    """Punctuation, markers, 或, a bracketed remark, 且 / 并 …"""
    for kind, rx in _STRUCTURE:
        m = rx.match(text, pos)
        if kind == "LABEL" and m and not m.group(0).endswith((":", "：", "，", ",")) and \
                re.search(r"(?:依法|其他|规定|可以|可)$", text[:pos]):
            continue  # 有其他依法不予处罚情形的 / 规定其他从轻处罚情形: words of a condition, not a label
        if m and m.end() > pos:
            return m.end(), Token(kind, m.group(0))
    return None


def _except_end(text: str, m: re.Match, breaks: list[int]) -> int:
    """Where an exclusion (heading) ends: at the first line break after its colon that no number follows
    (有下列情形之一的，不适用：⏎1.…⏎2.…⏎首次违法且及时改正: the last line is a condition again)."""
    if m.re is EXCEPT_HEAD:
        colon = max(m.group(0).rfind(c) for c in ":：") + m.start()
        for b in breaks:
            if not colon < b < m.end() or LINE_NUMBER.match(text, b + 1) or b + 1 in breaks:  # or an empty line
                continue
            if not text[colon + 1:b].strip("；; \t"):  # the break right after the colon: the items follow it
                return m.end()  # unnumbered items: where they end is not said — to 。, flagged (_unnumbered_items)
            return b
    return m.end()


# A numbered line of an exclusion list: 1. / (1) / 其一： / 一、 / ① / - / •
LINE_NUMBER = re.compile(rf"[ \t　]*(?:{ENUM.pattern}|[一二三四五六七八九十]+[、.．]|[①-⑳]|[-－•·])")


def _unnumbered_items(text: str) -> bool:
    """An exclusion heading whose items follow on lines of their own with no number (除外：⏎造成人员伤亡⏎…):
    where the items end is not said — kept to the end of the sentence, flagged structure_unclear."""
    head, sep, rest = text.partition("\n")
    return bool(sep) and bool(rest.strip()) and re.search(r"[:：]\s*$", head) is not None \
        and not LINE_NUMBER.match(rest.lstrip())


ELLIPSIS_ADVERBS = {"主动", "立即", "及时", "自行", "当场"}
CORRECTION_TAGS = {"corrected_before_discovery", "corrected_within_deadline", "corrected_promptly", "corrected_voluntarily",
                   "corrected_after_order"}


def _ellipsis(tokens: list[Token]) -> list[Token]:
    """主动或限期内改正: an adverb, 或, then a correction phrase: the verb (改正 …) is shared, so the
    adverb is read with it (主动改正) if the lexicon knows that whole phrase; else left as it is."""
    out = list(tokens)
    for i in range(len(out) - 2):
        if i + 2 >= len(out):
            break
        a, conj, b = out[i], out[i + 1], out[i + 2]
        if (a.kind == "TEXT" and a.text in ELLIPSIS_ADVERBS and conj.kind == "OR" and b.kind == "PHRASE"
                and b.value in CORRECTION_TAGS and b.text[-2:] in ("改正", "纠正", "整改")):
            full = a.text + b.text[-2:]
            m = _match_phrase(full, 0)
            if m and m[0] == len(full):
                out[i] = Token("PHRASE", a.text, m[1].value, f"“{a.text}”与“{b.text}”共用动词: {full}",
                               m[1].keep_words)
            else:  # 主动或限期内改正: 主动改正 is no tag — the list's words as one phrase (custom)
                out[i:i + 3] = [Token("TEXT", a.text + conj.text + b.text,
                                      note=f"“{a.text}”与“{b.text}”共用动词: {full} 不是条件标签, 按原文保留")]
    return out


# Filler words that are not filler next to some tag words (kept; `_guard` then keeps the words, flagged):
# 罚款已缴纳等 / 未造成环境污染等: 等 widens the tag's words; 本次 / 本案 罚款已缴纳: the fine of this case,
# not the earlier ones the tag asks about.
FILLER_AFTER_TAG = {"等"}
FILLER_BEFORE_TAG = {"本次": {"fines_paid"}, "本案": {"fines_paid"}}


# A run of filler words (当事人能够 / 经查实属 / 已经): as one filler — never with a word that says something
# next to some tags (等 / 本次 / 本案: see _context_filler)
_FILLER_RUN = re.compile("(?:" + "|".join(sorted((re.escape(w) for w in FILLERS - FILLER_AFTER_TAG - set(FILLER_BEFORE_TAG)),
                                               key=len, reverse=True)) + ")+")


def _is_filler(text: str, strip: str = " ：:，,、；;。") -> bool:
    t = text.strip(strip)
    return t in FILLERS | {""} or bool(_FILLER_RUN.fullmatch(t))


def _context_filler(word: str, before: Token | None, after: Token | None) -> bool:
    """A filler word that says something here (see FILLER_AFTER_TAG / FILLER_BEFORE_TAG)."""
    if word in FILLER_AFTER_TAG and before is not None and before.kind in ("PHRASE", "THRESH"):
        return True
    return word in FILLER_BEFORE_TAG and after is not None and after.kind == "PHRASE" \
        and after.value in FILLER_BEFORE_TAG[word]


def _glue(tokens: list[Token]) -> list[Token]:
    """TEXT (AND|OR) TEXT without punctuation → one TEXT (the list's wording is not split on a
    guess); a filler word alone (属, 的 …) is dropped; TEXT ending in 的 loses the 的."""
    out: list[Token] = []
    toks = _ellipsis(tokens)
    for k, tok in enumerate(toks):
        if tok.kind == "LABEL" and out and out[-1].kind == "TEXT" and (not tok.text.endswith(("，", ",")))\
                and (len(out) == 1 or out[-2].kind in ("SEMI", "ENUM", "REMARK", "HEADING")):
            # 基准的通用 + 不予处罚情形: the words before a label belong to the label (a heading); 该清单 + 一般条件：
            # only names the list: still a label
            lead = out.pop().text
            tok = Token("LABEL" if LABEL_LEAD.fullmatch(lead.strip()) else "HEADING", lead + tok.text)
        if tok.kind == "TEXT" and tok.text.strip() and _is_filler(tok.text, " ") and not _context_filler(
                tok.text.strip(), out[-1] if out else None, toks[k + 1] if k + 1 < len(toks) else None):
            continue
        if (tok.kind == "TEXT" and len(out) >= 2 and out[-2].kind == "TEXT"
                and (out[-1].kind in ("AND", "OR") or (out[-1].kind == "SEP" and out[-1].text == "、"))):
            conj = out.pop()
            prev = out.pop()
            tok = Token("TEXT", prev.text + conj.text + tok.text)
        elif tok.kind == "TEXT" and out and out[-1].kind == "TEXT" and out[-1].note != PARTY_NOTE:
            tok = Token("TEXT", out.pop().text + tok.text)
        out.append(tok)
    return out


# -- parse tree -------------------------------------------------------------------------------------
@dataclass
class Leaf:
    text: str
    condition: object | None  # tag (str) or threshold (dict); None: custom (the list's wording)
    note: str | None = None
    keep_words: bool = False  # the tag is written and the wording kept as a custom condition beside it
    words: str | None = None  # the wording kept, when more than `text` (see Token.words)

    @property
    def parsed(self) -> bool:
        return self.condition is not None


@dataclass
class Node:
    op: str  # "and" | "or"
    children: list = field(default_factory=list)


@dataclass
class ParseResult:
    text: str
    bundles: list[list[Leaf]]  # DNF: the item applies when every leaf of one bundle holds
    leaves: list[Leaf]  # every phrase, in order (parsed and custom)
    remarks: list[str]  # bracketed remarks, headings and outcome clauses (not conditions)
    notes: list[str]
    editorial: list[str] = field(default_factory=list)  # remarks about the source (页面截断, 新闻转述 …)
    flags: list[str] = field(default_factory=list)  # review flags (conditions.structure_unclear …)
    moved: list[str] = field(default_factory=list)  # text that may be a condition, moved to the note
    outcomes: list[str] = field(default_factory=list)  # outcome clauses (……的，依法不予处罚): build checks the column

    @property
    def parsed(self) -> list[Leaf]:
        return [leaf for leaf in self.leaves if leaf.parsed]

    @property
    def custom(self) -> list[Leaf]:
        return [leaf for leaf in self.leaves if not leaf.parsed]


class Parser:
    """Recursive descent over the token list (see the module docstring for the grammar)."""

    def __init__(self, tokens: list[Token], enum_alternatives: bool = True):
        self.enum_alternatives = enum_alternatives  # (1)/(2) … are alternatives only under a 之一 marker
        self.moved: list[str] = []  # remarks that may hold a condition (not outcome clauses / markers)
        self.remarks: list[str] = []
        self.editorial: list[str] = []  # remarks about the source (页面截断 …), a subset of remarks
        self.notes: list[str] = []
        self.alternatives_announced = False
        cleaned = []
        for tok in tokens:
            if tok.kind == "ENUM" and not enum_alternatives:
                continue  # numbered conditions that all hold: the numbers are structure
            if tok.kind == "KOFN":  # structure, not a moved condition (parse_conditions flags it)
                self.remarks.append(tok.text)
                continue
            if tok.kind in ("REMARK", "OUTCOME", "HEADING", "ALLMARK", "LABEL"):
                self.remarks.append(tok.text)
                if (tok.kind == "REMARK" and not MARKER_REMARK.fullmatch(tok.text)
                        and not _outcome_bracket(tok.text)) or \
                        (tok.kind == "HEADING" and not STRUCTURE_WORDS.search(tok.text)):
                    self.moved.append(tok.text)  # may hold a condition: counted as not parsed
                if tok.note == EDITOR_NOTE:
                    self.editorial.append(tok.text)
                if tok.kind == "HEADING" and ANY_MARK.search(tok.text):
                    self.alternatives_announced = True
                continue
            if tok.kind == "ANY":
                self.alternatives_announced = True
                self.remarks.append(tok.text)
                continue
            cleaned.append(tok)
        self.tokens = cleaned
        self.i = 0
        self.leaves: list[Leaf] = []

    def peek(self, k: int = 0) -> Token | None:
        j = self.i + k
        return self.tokens[j] if j < len(self.tokens) else None

    def take(self) -> Token:
        tok = self.tokens[self.i]
        self.i += 1
        return tok

    def at_alt(self) -> bool:
        """A top-level alternative starts here: (n) / 其n / ;或 / a ; after 满足其一."""
        tok, nxt = self.peek(), self.peek(1)
        if tok is None:
            return False
        if tok.kind == "ENUM":
            return True
        if tok.kind == "SEMI" and nxt is not None and nxt.kind in ("OR", "ENUM"):
            return True
        return tok.kind == "SEMI" and self.alternatives_announced

    def skip_alt(self) -> None:
        while self.peek() and self.peek().kind in ("SEMI", "SEP", "OR", "ENUM", "AND"):
            self.take()

    def alternatives(self) -> Node:
        """alternatives := group ( ALT group )*"""
        node = Node("or")
        self.skip_alt()
        while self.peek() is not None:
            before = self.i
            group = self.group()
            if group.children:
                node.children.append(group)
            if self.at_alt():
                self.skip_alt()
            elif self.peek() is not None and self.i == before:
                self.take()  # a stray token (never a phrase: phrases are always read by atom)
        return node

    def group(self) -> Node:
        """group := segment ( ; segment )*   (all of them)"""
        node = Node("and")
        while self.peek() is not None:
            seg = self.segment()
            if seg.children:
                node.children.append(seg)
            if self.peek() is not None and self.peek().kind == "SEMI" and not self.at_alt():
                self.take()
                continue
            break
        return node

    def segment(self) -> Node:
        """segment := bundle ( ,或 bundle )*   (one of them)"""
        node = Node("or")
        while self.peek() is not None:
            b = self.bundle()
            if b.children:
                node.children.append(b)
            tok, nxt = self.peek(), self.peek(1)
            if tok is not None and tok.kind == "SEP" and nxt is not None and nxt.kind == "OR":
                self.take()
                self.take()
                continue
            break
        return node

    def bundle(self) -> Node:
        """bundle := clause ( (且|并|，|、) clause )*   (all of them)"""
        node = Node("and")
        while self.peek() is not None:
            clause = self.clause()
            if clause is not None:
                node.children.append(clause)
            tok, nxt = self.peek(), self.peek(1)
            if tok is None:
                break
            if tok.kind == "AND":
                self.take()
                continue
            if tok.kind == "SEP" and not (nxt is not None and nxt.kind == "OR"):
                self.take()
                continue
            if tok.kind == "OR" and clause is None:
                self.take()
                continue
            if tok.kind in ("PHRASE", "THRESH", "TEXT"):  # adjacent phrases: both hold
                continue
            break
        return node

    def clause(self):
        first = self.atom()
        if first is None:
            return None
        alts = [first]
        while self.peek() and self.peek().kind == "OR":
            nxt = self.peek(1)
            if nxt is None or nxt.kind not in ("PHRASE", "THRESH", "TEXT"):
                break
            self.take()
            alts.append(self.atom())
        if len(alts) == 1:
            return alts[0]
        if all(isinstance(a, Leaf) and isinstance(a.condition, str) for a in alts) \
                and {a.condition for a in alts} == {"no_harm", "minor_harm"}:  # (a threshold is a dict: unhashable)
            # 没有造成危害后果或者危害后果轻微: no harm counts as minor harm (vocabulary: minor_harm)
            return Leaf("或".join(a.text for a in alts), "minor_harm")
        return Node("or", alts)

    def atom(self):
        tok = self.peek()
        if tok is None or tok.kind not in ("PHRASE", "THRESH", "TEXT"):
            return None
        self.take()
        if tok.kind == "TEXT":
            wording = tok.text.strip(" ：:，,、；;。").rstrip("的")
            if not wording:  # punctuation only (a colon after a remark): structure, not a phrase
                return None
            leaf = Leaf(wording, None, tok.note)  # the note (排除情形 … / 数额共用一个界限 …) reaches the item
        elif isinstance(tok.value, str) and "+" in tok.value:  # one phrase, two conditions
            parts = [Leaf(tok.text, tag, tok.note) for tag in tok.value.split("+")]
            self.leaves.extend(parts)
            return Node("and", parts)
        elif isinstance(tok.value, list):  # one phrase, two bounds (pH值在5至10之间): one phrase
            parts = [Leaf(tok.text, v, tok.note) for v in tok.value]
            self.leaves.append(parts[0])
            return Node("and", parts)
        else:
            leaf = Leaf(tok.text, tok.value, tok.note, tok.keep_words, tok.words)
        self.leaves.append(leaf)
        return leaf


def _dnf(node) -> list[list[Leaf]]:
    if isinstance(node, Leaf):
        return [[node]]
    parts = [_dnf(c) for c in node.children]
    if node.op == "or":
        return [b for p in parts for b in p]
    out: list[list[Leaf]] = [[]]
    for p in parts:
        out = [a + b for a, b in product(out, p)]
        if len(out) > MAX_BUNDLES * 4:
            break
    return out


def parse_conditions(text: str | None) -> ParseResult:
    text = (text or "").strip()
    if not text:
        return ParseResult(text, [], [], [], [])
    raw = text
    lines = FULLWIDTH_THOUSANDS.sub(r"\1,", text.replace("\r", ""))  # 1，000元: one number (same length)
    text = lines.replace("\n", "；")
    flags: list[str] = []
    tokens = _exclusion_consequences(_kofn_in_words(_guard(tokenize(text, lines), flags), flags), flags)
    tokens = _heading_conditions(tokens, flags)  # 具有下列情形之一并及时改正：…: the heading's own conditions
    tokens = _correction_start(tokens, flags)  # 自被发现之日起3日内: where the limit starts, kept in words
    if any(t.kind == "REMARK" and t.note == EXCLUSION_REMARK_NOTE for t in tokens):
        flags.append("conditions.exclusion")  # X的, 不认定为Y: moved to the note, must be checked
    if any(t.kind == "TEXT" and t.note == PARTY_NOTE for t in tokens):
        flags.append("conditions.party")  # 对小微企业： a heading naming the party, kept as a condition
    if any(t.kind == "TEXT" and t.note == EXCEPT_NOTE for t in tokens):
        flags.append("conditions.exclusion")  # …的，依法处罚 / 不适用: kept whole as a custom exclusion
    if any(t.kind == "TEXT" and t.note == EXCEPT_NOTE and _unnumbered_items(t.text) for t in tokens):
        flags.append("conditions.structure_unclear")  # 除外：⏎A⏎B: unnumbered items, reach not said
    kofn = [t for t in tokens if t.kind == "KOFN"]
    outcomes = [t.text for t in tokens if t.kind == "OUTCOME"]  # ……的，依法不予处罚: build checks the column
    if kofn:
        flags.append("conditions.k_of_n")
    if _party_tiers(tokens):
        return _whole(raw, text, "按当事人分档的条件(对小微企业：…；对其他企业：…), 整段按原文保留", flags, outcomes=outcomes)
    if _outcome_tiers(tokens):
        # 没有造成危害后果的不予处罚，危害后果轻微的减轻处罚: tiers with their own outcomes — not one item's
        # conditions AND-ed together
        return _whole(raw, text, "条件分档对应不同的处理结果, 整段按原文保留", flags, outcomes=outcomes)
    if _or_scope_unclear(tokens):
        # 首次被发现，或者在责令改正期限内改正，未造成危害后果: does the last clause go with both? not guessed
        return _whole(raw, text, "“或”之后同级标点的条件是否适用于“或”之前的条件未说明, 整段按原文保留", flags,
                      outcomes=outcomes)
    enum_alternatives = _numbered_alternatives(tokens, flags)
    if enum_alternatives is None:  # (1)…(2)… with no word saying all or one of them: not guessed
        return _whole(raw, text, "编号条件之间是“且”还是“或”未说明, 整段按原文保留", flags, outcomes=outcomes)
    parts = _split_at_any(tokens)
    if parts is None:  # A，B、C（以上条件之一）: which of them are the alternatives? not guessed
        return _whole(raw, text, "“之一”所指的条件范围不明(标点分两级或项数不符), 整段按原文保留", flags, outcomes=outcomes)
    parsers = [Parser(part, enum_alternatives) for part in parts]
    trees = [p.alternatives() for p in parsers]
    tree = trees[0] if len(trees) == 1 else Node("and", trees)
    bundles = [b for b in _dnf(tree) if b]
    leaves = [leaf for p in parsers for leaf in p.leaves]
    remarks = [r for p in parsers for r in p.remarks]
    editorial = [r for p in parsers for r in p.editorial]
    moved = [r for p in parsers for r in p.moved]
    notes = [leaf.note for leaf in leaves if leaf.note]
    notes += [KOFN_NOTE.format(k=t.value, words=t.text) for t in kofn]
    if "conditions.numbered_cases" in flags:
        notes.append(NUMBERED_CASES_NOTE)
    if any(re.search(r"之一|其一|任一|同时|下列条件|以下条件", r) for r in remarks):
        flags.append("conditions.marker")  # the structure word went to the note: check the reading
    if moved:
        flags.append("conditions.moved_to_note")
    if _heading_unread(bundles, remarks):
        flags.append("conditions.heading_unread")
    if _tail_unread(text, leaves):
        flags.append("conditions.exclusion")
    if any(t.kind == "ANY" and re.search(r"下列|以下", t.text) for t in tokens) and len(bundles) < 2:
        # 具有下列情形之一…：1)… 2)… / 一是…，二是…: a 之一 heading whose alternatives were not read as alternatives
        flags.append("conditions.heading_unread")
    if any(leaf.keep_words for leaf in leaves):
        flags.append("conditions.words_kept")
    if len(bundles) > MAX_BUNDLES:  # too many combinations: keep the whole wording, flagged
        return _whole(raw, text, "条件组合过多, 整段按原文保留", flags, remarks, editorial, moved, outcomes)
    return ParseResult(text, bundles, leaves, remarks, notes, editorial, list(dict.fromkeys(flags)), moved, outcomes)


def _tail_unread(text: str, leaves: list[Leaf]) -> bool:
    """ALLOWLIST for the consequence's place: a custom condition that is a whole clause right after a case (…的，X /
    …者，X / …时，X) and is not positively recognised (FAITHFUL_CONDITION / HARMLESS_TAIL / LENIENT_TAIL) is the
    case's consequence — an exclusion whatever its verb (惩处 / 承担法律责任 / 取消免罚资格 / 依法處罰 …)."""
    squeezed = re.sub(r"\s", "", text)
    for leaf in leaves:
        if leaf.condition is not None or leaf.note == EXCEPT_NOTE:
            continue
        w = re.sub(r"\s", "", leaf.text).strip("：:，,、；;。")
        if not w or FAITHFUL_CONDITION.fullmatch(w) or HARMLESS_TAIL.fullmatch(w) or LENIENT_TAIL.fullmatch(w):
            continue
        if re.search(r"[的者时][，,]" + re.escape(w) + r"(?:$|[，,；;。])", squeezed):
            return True
    return False


# The safety net under _heading_conditions: a 之一 heading whose words were not all read as conditions of every
# alternative — a custom naming the marker (有下列情形之一) standing as one alternative among others (answered 是, it
# would grant the item with none of the listed cases), or words of the heading besides its marker and its outcome
# left in the note (具有下列情形之一（并及时改正）：) — blocks: conditions.heading_unread.
_MARKER_WORDS = re.compile(r"之一|其一|任一|任意一|任何一|任选|中的一项|下列|(?<![\d%％０-９万千百十元人次个日天月年吨米克斤])以下|上述|前述|如下")


def _heading_rest(remark: str) -> str:
    rest = remark
    for rx in (_ANY_OPEN_RX, _ANY_HEAD, _ALL_OPEN_RX, ANY_MARK, OUTCOME):
        rest = rx.sub("", rest)
    rest = re.sub(r"[（()）：:，,；;。\s]|即可|其中|同时|并且|而且|并|且|以及|情形|条件|情况|的|^但", "", rest)
    return rest


def _heading_unread(bundles: list[list[Leaf]], remarks: list[str]) -> bool:
    # a custom that is only the marker (有下列情形之一 / 以下任一情形), not one naming its own cases (符合云南省裁量基准规则
    # 第六条情形之一: the officer answers it)
    # ALLOWLIST: a custom with a marker word blocks unless it names the document whose cases it means (符合云南省
    # 裁量基准规则第六条情形之一 / 《…》所列情形之一): 具有下列两种情形之一 / 下列情形任选其一 / 存在下列情形之一 … left
    # as a custom would be answered 是 with none of the listed cases
    if any(leaf.condition is None and _MARKER_WORDS.search(leaf.text)
           and not re.search(r"《|第[一二三四五六七八九十百\d]+条|规则|基准|办法|规定|标准", leaf.text)
           for b in bundles for leaf in b):
        return True
    for r in remarks:
        if not _MARKER_WORDS.search(r):
            continue
        rest = _heading_rest(r)
        if rest and not _is_filler(rest) and not lenient_outcome(rest) and not OUTCOME_WORDS_RX.search(rest):
            if any(t.kind in _CONDITION_KINDS for t in tokenize(rest)):
                return True
    return False


KOFN_NOTE = ("清单只要求满足其中{k}项(“{words}”): 条件模型不能表示“满足其中几项”, 导入时按全部满足读取(比原文严),"
             " 审核人须确定")


# (至少两项) right after one condition's words (采取整改措施（至少两项）): it counts what that condition names, not
# the conditions — kept in the list's words, in the condition (without it one measure would answer 符合: wider)
KOFN_OWN = re.compile(rf"[（(](?:{_KOFN_ANY})?{_K}(?:项|个|条|种)(?:或以上|及以上|以上)?[）)]")
KOFN_OWN_NOTE = "条件中的“{words}”(满足其中几项)按原文保留, 审核人须确定"


def _kofn_in_words(tokens: list[Token], flags: list[str]) -> list[Token]:
    out: list[Token] = []
    for tok in tokens:
        if tok.kind == "KOFN" and KOFN_OWN.fullmatch(tok.text) and out and out[-1].kind == "TEXT" and not (
                len(out) > 1 and out[-2].kind in ("SEP", "AND") and out[-2].text != "，"):  # A、B、C（至少两项）: the list
            prev = out.pop()
            out.append(Token("TEXT", prev.text + tok.text, note=KOFN_OWN_NOTE.format(words=tok.text)))
            flags.append("conditions.k_of_n")
            continue
        out.append(tok)
    return out


def _numbered_alternatives(tokens: list[Token], flags: list[str] | None = None) -> bool | None:
    """Numbered conditions (1)(2): alternatives (True) under a 之一 / 其一 / 任一 marker or with fewer than two
    numbers, all of them (False) under 同时 / 下列条件 …, None with no word saying which."""
    enums = [t for t in tokens if t.kind == "ENUM"]
    if len(enums) < 2:
        return True
    if len({_label_kind(t.text) for t in enums}) > 1 and any(re.search("[A-Za-z]", t.text) for t in enums):
        return None  # (1)…a.…b.…(2)…: a Latin label beside another kind marks a sub-list — its level is not guessed
    if any(t.kind == "KOFN" for t in tokens) and not any(t.kind == "ANY" for t in tokens):
        return False  # 满足其中两项：(1)…(2)…(3)…: all of them (stricter), flagged conditions.k_of_n
    lead = "".join(t.text for t in tokens[:tokens.index(enums[0])])
    if any(t.kind == "ANY" for t in tokens) or re.search(r"之一|其一|任一|任意一", lead):
        return True
    if any(t.kind == "ALLMARK" for t in tokens) or re.search(r"同时|下列条件|以下条件|全部|均|各项|项同时", lead + "".join(
            t.text for t in tokens if t.kind in ("ALLMARK", "HEADING", "REMARK"))):
        return False  # 同时符合下列条件：（一）…（二）…: all of them
    if _numbered_cases(tokens, enums):  # 其一:…无危害后果;其二:初次违法、危害轻微并及时改正: each part a whole case
        if flags is not None:
            flags.append("conditions.numbered_cases")  # no word said it: the reviewer checks the reading (NUMBERED_CASES_NOTE)
        return True
    return None


def _label_kind(label: str) -> str:
    """The kind of a list label: (1) and a. are two kinds, (a) and (b) one (its letters and digits → x / X / 9)."""
    if re.fullmatch(r"(?:VIII|VII|VI|IV|IX|V|X|III|II|I)[.．、]", label):
        return "roman"
    kind = re.sub(r"[a-z]", "x", re.sub(r"[A-Z]", "X", re.sub(r"[1-9一二三四五六七八九]", "9", label)))
    return kind.replace("（", "(").replace("）", ")").replace("．", ".")


HARM_TAGS = {"no_harm", "minor_harm"}
NUMBERED_CASES_NOTE = ("编号各项未写“之一”或“同时”: 每项都写明了危害后果和改正(如行政处罚法第三十三条第一款的两种情形),"
                       " 按择一的情形读取, 审核人须核对")
_CORRECTION_QUANTITIES = set(DEADLINE_QUANTITY.values())


def _states(part: list[Token]) -> set[str]:
    """What a numbered part states: 'harm' (没有造成危害后果 / 危害后果轻微) and 'correction' (a correction tag or
    a correction time limit), read from its tokens."""
    said = set()
    for t in part:
        values = t.value if isinstance(t.value, list) else [t.value]
        for v in values:
            tags = v.split("+") if isinstance(v, str) else []
            if t.kind == "PHRASE" and HARM_TAGS & set(tags):
                said.add("harm")
            if t.kind == "PHRASE" and CORRECTION_TAGS & set(tags) or \
                    t.kind == "THRESH" and isinstance(v, dict) and v.get("quantity") in _CORRECTION_QUANTITIES:
                said.add("correction")
    return said


def _numbered_cases(tokens: list[Token], enums: list[Token]) -> bool:
    """Numbered parts with no word saying all or one of them (其一:…;其二:…) are alternative cases when EVERY part
    states both the harm and the correction: the two grounds of 行政处罚法第三十三条第一款 each state both (违法行为
    轻微并及时改正，没有造成危害后果的 … 初次违法且危害后果轻微并及时改正的 …) and a list of conditions that all hold
    would state each once — two harm conditions (无危害后果 and 危害轻微) and two corrections in one bundle say
    nothing more. Only with nothing before the first number (a condition there: whose is it?), no 。 inside
    the parts followed by more words (a sentence after the last case: its or all of theirs?) and no two outcomes
    named in the parts (不予处罚 in one, 可以不予处罚 in the other: tiers)."""
    start = next(i for i, t in enumerate(tokens) if t is enums[0])
    if any(t.kind in _CONDITION_KINDS for t in tokens[:start]):
        return False
    bounds = [i for i, t in enumerate(tokens) if t.kind == "ENUM"] + [len(tokens)]
    parts = [tokens[a + 1:b] for a, b in zip(bounds, bounds[1:])]
    for part in parts:
        for k, t in enumerate(part):
            if t.kind == "SEMI" and t.text == "。" and any(x.kind in _CONDITION_KINDS for x in part[k + 1:]):
                return False
    # （一）…的，不予处罚；（二）…的，可以不予处罚: each case with its own outcome — tiers, not one item's alternatives
    said = {re.sub(r"^[的，,:：]+|依法|予以|行政", "", t.text) for part in parts for t in part if t.kind == "OUTCOME"}
    if len(said) > 1:
        return False
    return all(_states(part) >= {"harm", "correction"} for part in parts)


def _whole(raw: str, text: str, note: str, flags: list[str], remarks=(), editorial=(), moved=(),
           outcomes=()) -> ParseResult:
    """The whole text kept as one custom condition in the list's words, flagged structure_unclear."""
    leaf = Leaf(raw, None)
    return ParseResult(text, [[leaf]], [leaf], list(remarks), [note], list(editorial),
                       list(dict.fromkeys(flags + ["conditions.structure_unclear"])), list(moved), list(outcomes))


# (不罚款) / “免于经济处罚” / (免予处罚): a bracket or quote naming only the outcome — no condition (a remark, not
# text moved to the note)
OUTCOME_ONLY = re.compile(r"(?:依法|可以|可|应当|应|均|一律)*(?:予以)?(?:不罚款|不予(?:行政)?处罚|(?:免予|免于)[^，,；;。()（）]{0,4}处罚"
                          r"|免罚|不罚|从轻(?:行政)?处罚|减轻(?:行政)?处罚|从轻(?:或者|或|、)减轻(?:行政)?处罚)")


def _outcome_bracket(text: str) -> bool:
    return text[:1] in "(（“" and text[-1:] in ")）”" and bool(OUTCOME_ONLY.fullmatch(text[1:-1]))


# Headings that only announce the structure (同时符合下列条件: / 有下列情形之一:): not a moved condition
STRUCTURE_WORDS = re.compile(r"之一|其一|任一|同时|下列|以下")
MARKER_REMARK = re.compile(r"[（(][^（）()]{0,8}(?:同时满足|同时具备|之一|其一|任一)(?:即可)?[）)]")
NEGATION = re.compile(r"(?:非|不|未|没有|无法|不能|不属于|不是|并非|不得|无)$")
NEG_START = re.compile(r"^(?:不存在|未|无|没有|不|非)")
EXCEPT_END = re.compile(r"(?:除外|以外)(?:的)?$")
NEG_LEAD = re.compile(r"(?:尚|均|也|并)?(?:不存在|未|无|没有|不|非)")
# words after 或 that have no subject of their own (正在处理 / 已分期缴纳): they share the one before
SUBJECTLESS = re.compile(r"(?:正在|正|已经|已|仍|尚|均)")


def _time_governed(tok: Token) -> bool:
    """A correction said with a time limit or a time adverb (期限内 / N日内 / 及时 / 立即 …) that can
    govern a second verb joined by 并."""
    if tok.kind == "THRESH":
        return isinstance(tok.value, dict) and tok.value.get("quantity", "").startswith("correction_")
    return tok.kind == "PHRASE" and tok.value in CORRECTION_TAGS and bool(
        re.search(r"期限|时限|限期|按期|及时|立即|当场", tok.text))


def _bare_noun(text: str) -> bool:
    """Words with no verb or negation of their own (人员伤亡, 交通事故, 不良影响 / 不利影响 / 不当得利 / 不正当竞争 /
    不可挽回的损失: 不良 … are adjectives, no negation): a negation before reaches them."""
    return not re.search(r"未|无|不(?!良|利|当|正当|可挽回|法|实)|没有|改正|纠正|整改|配合|主动|及时|已|能|具备|取得|按|在", text)
_COND = ("PHRASE", "THRESH", "TEXT")
INCLUSIVE = re.compile(rf"[（(](?P<neg>不含|不包括|含|包括)(?:本数)?(?P<n>{NUM})?(?P<unit>万元|千元|元|个月|日|天|人|%)?(?:本数)?[）)]")


# A bracket that narrows the item (限 / 仅 / 指 / 是指 …, a time limit N日内 / N小时内, …的除外 / 不适用, a
# conditional clause …的 / …的,…): a condition in the list's words, never a remark moved to the note.
RESTRICTION = re.compile(rf"^(?:限|仅|指|是指|专指|特指)|(?:除外|以外|不适用|不予适用|适用)$|{NUM}(?:个)?(?:工作日|日|天|小时|个月|月|年)(?:内|之内|以内)"
                         r"|期限(?:内|之内)|的$|的[，,]")
# (页面截断的) / (注：转载自某网页的) / (详见附件): the editor's remark or a pointer, not a condition (the note)
NOTE_PREFIX = re.compile(r"^(?:注|备注|说明)[:：]")
# (详见附件) / (参见附件一) / (注：见《…》第十条): a bare pointer, nothing else — the editor's (the note)
POINTER = re.compile(r"(?:详见|参见|见)(?:(?:附件|附表|附录)[一二三四五六七八九十0-9]*"
                     r"|《[^》]{1,30}》(?:第[一二三四五六七八九十百零0-9]+条)?(?:第[一二三四五六七八九十0-9]+款)?)(?:的)?")


def _holds_condition(text: str) -> bool:
    """Words that hold a condition the lexicon reads (a tag word, a threshold, a deadline, a window);
    a list's label (清单类型为首违不罚) names no condition."""
    text = re.sub(r"(?:首违|轻微|初次)(?:不罚|免罚|轻罚|不予处罚|免予处罚)", "", text)
    return any(any(rx.match(text, i) for rx, _ in _LEXICON) or _match_threshold(text, i) or DEADLINE.match(text, i)
               or DEADLINE_ACT.match(text, i) or BY_DUE.match(text, i) or _match_window(text, i)
               for i in range(len(text)))


def _editor_bracket(text: str) -> bool:
    """(页面截断的) / (注：转载自某网页的) / (详见附件的): the editor's remark or a pointer, holding no condition."""
    rest = NOTE_PREFIX.sub("", text)
    if POINTER.fullmatch(rest):
        return True
    # (注：当事人为小微企业的) / (说明：在城市建成区内): words after 注： are read as any bracket — only the
    # editor's own wording (转载 / 截断 …) goes to the note
    return bool(EDITORIAL.fullmatch(rest)) and not _holds_condition(rest) \
        and not re.search(r"不含|不包括|除外|以外|限|仅|不适用|条件", rest)  # (另称不含餐饮环节 / 其后条件截断)


# 对 / 对于 / 针对 / 适用于 X, or a party named (小微企业, 个体工商户 …), in a bracket or a heading: the party the item
# is for (对 is no restriction word of the grammar) — kept as a condition in the list's words, never moved to the
# note (conditions.party)
PARTY = re.compile(r"^(?:仅|只|限)?(?:对于|针对|对(?!应|照|比|外|此|其|象)|适用于).|小微企业|小型企业|微型企业|个体工商户|个体户"
                   r"|个体经营者|小摊贩|农民专业合作社|初创企业|新设立|新开办|新办")
PARTY_NOTE = "当事人范围的限定, 按原文保留为条件"
# A bracket or heading that is only a party noun ((自然人) / (个人) / (企业) / 单位：/ 对其他企业：): the party too
PARTY_NOUN = re.compile(r"(?:仅|只|限)?(?:对于?|针对)?(?:其他|其余|其它)?(?:自然人|个人|公民|法人|单位|企业|中小企业|事业单位|企业事业单位"
                        r"|其他组织|非法人组织|社会组织|社会团体|机关|经营者|生产经营单位)")


def _party(text: str) -> bool:
    return bool(PARTY.search(text) or PARTY_NOUN.fullmatch(text.strip()))


def _party_tiers(tokens: list[Token]) -> bool:
    """对小微企业：A；对其他企业：B / 个人：A；单位：B: conditions per party, each its own tier — not AND-ed."""
    return sum(1 for t in tokens if t.kind == "TEXT" and t.note == PARTY_NOTE and t.text.endswith((":", "："))) > 1


def _tag_words(text: str) -> bool:
    """A bracket that names a condition (a tag word, an amount, 总则 / 条件)."""
    if (m := OUTCOME.match(text)) and m.end() == len(text) or MEASURE.fullmatch(text):
        return False  # (不罚款) / (以警告代替罚款): the outcome, not a condition
    if NOTE_PREFIX.match(text):  # (注：非主要农作物种子): not the editor's — kept as a condition in words
        return True
    if re.search(r"总则|条件|不含|含", text) or NEG_START.search(text):  # (未造成观测数据中断): a condition
        return True
    if _party(text):  # (对小微企业) / (适用于个体工商户) / (小微企业): the party the item is for
        return True
    if RESTRICTION.search(text):  # (限个体工商户) / (注：限…) / (…的除外)
        return True
    if any(any(rx.match(text, i) for rx, _ in _LEXICON) or THRESH_PRE.match(text, i) for i in range(len(text))):
        return True
    # words the grammar does not know (告知承诺制 / 广播电视领域 / 在城市建成区内 / 经营面积50平方米以下 / 已取得许可证 /
    # 餐饮服务环节): they may narrow the item — kept as a condition in the list's words (narrower, asked), flagged
    # conditions.bracket; never moved to the note, where the item would apply without them. A bracket about the
    # outcome or a pointer to where it is settled ((经核实后主动不罚) / (以行政处罚决定为准) / (参照…)) stays a remark.
    return not REMARK_BRACKET.search(text)


REMARK_BRACKET = re.compile(r"罚|为准|参照|参考|参见|详见|依据|试行|暂行|修正|修订|原文|简称|下同|同上|例如|比如|举例")


# (清单总则: / 总条件为 / 该清单一般条件：…) at the start of a bracket: the list's general rule, named for this item
GENERAL_RULE = re.compile(r"(?:该|本|此)?(?:清单)?(?:的)?(?:总则|总条件|一般条件|通用条件|基本条件)(?:为|是)?[:：]")


GENERAL_RULE_NOTE = "括号“{words}”所列清单总则的条件已作为本条条件读取(与本条其他条件同时适用), 审核人须确认"


def _general_rule_bracket(text: str) -> tuple[str, list[Token]] | None:
    """(清单总则:及时改正且未造成危害后果): the label and the tokens of its conditions — only when they are plain
    conditions that all hold (one bundle, every phrase a tag or threshold the lexicon reads, no flag, remark or
    text moved): an 或, an exclusion or words the lexicon does not know keep the bracket in words, as before."""
    m = GENERAL_RULE.match(text)
    if not m or not text[m.end():].strip():
        return None
    inner = text[m.end():]
    sub = parse_conditions(inner)
    if len(sub.bundles) != 1 or sub.custom or sub.flags or sub.remarks or sub.moved or sub.outcomes \
            or any(leaf.keep_words for leaf in sub.leaves):
        return None
    return m.group(0), tokenize(inner)


def _guard(tokens: list[Token], flags: list[str]) -> list[Token]:
    """Readings that would make an item more lenient are undone, the words kept (custom) and flagged:
    a negation or 除外 around a tag word, words qualifying a tag word (社会影响轻微), a 、 list under a
    shared 不存在 / 未 or ending in 除外, a bracket naming a condition, and 且 … 或 without punctuation."""
    for step in (_guard_brackets, _guard_words, _guard_lists, _guard_and_or):
        tokens = step(tokens, flags)
    return tokens


def _guard_brackets(tokens: list[Token], flags: list[str]) -> list[Token]:
    """A bracket after a threshold sets its bound ((不含) / (含)); a bracket naming or restricting a condition
    is kept as one in its words; an editor's bracket is a remark."""
    out: list[Token] = []
    # a general rule is read only where nothing is an alternative: with 或 / 之一 / (1)(2) / k-of-n in the text, whether
    # the rule goes with one alternative or all of them would follow from where the bracket stands — not said
    plain = not any(t.kind in ("OR", "ANY", "ENUM", "KOFN") for t in tokens)
    for tok in tokens:
        prev = out[-1] if out else None
        # a bracket after a threshold: 不含 N → exclusive, 含 N → inclusive
        if tok.kind == "REMARK" and prev is not None and prev.kind == "THRESH" and isinstance(prev.value, dict) \
                and (m := INCLUSIVE.fullmatch(tok.text)):
            v = dict(prev.value)
            op = next(k for k in ("max", "lt", "min", "gt") if k in v)
            bound = v.pop(op)
            same = m.group("n") is None
            if m.group("n"):
                same = _threshold(v["quantity"] if v["quantity"] != "illegal_gains_yuan" else "illegal_gains",
                                  m.group("unit") or "元", number(m.group("n")), op) == prev.value
            if same:
                exclusive = m.group("neg") in ("不含", "不包括")
                new_op = {"max": "lt", "lt": "lt", "min": "gt", "gt": "gt"}[op] if exclusive else \
                    {"max": "max", "lt": "max", "min": "min", "gt": "min"}[op]
                v[new_op] = bound
                out[-1] = Token("THRESH", prev.text + tok.text, v, prev.note)
                continue
            out[-1] = Token("TEXT", prev.text + tok.text)
            flags.append("conditions.bracket")
            continue
        if tok.kind == "REMARK" and tok.note is None and tok.text[:1] in "(（" and _editor_bracket(tok.text[1:-1]):
            out.append(Token("REMARK", tok.text, note=EDITOR_NOTE))
            continue
        if plain and tok.kind == "REMARK" and tok.note is None and tok.text[:1] in "(（" and (
                general := _general_rule_bracket(tok.text[1:-1])) is not None:
            # (清单总则:及时改正且未造成危害后果): the list's general rule named for this item — its conditions hold
            # too, read as the item's own (all of them); the label is a remark
            out.append(Token("SEP", ""))
            out.append(Token("LABEL", general[0]))
            first = next(t for t in general[1] if t.kind in ("PHRASE", "THRESH"))
            first.note = "; ".join(x for x in (first.note, GENERAL_RULE_NOTE.format(words=tok.text)) if x)
            out.extend(general[1])
            flags.append("conditions.bracket")
            continue
        if tok.kind == "REMARK" and tok.note is None and tok.text[:1] in "(（" and _tag_words(tok.text[1:-1]):
            # a bracket naming a condition (在限期内改正(清单总则:及时改正且未造成危害后果)): kept as a
            # condition in the list's words, beside the others, flagged
            excluded = bool(re.search(r"(?:除外|以外|不适用|不予适用)$", tok.text[1:-1]))
            if _party(tok.text[1:-1]):
                flags.append("conditions.party")
            out.append(Token("SEP", ""))
            out.append(Token("TEXT", tok.text[1:-1], note=EXCEPT_NOTE if excluded else "括号中的条件, 按原文保留"))
            flags.append("conditions.bracket")
            if excluded:
                flags.append("conditions.exclusion")
            continue
        out.append(tok)
    return out


def _guard_words(tokens: list[Token], flags: list[str]) -> list[Token]:
    """A tag word qualified, negated or excepted by the words around it, one bound after several nouns,
    a negation over 和 / 或, a subjectless clause after 或, a time limit shared with a remedy."""
    out: list[Token] = []
    for tok in tokens:
        prev = out[-1] if out else None
        # 非首次违法 / 不属于首次违法 / 未及时改正 / 社会影响轻微: the tag word is qualified by what precedes it
        if tok.kind in ("PHRASE", "THRESH") and prev is not None and prev.kind == "TEXT" and prev.note is None \
                and (not _is_filler(prev.text) or _context_filler(prev.text.strip(), None, tok)):
            neg = bool(NEGATION.search(prev.text))
            out[-1] = Token("TEXT", prev.text + tok.text)
            flags.append("conditions.negation" if neg else "conditions.fragment")
            continue
        # 违法所得和货值金额不超过1000元 / 货值金额、违法所得不超过1000元 / 违法所得、货值金额和罚款… / 违法所得和/或
        # 货值金额…: one bound after two or more nouns (each, or the sum?) — never the last noun's threshold and
        # the others alone: the list's words, flagged
        if tok.kind == "THRESH" and len(out) >= 2 and prev.kind in ("AND", "OR", "SEP") \
                and prev.text in ("和", "及", "以及", "与", "、", "或", "或者") and out[-2].kind == "TEXT" \
                and out[-2].note is None and NOUN_CHAIN.fullmatch(out[-2].text.strip()):
            conj = out.pop()
            first = out.pop()
            out.append(Token("TEXT", first.text + conj.text + tok.text, note="数额共用一个界限(各自或合计未说明), 按原文保留"))
            flags.append("conditions.fragment")
            continue
        # 初次违法的除外 / 不危害公共安全 / 未造成危害后果或损失: what follows qualifies it
        if tok.kind == "TEXT" and prev is not None and prev.kind in ("PHRASE", "THRESH") and tok.note is None \
                and (not _is_filler(tok.text) or _context_filler(tok.text.strip(), prev, None)):
            neg = bool(EXCEPT_END.search(tok.text)) or tok.text.startswith(("的除外", "除外"))
            out[-1] = Token("TEXT", prev.text + tok.text)
            flags.append("conditions.negation" if neg else "conditions.fragment")
            continue
        if tok.kind == "TEXT" and prev is not None and prev.kind == "TEXT" and prev.note is None:
            out[-1] = Token("TEXT", prev.text + tok.text)
            continue
        # 未造成环境污染和人员伤亡 / 未造成危害后果及投诉: the negation of the tag words reaches a bare noun
        # joined by 和 / 及 / 以及 / 与 — one phrase in the list's words (never the tag and a bare noun)
        if tok.kind == "TEXT" and tok.note is None and len(out) >= 2 and prev.kind == "AND" \
                and prev.text in ("和", "及", "以及", "与") and out[-2].kind in ("PHRASE", "THRESH") \
                and NEG_LEAD.match(out[-2].text) and _bare_noun(tok.text):
            conj = out.pop()
            first = out.pop()
            out.append(Token("TEXT", first.text + conj.text + tok.text))
            flags.append("conditions.negation")
            continue
        # 以往违法已处理或正在处理 / 罚款已缴纳或已分期缴纳: words after 或 with no subject of their own share
        # the tag's subject — one phrase in the list's words
        if tok.kind == "TEXT" and tok.note is None and len(out) >= 2 and prev.kind == "OR" \
                and out[-2].kind == "PHRASE" and SUBJECTLESS.match(tok.text):
            conj = out.pop()
            first = out.pop()
            out.append(Token("TEXT", first.text + conj.text + tok.text))
            flags.append("conditions.fragment")
            continue
        # 在规定期限内停止违法行为并采取补救措施消除负面影响: the time limit (or 及时 / 立即 …) governs the
        # remedy too, which the tag remedied_negative_effects does not say: the tag AND the whole wording
        if tok.kind == "PHRASE" and tok.value == "remedied_negative_effects" and len(out) >= 2 \
                and prev.kind == "AND" and prev.text in ("并", "且", "并且") and _time_governed(out[-2]):
            words = out[-2].text + prev.text + tok.text
            out.append(Token("PHRASE", tok.text, tok.value,
                             f"“{out[-2].text}”的时限也适用于补救措施: 原文另作自定义条件保留", True, words))
            continue
        # 未造成危害后果或损失: a negation over 或 (neither): one phrase in the list's words
        if tok.kind in _COND and len(out) >= 2 and prev.kind in ("OR", "AND") and out[-2].kind in _COND and (
                (tok.kind == "TEXT" and out[-2].kind == "TEXT" and tok.note is None and out[-2].note is None)
                or (prev.kind == "OR" and (tok.kind == "TEXT" or out[-2].kind == "TEXT")
                    and re.search(r"不|未|没有|无", out[-2].text))):
            conj = out.pop()
            first = out.pop()
            out.append(Token("TEXT", first.text + conj.text + tok.text))
            if first.kind != "TEXT" or tok.kind != "TEXT":
                flags.append("conditions.negation")
            continue
        out.append(tok)
    return out


def _guard_lists(tokens: list[Token], flags: list[str]) -> list[Token]:
    """A 、 list under a shared negation or ending in 除外 / 以外: one phrase, unless every part is a tag;
    …的除外 is an exclusion."""
    out: list[Token] = []
    i = 0
    while i < len(tokens):
        j = i
        if tokens[i].kind in _COND:
            while j + 2 < len(tokens) and tokens[j + 1].kind == "SEP" and tokens[j + 1].text == "、" \
                    and tokens[j + 2].kind in _COND:
                j += 2
        run = tokens[i:j + 1]
        shared = run[0].kind == "TEXT" and NEG_START.search(run[0].text) or (
            # 未造成危害后果、交通事故: the 未造成 of the tag word reaches a bare noun after it
            run[0].kind == "PHRASE" and NEG_START.search(run[0].text) and any(
                t.kind == "TEXT" and _bare_noun(t.text) for t in run[1:]))
        if j > i and any(t.kind == "TEXT" for t in run) and (shared or EXCEPT_END.search(run[-1].text.rstrip("的"))):
            out.append(Token("TEXT", "".join(t.text for t in run)))
            flags.append("conditions.exclusion")
        else:
            out.extend(run)
        i = j + 1
    for k, tok in enumerate(out):  # …的除外 / …以外: an exclusion kept in words (see EXCEPT_NOTE)
        if tok.kind == "TEXT" and EXCEPT_END.search(tok.text.rstrip("的")):
            flags.append("conditions.exclusion")
            if tok.note is None:
                out[k] = Token("TEXT", tok.text, note=EXCEPT_NOTE)
    return out


def _guard_and_or(tokens: list[Token], flags: list[str]) -> list[Token]:
    """且 … 或 with no punctuation between: (A且B)或C or A且(B或C) — not guessed."""
    out: list[Token] = []
    seg: list[Token] = []

    def close_seg():
        while seg and seg[0].kind in ("AND", "OR"):  # ；或者 … / ，且 …: the conjunction joins to what is before
            out.append(seg.pop(0))
        kinds = {t.kind for t in seg}
        if {"AND", "OR"} <= kinds and sum(t.kind in ("PHRASE", "THRESH") for t in seg) >= 2:
            out.append(Token("TEXT", "".join(t.text for t in seg), note="且/或的结合方式不明, 按原文保留"))
            flags.append("conditions.structure_unclear")
        else:
            out.extend(seg)
        seg.clear()

    for tok in tokens:
        if tok.kind in _COND + ("AND", "OR"):
            seg.append(tok)
        else:
            close_seg()
            out.append(tok)
    close_seg()
    return out


_CONDITION_KINDS = ("PHRASE", "THRESH", "TEXT")
_SEP_LEVEL = {"、": 0, "，": 1, ",": 1, "；": 2, ";": 2}


def _outcome_tiers(tokens: list[Token]) -> bool:
    """`X的，不予处罚；Y的，减轻处罚`: conditions, an outcome, more conditions, another outcome (tiers)."""
    last, since = None, False
    for t in tokens:
        if t.kind in _CONDITION_KINDS:
            since = True
        elif t.kind == "OUTCOME" and (m := re.search(r"不予|免予|免于|从轻|减轻|不罚款|警告", t.text)):
            key = m.group(0).replace("免于", "免予")
            if last is not None and key != last and since:
                return True
            last, since = key, False
    return False


def _or_scope_unclear(tokens: list[Token]) -> bool:
    """`A，或B，C` / `A；或者B；C`: a condition after the 或 clause behind a separator of the same level as
    the one before 或 — one of A, B and then C, or A alone or B and C? Behind a stronger separator the
    parser puts C with both only where its levels say so (A，或B；C / A，或B。C / A、或B；C, and A；或B。C
    after an opening 之一 marker, whose alternatives a 。 closes); A、或B，C and A；或B。C are not guessed
    either. A weaker separator binds within one alternative (A，或B、C). A 之一 marker or a number (1)(2)
    ends the alternative the check looks at (…，或C（三者之一），D / (1)A，或B，(2)C)."""
    for i, tok in enumerate(tokens):
        if tok.kind != "OR" or i == 0 or tokens[i - 1].kind not in ("SEP", "SEMI") \
                or tokens[i - 1].text not in _OR_LEVEL:
            continue
        level = _OR_LEVEL[tokens[i - 1].text]
        opened = any(t.kind == "ANY" for t in tokens[:i])
        if level >= 2 and not opened and _comma_clause_after(tokens, i + 1, level):
            return True
        for j in range(i + 1, len(tokens)):
            t = tokens[j]
            if t.kind in ("ANY", "ENUM"):
                break
            if t.kind not in ("SEP", "SEMI") or _OR_LEVEL.get(t.text, -1) < level:
                continue
            found = _OR_LEVEL.get(t.text, -1)
            resolved = found > level and not (level == 0 and found == 1) and not (level == 2 and found == 3 and not opened)
            rest = tokens[j + 1:]
            while rest and rest[0].kind == "AND":
                rest = rest[1:]
            if not resolved and rest and rest[0].kind in _CONDITION_KINDS:
                return True
            break
    return False


_OR_LEVEL = dict(_SEP_LEVEL, **{"。": 3})


def _comma_clause_after(tokens: list[Token], start: int, level: int) -> bool:
    """`A；或者B，C` / `A。或者B，C` (no 之一 marker announcing the alternatives): after the 或 clause a ， and a
    condition before the next ；/。: C with B only, A | (B ∧ C), or with both, (A | B) ∧ C? The lists use ； and ，
    loosely — not guessed. 、 and 且 / 并 bind within the clause (A；或B、C / A；或B且C: one alternative)."""
    for j in range(start, len(tokens)):
        t = tokens[j]
        if t.kind in ("ANY", "ENUM") or (t.kind in ("SEP", "SEMI") and _OR_LEVEL.get(t.text, -1) >= level):
            return False
        if t.kind == "SEP" and _OR_LEVEL.get(t.text, -1) == 1:
            rest = tokens[j + 1:]
            while rest and rest[0].kind == "AND":
                rest = rest[1:]
            if rest and rest[0].kind in _CONDITION_KINDS:
                return True
    return False


CLOSING_ANY = re.compile(r"(?:以上|上述|前述|[一二三四五两2-5]项)")
MARKER_COUNT = re.compile(r"(?P<n>[一二三四五两2-5])(?:项|者)")


def _closed_alternatives(before: list[Token], marker: str) -> list[Token] | None:
    """The alternatives before a closing marker: parted by 或 (A，或B，或C（三者之一）), by ；(A；B；C（以上条件之一）)
    or, with neither, by 、 / ， (A、B、C三项条件之一) — then only when one kind of separator is used. The
    marker's count (两项 / 三者 …), if any, must be the number of parts. Two levels (A，B、C（以上条件之一）: is it
    A, B or C, or A and one of B, C? / X；A，或B（二者之一）) → None: not guessed."""
    body = list(before)
    while body and body[-1].kind in ("SEP", "SEMI"):  # A、B、C，以上条件之一: the comma before the marker parts nothing
        body.pop()
    ors = [t for t in body if t.kind == "OR"]
    semis = [t for t in body if t.kind == "SEMI"]
    seps = [t for t in body if t.kind == "SEP" and t.text in _SEP_LEVEL]  # not the "" of a bracket condition
    m = MARKER_COUNT.search(marker)
    count = int(number(m.group("n"))) if m else None
    if ors or semis:
        parts = len(ors or semis) + 1
        if (ors and semis) or (count is not None and count != parts):
            return None
        inner = _inner_joins(body, "OR" if ors else "SEMI")
        # 首次违法；没有违法所得、危害后果轻微（二者之一）: is the part after ； one alternative or two? Read by ；
        # / 或 only when the count says so and does not fit the lower level (the part before the marker)
        if any(inner) and not (count is not None and count != inner[-1] + 1):
            return None
        return before
    parts = len(seps) + 1
    if (count is not None and count != parts) or (count is None and len({_SEP_LEVEL[t.text] for t in seps}) > 1):
        return None
    ids = {id(t) for t in seps}
    return [Token("SEMI", ";") if id(t) in ids else t for t in before]


def _inner_joins(body: list[Token], kind: str) -> list[int]:
    """For each part of `body` split at `kind` (OR / SEMI): how many 、/，/且/并 join conditions inside it."""
    counts, part = [], []
    for t in body + [Token(kind, "")]:
        if t.kind != kind:
            part.append(t)
            continue
        n = 0
        for k, x in enumerate(part):
            if (x.kind == "SEP" and x.text in _SEP_LEVEL or x.kind == "AND") \
                    and any(y.kind in _CONDITION_KINDS for y in part[:k]) \
                    and any(y.kind in _CONDITION_KINDS for y in part[k + 1:]):
                n += 1
        counts.append(n)
        part = []
    return counts


def _split_at_any(tokens: list[Token]) -> list[list[Token]] | None:
    """Conditions common to all alternatives around a 之一 marker in mid-text:
    `X且Y, 并满足其一: A; B; C` → X, Y hold and one of A, B, C (the marker opens the alternatives);
    `A, 或B, 或C (三者之一), D` → one of A, B, C, and D (a bracketed marker closes them).
    Without conditions on both sides, the text is one part (parsed as before). None: a closing marker
    after two levels of punctuation (see _closed_alternatives)."""
    for i, tok in enumerate(tokens):
        if tok.kind != "ANY":
            continue
        before, after = tokens[:i], tokens[i + 1:]
        if CLOSING_ANY.search(tok.text) and not tok.text.startswith(("(", "（")) \
                and not any(t.kind in _CONDITION_KINDS for t in before):
            # 符合上述条件之一，及时改正: the conditions meant are not in this text — the marker stays in words
            return [before + [Token("TEXT", tok.text)] + after]
        if (tok.text.startswith(("(", "（")) or CLOSING_ANY.search(tok.text)) \
                and any(t.kind in _CONDITION_KINDS for t in before):
            # closes: the alternatives are before it (A，或B，或C（三者之一），D / A、B、C三项条件之一)
            before = _closed_alternatives(before, tok.text)
            if before is None:
                return None
            if not any(t.kind in _CONDITION_KINDS for t in after):
                return [before + [tok] + after]
            return [before + [tok], after]  # the marker announces the alternatives of the first part
        # opens: the alternatives run until 。 or a 且 / 并 after punctuation (…；(2)B。且C): what follows
        # applies to every alternative
        tail: list[Token] = []
        for j, t in enumerate(after):
            nxt = after[j + 1] if j + 1 < len(after) else None
            closes = (t.kind == "SEMI" and t.text == "。" and not (nxt is not None and nxt.kind == "ENUM")) or \
                (t.kind == "AND" and j > 0 and after[j - 1].kind in ("SEMI", "SEP"))
            if closes and any(x.kind in _CONDITION_KINDS for x in after[j:]):
                after, tail = after[:j], after[j:]
                break
        parts = [before] if any(t.kind in _CONDITION_KINDS for t in before) else []
        if not parts:
            parts = [before + [tok] + after]
        else:
            parts.append([tok] + after)
        if tail:
            parts.append(tail)
        return parts
    return [tokens]


# -- to the project's Conditions ---------------------------------------------------------------------
def condition_value(leaf: Leaf):
    if leaf.condition is None:
        wording = leaf.text if len(leaf.text) >= 2 else f"{leaf.text}(原文)"
        return {"custom": wording}
    return leaf.condition


def _key(value) -> str:
    return repr(sorted(value.items())) if isinstance(value, dict) else value


def to_conditions(result: ParseResult) -> dict:
    """{all: [...], any_of: [[...], ...]}: conditions common to every bundle go to `all`."""
    bundles = []
    for b in result.bundles:
        seen, values = set(), []
        for leaf in b:
            for v in [condition_value(leaf)] + ([{"custom": leaf.words or leaf.text}] if leaf.keep_words else []):
                if _key(v) not in seen:
                    seen.add(_key(v))
                    values.append(v)
        bundles.append(values)
    if not bundles:
        return {"all": []}
    if len(bundles) == 1:
        return {"all": bundles[0]}
    common_keys = set.intersection(*({_key(v) for v in b} for b in bundles))
    all_ = [v for v in bundles[0] if _key(v) in common_keys]
    rest = [[v for v in b if _key(v) not in common_keys] for b in bundles]
    if any(not r for r in rest):  # one alternative is only the common part: the rest adds nothing
        return {"all": all_}
    unique, seen = [], set()
    for r in rest:
        k = tuple(_key(v) for v in r)
        if k not in seen:
            seen.add(k)
            unique.append(r)
    out = {"all": all_}
    if len(unique) == 1:
        out["all"] = all_ + unique[0]
    else:
        out["any_of"] = unique
    return out


# -- exclusions named by their consequence ---------------------------------------------------------
# One rule rather than a word list: a clause whose consequence is a penalty (则依法处罚 / 应当处罚 / 依法立案查处 /
# 按规定处理) or the list's leniency withheld (不予免罚 / 不纳入免罚范围 / 不在此列 / 不得适用 / 排除适用), a
# heading 排除： and a clause 除…外 say when the item does NOT apply: never a condition that an answer 是
# satisfies. The clause is kept whole in the list's words — a bare consequence (，则依法处罚) with the clause before
# it, the case it is about — as a custom condition with EXCEPT_NOTE: conditions.exclusion, which blocks approval
# and publication (penalty_rules.lint.flags) until the reviewer rewrites it. The forms read are listed in the
# tests (EXCLUSIONS in tests/importer/test_import_faithful.py).
_SANCTION_LEAD = r"(?:但|则|即|就|应当|应予|应|须|必须|仍|仍然|均|将|要|需|一律|依法|依规|依照规定|按规定|按照规定|按有关规定|予以|给予|进行)"
SANCTION_CLAUSE = re.compile(
    rf"{_SANCTION_LEAD}*(?:立案查处|立案调查|立案处罚|查处|处罚|处理|追究(?:法律)?责任)(?:[。；;]?)")
_LENIENCY = r"(?:免罚|免予处罚|免于处罚|不予处罚|不罚|轻罚|从轻|减轻|本清单|清单|此列|之列)"
LENIENCY_WITHHELD = re.compile(
    rf"不予(?:免罚|免予处罚|免于处罚)|不(?:纳入|列入|属于|在|享受|能享受|再享受)[^，,；;。]{{0,8}}?{_LENIENCY}"
    r"|不(?:得|予|再|能)?适用|排除适用|不在此列|不在[^，,；;。]{0,6}之列")
BARE_WITHHELD = re.compile(rf"{_SANCTION_LEAD}*(?:{LENIENCY_WITHHELD.pattern})")  # ，不予免罚 / ，则不在此列
EXCEPT_AROUND = re.compile(r"^(?:但)?除[^，,；;。]{1,40}?(?:外|以外)(?:的)?$")
EXCLUDE_HEAD = re.compile(r"^(?:但)?(?:排除|不适用|排除适用)(?:情形|事项|条件|范围)?[:：]")
# 未受过处罚 / 已依法处理 / 被查处过: words of a condition about the past, not a consequence
_PAST_SANCTION = re.compile(r"(?:被|未|曾|受到|受过|已|已经|得到|经|过)(?:依法|按规定)?(?:立案查处|查处|处罚|处理)")


# The safety net under the forms above (a reviewer found 37 of 73 exclusion wordings read as plain conditions):
# general rules, so an unknown wording of the same kind blocks rather than binds.
# - a measure or a procedure that only a case outside the list's leniency gets (移送 / 吊销 / 追究 / 立案 / 责令停产 /
#   一般程序 / 从重 …), wherever it stands, unless it is about the past (未被立案 / 被责令停产过);
# - leniency withheld: a negation opening the clause (不 / 非 / 不予 / 不得 …) with a word of leniency or of the list's
#   reach after it (免 / 轻 / 减 / 适用 / 纳入 / 范围 / 对象 / 清单 …): 不予减免 / 不属于轻微违法 / 不作为免罚对象;
# - the cases left out: 不包括 / 不包含 / 不含 opening the clause, …不包括在内 (not 不含本数 / 不含500元, a threshold's
#   own words; not 游戏不含侵权盗版内容, a condition);
# - in the consequence's place — after the case (…的， / …的 / …者 / …时), see CONSEQUENCE_AFTER — any word of a
#   penalty or its handling (罚 / 处理 / 查处 / 警告 …) or the leniency withheld.
_MEASURE_WORDS = r"(?:移送|吊销|追究|立案|责令停产|停产停业|责令停业|责令关闭|一般程序|普通程序|简易程序|从重|没收|暂扣|撤销许可|取缔)"
_SANCTION_WORDS = (rf"(?:罚|处理|查处|处置|警告|{_MEASURE_WORDS}|(?<!不)(?:列入|纳入)(?=[^，,；;。]{{0,8}}(?:监管|名单|失信|重点))"
                   r"|(?<!不)(?:视为|认定为|属于|按)[^，,；;。]{0,6}(?:严重|较重|重大|恶劣))")
_PAST_MARK = re.compile(r"(?:被|未|曾|受到|受过|已|已经|得到|经|过|没有|无)[^，,；;。]{0,6}$")
_NEG_OPEN = re.compile(r"^(?:但|则|即|就|仍|均|一律|也|亦|将)?(?:不|非|无法|未予|不予|不得|不能|不再|不可|不应)")
_LENIENT_OR_REACH = re.compile(r"免|轻|减|宽|适用|适合|纳入|列入|范围|对象|之列|此列|清单|本条|本项|享受|属于|属|视为|认定|作为")
_LENIENT_NARROW = re.compile(r"免|从轻|减轻|轻罚|宽|适用|清单|本条|本项|此列|之列")  # not 属于/对象: 经营者不属于失信名单
_LEFT_OUT = re.compile(rf"^(?:但|其中|且|并且)?(?:不包括|不包含|不含)(?!本数|{NUM})|(?:不包括|不包含|不含)在内")


def _measure_named(w: str) -> bool:
    for m in re.finditer(_MEASURE_WORDS, w):
        if not _PAST_MARK.search(w[:m.start()]):
            return True
    return False


def _sanction_named(w: str) -> bool:
    for m in re.finditer(_SANCTION_WORDS, w):
        if not _PAST_MARK.search(w[:m.start()]):
            return True
    return False


# A word of leniency (不予处罚 / 免罚 / 免予 / 从轻 / 减轻 …) and a negation or exclusion word anywhere before it
# (不适用不予处罚 / 不得免罚 / 不属于免罚情形 / 不予免除处罚 / 不享有免罚待遇 / 排除…不予处罚): the leniency is withheld,
# never granted. Any 不 counts (not a threshold's 不超过 / 不满 / 不足 …): an unknown negation refuses, never grants.
LENIENCY_WORD = re.compile(r"不予(?:行政)?处罚|免予|免于|免罚|免除|不罚|从轻|减轻|轻罚|减免|不予(?=处理|追究)")
NEGATED_BEFORE = re.compile(r"不(?!超过|满|足|高于|低于|大于|多于|少于|到|及时)|除外|排除|无法")  # any 不 but a threshold's


def leniency_negated(text: str) -> bool:
    """A negation or exclusion word before the first word of leniency, or an exclusion word anywhere (除外 / 排除 /
    不适用): the words withhold leniency."""
    m = LENIENCY_WORD.search(text)
    if m and any(n.start() < m.start() for n in NEGATED_BEFORE.finditer(text)):
        return True
    return bool(re.search(r"除外|排除|不(?:予|得|能)?适用", text)) and bool(m)


def lenient_outcome(text: str) -> bool:
    """Words naming an outcome of leniency (可以对其不予处罚 / 依法从轻处罚), not withheld."""
    return bool(OUTCOME_WORDS_RX.search(text)) and not leniency_negated(text)


def consequence_named(words: str) -> bool:
    """Words in the consequence's place (after the case) that are no condition: a penalty, its handling or a
    measure (依据相关规定进行处罚 / 另行处理 / 给予警告 …), or the leniency withheld (不予从轻 / 不纳入 …)."""
    w = words.strip(" ：:，,、；;。")
    return bool(w) and (_sanction_named(w) or bool(_NEG_OPEN.match(w) and _LENIENT_OR_REACH.search(w)))


# Conditions positively recognised in a clause of their own — after a case (…的，X) too — that name a penalty word
# but are faithful conditions (a reviewer's finding 7): corrected before the case was filed, not a case of 从重.
# Never an exclusion.
FAITHFUL_CONDITION = re.compile(
    r"(?:当事人|经营者)?(?:在|于)?(?:被?立案(?:调查)?|调查)(?:之)?前(?:已|已经)?(?:主动|及时|自行)?(?:改正|整改|纠正)(?:完毕|到位)?(?:的)?"
    r"|(?:当事人|经营者)?(?:不属于|不具有|不存在|没有|无)(?:应当|依法)?从重处罚(?:的)?(?:情形|情节|情况)"
    r"|(?:不涉及|未涉及)(?:吊销|暂扣|撤销)(?:许可证|营业执照|执照|许可)"
    r"|在(?:一般|简易|普通)程序中(?:主动|及时|自行)?(?:改正|整改|纠正)"
    # something that did NOT happen to the party (未被移送 / 没有被吊销 / 尚未立案 / 未受过行政处罚 / 未列入…名单)
    # — it stops at 的: a sanction or measure after it (未造成损失的依法吊销营业执照) is no condition
    r"|(?:当事人|经营者)?(?:未|没有|尚未|从未|未曾)(?:被|曾|受过|受到|列入|纳入|立案|造成|因)[^，,；;。免宽的]*的?"
    # a correction, with who or when (在检查时主动改正 / 违法者主动改正 / 经营者被检查时已改正)
    # — not negated (拒不 / 未 / 仍未 / 逾期仍未 / 经责令后仍未 及时改正 is the opposite)
    r"|(?![^，,；;。]{0,12}(?:未|不|没有|拒|无)(?:主动|及时|自行|已|已经|立即|当场)?(?:改正|整改|纠正))"
    r"[^，,；;。罚免宽减轻]{0,12}(?:主动|及时|自行|已|已经|立即|当场)(?:改正|整改|纠正)(?:完毕|到位)?(?:的)?"
    # cooperation with the investigation (案发后积极配合调查处理)
    r"|(?:案发后|事后|检查中|调查中)?(?:能够)?(?:积极|主动|如实)配合(?:行政机关)?(?:调查|查处|执法|检查)(?:处理|取证|工作)?(?:的)?")
# A tail after a case that is exactly an outcome of leniency (…的，可以依法不予处罚): the row's outcome, checked
# against the outcome column elsewhere — nothing else around it (取消免罚资格 is no outcome of leniency)
LENIENT_TAIL = re.compile(r"(?:依法)?(?:可以|可|应当|应)?(?:依法|予以|对其)*(?:(?:不予|免予|免于|从轻|减轻)(?:行政)?处罚|免罚|不罚)")
# A tail after a case that adds nothing (…的，均可 / …的，即可): a known harmless connective
HARMLESS_TAIL = re.compile(r"(?:均|亦|也|即)?(?:可|可以)?|等|以上|以下")


def names_exclusion(words: str) -> bool:
    """Words that name a penalty or the list's leniency withheld as their consequence (see above)."""
    w = words.strip(" ：:，,、；;。")
    if not w:
        return False
    if FAITHFUL_CONDITION.fullmatch(w):
        return False
    # 除非造成人员伤亡 / 造成人员伤亡的例外 / 排除造成人员伤亡情形 / Except where …: the case named is left out
    if re.search(r"除非|例外|排除[^，,；;。]*(?:情形|情况|事项)|(?i:except|unless|excluding|otherthan)", w):
        return True
    if LENIENCY_WITHHELD.search(w) or EXCEPT_AROUND.match(w) or EXCLUDE_HEAD.match(words.strip()):
        return True
    if _LEFT_OUT.search(w) or _measure_named(w):
        return True
    # the clause's own tail after its case: withheld leniency (造成人员伤亡的不免罚 / …时不适用); a penalty only after
    # a comma (…者，依法处罚), not after an attributive 的 (已缴纳此前的处罚款项 / 涉案物品的处置以罚款方式)
    tail = re.split(r"(?:的|者|时)", re.split(r"[，,；;]", w)[-1])
    if len(tail) > 1 and _NEG_OPEN.match(tail[-1]) and _LENIENT_NARROW.search(tail[-1]):
        return True
    if _NEG_OPEN.match(w) and re.match(r"^(?:但|则)?不(?:予|得|能|再|可|应)?(?:免|减|从轻|轻罚|宽)", w):
        return True  # 不予减免 / 不得免罚 / 不再免罚 / 不能免罚 / 不予从轻: never a condition
    # the consequence at the end of the clause: the whole clause (则依法处罚) or after its case (…的，应当处罚)
    last = re.split(r"[，,；;]", w)[-1]
    m = SANCTION_CLAUSE.fullmatch(last) or re.search(r"的" + SANCTION_CLAUSE.pattern + "$", last)
    return bool(m) and not _PAST_SANCTION.search(last)


def _exclusion_consequences(tokens: list[Token], flags: list[str]) -> list[Token]:
    """Clauses naming an exclusion by its consequence (names_exclusion) → one TEXT with EXCEPT_NOTE; a bare
    consequence (则依法处罚 / ，不予免罚) with the clause before it behind one comma (the case it is about: …的 /
    如… / 若有… / 违法所得超过1000元); a heading 排除： takes the rest of the sentence."""
    out: list[Token] = []
    i = 0
    while i < len(tokens):
        tok = tokens[i]
        if tok.kind == "HEADING" and EXCLUDE_HEAD.match(tok.text.strip()):
            j = i + 1
            while j < len(tokens) and not (tokens[j].kind == "SEMI" and tokens[j].text == "。"):
                j += 1
            out.append(Token("TEXT", "".join(t.text for t in tokens[i:j]), note=EXCEPT_NOTE))
            i = j
            continue
        if tok.kind == "HEADING" and not lenient_outcome(tok.text) \
                and (names_exclusion(tok.text) or consequence_named(tok.text.strip(" ：:"))):
            # 有下列情形之一的，依法处罚：(1)… / 不得免罚：(1)…: the cases listed after it are the exclusions
            tok = Token("TEXT", tok.text)
        after_case = (tok.kind == "TEXT" and out and out[-1].kind == "SEP" and out[-1].text in "，," and len(out) > 1
                      and out[-2].kind == "TEXT" and re.search(r"(?:的|者|时)$", out[-2].text.strip())
                      and out[-2].note != EXCEPT_NOTE)
        # ALLOWLIST for the tail after a case (…的，X / …者，X / …时，X — the consequence's place): a tail that is a
        # whole clause of words the grammar does not read (not a tag, a threshold, an outcome of leniency, a faithful
        # condition or a harmless connective) is the case's consequence — an exclusion, whatever its verb (惩处 /
        # 承担法律责任 / 取消免罚资格 / 依法處罰 …): blocks, never a condition an answer 是 satisfies
        tail_unread = (tok.kind == "TEXT" and out and out[-1].kind == "SEP" and out[-1].text in "，," and len(out) > 1
                       and out[-2].kind in ("TEXT", "PHRASE") and re.search(r"(?:的|者|时)$", out[-2].text.strip())
                       and out[-2].note != EXCEPT_NOTE
                       and (i + 1 == len(tokens) or tokens[i + 1].kind in ("SEP", "SEMI", "ENUM"))
                       and not FAITHFUL_CONDITION.fullmatch(tok.text.strip(" ：:，,、；;。"))
                       and not HARMLESS_TAIL.fullmatch(tok.text.strip(" ：:，,、；;。"))
                       and not LENIENT_TAIL.fullmatch(tok.text.strip(" ：:，,、；;。")))
        if tok.kind == "TEXT" and tok.note != EXCEPT_NOTE and (names_exclusion(tok.text) or tail_unread or after_case
                                                               and consequence_named(tok.text)
                                                               and not lenient_outcome(tok.text)):
            words = tok.text
            # the case the consequence is about: the clause just before it, behind one comma
            bare = SANCTION_CLAUSE.fullmatch(words.strip("。；; ")) or BARE_WITHHELD.match(words.strip())
            bare = bare or after_case or tail_unread
            if bare and out and out[-1].kind == "SEP" and out[-1].text in "，," and not re.search(r"的", words):
                k = len(out) - 1
                while k > 0 and out[k - 1].kind not in ("SEP", "SEMI", "ENUM", "ANY", "HEADING", "LABEL"):
                    k -= 1
                case = out[k:len(out) - 1]
                case_words = "".join(t.text for t in case)
                # a bare consequence (则依法处罚 / 应当处罚) is always about the clause before it: with it, whole
                if case:
                    del out[k:]
                    words = case_words + tokens[i - 1].text + words
            j = i + 1
            if STRUCTURE_WORDS.search(words) or re.search(r"[:：]$", tok.text.strip()):
                # a list's heading (有下列情形之一的，不予免罚：) names the listed cases as the exclusions: with it, whole
                while j < len(tokens) and not (tokens[j].kind == "SEMI" and tokens[j].text == "。"):
                    j += 1
                words += "".join(t.text for t in tokens[i + 1:j])
            out.append(Token("TEXT", words, note=EXCEPT_NOTE))
            i = j
            continue
        out.append(tok)
        i += 1
    return out


# -- a 之一 heading's own conditions ---------------------------------------------------------------------
# 具有下列情形之一并及时改正：(1)…；(2)… / 有下列情形之一，且无违法所得的，不予处罚：(1)…: the words in the heading
# besides the marker (及时改正 / 无违法所得) hold for every alternative — read before the marker, where
# _split_at_any takes them as the conditions common to all alternatives (all_of [heading, any_of [...]]); never
# left in the heading moved to the note.
_ANY_OPEN_RX = re.compile(_ANY_OPEN)
_HEADING_JOIN = re.compile(r"^(?:[，,]?(?:并且|而且|并|且|同时|以及|及(?!时))?)")


_ALL_OPEN_RX = re.compile(r"(?:须|应|应当|需)?(?:同时)?(?:满足|符合|具备|具有|有)?(?:下列|以下|上述|前述)(?:全部|所有|各项)?"
                          r"(?:情形|条件)(?:的)?")


# a 之一 marker alone in its clause (以下任一情形 / 满足下列条件中的一项), and the colon that ends its heading
_ANY_HEAD = re.compile(r"(?:但)?(?:(?:满足|符合|具备|具有|有|属于|存在)(?:下列|以下)|下列|以下)(?:情形|条件|情况)?(?:中的|中)?"
                       r"(?:之一|其一|任一|任意一项|任何一项|一项|一种)(?:情形|条件|情况)?")
_ANY_NAME = "有下列情形之一"
OUTCOME_WORDS_RX = re.compile(r"(?:不予|免予|免于|从轻|减轻)[^，,；;。]{0,6}?(?:处罚|罚)|免罚|不罚")


def _heading_colon(tok: Token) -> bool:
    t = tok.text.strip()
    return (tok.kind == "TEXT" and t in ("：", ":")) or (tok.kind in ("OUTCOME", "HEADING") and t.endswith(("：", ":")))


def _heading_words(words: str) -> str:
    return _HEADING_JOIN.sub("", words.strip()).rstrip("：:，, ").removesuffix("的").strip()


def _heading_conditions(tokens: list[Token], flags: list[str]) -> list[Token]:
    """A heading with a structure marker (之一 / 下列条件) and words of its own — before the marker (在城市建成区内具有
    下列情形之一：) or after it (具有下列情形之一并及时改正： / 符合以下条件并主动改正：): the words are read as
    conditions before the marker (they hold for every alternative), the marker stays a remark."""
    out: list[Token] = []
    i = 0
    while i < len(tokens):
        tok = tokens[i]
        m = None
        bracketed = re.search(r"[（()）]", tok.text)
        if tok.kind in ("ANY", "HEADING") and STRUCTURE_WORDS.search(tok.text) \
                and (not bracketed or not tok.text.startswith(("(", "（")) and not MARKER_REMARK.search(tok.text)):
            m = _ANY_OPEN_RX.search(tok.text) or _ALL_OPEN_RX.search(tok.text)
            if m and not re.search(r"下列|以下", m.group(0)):  # 满足其一 / 上述条件之一: closes, not a heading
                m = None
        if m and out and out[-1].kind == "TEXT" and not _is_filler(out[-1].text):
            # 存在 / 出现 right before the marker: words of the heading not read as a condition — blocks (ALLOWLIST)
            flags.append("conditions.heading_unread")
        if m:
            kind = "ANY" if m.re is _ANY_OPEN_RX else tok.kind  # the marker opens the alternatives after the words
            # 具有下列情形之一（并及时改正）：: the bracket's words are the heading's too
            before, extra = tok.text[:m.start()], re.sub(r"[（()）]", "", tok.text[m.end():])
            outcome = OUTCOME.search(extra)
            if outcome and not re.search(r"罚", outcome.group(0)):  # 的： ends the heading, names no outcome
                outcome = None
            words = [w for w in (_heading_words(before), _heading_words(extra[:outcome.start()] if outcome else extra))
                     if w and not _is_filler(w)]
            if outcome and extra[outcome.end():].strip("：:，,。 的"):
                flags.append("conditions.heading_unread")  # words after the heading's outcome: not read
            if words:
                for w in words:
                    read = _exclusion_consequences(_guard(tokenize(w), flags), flags)
                    if any(t.kind == "TEXT" and not _is_filler(t.text) for t in read):
                        # ALLOWLIST: a heading's own words are recognised conditions (并及时改正 / 没有违法所得) or
                        # it blocks (存在 / 出现 / 並及時改正 kept as a custom on every alternative: check)
                        flags.append("conditions.heading_unread")
                    out.extend(read)
                    out.append(Token("SEP", "，"))
                colon = "：" if tok.text.rstrip().endswith(("：", ":")) else ""
                out.append(Token(kind, m.group(0) + colon))
                if outcome:
                    out.append(Token("OUTCOME", outcome.group(0)))
                i += 1
                continue
        # 以下情形之一，且及时改正：(1)… : the marker, a comma, the heading's conditions, a colon, the numbers
        # 有下列情形之一，同时未造成危害后果的：(1)… / 有下列情形之一的，在责令改正期限内改正的，不予处罚：(1)… /
        # 以下任一情形，并及时改正：(1)… / 具有下列情形之一，并经责令改正后改正：(1)…: the words up to the colon
        if tok.kind == "TEXT" and (_ANY_OPEN_RX.fullmatch(tok.text.strip())
                                   or _ANY_HEAD.fullmatch(tok.text.strip().removesuffix("的"))):
            j = i + 1
            while j < len(tokens) and not _heading_colon(tokens[j]) and tokens[j].kind not in ("ENUM", "SEMI"):
                j += 1
            if j < len(tokens) and _heading_colon(tokens[j]) and j + 1 < len(tokens) and tokens[j + 1].kind == "ENUM":
                inner = [t for t in tokens[i + 1:j + 1] if t.kind not in ("SEP", "AND")]
                if inner and inner[-1].kind == "HEADING":  # 并经责令改正后改正： — the heading's own words
                    words = inner.pop().text.strip().rstrip("：:")
                    if OUTCOME_WORDS_RX.search(words):
                        if not LENIENT_TAIL.fullmatch(re.sub(r"^的?[，,]?", "", words).strip("。 ")):
                            # 在当事人改正后不予处罚: words around the outcome are conditions not read — blocks
                            flags.append("conditions.heading_unread")
                        inner.append(Token("OUTCOME", words))
                    elif not _is_filler(_heading_words(words)):
                        read = _exclusion_consequences(_guard(tokenize(_heading_words(words)), flags), flags)
                        if any(t.kind == "TEXT" and not _is_filler(t.text) for t in read):
                            flags.append("conditions.heading_unread")
                        inner.extend(read)
                inner = [t for t in inner if not (t.kind == "TEXT" and t.text.strip() in ("：", ":"))]
                heads = [t for t in inner if t.kind != "OUTCOME"]
                if heads or inner:  # 具有下列情形之一的，可以依法不予处罚：: the marker and the outcome only
                    out.extend(heads)
                    if heads:
                        out.append(Token("SEP", "，"))
                    out.append(Token("ANY", _ANY_NAME + "："))
                    out.extend(Token("OUTCOME", t.text.rstrip("：:")) for t in inner if t.kind == "OUTCOME"
                               and t.text.strip("的：: "))
                    i = j + 1
                    continue
        out.append(tok)
        i += 1
    return out


# A full-width comma as a thousands separator (违法所得不超过1，000元 / 10，000元): one number, not two clauses — only
# between a digit and exactly three digits followed by a unit or another group
FULLWIDTH_THOUSANDS = re.compile(r"(?<=\d)(?<!\d{4})(\d{0})，(?=\d{3}(?:[，,]\d{3})*(?:\.\d+)?(?:元|万元|千元|吨|公斤|千克|人|个|件|份|平方米|米))")


# -- where a correction time limit starts ------------------------------------------------------------------
# 自被发现之日起3日内改正 / 责令改正之日起10日内 / 在收到通知书之日起5个工作日内: the vocabulary's quantity counts “自责令改正
# 或检查、发现之日起” — which one the list means is lost in the number alone (from the order, an officer would count
# fewer days than from discovery: wider). The list's words are kept beside the threshold (custom, asked too).
CORRECTION_QUANTITIES = {"correction_days", "correction_workdays", "correction_months"}
STARTS_AT = re.compile(r"之日起|之日|起算|起(?=\d|[一二三四五六七八九十两])")
START_NOTE = "改正期限的起算点按原文保留(词表的改正用时未区分自责令改正、检查或发现之日起算)"


def _correction_start(tokens: list[Token], flags: list[str]) -> list[Token]:
    out: list[Token] = []
    for tok in tokens:
        if tok.kind == "THRESH" and isinstance(tok.value, dict) and tok.value.get("quantity") in CORRECTION_QUANTITIES:
            words = tok.words or tok.text
            if out and out[-1].kind == "TEXT" and tok.text.startswith(("之日起", "起")):
                words = out.pop().text + words  # 在收到通知书 + 之日起5个工作日内完成整改: one time limit
            if STARTS_AT.search(words):
                tok = Token(tok.kind, tok.text, tok.value, "; ".join(x for x in (tok.note, START_NOTE) if x), True,
                            words)
        out.append(tok)
    return out
