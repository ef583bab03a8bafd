"""``index.mismatch``: numbered events, offices and regions, read the same with or without
diacritics; another event or a deputy is told apart from the one asked."""

from __future__ import annotations

import pytest

from index.mismatch import (
    countries,
    deputy_of_asked,
    landmarks,
    milestones,
    months,
    numbered_events,
    offices,
    other_event,
    other_landmark,
    other_milestone,
    other_month,
    proper_names,
    regions,
    title_of,
)


@pytest.mark.parametrize(
    "text, events",
    [
        ("Kỳ họp thứ 7, Quốc hội khóa 11 sẽ thông qua 11 dự án luật", {("ky hop", 7)}),
        ("ky hop thu bay quoc hoi khoa xi", {("ky hop", 7)}),
        ("Hội nghị Trung ương 10 bàn về nhân sự", {("hoi nghi trung uong", 10)}),
        ("Hội nghị lần thứ 12 Ban Chấp hành Trung ương Đảng", {("nghi lan thu", 12)}),
        ("Đại hội Đảng toàn quốc lần thứ IX", {("quoc lan thu", 9), ("dai hoi", 9)}),
        ("Ngày khai mạc Đại hội X Đảng Cộng sản Việt Nam", {("dai hoi", 10)}),
        ("dai hoi ix cua dang", {("dai hoi", 9)}),
        ("đón Tết Nguyên đán Bính Tuất", numbered_events("tet binh tuat")),
        ("Đại hội Hội Nhà văn lần thứ VIII", {("van lan thu", 8)}),
        ("triển khai giai đoạn 2 (2006-2010) và đợt 3", {("giai doan", 2), ("dot", 3)}),
        ("kỳ họp thứ hai của HĐND", {("ky hop", 2)}),
        ("lien hoan van nghe cac tinh mien nui lan 2 to chuc o dau", {("nui lan thu", 2)}),
        ("Đại hội Đảng bộ tỉnh lần 15", {("tinh lan thu", 15)}),
        ("cơn bão số 7 đổ bộ vào Nam Định", {("bao so", 7)}),
        ("ho tro dan bi bao so 6", {("bao so", 6)}),
        # "đầu" / "đầu tiên" is the first
        ("đợt đầu có 40 sinh viên tình nguyện", {("dot", 1)}),
        ("kỳ họp đầu tiên của HĐND khóa mới", {("ky hop", 1)}),
        ("tỷ lệ học sinh trái tuyến ở lớp 10 tại Hà Nội", {("lop", 10)}),
        # a numbered thing, keyed by the word before "số"
        ("Cụm dân cư số 2 của khu Nhất Thanh", {("dan cu so", 2)}),
        ("gói thầu số 2 của nhà máy và Nghị định số 92/CP", {("goi thau so", 2), ("nghi dinh so", 92)}),
    ],
)
def test_numbered_events_are_read_as_kind_and_number(text, events):
    assert numbered_events(text) == events


@pytest.mark.parametrize(
    "text",
    ["giai đoạn 2006-2010", "báo số ra ngày 5", "giai đoạn đầu tư", "đợt đầu năm", "đợt đấu thầu", "10 lớp học", "lớp học 2005", "kỳ họp năm 2005", "Đại hội 2005", "Đại hội cổ đông", "lần thứ nhất", "khóa X của Ban Chấp hành", "hai lần tăng lương", "xuất sang Thái Lan 5 tháng", "Hà Lan 2 lần", "chị Nguyễn Thị Lan 45 tuổi", "hoãn nhiều lần vì mưa", "Trong số 120 hộ được hỗ trợ", "tổng số 1.200 hộ", "chi với số 5 tỷ đồng"],
)
def test_years_terms_and_bare_counts_are_no_numbered_event(text):
    assert numbered_events(text) == frozenset()


def test_another_number_of_the_asked_event_contradicts_it():
    asked = numbered_events("Kỳ họp thứ 6 Quốc hội khóa 11 thông qua bao nhiêu luật?")
    assert other_event(asked, "Kỳ họp thứ 7, Quốc hội khóa 11 sẽ thông qua 11 dự án luật.")
    # the asked one named too, or another kind of event only: no contradiction
    assert not other_event(asked, "Kỳ họp thứ 6 đã thông qua 9 luật, kỳ họp thứ 7 sẽ thông qua 11.")
    assert not other_event(asked, "Giai đoạn 2 của dự án được thông qua 11 luật.")
    assert not other_event(frozenset(), "Kỳ họp thứ 7")
    # a numbered thing: another cluster's figure answers nothing of the one asked
    cluster = numbered_events("Cụm dân cư số 2 của khu Nhất Thanh có bao nhiêu hộ?")
    assert other_event(cluster, "Cụm dân cư số 1 (tổ 1 đến 5) có 384 hộ.")
    assert not other_event(cluster, "Cụm dân cư số 1 có 384 hộ, cụm dân cư số 2 có 250 hộ.")
    # a decree is no decision: each document keyed by its own two words
    decree = numbered_events("Theo Nghị định số 92/CP, mức phạt là bao nhiêu?")
    assert not other_event(decree, "Theo Quyết định số 15/QĐ-UBND thực hiện Nghị định 92/CP, mức phạt là 2 triệu.")
    # "lần thứ" is keyed by the word before it: the 25th congress is not the 24th, but
    # the congress's first session is no other congress
    congress = numbered_events("Đại hội Đảng bộ cơ quan Bộ Ngoại giao lần thứ 24 khai mạc ngày nào?")
    assert other_event(congress, "Đại hội Đảng bộ cơ quan Bộ Ngoại giao lần thứ 25 đã khai mạc ngày 10-11.")
    assert not other_event(congress, "Tại phiên họp lần thứ nhất, Ban Chấp hành đã bầu 13 đồng chí.")
    # the Party's congress by its number, however the question abbreviates it
    ninth = numbered_events("Ngày khai mạc Đại hội IX có bao nhiêu đảng gửi điện mừng?")
    assert other_event(ninth, "Ngày khai mạc Đại hội X, có 35 đảng đã gửi thư, điện chúc mừng.")
    assert not other_event(ninth, "Tại Đại hội lần thứ IX của Đảng, 35 đảng gửi điện mừng.")
    # a lunar year by its stem and branch: Tết of one year is not Tết of the next
    tet = numbered_events("Tết Đinh Hợi, Hội Chữ thập đỏ hỗ trợ bao nhiêu tiền?")
    assert tet and numbered_events("Tết Bính Tuất") and numbered_events("Tết Bính Tuất") != tet
    assert other_event(tet, "Hội hỗ trợ trên 380 triệu đồng giúp người nghèo đón Tết Bính Tuất.")
    assert not other_event(tet, "Tết Bính Tuất hỗ trợ 120 triệu, Tết Đinh Hợi 380 triệu đồng.")
    assert numbered_events("tết năm nay") == frozenset()


@pytest.mark.parametrize(
    "text, named",
    [
        ("Trong tháng 11-2006, thành phố cấp 420 giấy phép", {11}),
        ("tu thang 2 den thang 4 nam nay co bn nguoi", {2, 3, 4}),
        ("mưa lớn vào tháng 7/2005 và tháng 9", {7, 9}),
        ("Ngày 1 tháng 5 năm 2006, xã đón 20 đoàn khách", {5}),
        ("lũ lụt tháng 10 và 11-2005 tại miền Trung", {10, 11}),
        ("lễ hội diễn ra từ tháng giêng", {1}),
        ("các tháng 6-7 là mùa lũ", {6, 7}),
    ],
)
def test_months_of_the_year_are_read_from_names_spans_and_dates(text, named):
    assert months(text) == named


@pytest.mark.parametrize(
    "text",
    [
        "9 tháng đầu năm 2006 tỉnh thu 80 tỷ đồng",
        "đội bóng thắng 3 trận liên tiếp",
        "tăng 3,5 lần sau 12 tháng",
        "tháng 14",
        "năm 2005-2006",
        # a day's date mostly dates a report or another event: not read
        "chiều ngày 1-12, ông Nam cho biết",
        "công văn ký ngày 3/10/2006 gửi các tỉnh",
    ],
)
def test_lengths_wins_days_and_bare_numbers_name_no_month(text):
    assert months(text) == frozenset()


def test_only_other_months_contradict_the_asked_one():
    asked = months("Tháng 11-2006, TP cấp bao nhiêu giấy phép xây dựng?")
    assert other_month(asked, "Trong tháng 10, thành phố cấp 420 giấy phép xây dựng.")
    # the asked month named too, a span holding it, or no month at all: no contradiction
    assert not other_month(asked, "Tháng 10 cấp 380 giấy phép, tháng 11 cấp 420.")
    assert not other_month(asked, "Từ tháng 9 đến tháng 12, thành phố cấp 420 giấy phép.")
    assert not other_month(asked, "Năm 2006, thành phố cấp 420 giấy phép xây dựng.")
    assert not other_month(frozenset(), "Trong tháng 10, thành phố cấp 420 giấy phép.")


def test_milestones_are_read_with_or_without_diacritics():
    assert milestones("Bờ kè dự kiến hoàn thành vào ngày nào?") == {"work_end"}
    assert milestones("cau rach mieu khoi cong ngay nao") == {"work_start"}
    assert milestones("Kỳ họp thứ 8 bế mạc ngày nào?") == {"meeting_end"}
    assert milestones("Hội nghị diễn ra ngày nào?") == frozenset()


def test_only_the_opposite_milestone_contradicts_the_asked_one():
    asked = milestones("Bờ kè dự kiến hoàn thành vào ngày nào?")
    assert other_milestone(asked, "Công trình được khởi công ngày 16/10 với kinh phí 20 tỉ đồng.")
    # the asked one named too, or none, or a milestone of a meeting: no contradiction
    assert not other_milestone(asked, "Khởi công ngày 16/10, công trình sẽ hoàn thành trong năm 2006.")
    assert not other_milestone(asked, "Ngày 16/10, UBND TP họp bàn về bờ kè.")
    assert not other_milestone(asked, "Hội nghị kết thúc ngày 16/10.")
    assert not other_milestone(frozenset(), "Công trình được khởi công ngày 16/10.")
    opening = milestones("Đại hội khai mạc ngày nào?")
    assert other_milestone(opening, "Đại hội bế mạc ngày 23-12.")
    # "kết thúc" and "Ban Giao thông" name no milestone; opening to traffic ends a work
    assert not other_milestone(opening, "Kết thúc 9 tháng chuẩn bị, ngày 5-10 đại hội chính thức diễn ra.")
    assert not other_milestone(milestones("Dự án khởi công ngày nào?"), "Ngày 15/3, Ban Giao thông tỉnh cho biết dự án đã được duyệt.")
    assert not other_milestone(asked, "Cầu khởi công năm 2002, sẽ thông xe vào ngày 19/1/2009.")


def test_offices_split_heads_from_deputies_without_diacritics_too():
    assert offices("Chủ tịch UBND xã Mỹ Hòa") == (frozenset({"chu tich"}), frozenset())
    assert offices("pho chu tich ubnd tinh") == (frozenset(), frozenset({"chu tich"}))
    assert offices("Phó Bí thư Thường trực Thành ủy, Chủ tịch UBND") == (frozenset({"chu tich"}), frozenset({"bi thu"}))


@pytest.mark.parametrize(
    "sentence, name, deputy",
    [
        ("Theo ông Trần Văn An, Phó chủ tịch UBND phường Định Công, có hai trường hợp.", "Trần Văn An", True),
        ("Phó chủ tịch UBND tỉnh Quảng Ngãi Lê Văn Bình cho biết, UBND tỉnh đã chỉ đạo.", "Lê Văn Bình", True),
        ("Chủ tịch UBND phường Định Công Trần Văn An cho biết, phó chủ tịch đang đi họp.", "Trần Văn An", False),
        # another person's title in the same sentence is not this one's
        ("Ông Trần Văn An, Chủ tịch UBND phường, và ông Lê Văn Bình, Phó chủ tịch, đã ký.", "Trần Văn An", False),
    ],
)
def test_a_persons_own_title_decides_whether_they_are_the_deputy(sentence, name, deputy):
    assert deputy_of_asked(frozenset({"chu tich"}), title_of(sentence, name)) is deputy


def test_no_office_asked_is_never_a_deputy():
    assert not deputy_of_asked(frozenset(), "Phó chủ tịch UBND phường")


@pytest.mark.parametrize(
    "text, keys",
    [
        ("Đại hội Đại đoàn kết các dân tộc Tây Nam Bộ", {"tay nam bo"}),
        ("dai hoi dai doan ket cac dan toc tay nguyen", {"tay nguyen"}),  # typed without diacritics
        ("vốn cho thủy lợi vùng ĐBSCL", {"tay nam bo"}),  # one region, two names
        ("Bệnh viện khu vực phía Nam tỉnh Thừa Thiên - Huế", {"nam"}),
        ("đại biểu Quốc hội của hai miền Trung,  Nam", {"trung"}),
        ("10 dự án mạng cấp nước phía tây thành phố", {"tay"}),
        ("mang cap nuoc phia dong TP.HCM", {"dong"}),
        # other words that fold the same, and compass words that name no region
        ("Bộ đã bác bỏ thông tin này", set()),
        ("cần tap trung bo tri von", set()),
        ("gió mùa đông bắc tràn về", set()),
    ],
)
def test_regions_are_read_by_their_names(text, keys):
    assert regions(text) == keys


@pytest.mark.parametrize(
    "text, keys",
    [
        ("con nuôi nước ngoài tại Mỹ", {"my"}),
        ("Gặp gỡ hữu nghị thanh niên Việt Nam - Campuchia", {"campuchia"}),
        ("lao động sang Hàn Quốc và Thái Lan", {"han quoc", "thai lan"}),
        ("Tổng thống Nga thăm Việt Nam", {"nga"}),
        # words and places that are no country
        ("Pháp lệnh Dân số có hiệu lực", set()),
        ("thành phố Mỹ Tho, tỉnh Lào Cai", set()),
        ("bà Nguyễn Thị Nga phát biểu", set()),
        # the last or first word of a Vietnamese name: a place, a company, a ministry
        ("cầu Phú Mỹ, huyện Chương Mỹ, Cty TNHH Việt Mỹ", set()),
        ("Bộ Tư Pháp, chùa Pháp Vân, huyện Nga Sơn", set()),
        ("Trường Đại học Mỹ thuật, các nước châu Mỹ", set()),
        ("hợp tác với LB Nga", {"nga"}),  # an acronym before the name is no name
        ("lao động sang Nhật và Nhật Bản, viện trợ của Thụy Sỹ", {"nhat ban", "thuy si"}),
        ("cuốn Nhật ký trong tù, tờ Nhật báo", set()),
        # after an honorific, a person: "ông Mỹ", "anh Nhật"; "Chủ Nhật", "cầu Nhật Tân"
        ("ông Mỹ cho biết, anh Nhật kể lại", set()),
        ("sáng Chủ Nhật, trên cầu Nhật Tân", set()),
        # "Anh", "Đức" alone: a country right after a word of place or movement only
        ("du học sinh Việt Nam tại Anh tăng nhanh, sang Đức ít hơn", {"anh", "duc"}),
        ("so du hoc sinh tai Anh", {"anh"}),
        ("anh Nam và ông Đức cho biết, lớp học tiếng Anh, học Anh văn", set()),
        ("xã ở Anh Sơn, huyện tại Đức Phổ", set()),  # districts
        ("nói nhỏ vào tai Đức, bị tổn thất ở Đức lập, đến Đức cha", set()),  # an ear; a place; a title
    ],
)
def test_foreign_countries_are_read_by_their_names(text, keys):
    assert countries(text) == keys


@pytest.mark.parametrize(
    "text, named",
    [
        ("Giá khởi điểm tại trạm thu phí Sông Phan là bao nhiêu?", {("tram thu phi", "song phan")}),
        ("Bao nhieu ho dan duoi chan nui Ham Rong (xa Son Ha) da duoc di doi?", {("nui", "ham rong")}),
        ("Cầu Rồng sẽ gánh bao nhiêu % lượng xe cho cầu Sông Hàn?", {("cau", "rong"), ("cau", "song han")}),
        ("Trưởng ấp Phú Lợi trên đảo Hòn Tre là ai?", {("ap", "phu loi"), ("dao", "hon tre")}),
        # an office ("trưởng" is no "trường"), a region, a city, a person, an acronym: none
        ("Vụ trưởng Vụ Tư pháp là ai?", set()),
        ("đồng bằng sông Cửu Long có bao nhiêu hộ nghèo ở nông thôn Hà Nội?", set()),
        ("thành phố Hồ Chí Minh; cầu TP; UBND tỉnh yêu cầu Sở Y tế rà soát", set()),
        ("lanh dao Bo Tai chinh giao cho So Tai chinh", set()),  # folded: "lãnh đạo", "cho"
        # two words name one; an honorific after them starts a person, as the first it is the name's
        ("cảng Cửa Lò Nghệ An; giám đốc bến xe Miền Đông Ông Nguyễn Nam Sơn", {("cang", "cua lo"), ("ben xe", "mien dong")}),
        ("đảo Cô Tô, núi Bà Đen; Giám đốc bến xe Ông Nguyễn Nam Sơn", {("dao", "co to"), ("nui", "ba den")}),
        # "cho" written without diacritics in a text typed with them is no "chợ"
        ("TP.HCM để lại cho Ủy ban Q.10 bao nhiêu % số tiền?", set()),
        ("Lanh dao UBND TPHCM tiep Pho thi truong Toronto", set()),
        # a station; "gà" (a chicken) is none, nor a kind capitalized into a place's name
        ("tính tới 10h sáng ga Hà Nội có bao nhiêu tập thể", {("ga", "ha noi")}),
        ("nuôi gà Đông Tảo ở quận Cầu Giấy", set()),
        # a kind by its acronym; a Roman numeral after the name is part of it
        ("Tại KCN Trà Nóc I và KCX Tân Thuận", {("khu cong nghiep", "tra noc i"), ("khu che xuat", "tan thuan")}),
        ("khu công nghiệp Trà Nóc II (Cần Thơ)", {("khu cong nghiep", "tra noc ii")}),
        ("Sở KH-ĐT; UBND tỉnh; KCN", set()),
    ],
)
def test_landmarks_are_read_as_kind_and_name(text, named):
    assert landmarks(text) == named


def test_another_landmark_of_the_asked_kind_contradicts_it():
    asked = landmarks("Năm 2006, cang Cua Lo du kien dat bao nhieu phan tram nang luc khai thac?")
    assert other_landmark(asked, "Cảng Vũng Áng dự kiến đạt khoảng 62% năng lực khai thác.")
    assert not other_landmark(asked, "Cảng Cửa Lò đạt 70%, cảng Vũng Áng 62% năng lực khai thác.")
    assert not other_landmark(asked, "Năm 2006 đạt khoảng 62% năng lực khai thác.")  # names none
    assert not other_landmark(asked, "Chợ Bến Thành đạt 62%.")  # another kind
    # the asked one written with more words between: no contradiction
    airport = landmarks("Năm 2005 sân bay Tân Sơn Nhất đón bao nhiêu lượt khách?")
    assert not other_landmark(airport, "Sân bay Quốc tế Tân Sơn Nhất đón 8,5 triệu lượt khách.")
    assert other_landmark(airport, "Sân bay Nội Bài đón 5 triệu lượt khách.")
    assert not other_landmark(frozenset(), "Cảng Vũng Áng đạt 62%.")


def test_each_asked_kind_of_landmark_is_judged_by_itself():
    # the asked river is named, but the industrial zone is another one (the first, not the second)
    asked = landmarks("Tại khu công nghiệp Trà Nóc II, bao nhiêu % nhà máy xử lý nước thải trước khi xả ra sông Hậu?")
    assert other_landmark(asked, "Tại KCN Trà Nóc I, khoảng 50% nhà máy xổ thẳng nước thải ra sông Hậu.")
    assert not other_landmark(asked, "Tại KCN Trà Nóc II, 30% nhà máy xử lý nước thải trước khi xả ra sông Hậu.")
    assert not other_landmark(asked, "Khoảng 50% nhà máy xổ thẳng nước thải ra sông Hậu.")  # no zone named
    # the zone by its name alone, or with both numbers, or another way of numbering: no contradiction
    assert not other_landmark(asked, "KCN Trà Nóc có 80 doanh nghiệp xả ra sông Hậu.")
    assert not other_landmark(asked, "KCN Trà Nóc I và II có 200 doanh nghiệp.")
    assert not other_landmark(asked, "KCN Trà Nóc 2 có 50 doanh nghiệp.")
    assert other_landmark(asked, "KCN Hòa Phú có 30 doanh nghiệp.")


@pytest.mark.parametrize(
    "text, names",
    [
        ("Trung tâm chữa bệnh Phú Nghĩa (Bình Phước) công nhận bao nhiêu học viên?", {"phu nghia"}),
        ("Trung tam chua benh Phu Nghia (Binh Phuoc) cong nhan bao nhieu hoc vien?", {"phu nghia"}),
        ("Lâm Đồng cho thuê bao nhiêu căn biệt thự cổ ở Bảo Lộc?", {"bao loc"}),
        # written with diacritics, "Nha Trang" is no "Nhà", "Phương Trang" no "Phường"
        ("Hãng Phương Trang tăng bao nhiêu xe chạy tuyến TP.HCM - Nha Trang?", {"phuong trang", "nha trang"}),
    ],
)
def test_proper_names_are_runs_of_capitalized_words(text, names):
    assert proper_names(text) == names


@pytest.mark.parametrize(
    "text",
    [
        "Phương Trang tăng bao nhiêu xe?",  # the first word: capitalized as any question's
        "Sở Lao động TP.HCM nhận bao nhiêu hồ sơ?",  # an organization's head: named in part
        "Phó Chủ tịch UBND tỉnh là ai?",  # an office
        "Theo ông Nguyễn Văn Hùng, có bao nhiêu hộ?",  # a person: an article may write his title only
        "Tổng công ty Điện lực Việt Nam giảm bao nhiêu?",  # written "VN" as often
        "Theo Người Lao Động, có bao nhiêu vụ?",  # a newspaper
        "Ở Đà Nẵng và Quảng Nam có bao nhiêu xã?",  # provinces: read as places
        "Đoàn viên T.Ư Đoàn dự trại hè bao nhiêu ngày?",  # a single letter is no name word
        "Cty TNHH Hoàng Long có bao nhiêu công nhân?",  # an acronym, then a company's head
        "tp my tho hua thuong bn tien?",  # lower case: nothing capitalized to read
    ],
)
def test_heads_persons_places_and_names_written_otherwise_are_no_proper_names(text):
    assert proper_names(text) == frozenset()


def test_one_year_spans_are_read_and_only_other_ones_contradict():
    from index.mismatch import other_season, seasons

    assert seasons("Năm học 2006-2007, niên vụ 2005/2006 và mùa khô 2004 - 2005") == {(2006, 2007), (2005, 2006), (2004, 2005)}
    # a longer term, a money range, a number with decimals: none
    assert seasons("giai đoạn 2006-2010, từ 2.006-2.007 đồng, 12/2006-2007") == frozenset()
    asked = seasons("Năm học 2007-2008 thành phố cử bao nhiêu học sinh?")
    assert other_season(asked, "Năm học 2006-2007, thành phố cử 11 học sinh.")
    assert not other_season(asked, "Năm học 2007-2008, thành phố cử 11 học sinh.")
    assert not other_season(asked, "Thành phố cử 11 học sinh.")  # no span: nothing said
    # a span the figure is only compared with is not the one it is of
    asked = seasons("Năm 2004-2005 có bao nhiêu sinh viên được cấp visa du học Mỹ?")
    assert not other_season(asked, "Có 3.165 sinh viên được cấp visa, tăng 16,3% so với năm 2003-2004.")
    # the context is read only where the sentence names no span
    assert other_season(asked, "Có 3.165 sinh viên được cấp visa.", "TP HCM, năm học 2003-2004")
    assert not other_season(asked, "Năm 2004-2005 có 3.165 sinh viên.", "năm học 2003-2004")
