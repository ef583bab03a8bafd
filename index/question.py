"""Question analysis: what kind of answer a question wants, about what, by which verb.

``analyze_question`` works with or without diacritics. The question is normalized,
its abbreviations expanded (``Đ/c`` -> ``đồng chí``, ``ubnd`` -> ``Ủy ban nhân dân``)
and split into lower-case syllables; each syllable is kept both as written and
folded (``mấy`` / ``may``).

Phrases in the tables below are written with diacritics. A question syllable matches
a phrase syllable when their folded forms are equal and, if the question syllable
carries diacritics, the written forms are equal too. So ``mấy`` matches ``mấy`` and
``may``, but ``máy`` (machine) never matches ``mấy``; ``đâu`` matches ``đâu`` and ``dau``
but not ``đầu``. Without diacritics the remaining collisions are settled by the
``NOT_BEFORE`` / ``NOT_AFTER`` guards (``may bay`` is ``máy bay``, ``nha may`` is
``nhà máy``, ``o dau tu`` is ``ở đầu tư``, ``ai cap`` is ``Ai Cập``).

In a question typed with diacritics (``ACCENTED_SHARE``), unmarked words such as
``cho`` are taken as written when the target phrase is cut.

The answer type is the first type in ``TYPE_ORDER`` with a matching phrase:
percent beats money beats (strong) date beats count beats person beats place beats
(weak) date, so "Tỷ lệ cử tri đi bầu là bao nhiêu?" is a percent question and
"Kinh phí bao nhiêu tỷ đồng?" a money one. A question is about money when it has a
money phrase (``bao nhiêu tiền``, ``tỷ đồng``) and asks an amount, or when a money
noun (``kinh phí``, ``vốn``, ``doanh thu``...) comes before ``bao nhiêu``/``mấy`` or
right after it. "Ai" is a person only as a whole word (not ``hai``, ``tai``).

``target`` is the noun phrase right after ``bao nhiêu``/``mấy`` (after ``tỷ lệ`` for
percentages, the money noun for money), up to 4 syllables, cut at function words,
time words and verbs; else the noun after ``số lượng``/``số``. ``verb`` is the verb of
``VERBS`` nearest to the question phrase (outside the target), folded.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cached_property, lru_cache

from index.figures import CURRENCIES, SCALE_WORDS
from index.mismatch import SURNAMES_FOLDED, SURNAMES_LOWER
from index.places import PROVINCES
from index.text import expand_abbreviations, fold, fold_words, normalize

# --- tables (extend here) ----------------------------------------------------------------

#: Answer type -> phrases that ask for it (written with diacritics).
TYPE_PHRASES: dict[str, tuple[str, ...]] = {
    "percent": (
        "tỷ lệ", "tỉ lệ", "bao nhiêu phần trăm", "bao nhiêu %", "mấy phần trăm", "phần trăm",
        "tỷ trọng", "tỉ trọng",
    ),
    "money": (
        "bao nhiêu tiền", "bao nhiêu đồng", "bao nhiêu tỷ", "bao nhiêu tỉ", "bao nhiêu triệu",
        "bao nhiêu nghìn đồng", "bao nhiêu usd", "bao nhiêu đô la", "tỷ đồng", "tỉ đồng",
        "triệu đồng", "nghìn đồng", "usd", "đô la", "trả bao nhiêu",
    ),
    "date": (
        "khi nào", "bao giờ", "ngày nào", "năm nào", "hôm nào", "thời gian nào", "lúc nào",
        "tháng nào", "thời điểm nào", "dịp nào", "ngày bao nhiêu", "ngày mấy", "ngày tháng nào",
        "buổi nào", "đêm nào", "hạn chót nào", "thời hạn nào", "mốc nào", "ngày dương lịch nào",
    ),
    "count": (
        "bao nhiêu", "số lượng", "mấy", "thứ mấy", "thứ bao nhiêu", "là mấy", "bao lâu",
        # an amount asked by its level or size: "đạt mức nào?", "cao cỡ nào?"
        "mức nào", "ngưỡng nào", "cỡ nào", "bao lớn",
    ),
    "date_weak": ("vào ngày", "vào năm", "vào thời gian", "vào dịp"),
    "person": (
        "ai", "đồng chí nào", "người nào", "ông nào", "bà nào", "vị nào", "cá nhân nào",
        "những ai", "là ai", "do ai", "họ tên", "thứ trưởng nào", "bộ trưởng nào", "chủ tịch nào",
        "bí thư nào", "giám đốc nào", "đại biểu nào", "lãnh đạo nào", "cán bộ nào", "đảng viên nào",
        "nhân vật nào", "tướng nào", "phó chủ tịch nào", "trưởng ban nào", "nhà báo nào",
        "ngư dân nào", "khách hàng nào", "sinh viên nào", "thí sinh nào", "bác sĩ nào",
        "luật sư nào", "doanh nhân nào", "nghệ sĩ nào", "nhà văn nào", "giáo viên nào",
        "cô giáo nào", "thầy giáo nào", "chiến sĩ nào", "quan chức nào", "nhà khoa học nào",
        "học sinh nào",
    ),
    "place": (
        "ở đâu", "tại đâu", "nơi nào", "địa phương nào", "tỉnh nào", "ở tỉnh nào", "thành phố nào",
        "huyện nào", "quận nào", "xã nào", "phường nào", "địa điểm nào", "địa bàn nào",
        "nước nào", "đâu", "quận mấy", "phường mấy",
    ),
}  # fmt: skip

#: Nouns of places a question asks for with "<noun> nào" ("nằm trên đường nào?", "ở hồ
#: nào?"); the answer is the noun with its name ("đường Nguyễn Văn Linh", "hồ Gươm").
PLACE_NOUNS: tuple[str, ...] = (
    "đường", "tuyến đường", "con đường", "phố", "hồ", "bến", "bến xe", "cầu", "cây cầu",
    "công viên", "bệnh viện", "sân bay", "thôn", "ấp", "bản", "làng", "thị trấn", "thị xã",
    "địa chỉ", "hội trường", "giao lộ", "ngã tư", "đảo", "hòn đảo", "cửa biển", "cảng", "chợ",
    "đồi", "ngọn đồi", "núi", "sông", "khu", "đơn vị bầu cử", "quốc gia", "cửa khẩu",
    "sân vận động", "nhà hát", "khách sạn", "trại giam", "nhà máy",
    "chung cư", "khu chung cư", "khu công nghiệp", "khu chế xuất", "khu đô thị", "khu dân cư",
    "khu tái định cư", "khu vực", "thủ đô", "mỏ", "mỏ dầu", "trường", "trường học", "đèo",
    "con đèo", "nghĩa trang", "nhà ga", "cảng cá", "bến phà", "nhà tù", "bãi rác", "lò mổ",
    "xóm", "di tích", "lô đất", "khuôn viên", "tòa nhà", "trụ sở", "số nhà", "chỗ",
    "kênh", "con kênh", "bảo tàng",
    "ga", "bãi biển", "bãi tắm", "suối", "quần đảo", "vịnh", "vùng biển",
    "khu vực biển", "hang động", "cột cây số", "hầm lò", "kho", "kho lạnh", "siêu thị",
    "nhà hàng", "nhà sách", "nhà thi đấu", "làng nghề", "khu nghỉ mát", "khu đất", "khu nhà đất",
    "khu neo đậu", "khu gian", "cụm công nghiệp", "nông trường", "chùa",
    "đồn", "đồn biên phòng", "địa danh", "đô thị", "kcn", "kcx", "bãi", "bến đò",
    "mỏm đá",
    # a noun and the kind of it ("trường THPT nào", "làng gốm nào", "ga xe lửa nào")
    "trường thpt", "trường thcs", "trường tiểu học", "trường trung học", "trường phổ thông",
    "trường mầm non", "làng gốm", "ga xe lửa", "mỏ vàng", "mỏ than", "nút giao", "trại giam giữ",
    "cơ sở y tế", "hội đồng thi",
    # roads, works and sites named after their kind ("quốc lộ 1A", "nhà tang lễ Phùng Hưng")
    "quốc lộ", "tỉnh lộ", "đại lộ", "vòng xoay", "bùng binh", "cư xá", "ký túc xá", "khu phố",
    "khu sinh thái", "khu du lịch", "điểm du lịch", "khu bảo tồn", "vườn quốc gia", "khu kinh tế",
    "nhà tang lễ", "nhà văn hóa", "nhà thờ", "nhà khách", "quảng trường", "tượng đài",
    "trung tâm thương mại", "cảng biển", "sân golf", "trạm thu phí", "trạm y tế", "hồ chứa",
    "thủy điện", "nhà máy thủy điện", "đập", "đập ngăn mặn", "cống", "đền", "đình", "thác",
    "đỉnh núi", "ngọn núi", "cánh đồng",
)  # fmt: skip
_PLACE_NOUNS_ASKED = tuple(f"{noun} nào" for noun in PLACE_NOUNS)
#: People asked by their trade or role ("nhà ngoại giao nào", "tài xế nào").
TRADES_ASKED: tuple[str, ...] = (
    "nhà ngoại giao", "chuyên gia", "tài xế", "nhà điêu khắc", "hiệu phó", "thuyền trưởng",
    "vận động viên", "kiểm sát viên", "điều tra viên", "thẩm phán", "phóng viên", "nhạc sĩ",
    "họa sĩ", "ca sĩ", "diễn viên", "cầu thủ", "nhà thơ", "nghệ nhân",
)  # fmt: skip
#: Ranks and academic titles: a person asked with "nào" right after them or after the
#: capitalized name of their body ("Thượng tá nào", "Giáo sư Viện Sử học nào"), as trades,
#: not as titles: "kỹ sư ngành nào", "quân hàm đại tá tương đương chức vụ nào" ask no person.
RANKS_AND_DEGREES: tuple[str, ...] = (
    "giáo sư", "phó giáo sư", "kỹ sư", "thiếu úy", "trung úy", "thượng úy", "đại úy", "thiếu tá",
    "trung tá", "thượng tá", "đại tá", "thiếu tướng", "trung tướng", "thượng tướng", "đại tướng",
)  # fmt: skip
TRADES_ASKED += RANKS_AND_DEGREES
TYPE_PHRASES["person"] += tuple(f"{trade} nào" for trade in TRADES_ASKED)
TYPE_PHRASES["place"] += _PLACE_NOUNS_ASKED
#: Administrative units a place question may ask ("huyện nào?"): its candidates are the
#: places the sentences name.
UNITS_ASKED: tuple[str, ...] = (
    "tỉnh nào", "huyện nào", "quận nào", "phường nào", "xã nào", "thành phố nào", "thị xã nào",
    "thị trấn nào", "địa phương nào", "nước nào", "quốc gia nào", "quận mấy", "phường mấy",
)  # fmt: skip
#: Place nouns whose folded form is also a common word ("ho" hộ/họ, "ban" ban/bán,
#: "dao" đạo, "cau" câu, "ben" bên, "pho" phó, "cho" cho, "doi" đội, "song" sống,
#: "lang" lăng, "cang" càng, "ap" áp, "ga" gà, "kho" khó, "chua" chưa, "don" đón, "vinh"
#: vinh, "bai" bài): "<noun> nào" asks a place only as written, in a question typed with
#: diacritics; in one typed without, only after a word of place ("o ga nao").
_PLACE_AS_WRITTEN_NOUNS: frozenset[str] = frozenset(
    "hồ bản đảo cầu bến phố chợ đồi sông làng cảng ấp mỏ đèo trường xóm chỗ ga kho chùa đồn vịnh bãi "
    "đập cống đền đình thác".split()
)
PLACE_AS_WRITTEN: frozenset[str] = frozenset(f"{n} nào" for n in _PLACE_AS_WRITTEN_NOUNS)

#: Words of place after which an unaccented "ho nao", "cau nao", "song nao"... asks a
#: place: ở, tại, quanh, giữa, trên, ven, qua, ngôi ("giua ho nao", "ngoi chua nao"); not đến /
#: tới / vào ("den ho nao" is "đến hộ nào"). "ben nao" only after cập ("o ben nao" is
#: "ở bên nào"), "ban nao" never ("o ban nao cua tinh uy": a board, "bàn": a table).
_LOCATIVE_FOLDED: frozenset[str] = frozenset("o tai quanh giua tren ven qua ngoi".split())
_LOCATIVE_FOLDED_FOR: dict[str, frozenset[str]] = {"bến nào": frozenset({"cap"}), "bản nào": frozenset()}

#: Person phrases that decide the type when they end the question, whatever comes
#: before ("..., người cho rằng nước máy nhiễm bẩn ..., là ai?": not "mấy").
PERSON_LAST: tuple[str, ...] = ("là ai", "ai")
#: Phrases asking a name: a person's when a person word leads the question ("Giám đốc Công
#: ty ..., tên là gì?"), else a thing's ("Pháo đài được xây dựng có tên là gì?").
NAME_ASKED: tuple[str, ...] = (
    "tên gì", "tên là gì", "tên thật là gì", "họ tên", "tên khai sinh", "tên gọi là gì", "tên gọi gì",
    "tên gọi khác là gì",
)  # fmt: skip
#: Person words that modify the person word after them ("vị phó giám đốc", "nữ học sinh").
_MODIFIERS = frozenset({"vị", "nữ"})
#: Person words whose folded form is another common word (chi bộ, ba, phó, trường, vị, nữ).
_CUES_AMBIGUOUS_FOLDED = frozenset({"chị", "bà", "phó", "trưởng", "vị", "nữ", "vua"})  # "vua": "vừa"
PERSON_CUES: tuple[str, ...] = (
    "người", "ông", "bà", "anh", "chị", "vị", "đồng chí", "phi công", "giáo sư", "bác sĩ",
    "tác giả", "cán bộ", "đại biểu", "ủy viên", "trưởng", "phó", "nhà báo", "nữ", "cựu",
    "cô giáo", "thầy giáo", "giáo viên", "sinh viên", "thí sinh", "nhà ngoại giao", "quan chức",
    "ngư dân", "luật sư", "nhà văn",
    # people named by their trade or role when they lead a question asking a name
    "tài xế", "lái xe", "thuyền trưởng", "giám thị", "thủ khoa", "thầy đồ", "nguyên thủ", "cô gái",
    "chàng trai", "kiểm sát viên", "điều tra viên", "thẩm phán", "chủ doanh nghiệp", "chủ lò",
    "chủ ghe", "chủ tàu", "chủ quán", "chủ cơ sở", "chủ hộ", "bé trai", "bé gái", "cháu bé",
    "em bé", "du khách", "nghệ nhân", "nhân viên", "công nhân", "hiệu phó", "chuyên gia",
    "nạn nhân", "bệnh nhân", "học sinh", "phóng viên", "tiếp viên", "đô trưởng", "trung úy",
    "thiếu úy", "đại úy", "thiếu tá", "trung tá", "thượng tá", "đại tá", "vua",
    "đội trưởng", "cầu thủ",
)  # fmt: skip
#: Cues that name the person right before the name is asked ("người đó tên gì").
_CUES_BEFORE_NAME: tuple[str, ...] = ("người", "ông", "bà", "anh", "chị", "đồng chí")  # not "vị": "đơn vị đó tên gì"
#: Words after the question phrase that still leave it last ("là ai vậy?").
_TRAILING = frozenset({"vay", "the", "a", "nhi", "day", "ha"})

#: Order in which types are tried (``date_weak`` reports as ``date``). A weak date phrase
#: often only sets the time of what the question asks: "Ai là chủ tịch ... vào dịp kỷ
#: niệm ...?" asks a person, "... tổ chức vào ngày đầu năm ... ở huyện nào?" a place.
TYPE_ORDER: tuple[str, ...] = ("percent", "money", "date", "count", "person", "place", "date_weak")

#: Prices, fees, pay, aid and spending: asked before "bao nhiêu" with nothing counted after
#: it they make a money question ("vé tháng giá bao nhiêu?", "mỗi hộ được hỗ trợ bao nhiêu
#: mỗi tháng?"); after it they are what is counted ("bao nhiêu suất học bổng").
MONEY_BEFORE_ONLY: tuple[str, ...] = (
    "giá", "đơn giá", "giá vé", "phí", "mức phạt", "tiền phạt", "bị phạt", "phạt hành chính",
    "trợ cấp", "mức trợ cấp", "học bổng", "thưởng", "lương", "lương tối thiểu", "quỹ lương",
    "tổng đầu tư", "mức đầu tư", "tổng mức đầu tư", "tổng chi", "chi thêm", "phải chi", "định chi",
    "đóng góp", "ủng hộ", "quyên góp", "hỗ trợ", "được vay", "cho vay", "đền bù", "bồi thường",
    "tổn thất", "tiết kiệm", "số nợ", "khoản nợ", "dự phòng", "dự toán", "tổng thu",
    "khoản tiền", "khoản lợi", "được trả", "phải nộp", "đấu giá", "mức khởi điểm",
)  # fmt: skip

#: Nouns that make a count question a money question ("Kinh phí là bao nhiêu?").
MONEY_NOUNS: tuple[str, ...] = (
    "kinh phí", "vốn", "ngân sách", "doanh thu", "doanh số", "thu nhập", "lợi nhuận",
    "chi phí", "tiền", "mức lương", "tiền lương", "giá vé", "giá bán", "mức giá", "thiệt hại",
    "tổng vốn", "vốn đầu tư", "kim ngạch", "lợi tức", "dư nợ", "thu ngân sách", "học phí",
    "với giá", "giá trị", "tổng giá trị", "số tiền", "tổng mức", "phụ cấp", "tiền thưởng",
    "lãi", "lãi ròng", "trị giá", "định giá", "giá khởi điểm", "lệ phí", "mức phí",
    *MONEY_BEFORE_ONLY,
)  # fmt: skip

#: Nouns that make a count question a percent question ("Tốc độ tăng trưởng đạt bao nhiêu?").
PERCENT_NOUNS: tuple[str, ...] = (
    "tốc độ tăng trưởng", "tăng trưởng kinh tế", "mức tăng trưởng", "tỷ suất", "tỉ suất",
    "tăng trưởng gdp", "gdp tăng", "chỉ số giá", "cpi", "lãi suất",
)  # fmt: skip

#: The target of a question asking how long ("bao lâu"): any span of time answers it
#: ("14 năm", "90 ngày"; ``candidates.unit_match``), as for "bao nhiêu thời gian".
DURATION_TARGET = "thoi gian"
DURATION_WRITTEN = "thời gian"

#: Words that, in a question, ask "how many" and are followed by the counted noun.
COUNT_WORDS: tuple[str, ...] = ("bao nhiêu phần trăm", "bao nhiêu %", "bao nhiêu", "mấy", "số lượng")

#: Main verbs of party news (extend here).
VERBS: tuple[str, ...] = (
    "thành lập", "kết nạp", "kỷ luật", "khai trừ", "cảnh cáo", "khiển trách", "cách chức",
    "bầu", "bầu cử", "trúng cử", "ứng cử", "tự ứng cử", "đắc cử", "bỏ phiếu", "đi bầu",
    "tổ chức", "khen thưởng", "xử lý", "phát hiện", "bắt", "bắt giữ", "khởi tố", "tuyển",
    "tuyển dụng", "xây dựng", "hỗ trợ", "đầu tư", "giới thiệu", "đề xuất", "đề nghị",
    "kiến nghị", "bổ nhiệm", "miễn nhiệm", "tham dự", "tham gia", "dự", "chủ trì",
    "phát biểu", "ra mắt", "diễn ra", "khai mạc", "bế mạc", "triển khai", "ban hành",
    "thông qua", "công nhận", "trao", "tặng", "khám", "điều trị", "thanh tra", "kiểm tra",
    "giám sát", "đào tạo", "bồi dưỡng", "tiếp nhận", "giải quyết", "thu hồi", "thu nộp", "đạt",
    "chiếm", "tăng", "giảm", "cấp", "lập", "kỷ niệm", "đặt", "phụ trách", "giao", "buộc thôi việc",
    "hạ ngạch", "tuyên truyền", "vận động", "cho vay", "xóa", "di dời", "sáp nhập", "giải thể",
    "ký kết", "phê duyệt", "phê chuẩn", "nghỉ hưu", "tử vong", "chết", "bị thương", "thiệt hại",
    "đóng góp", "quyên góp", "ủng hộ", "xử phạt", "phạt", "cưỡng chế", "tiếp xúc",
    "đọc", "sinh hoạt", "lãnh đạo", "quản lý", "họp", "làm việc", "thực hiện",
    "bị loại", "loại", "rút", "bãi nhiệm", "tái cử",
)  # fmt: skip

#: Guards against collisions of folded syllables: phrase -> words (folded) that must
#: not come right before / after it (``<num>`` stands for any number).
NOT_BEFORE: dict[str, frozenset[str]] = {
    # nhà máy, thợ may, bộ máy, ...; xe máy, dệt may (not "nuoc", "xuong": "nước mấy ngày",
    # "giảm xuống mấy bậc"); "các / nhiều / một máy": no "mấy" follows them
    "mấy": frozenset({"nha", "tho", "chiec", "cai", "bo", "loai", "may", "xe", "det", "cac", "nhieu", "mot"}),
    "nơi nào": frozenset({"ha"}),  # "ha noi nao" typed: no "nơi nào"
    "ai": frozenset({"tinh", "bac", "than"}),  # tình ái, bác ái, thân ái
    "tiền": frozenset({"dau", "tien", "uu"}),  # đầu tiên, tiên tiến, ưu tiên
    "trao": frozenset({"phong", "trieu", "soi"}),  # phong trào, triều, sôi trào
    "cấp": frozenset({"ai"}),  # Ai Cập
    "vị nào": frozenset({"don", "dia", "hoc", "huong"}),  # đơn vị, địa vị, học vị, hương vị
    # "yêu cầu nào", "nhu cầu nào", "văn bản nào", "phiên bản nào", "Nhật Bản", "bán đảo"
    "cầu nào": frozenset({"yeu", "nhu", "toan", "de", "khan"}),
    "bản nào": frozenset({"van", "phien", "kich", "co", "nhat", "tu", "ban", "dich"}),
    "đảo nào": frozenset({"ban"}),
    "chợ nào": frozenset({"phien"}),
    # gia đình, triều đình; khai thác, ủy thác, ký thác; bồi đền; cống: "cống hiến" ends no question
    "đình nào": frozenset({"gia", "trieu"}),
    "thác nào": frozenset({"khai", "uy", "ky"}),
    "đền nào": frozenset({"boi"}),
    "đập nào": frozenset({"danh", "va"}),  # đánh đập, va đập
    "kênh nào": frozenset({"qua"}),  # "kiến nghị qua kênh nào": a channel of word, no canal
    # cơ quan (typed so; "có quận nào" with diacritics asks one), sĩ quan, liên quan, khách
    # quan, chủ quan, lạc quan: "quan", no district ("hai quan nao", "bi quan nao" typed
    # without diacritics are "hai quận", "bị quận")
    "quận nào": frozenset({"co", "si", "lien", "khach", "chu", "lac"}),
    "trường nào": frozenset({"thi", "moi", "chien", "hien", "lap", "quang"}),  # thị trường, môi trường
    "mức nào": frozenset({"chuyen", "danh", "hang"}),  # chuyên mục, danh mục, hạng mục (folded)
    "giá": frozenset({"tham", "quoc", "chuyen", "danh", "dan", "hoi", "tu", "nha", "dai", "ban"}),
    "phí": frozenset({"lang", "chi", "tieu", "mien", "hoc", "le"}),  # lãng phí; chi phí, học phí, lệ phí listed
    "thưởng": frozenset({"binh", "bat", "khen", "tang", "dan", "bi", "ton", "yeu"}),
    "lương": frozenset("san luc khoi chat trong luu nang dung ham thoi".split()),  # sản lượng, lực lượng ...
}
#: Phrases whose guards only part them from a word folded the same way ("máy"): typed
#: with their diacritics ("mấy công ty", "mấy vị bộ trưởng") they need none.
GUARDS_FOLDED_ONLY: frozenset[str] = frozenset({"mấy", "là mấy", "quận nào", "nơi nào"})
#: Words after which a folded "may" is "máy" (a machine), "mây", "may" (sewing) ...
_NOT_AFTER_MAY = frozenset(
    "bay moc tinh in anh quay no cay xuc phat chu lanh keo bom giat khau loc man mac va ra "
    "dieu cat han cong nghe ghi chieu vi tinh bo dam".split()
)
NOT_AFTER: dict[str, frozenset[str]] = {
    "mấy": _NOT_AFTER_MAY,
    "là mấy": _NOT_AFTER_MAY,  # "là máy bay loại nào"
    "ai": frozenset({"cap", "quoc", "lao"}),  # Ai Cập, ái quốc, Ai Lao
    "ở đâu": frozenset({"tu", "nam", "thang", "tuan", "ky", "nhiem", "cau", "tien", "nguon", "doan", "danh"}),
    "tại đâu": frozenset({"tu", "nam", "thang", "tuan", "ky", "nhiem", "cau", "tien", "nguon"}),
    "đâu": frozenset({"tu", "nam", "thang", "tuan", "ky", "nhiem", "cau", "tien", "nguon", "doan", "co", "phai"}),
    # "đồng chí", "đồng bào", "đồng hồ", "đồng bằng", "đồng ruộng", "đồng hương" ... are no sums
    # (not "co", "tinh", "thoi", "dang": folded, also "có", "tính", "thôi", "đang")
    "bao nhiêu đồng": frozenset("chi bao doi nghiep ho bang ruong huong minh phuc lua muoi hanh thuan".split()),
    # "vào năm 2015" names a time, it does not ask one ("<num>": any number)
    # "lãnh sự quán", "đại sứ quán": an office, no person
    "lãnh sự": frozenset({"quan"}),
    "tổng lãnh sự": frozenset({"quan"}),
    "phó tổng lãnh sự": frozenset({"quan"}),
    "đại sứ": frozenset({"quan"}),
    "vào ngày": frozenset({"<num>"}),
    "vào năm": frozenset({"<num>"}),
    "vào thời gian": frozenset({"<num>"}),
    "vào dịp": frozenset({"<num>"}),
    # verbs whose folded form starts a noun: dự án, giáo dục, đất đai, bắt đầu, du lịch
    "dự": frozenset("an khuyet kien thao toan bao tru bi dinh luat tinh phong lich hoc khach kich".split()),
    "giao": frozenset("duc vien su trinh thong luu dich hoi khoa xu an".split()),
    "đặt": frozenset("dai nuoc rung o dau".split()),
    "đạt": frozenset("dai nuoc rung o".split()),
    "bắt": frozenset("dau buoc".split()),
    "tặng": frozenset("lop".split()),
    "tiền": frozenset({"hanh", "bo", "tien", "phong", "si", "quan", "te", "do", "trien", "len"}),
    # "gia đình", "gia cầm", "gia tăng", "Gia Lai", "gia súc"; "phi công"; "lương thực",
    # "lương tâm"; "thương binh", "thường xuyên", "thương vong"
    "giá": frozenset("dinh cam tang han nhap lai su vi lam tri suc cong co dung chu".split()),
    "phí": frozenset("cong co hanh phap".split()),
    "lương": frozenset("thuc tam y".split()),
    "thưởng": frozenset("binh xuyen vu truc mai gia hieu luong vong".split()),
}
#: Phrases that only count as written with diacritics or at the end of the question.
ONLY_LAST: frozenset[str] = frozenset({"đâu"})
#: Phrases matched only as written where the question carries diacritics: a syllable typed
#: without its marks there is another word ("phi công" is no "phí", "gia súc" no "giá").
AS_WRITTEN_IN_ACCENTED: frozenset[str] = frozenset({"giá", "phí", "lương", "thưởng", "mức nào", "cỡ nào"})

#: Words that end a target noun phrase: function words (written with diacritics).
TARGET_STOP: tuple[str, ...] = tuple(
    "được đã bị là có trong ở tại của cho từ đến tới vào ra khi và với để mà nào này do "
    "thế thì sau trước theo về trên dưới đang sẽ đều cần phải không chưa hiện đi nhận mới "
    "nữa gì sao vì hay hoặc cũng còn bằng thuộc gồm tham như những các một riêng mỗi khiến".split()
)
#: Folded forms too ambiguous to stop an unaccented target (``dang`` is also ``đảng``,
#: ``can`` ``cán``, ``vi`` ``vị``, ``nhan`` ``nhân``, ``co`` ``cơ``, ``tu`` ``tú``...).
TARGET_STOP_AMBIGUOUS: frozenset[str] = frozenset(
    "dang can vi nhan co tu tham da di moi toi do ve con thi de the ma cho mot ra".split()
)
#: Time words that end a target after its first word ("bao nhiêu năm" keeps "năm").
TARGET_STOP_LATER: frozenset[str] = frozenset(
    "nam thang ngay tuan quy dot luc sang chieu toi hom moi".split()
)
#: ... and the first syllables of two-syllable time words, only with their second
#: ("nhiệm kỳ" ends a target, "kiêm nhiệm" does not).
TARGET_STOP_LATER_PAIRS: dict[str, str] = {"giai": "doan", "nhiem": "ky"}
#: ... and two syllables that end a target wherever they come: "đối với", "so với", and
#: "moi" before a time or a unit, which is "mỗi" ("bao nhieu moi thang"), not "mới".
TARGET_STOP_PAIRS: dict[str, frozenset[str]] = {
    "doi": frozenset({"voi"}),
    "so": frozenset({"voi"}),
    "moi": frozenset("nam thang ngay tuan quy nguoi ho lan ve luot".split()),
    "mot": frozenset("nam thang ngay tuan quy nguoi ho lan ve luot".split()),  # "bao nhieu mot ve" (một vé)
    "tro": frozenset({"len", "xuong"}),  # "từ mức nào trở lên": a bound, no counted noun
}
#: Longest target, in syllables: "ủy viên Trung ương dự khuyết", "phó chủ tịch kiêm nhiệm".
TARGET_CAP = 6
_STOP_WRITTEN = frozenset(TARGET_STOP)
_STOP_FOLDED = frozenset(fold(w) for w in TARGET_STOP) - TARGET_STOP_AMBIGUOUS

#: Share of syllables with diacritics above which a question counts as accented
#: (Vietnamese prose has about 70%); then unmarked words such as ``cho`` are taken
#: as written instead of as possibly unaccented ``chợ``.
ACCENTED_SHARE = 0.3

_TOKEN = re.compile(r"\d+(?:[.,/]\d+)*|%|(?:km|m|cm)[23²³](?!\w)|[^\W\d_]+")
_MEASURE = re.compile(r"(?:km|m|cm)[23²³]")


@dataclass(frozen=True)
class QuestionAnalysis:
    """What a question asks: answer type, counted noun phrase, main verb (all folded)."""

    type: str  # count | percent | money | date | person | place | other
    target: str | None  # folded, lower-case noun phrase asked about, e.g. "chi bo dang"
    verb: str | None  # folded, lower-case main verb, e.g. "thanh lap"
    folded: str  # folded lower-case question
    place_noun: str | None = None  # a place question's "<noun> nào", as written: "đường"
    unit_asked: bool = False  # a place question asks an administrative unit ("huyện nào")


@dataclass(frozen=True)
class _Tokens:
    written: tuple[str, ...]  # lower-case, as written (maybe without diacritics)
    folded: tuple[str, ...]
    accented: bool  # the question is typed with diacritics (most syllables carry them)
    name: tuple[bool, ...] = ()  # capitalized after the first word: part of a name ("Tien Giang")
    lead: tuple[bool, ...] = ()  # in a leading subordinate clause ("Khi ..., "; "Sau khi ..., ")
    after_comma: tuple[bool, ...] = ()  # written right after a comma

    def is_name(self, i: int) -> bool:
        """Token ``i`` is written with a capital inside the question: part of a name."""
        return 0 <= i < len(self.name) and self.name[i]

    def in_lead(self, i: int) -> bool:
        """Token ``i`` stands in a leading subordinate clause."""
        return 0 <= i < len(self.lead) and self.lead[i]

    @cached_property
    def at(self) -> dict[str, tuple[int, ...]]:
        """Where each folded token stands (a phrase is looked for where its first word is)."""
        out: dict[str, list[int]] = {}
        for i, word in enumerate(self.folded):
            out.setdefault(word, []).append(i)
        return {word: tuple(places) for word, places in out.items()}


def analyze_question(question: str) -> QuestionAnalysis:
    """Answer type, target noun phrase and main verb of a Vietnamese question."""
    text = expand_abbreviations(normalize(question), loose=True)
    raw = _TOKEN.findall(text)
    written = tuple(t.lower() for t in raw)
    folded_tokens = tuple(fold_words(list(written)))
    words = [(w, f) for w, f in zip(written, folded_tokens, strict=True) if w.isalpha()]
    accented = bool(words) and sum(w != f for w, f in words) >= ACCENTED_SHARE * len(words)
    name = tuple(i > 0 and t[:1].isupper() and not t.isupper() for i, t in enumerate(raw))
    commas = tuple(text[max(0, m.start() - 4) : m.start()].rstrip().endswith(",") for m in _TOKEN.finditer(text))
    tokens = _Tokens(written, folded_tokens, accented, name, _leading_clause(text, written, folded_tokens), commas)
    folded = " ".join(fold(text).lower().split())
    qtype, qpos = _answer_type(tokens)
    target, target_span = _target(tokens, qtype, qpos)
    verb = _verb(tokens, qpos, target_span)
    if qtype != "place":
        return QuestionAnalysis(type=qtype, target=target, verb=verb, folded=folded)
    noun = _first_match(tokens, _PLACE_NOUNS_ASKED)
    return QuestionAnalysis(
        type=qtype, target=target, verb=verb, folded=folded,
        place_noun=noun[1].removesuffix(" nào") if noun else None,
        unit_asked=_first_match(tokens, UNITS_ASKED) is not None,
    )  # fmt: skip


#: Words that open a leading subordinate clause: "Khi ..., ", "Sau khi ..., ", "Nếu ..., ".
SUBORDINATORS: tuple[str, ...] = ("khi", "sau khi", "trước khi", "trong khi", "từ khi", "kể từ khi", "nếu")
#: What closes a leading clause: a comma (not a decimal one: "2,5"), a semicolon, a colon.
_CLAUSE_END = re.compile(r"[;:]|,(?!\d)|(?<!\d),")


def _leading_clause(text: str, written: tuple[str, ...], folded: tuple[str, ...]) -> tuple[bool, ...]:
    """Which tokens stand in a leading subordinate clause: the question opens with a
    subordinator, each word written as it is or without its diacritics ("Khí" or "Nêu"
    open none), and the first comma, semicolon or colon closes it; a decimal comma
    ("2,5") does not. "Khi ... thì ..." without one is not read as a clause."""
    starts = [m.start() for m in _TOKEN.finditer(text)]
    end = _CLAUSE_END.search(text)
    if end is None or not any(_opens_with(written, folded, w) for w in SUBORDINATORS):
        return ()
    return tuple(at < end.start() for at in starts)


def _opens_with(written: tuple[str, ...], folded: tuple[str, ...], phrase: str) -> bool:
    """The question's first words are ``phrase``, each as written or without diacritics."""
    words = phrase.split()
    if len(written) < len(words):
        return False
    return all(w == word or (w == f and f == fold(word)) for w, f, word in zip(written, folded, words, strict=False))


# --- phrase matching -----------------------------------------------------------------------


@lru_cache(maxsize=4096)
def _phrase(phrase: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """A table phrase as (written words, folded words)."""
    words = tuple(phrase.split())
    return words, tuple(fold(w) for w in words)


def _matches_at(tokens: _Tokens, phrase: str, i: int) -> bool:
    """Whether ``phrase`` matches at token ``i``, its guards included.

    A syllable matches when the folded forms are equal and, if the question syllable
    carries diacritics, the written forms too: ``mấy`` matches ``mấy``/``may``, not ``máy``.
    """
    words, folded_words = _phrase(phrase)
    n = len(words)
    if i + n > len(tokens.folded) or tokens.folded[i : i + n] != folded_words:
        return False
    if any(tokens.name[i : i + n]) and not tokens.accented and not _capitalized_title(tokens, phrase, i):
        return False  # "Tien Giang" typed without diacritics is a name, not "tiền"
    if phrase.startswith("bao nhiêu") and any(tokens.name[i + 1 : i + 2]):
        return False  # "cống bao Nhiêu Lộc" names a canal
    for k in range(n):
        written = tokens.written[i + k]
        if written != words[k] and (written != tokens.folded[i + k] or (tokens.accented and tokens.is_name(i + k))):
            return False  # "Việt Nam nào" in a question with diacritics is no "năm nào"
    if phrase in AS_WRITTEN_IN_ACCENTED and tokens.accented and tuple(tokens.written[i : i + n]) != words:
        return False
    guarded = phrase not in GUARDS_FOLDED_ONLY or tokens.written[i] == tokens.folded[i]
    if guarded and i > 0 and tokens.folded[i - 1] in NOT_BEFORE.get(phrase, ()):
        return False
    if phrase in PLACE_AS_WRITTEN and (tokens.written[i] != words[0] or not tokens.accented):
        locative = _LOCATIVE_FOLDED_FOR.get(phrase, _LOCATIVE_FOLDED)
        if tokens.written[i] != tokens.folded[i] or not (i > 0 and tokens.folded[i - 1] in locative):
            return False  # unaccented, only after a word of place: "cap ben nao", "giua ho nao"
    after = tokens.folded[i + n] if i + n < len(tokens.folded) else None
    if after is not None:
        key = "<num>" if after[0].isdigit() else after
        if guarded and key in NOT_AFTER.get(phrase, ()):
            return False
        if phrase in ONLY_LAST and tokens.written[i] == tokens.folded[i]:
            return False  # unaccented "dau" mid-question is more likely "đầu"
    elif phrase == "mấy" and not (i > 0 and tokens.folded[i - 1] == "thu"):
        return False  # "mấy" asks about the noun after it ("lần thứ mấy" aside)
    return True


def _capitalized_title(tokens: _Tokens, phrase: str, i: int) -> bool:
    """A title of two words or more, typed without diacritics and capitalized ("Pho Chu
    tich", "Pho Giam doc"), is still a title; not when it opens with a surname followed by a
    capitalized word, a person's name ("Vu Truong Son"; "vụ trưởng" is typed "Vu truong")."""
    if phrase not in _LONG_TITLES:
        return False
    first = tokens.is_name(i) or (i == 0 and tokens.is_name(i + 2))  # "Vu Truong Giang ..." opens the question
    return not (first and tokens.is_name(i + 1) and tokens.folded[i] in SURNAMES_FOLDED)


def _find(tokens: _Tokens, phrase: str, start: int = 0) -> int | None:
    """Index of the first match of ``phrase`` at or after ``start``."""
    first = _phrase(phrase)[1][0]
    for i in tokens.at.get(first, ()):
        if i >= start and _matches_at(tokens, phrase, i):
            return i
    return None


@lru_cache(maxsize=256)
def _longest_first(phrases: tuple[str, ...]) -> tuple[str, ...]:
    """``phrases`` with the longer (in words) first, in their order otherwise."""
    return tuple(sorted(phrases, key=lambda p: -len(p.split())))


def _all_matches(tokens: _Tokens, phrases: tuple[str, ...]) -> list[tuple[int, str]]:
    """Every match of ``phrases``, in order (the longest phrase at each place)."""
    found: dict[int, str] = {}
    for phrase in _longest_first(phrases):
        first = _phrase(phrase)[1][0]
        for i in tokens.at.get(first, ()):
            if i not in found and _matches_at(tokens, phrase, i):
                found[i] = phrase
    return sorted(found.items())


def _first_match(tokens: _Tokens, phrases: tuple[str, ...]) -> tuple[int, str] | None:
    """Earliest match among ``phrases`` (longest phrase first at the same index)."""
    best: tuple[int, str] | None = None
    for phrase in _longest_first(phrases):
        i = _find(tokens, phrase)
        if i is not None and (best is None or i < best[0]):
            best = (i, phrase)
    return best


# --- answer type ---------------------------------------------------------------------------


def _answer_type(tokens: _Tokens) -> tuple[str, int | None]:
    """The answer type and the index of the question phrase that decided it."""
    last = _person_last(tokens)
    if last is not None:
        return "person", last
    state = _state_office_asked(tokens)
    if state is not None:
        return "person", state
    numbered = _first_match(tokens, ("quận mấy", "phường mấy"))
    if numbered is not None:
        return "place", numbered[0]  # "nằm ở quận mấy của TP HCM?": not a count
    count = _first_match(tokens, TYPE_PHRASES["count"])
    if count is not None:
        count = (_asked_at(count), count[1])
    share = _share_asked(tokens)
    if share is not None and _first_match(tokens, TYPE_PHRASES["percent"]) is None:
        return "percent", share
    for qtype in TYPE_ORDER:
        found = _first_match(tokens, TYPE_PHRASES[qtype])
        nouns = _TYPE_NOUNS.get(qtype)
        if nouns and found is None and count is not None:
            if any(_money_noun_asked(tokens, noun, count[0]) for noun in _all_matches(tokens, nouns)):
                return qtype, count[0]
        if found is None:
            continue
        if qtype == "money" and count is None and not _asks_amount(tokens):
            continue  # "được hỗ trợ 5 tỷ đồng khi nào?" is no money question
        if qtype == "money" and count is not None and _counts_other_noun(tokens, found, count[0]):
            continue  # "đòi 2,3 triệu USD tiền chuộc cho bao nhiêu con tin?" counts hostages
        if qtype == "money" and _scale_of_other_noun(tokens, found):
            continue  # "khai thác bao nhiêu triệu tấn dầu?" counts tonnes
        return ("date" if qtype == "date_weak" else qtype), _asked_at(found)
    # no type phrase: "<title> ... nào", "<trade> <Name> nào", "<place noun> ... tên là gì?"
    for qtype, asked in (("person", _titled_person), ("person", _trade_of_a_named_body), ("place", _place_named)):
        at = asked(tokens)
        if at is not None:
            return qtype, at
    return "other", None


def _trade_of_a_named_body(tokens: _Tokens) -> int | None:
    """The position of "nào" right after a trade and the capitalized name of its place
    or body: "Thí sinh Nam Định nào ...", "em học sinh Hà Nội - Amsterdam nào"."""
    for start, trade in _all_matches(tokens, TRADES_BEFORE_NAME):
        i = start + len(trade.split())
        if not tokens.is_name(i):
            continue
        while tokens.is_name(i):
            i += 1
        if _matches_at(tokens, "nào", i):
            return i
    return None


def _asked_at(found: tuple[int, str]) -> int:
    """Where a type phrase's question word stands: at "bao nhiêu" inside a phrase that
    holds it after its first word ("trả bao nhiêu", "thứ bao nhiêu", "ngày bao nhiêu":
    the noun asked follows it), else at the phrase's start."""
    i, phrase = found
    words = phrase.split()
    return i + words.index("bao") if "bao" in words[1:] else i


#: Words of a share asked: "chiếm bao nhiêu?", a share the question states before
#: "lên/xuống bao nhiêu" ("từ 5% lên bao nhiêu?").
_SHARE_VERBS: tuple[str, ...] = ("chiếm",)
_SHARE_HEDGES = frozenset({"khoang", "gan", "tren", "hon", "duoi", "chung"})
_SHARE_CHANGES = frozenset({"len", "xuong"})


def _share_asked(tokens: _Tokens) -> int | None:
    """Where a question asks a share without naming it: "chiếm bao nhiêu" followed by no
    counted noun ("chiếm bao nhiêu trong tổng số ca tử vong?", "chiếm bao nhiêu phần dân
    số?"; "chiếm bao nhiêu điểm" counts points), or "<n>% lên bao nhiêu"."""
    for i, _ in _all_matches(tokens, ("bao nhiêu", "mấy")):
        j = i - 1
        if j >= 0 and tokens.folded[j] in _SHARE_HEDGES:
            j -= 1
        if j < 0:
            continue
        if any(_matches_at(tokens, v, j) for v in _SHARE_VERBS):
            counted = _noun_phrase(tokens, i + len(_count_word_at(tokens, i).split()))[0]
            if counted is None or counted.split()[0] == "phan":
                return i
        if tokens.folded[j] in _SHARE_CHANGES and j > 0 and tokens.folded[j - 1] == "%":
            return i
    return None


def _person_last(tokens: _Tokens) -> int | None:
    """The position of the phrase that makes the question a person question whatever else
    it holds: "là ai" ending it, or a name asked of the person leading it; or None."""
    end = len(tokens.folded)
    while end > 0 and tokens.folded[end - 1] in _TRAILING:
        end -= 1
    for phrase in PERSON_LAST:
        i = end - len(phrase.split())
        if i >= 0 and _matches_at(tokens, phrase, i):
            return i
    named = _first_match(tokens, NAME_ASKED)
    if named is not None:
        if _cue_right_before(tokens, named[0]):
            return named[0]  # "...; người đó tên gì?", "ông ấy tên là gì?"
        if _person_in_apposition(tokens, named[0]):
            return named[0]  # "Trưởng ga Sài Gòn, người cho biết ..., tên là gì?"
        # the first cue that is surely one: "chi bo moi thanh lap ten gi" ("chi" is no
        # "chị") has none; "Nu ho sinh ... ten la gi" has "học sinh"
        cues = _all_matches(tokens, PERSON_CUES + PERSON_TITLES)
        if not tokens.accented:
            # a modifier ("vi", "nu": vị, nữ) before the person word is skipped; another
            # ambiguous word may be a place ("truong hoc": trường học), and no person leads
            while cues and cues[0][1] in _MODIFIERS:
                cues = cues[1:]
            if cues and cues[0][1] in _CUES_AMBIGUOUS_FOLDED:
                return None
        if not cues:
            return None
        cue = cues[0]
        if cue[1] in PERSON_TITLES and _person_named_at(tokens, cue[0] + len(cue[1].split())):
            return None  # "Bộ trưởng Nguyễn Văn An ký văn bản có tên là gì?": the person is named
        # the person leads the question ("Giám đốc Công ty ... tên là gì?", not "Quỹ hỗ trợ
        # người nghèo có tên là gì?"); a birth name is a person's wherever the person comes
        if cue[0] <= 1 < named[0] or named[1] in ("họ tên", "tên khai sinh"):
            return named[0]
    return None


#: What the person of an apposition ", người ..." does or says: "người cho biết",
#: "người phản ánh", "người thừa nhận" (not "người ta gọi", "người Pháp xây", "người
#: bệnh được cấp", "người dân").
_APPOSITION_VERBS = frozenset(
    "cho phản thừa nói phát trao đề khẳng chỉ trực phụ đứng tố khiếu tiết xác dẫn giữ "
    "phan thua noi phat de khang chi truc phu dung to khieu tiet xac giu".split()  # unaccented "dan": dân
)


def _person_in_apposition(tokens: _Tokens, before: int) -> bool:
    """A clause ", người <verb> ...," describes the one whose name is asked: "Trưởng ga
    Sài Gòn, người cho biết ..., tên là gì?" (written with or without diacritics)."""
    return any(
        tokens.after_comma[i] and tokens.written[i] in ("người", "nguoi") and i + 1 < before and tokens.written[i + 1] in _APPOSITION_VERBS
        for i in range(1, before)
    )


#: Place nouns that, leading a question asking a name, ask the place's name ("Khu tái
#: định cư ... tên là gì?", "Bãi Sau ... còn có tên gọi khác là gì?"); not "hồ" (hồ sơ),
#: "đường" (đường dây), "trường" (trường hợp), "cầu" (cầu thang), "kênh" (a channel).
NAMED_PLACE_LEADS: frozenset[str] = frozenset(
    "khu;khu tái định cư;khu công nghiệp;khu chế xuất;khu đô thị;khu dân cư;khu nghỉ mát;khu đất;"
    "bãi;bãi biển;bãi tắm;bến đò;bến xe;chợ;chùa;làng;làng nghề;thôn;ấp;xóm;núi;mỏm đá;đảo;hòn đảo;"
    "suối;đèo;con đèo;công viên;sân bay;nghĩa trang;hang động;quần đảo;vịnh;làng gốm;mỏ vàng;mỏ than".split(";")
)


def _place_named(tokens: _Tokens) -> int | None:
    """Where a question asks the name of the place it opens with: "Khu tái định cư ...
    tên là gì?" (one of ``NAMED_PLACE_LEADS`` first, written as it is)."""
    named = _first_match(tokens, NAME_ASKED)
    if named is None:
        return None
    lead = _first_match(tokens, PLACE_NOUNS)
    if lead is None or lead[0] != 0 or lead[1] not in NAMED_PLACE_LEADS or named[0] <= len(lead[1].split()):
        return None
    if lead[1] in _PLACE_AS_WRITTEN_NOUNS and tokens.written[0] != lead[1].split()[0]:
        return None  # "bai", "cho" typed without diacritics may be another word
    return named[0]


#: Person words that, with a pointing word, name the one whose name is asked ("thí sinh
#: đó tên gì?"); "vị" is left out ("đơn vị đó tên gì").
_CUES_POINTED: tuple[str, ...] = tuple(c for c in PERSON_CUES if c not in _CUES_BEFORE_NAME and c != "vị")
#: Words that point back to a person just named: "người đó", "ông ấy", "bà này".
_POINTING = frozenset({"do", "ay", "nay"})


def _cue_right_before(tokens: _Tokens, at: int) -> bool:
    """A person cue stands right before ``at`` ("người tên gì"), or any person word with a
    pointing word: "người đó", "thí sinh đó", "học sinh này" (not "vị": "đơn vị đó")."""
    for cues, gaps in ((_CUES_BEFORE_NAME, (0, 1)), (_CUES_POINTED, (1,))):
        for cue in cues:
            n = len(cue.split())
            for gap in gaps:
                i = at - gap - n
                if i < 0 or (gap and tokens.folded[at - 1] not in _POINTING):
                    continue
                if _matches_at(tokens, cue, i) and (tokens.accented or cue not in _CUES_AMBIGUOUS_FOLDED):
                    return not _owned(tokens, i)
    return False


#: Words before a person that make them the owner or the aim of what is named: "cuốn sách
#: của tác giả đó tên gì?", "bệnh viện điều trị cho bệnh nhân đó".
_OWNING = frozenset({"cua", "cho", "ve", "voi", "tai"})


def _owned(tokens: _Tokens, i: int) -> bool:
    """The person word at ``i`` (or the longer one it ends: "thuyền trưởng") follows "của",
    "cho", "về", "với", "tại": the name asked is of something of theirs."""
    if i > 0 and f"{tokens.written[i - 1]} {tokens.written[i]}" in _CUES_WRITTEN:
        i -= 1
    return i > 0 and tokens.folded[i - 1] in _OWNING


#: Titles that, followed a few words later by "nào", ask for a person: "Thứ trưởng Bộ
#: Nội vụ nào ...", "Phó chủ tịch UBND TP HCM nào ..." (not "Chủ tịch tỉnh nào": a place).
PERSON_TITLES: tuple[str, ...] = (
    "thứ trưởng", "bộ trưởng", "chủ tịch", "phó chủ tịch", "bí thư", "phó bí thư", "giám đốc",
    "phó giám đốc", "tổng giám đốc", "trưởng ban", "phó trưởng ban", "thủ tướng", "phó thủ tướng",
    "chánh án", "viện trưởng", "chủ nhiệm", "phó chủ nhiệm", "tổng thư ký", "người phát ngôn",
    "trưởng đoàn", "tổng biên tập", "cục trưởng", "vụ trưởng", "chánh thanh tra", "đại sứ",
    "đại biểu", "lãnh đạo", "trưởng phòng", "phó trưởng phòng", "phó đoàn", "hiệu trưởng",
    "phó hiệu trưởng", "phó cục trưởng", "phó vụ trưởng", "tổng cục trưởng", "chỉ huy trưởng",
    "tư lệnh", "chính ủy", "sĩ quan", "tổng lãnh sự", "phó tổng lãnh sự", "lãnh sự", "tổng đốc",
    # deputies named after their body, as "phó cục trưởng": "Cục phó Cục Thú y nào"
    "cục phó", "vụ phó", "viện phó",
)  # fmt: skip
#: Every person word and title as written: "thuyền trưởng" before a pointed "đó" is one.
_CUES_WRITTEN = frozenset(PERSON_CUES + PERSON_TITLES)
#: Titles of two words or more ("phó chủ tịch", "giám đốc"): typed without diacritics and
#: capitalized ("Pho Chu tich UBND"), still titles.
_LONG_TITLES = frozenset(t for t in PERSON_TITLES if " " in t)
#: Trades that ask for a person with "nào" after the capitalized name of their place or
#: body only ("Thí sinh Nam Định nào", "học sinh Hà Nội - Amsterdam nào"); "Học sinh lớp
#: nào", "Chuyên gia cảnh báo dịch bệnh nào" ask for something else.
TRADES_BEFORE_NAME: tuple[str, ...] = (
    "thí sinh", "học sinh", "sinh viên", "nhà ngoại giao", "chuyên gia", "tài xế", "thuyền trưởng",
    "hiệu phó", *RANKS_AND_DEGREES,
)  # fmt: skip
_NOT_A_PERSON_BEFORE_NAO = frozenset(
    "tỉnh huyện quận xã phường nước thành phố năm ngày tháng nơi địa phương cơ quan đơn vị đoàn".split()
)
_NOT_A_PERSON_BEFORE_NAO_FOLDED = frozenset(fold(w) for w in _NOT_A_PERSON_BEFORE_NAO)

#: Heads of organizations whose names may hold a verb ("Bộ Xây dựng", "Sở Quy hoạch"),
#: written with a capital.
_ORG_HEADS = frozenset({"bo", "so", "ban", "cuc", "vu", "vien", "phong", "tong", "cong"})
#: Names of bodies whose second, lower-case syllable is a verb of ``VERBS`` (folded):
#: "Bộ Ngoại giao".
_VERB_INSIDE_NAMES = frozenset({("ngoai", "giao")})


#: Titles that "nước" after them makes an office of the state ("Phó Chủ tịch nước").
_STATE_TITLES = frozenset({"phó chủ tịch"})


def _state_office_asked(tokens: _Tokens) -> int | None:
    """The position of "nào" in "Phó Chủ tịch nước nào": the state's office, a person
    asked, not a country ("quốc tịch nước nào" still asks one; "Chủ tịch nước nào" may be
    a foreign state's, left a place question)."""
    for start, title in _title_ends(tokens):
        if title in _STATE_TITLES and tokens.folded[start : start + 2] == ("nuoc", "nao"):
            return start + 1
    return None


def _titled_person(tokens: _Tokens) -> int | None:
    """The position of "nào" in "<title> ... nào" within 12 words of a title, or None.
    Every title of the question is tried ("Thủ tướng yêu cầu làm rõ trách nhiệm của tổng
    giám đốc Petro VN nào ...": the second)."""
    for start, title in _title_ends(tokens):
        found = _nao_after_title(tokens, start, weak=title in _WEAK_TITLES)
        if found is not None:
            return found
    return None


def _title_ends(tokens: _Tokens) -> list[tuple[int, str]]:
    """Where each person title of the question ends (the longest title at each place)."""
    ends = {i + len(title.split()): title for i, title in reversed(_all_matches(tokens, PERSON_TITLES))}
    return sorted(ends.items())


#: Surnames that, folded, are no other common word ("le" is also lễ, "vu" vụ, "do" do).
_SURNAMES_FOLDED_SURE = frozenset("nguyen tran pham hoang huynh phan bui ngo".split())


def _person_named_at(tokens: _Tokens, i: int) -> bool:
    """A person's name starts at token ``i``: a surname and a second name word ("Nguyễn Văn
    An", "Nguyen Van An", typed in lower case "nguyen van an")."""
    if i + 1 >= len(tokens.folded):
        return False
    if tokens.is_name(i) and tokens.is_name(i + 1):  # capitalized: any surname, typed either way
        return tokens.written[i] in SURNAMES_LOWER or tokens.folded[i] in (_SURNAMES_FOLDED_SURE if tokens.accented else SURNAMES_FOLDED)
    return not tokens.accented and tokens.folded[i] in _SURNAMES_FOLDED_SURE


def _nao_after_title(tokens: _Tokens, start: int, weak: bool = False) -> int | None:
    if _person_named_at(tokens, start):
        return None  # "Bộ trưởng Nguyễn Văn An ký quyết định nào?": the person is named; the decision is asked
    # typed without diacritics, a body right after the title names it with its next word,
    # no verb: "thu truong bo xay dung nao" (but "bo truong bo phieu", "chu tich ban hanh")
    body = not tokens.accented and start < len(tokens.folded) and tokens.folded[start] in _ORG_HEADS and not _verb_at(tokens, start)
    for i in range(start, min(len(tokens.folded), start + 12)):
        if weak and tokens.folded[i] in _ORG_HEADS and (tokens.is_name(i) or not tokens.accented):
            weak = False  # "Lãnh đạo Ban tuyên giáo Thành ủy ... nào": a body's name follows
        if _matches_at(tokens, "nào", i):
            # "Mặt trận Tổ quốc Việt Nam nào" in a question with diacritics is no "năm nào";
            # the title's own last word ("Trưởng đoàn nào") is no place or body
            before = tokens.written[i - 1] if tokens.accented else tokens.folded[i - 1]
            other = i > start and before in (_NOT_A_PERSON_BEFORE_NAO if tokens.accented else _NOT_A_PERSON_BEFORE_NAO_FOLDED)
            other = other and not _in_province_name(tokens, i - 1)  # "Ha Noi nao" is no "nơi nào"
            return None if other else i
        if weak and not _in_body_name(tokens, i):
            return None  # "làm việc với lãnh đạo doanh nghiệp nào?" asks for the firm
        if _verb_at(tokens, i) and not _in_org_name(tokens, i) and not (body and i == start + 1):
            return None  # "Chủ tịch nước dự hội nghị nào?" asks for the conference
    return None


#: Titles that name a person only with their body right after them ("Đại biểu HĐND TP HCM
#: nào", "Lãnh đạo UBND tỉnh nào"): "lãnh đạo doanh nghiệp nào" asks for the firm.
_WEAK_TITLES = frozenset({"đại biểu", "lãnh đạo"})
#: Lower-case words of a body and its place (folded): "Đại biểu Quốc hội tỉnh ...".
_BODY_WORDS = frozenset(
    "tinh thanh pho tp huyen quan xa phuong thi tran ubnd hdnd qh quoc hoi doan tphcm hcm bo so "
    "ban cuc chuyen trach uy dong nhan dan".split()  # "HĐND", "UBND" expanded: "Hội đồng nhân dân"
)


def _in_body_name(tokens: _Tokens, i: int) -> bool:
    """Token ``i`` names a body or its place: capitalized, or a body's word (acronyms are
    expanded before the question is read: "HĐND" is "Hội đồng nhân dân")."""
    return tokens.is_name(i) or tokens.folded[i] in _BODY_WORDS


def _in_org_name(tokens: _Tokens, i: int) -> bool:
    """Token ``i`` is part of an organization's capitalized name, not the question's verb:
    "Sở Xây dựng", "Bộ Ngoại giao", "Bộ Kế hoạch và Đầu tư" (typed with diacritics)."""
    if tokens.folded[i - 1] in _ORG_HEADS and tokens.is_name(i - 1):
        return True
    if not tokens.accented:
        return False
    if tokens.is_name(i):
        return True  # "... và Đầu tư": a verb does not start with a capital mid-question
    return tokens.is_name(i - 1) and (tokens.folded[i - 1], tokens.folded[i]) in _VERB_INSIDE_NAMES


#: Consecutive syllables of the provinces' names, folded: ("ha", "noi"), ("ninh", "thuan").
_PROVINCE_PAIRS = frozenset(
    pair for name in PROVINCES for words in [re.findall(r"\w+", fold(name).lower())] for pair in zip(words, words[1:])
)


def _in_province_name(tokens: _Tokens, i: int) -> bool:
    """Token ``i`` ends a province's name with the one before it: "noi" of "ha noi", "nam"
    of "quang nam" typed without diacritics are no "nơi", "năm"."""
    return i > 0 and (tokens.folded[i - 1], tokens.folded[i]) in _PROVINCE_PAIRS


_TYPE_NOUNS = {"percent": PERCENT_NOUNS, "money": MONEY_NOUNS}
_MONEY_BEFORE_ONLY = frozenset(MONEY_BEFORE_ONLY)


def _asks_amount(tokens: _Tokens) -> bool:
    """A question word for an amount is present (``bao nhiêu``, ``mấy``, ``là gì``)."""
    return _first_match(tokens, ("bao nhiêu", "mấy", "là bao nhiêu", "là gì")) is not None


def _money_noun_asked(tokens: _Tokens, noun: tuple[int, str], count_at: int) -> bool:
    """The money (or percent) noun is what ``bao nhiêu`` asks about: right after it, or
    before it when no other noun follows it ("Kinh phí là bao nhiêu?", not "giải ngân vốn
    ..., có bao nhiêu công trình?"). A name is no noun ("Tiền Giang"), nor a noun of a
    leading clause that ``bao nhiêu`` stands outside ("Khi ... ký thỏa thuận hỗ trợ ...,
    số người ... là bao nhiêu?")."""
    i, phrase = noun
    if tokens.is_name(i) or (tokens.in_lead(i) and not tokens.in_lead(count_at)):
        return False
    after = count_at + len(_count_word_at(tokens, count_at).split())
    if i < count_at:
        counted, span = _counted_after(tokens, after)
        if phrase in _MONEY_BEFORE_ONLY:
            # "học bổng ... bao nhiêu suất học bổng" counts scholarships, "Số người được hỗ
            # trợ là bao nhiêu?" people; "hỗ trợ 5 tỷ đồng" states its sum
            stated = i + len(phrase.split()) < len(tokens.folded) and tokens.folded[i + len(phrase.split())][:1].isdigit()
            return not (counted or stated or _number_of_before(tokens, i))
        return not counted or _holds(tokens, span, phrase)
    return i == after and phrase not in _MONEY_BEFORE_ONLY


def _counted_after(tokens: _Tokens, after: int) -> tuple[str | None, tuple[int, int]]:
    """The noun counted after a count word ending at ``after``, or None where what follows
    counts nothing: a currency ("là bao nhiêu đ/tháng?") or a closing particle ("giá bao
    nhiêu vậy?"; not "ha", also hectares)."""
    counted, span = _noun_phrase(tokens, after)
    if counted is None:
        return counted, span
    if span[1] == len(tokens.folded) and all(w in _TRAILING - {"ha"} for w in tokens.folded[span[0] : span[1]]):
        return None, (span[0], span[0])
    if any(_holds(tokens, (span[0], span[0] + 1), w) for w in _CURRENCY_WORDS if w not in SCALE_WORDS):
        return None, (span[0], span[0])
    return counted, span


def _holds(tokens: _Tokens, span: tuple[int, int], phrase: str) -> bool:
    """The words of ``span`` hold ``phrase``: as written in a question with diacritics
    ("tiến sĩ" holds no "tiền"), folded otherwise."""
    words = tokens.written if tokens.accented else tokens.folded
    have = f" {' '.join(words[span[0] : span[1]])} "
    return f" {phrase if tokens.accented else fold(phrase)} " in have


def _number_of_before(tokens: _Tokens, i: int) -> bool:
    """"số <noun>" (written so) stands within the few words before token ``i``: "Số người
    được hỗ trợ ..." counts people (not "số tiền", "số nợ": sums)."""
    for j in range(max(0, i - 5), i - 1):
        if tokens.written[j] == "số" and tokens.folded[j + 1] not in ("tien", "no"):
            return True
    return False


def _counts_other_noun(tokens: _Tokens, money: tuple[int, str], count_at: int) -> bool:
    """A sum the question states ("2,3 triệu USD") stands before ``bao nhiêu``, or after
    the noun it counts ("bao nhiêu công trình, với vốn gần 2.000 tỷ đồng"), and another
    noun follows ``bao nhiêu``: the question counts that noun, it does not ask a sum."""
    i, phrase = money
    if _count_word_here(tokens, i) or (i > count_at and not _stated_sum(tokens, i)):
        return False
    counted, span = _noun_phrase(tokens, count_at + len(_count_word_at(tokens, count_at).split()))
    if not counted or span[0] <= i < span[1]:
        return False
    if i > count_at:
        # the sum's own words may end the counted phrase ("bao nhiêu trạm trị giá 2,5
        # triệu USD"): the noun counted is what comes before them
        span = (span[0], _money_word_in(tokens, span, stated_only=False))
        if span[0] == span[1]:
            return False
    return not _names_money(tokens, span)


def _money_word_in(tokens: _Tokens, span: tuple[int, int], stated_only: bool) -> int:
    """Where the first money noun inside ``span`` starts (``span``'s end if none); with
    ``stated_only``, only one followed by a number ("trị giá 2,5 triệu USD"), past the
    span's first word."""
    start, end = span
    for j, noun in _all_matches(tokens, MONEY_NOUNS):
        after = j + len(noun.split())
        if not stated_only and start <= j < end:
            return j
        if stated_only and start < j < end and after < len(tokens.folded) and tokens.folded[after][:1].isdigit():
            return j
    return end


def _names_money(tokens: _Tokens, span: tuple[int, int]) -> bool:
    """The words of ``span`` name a sum: a money noun or a currency (the nouns asked only
    before "bao nhiêu" name no counted sum: "gia đình" is no "giá")."""
    return any(_holds(tokens, span, w) for w in (*MONEY_NOUNS, *_CURRENCY_WORDS) if w not in _MONEY_BEFORE_ONLY)


def _stated_sum(tokens: _Tokens, i: int) -> bool:
    """The money phrase at token ``i`` ends a sum the question states: a number right
    before it, or before its scale word ("với vốn gần 2.000 tỷ đồng", "3,5 triệu USD")."""
    j = i - 1
    if j >= 0 and tokens.folded[j] in _SCALES_FOLDED:
        j -= 1
    return j >= 0 and tokens.folded[j][:1].isdigit()


#: "bao nhiêu tỷ", "bao nhiêu triệu": a sum, unless a noun other than a currency follows
#: ("bao nhiêu triệu tấn dầu", "từ bao nhiêu tỉ m3 trở lên").
_SCALES_ASKED: tuple[str, ...] = ("tỷ", "tỉ", "triệu")
_SCALE_ASKED = frozenset(f"bao nhiêu {w}" for w in _SCALES_ASKED)


def _scale_of_other_noun(tokens: _Tokens, found: tuple[int, str]) -> bool:
    i, phrase = found
    if phrase not in _SCALE_ASKED:
        return False
    counted, span = _noun_phrase(tokens, i + len(phrase.split()))
    return bool(counted) and not _names_money(tokens, span)


#: Words of a sum: currencies and scales as figures reads them, and the spoken "đô".
_CURRENCY_WORDS: tuple[str, ...] = (*CURRENCIES, *SCALE_WORDS, "đô")
_SCALES_FOLDED = frozenset(fold(w).lower() for w in SCALE_WORDS)


def _count_word_at(tokens: _Tokens, i: int) -> str:
    """The (longest) count word at token ``i``."""
    return next((w for w in COUNT_WORDS if _matches_at(tokens, w, i)), "bao nhiêu")


# --- target and verb -----------------------------------------------------------------------


def _target(tokens: _Tokens, qtype: str, qpos: int | None) -> tuple[str | None, tuple[int, int]]:
    """The folded noun phrase asked about and its token span."""
    if qtype == "percent":
        ty_le = _first_match(tokens, ("tỷ lệ", "tỉ lệ", "tỷ trọng", "tỉ trọng"))
        if ty_le is not None:
            phrase = _noun_phrase(tokens, ty_le[0] + 2)
            if phrase[0]:
                return phrase
    if qtype == "money":
        # the first word of a sum ("kinh phí", "giá", "hỗ trợ"): what a figure's own words
        # before it are matched with ("được hỗ trợ 2 triệu đồng")
        noun = _first_match(tokens, MONEY_NOUNS)
        if noun is not None:
            i = noun[0]
            n = len(noun[1].split())
            return " ".join(tokens.folded[i : i + n]), (i, i + n)
    if qtype not in ("count", "percent", "money") or qpos is None:
        return None, (0, 0)
    if qtype == "count" and _matches_at(tokens, "bao lâu", qpos):
        return DURATION_TARGET, (qpos, qpos + 2)  # "chờ suốt bao lâu?": a span of time
    if _matches_at(tokens, "số lượng", qpos):
        # "thông qua số lượng chính thức bao nhiêu ủy viên Trung ương?": the noun after
        # the question word is the one asked (the one after "số lượng" if none follows it)
        asked = _first_match(tokens, ("bao nhiêu", "mấy"))
        if asked is not None and asked[0] > qpos:
            phrase = _noun_phrase(tokens, asked[0] + len(asked[1].split()))
            if phrase[0]:
                return phrase
    start = qpos + len(_count_word_at(tokens, qpos).split())
    if start < len(tokens.folded) and tokens.folded[start] in ("phan", "%"):
        # "bao nhiêu phần trăm chi bộ", "chiếm bao nhiêu phần dân số"
        share_of = qtype == "percent" and tokens.folded[start + 1 : start + 2] != ("tram",)
        start += 2 if tokens.folded[start] == "phan" and not share_of else 1
    elif qtype == "count" and start + 1 < len(tokens.folded) and any(_matches_at(tokens, w, start) for w in _SCALES_ASKED):
        start += 1  # "bao nhiêu triệu tấn dầu": the tonnes are counted
    phrase = _noun_phrase(tokens, start)
    if phrase[0]:
        return _before_stated_sum(tokens, phrase)
    # "Số đảng viên được kết nạp là bao nhiêu?": the noun after "số (lượng)"
    # (outside a leading clause the question word stands outside of: "Khi số hộ nghèo
    # giảm, số hộ được vay là bao nhiêu?" counts the households of the main clause)
    so = next((m for m in _all_matches(tokens, ("số lượng", "tổng số", "số")) if tokens.in_lead(m[0]) <= tokens.in_lead(qpos)), None)
    if so is not None and so[1] == "số" and tokens.written[so[0]] != "số":
        so = None  # unaccented "so" may be "Sở" (a department)
    if so is not None and so[0] < qpos:
        return _noun_phrase(tokens, so[0] + len(so[1].split()))
    return None, (0, 0)


def _before_stated_sum(tokens: _Tokens, phrase: tuple[str | None, tuple[int, int]]) -> tuple[str | None, tuple[int, int]]:
    """A counted noun phrase without the words of a sum it runs into: "bao nhiêu trạm
    biến áp trị giá 2,5 triệu USD" counts "trạm biến áp"."""
    start, end = phrase[1]
    cut = _money_word_in(tokens, (start, end), stated_only=True)
    return phrase if cut == end else (" ".join(tokens.folded[start:cut]), (start, cut))


def _noun_phrase(tokens: _Tokens, start: int, cap: int = TARGET_CAP) -> tuple[str | None, tuple[int, int]]:
    """Up to ``cap`` syllables from ``start``, stopping at function words and verbs."""
    end = start
    while end < len(tokens.folded) and end - start < cap:
        word = tokens.folded[end]
        if _is_stop(tokens, end) or not (word.isalpha() or _MEASURE.fullmatch(word)) or _count_word_here(tokens, end):
            break
        if end > start and (word in TARGET_STOP_LATER or _time_pair_at(tokens, end) or _verb_at(tokens, end)):
            break
        if end + 1 < len(tokens.folded) and tokens.folded[end + 1] in TARGET_STOP_PAIRS.get(word, ()):
            break  # "bao nhiêu đối với ...", unaccented "bao nhieu moi thang" (mỗi tháng)
        end += 1
    if end == start:
        return None, (start, start)
    return " ".join(tokens.folded[start:end]), (start, end)


def _time_pair_at(tokens: _Tokens, i: int) -> bool:
    second = TARGET_STOP_LATER_PAIRS.get(tokens.folded[i])
    return second is not None and i + 1 < len(tokens.folded) and tokens.folded[i + 1] == second


def _is_stop(tokens: _Tokens, i: int) -> bool:
    """A function word: as written in accented questions, else only if unambiguous."""
    written, folded = tokens.written[i], tokens.folded[i]
    if written != folded or tokens.accented:
        return written in _STOP_WRITTEN
    return folded in _STOP_FOLDED


def _count_word_here(tokens: _Tokens, i: int) -> bool:
    return any(_matches_at(tokens, w, i) for w in ("bao nhiêu", "mấy", "là bao nhiêu"))


def _verb_at(tokens: _Tokens, i: int) -> str | None:
    """The longest verb of ``VERBS`` starting at token ``i``."""
    for verb in _VERBS_BY_FIRST.get(tokens.folded[i], ()):
        if _matches_at(tokens, verb, i):
            return verb
    return None


def _by_first_syllable(phrases: tuple[str, ...]) -> dict[str, tuple[str, ...]]:
    """Phrases by their first folded syllable, longest first."""
    out: dict[str, list[str]] = {}
    for phrase in sorted(phrases, key=lambda v: -len(v.split())):
        out.setdefault(fold(phrase.split()[0]), []).append(phrase)
    return {k: tuple(v) for k, v in out.items()}


_VERBS_BY_FIRST = _by_first_syllable(VERBS)


def _verb(tokens: _Tokens, qpos: int | None, target_span: tuple[int, int]) -> str | None:
    """The verb nearest to the question phrase (before it on a tie), outside the target."""
    found: list[tuple[int, str]] = []
    i = 0
    while i < len(tokens.folded):
        if target_span[0] <= i < target_span[1]:
            i += 1
            continue
        verb = _verb_at(tokens, i)
        if verb is None:
            i += 1
            continue
        found.append((i, verb))
        i += len(verb.split())
    if not found:
        return None
    if qpos is None:
        i, verb = found[0]
    else:
        i, verb = min(found, key=lambda f: (abs(f[0] - qpos), f[0] > qpos))
    return fold(verb)
