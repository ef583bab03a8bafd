from conftest import SEED
from index.corpus import read_file
from index.passages import HARD_MAX, MAX_SENTENCES, sentence_spans, split_passages


def test_passages_cover_the_article_with_exact_offsets():
    [a] = list(read_file(SEED))
    ps = split_passages(a.id, a.text)
    assert len(ps) >= 4
    for i, p in enumerate(ps):
        assert p.position == i and p.article_id == a.id
        assert a.text[p.start : p.end] == p.text
    assert all(ps[i].end <= ps[i + 1].start for i in range(len(ps) - 1))
    # nothing but whitespace falls between passages
    covered = "".join(p.text for p in ps)
    assert len(covered) >= len(a.text.replace("\n", "")) - len(ps) * 2


def test_the_figure_sentence_stays_whole():
    [a] = list(read_file(SEED))
    sentence = "Giai đoạn 2012-2020, quận Long Biên đã thành lập được 61 chi bộ đảng"
    assert sum(sentence in p.text for p in split_passages(a.id, a.text)) == 1


def test_sentences_do_not_break_on_numbers_or_short_forms():
    text = "TP. HCM có 1.200 đảng viên mới. Tỷ lệ đạt 12,5%. Chi bộ họp lúc 8.30 sáng! Xong."
    spans = [text[s:e] for s, e in sentence_spans(text)]
    assert spans == ["TP. HCM có 1.200 đảng viên mới.", "Tỷ lệ đạt 12,5%.", "Chi bộ họp lúc 8.30 sáng!", "Xong."]


def test_window_size_is_bounded():
    text = " ".join(f"Câu số {i} nói về chi bộ." for i in range(40))
    ps = split_passages("x", text)
    assert len(ps) > 5
    assert all(p.text.count(".") <= MAX_SENTENCES for p in ps)


def test_a_huge_line_without_punctuation_is_cut():
    text = "chữ " * 5000
    ps = split_passages("x", text.strip())
    assert all(len(p.text) <= HARD_MAX for p in ps)
    assert sum(len(p.text) for p in ps) >= len(text.strip()) - len(ps)
