from penalty_rules.importer.citations import parse_citations
from penalty_rules.model.citation import Citation


def test_full_citation():
    r = parse_citations("《中华人民共和国食品安全法》第一百二十六条第一款第（一）项")
    assert [c.citation for c in r.citations] == [
        Citation(law="中华人民共和国食品安全法", article=126, paragraph=1, item=1)]
    assert r.ok


def test_lists_of_references_continue_law_and_article():
    r = parse_citations("《中华人民共和国行政处罚法》第三十三条第一款、第二款；《食品安全法》第34条第（十）项、第（十一）项")
    assert [c.citation for c in r.citations] == [
        Citation(law="中华人民共和国行政处罚法", article=33, paragraph=1),
        Citation(law="中华人民共和国行政处罚法", article=33, paragraph=2),
        Citation(law="食品安全法", article=34, item=10),
        Citation(law="食品安全法", article=34, item=11),
    ]


def test_law_only_bare_name_nested_title_and_suffix():
    assert parse_citations("《食盐专营办法》").citations[0].citation == Citation(law="食盐专营办法")
    assert parse_citations("食品安全法第一百二十二条").citations[0].citation == Citation(law="食品安全法", article=122)
    r = parse_citations("《河北省实施《中华人民共和国气象法》办法》第二十三条")
    assert r.citations[0].citation == Citation(law="河北省实施《中华人民共和国气象法》办法", article=23)
    r = parse_citations("《行政处罚法》第三十三条之一")
    assert r.citations[0].citation == Citation(law="行政处罚法") and "之一" in r.citations[0].note


def test_unreadable_text_is_reported():
    r = parse_citations("依据见附件")
    assert not r.citations and r.unread == ["依据见附件"]


def test_suffixed_articles_are_kept_and_not_merged():
    r = parse_citations("《中华人民共和国刑法》第一百三十三条之一、第一百三十四条")
    assert [c.citation for c in r.citations] == [Citation(law="中华人民共和国刑法"),
                                                 Citation(law="中华人民共和国刑法", article=134)]
    assert "第一百三十三条之一" in r.citations[0].note and r.ok
    r = parse_citations("《中华人民共和国刑法》第三十三条之一第一款")
    assert [c.citation for c in r.citations] == [Citation(law="中华人民共和国刑法")]
    assert "第三十三条之一第一款" in r.citations[0].note


def test_citing_words_are_not_part_of_the_law_name():
    assert parse_citations("依据食品安全法第三十四条").citations[0].citation == Citation(law="食品安全法", article=34)
    r = parse_citations("根据《食品安全法》第三十四条")
    assert r.citations[0].citation == Citation(law="食品安全法", article=34) and r.ok
