#!/usr/bin/env python3
"""Generator for the held-out question set lo2/lu2 (questions.jsonl).

Written by an AI helper session from the law files only. Running it rewrites
questions.jsonl beside this script (deterministic: fixed shuffle seed).
Each answerable item: (doc, article number, verbatim quote, question, everyday?).
Each unanswerable item: (question, near/out, everyday?, [search terms]).
The search terms are what was grepped (accented and accent-stripped) over all
17 law files; see unanswerable_search_log.txt.
"""

import json
import os
import random
import unicodedata

HERE = os.path.dirname(os.path.abspath(__file__))
SEED = 20240531

A = [
    # ---------------- Luật Cư trú ----------------
    (
        "luat-cu-tru",
        27,
        "đơn vị hành chính cấp xã nơi đã đăng ký thường trú để lao động, học tập hoặc vì mục đích khác từ 30 ngày trở lên thì phải thực hiện đăng ký tạm trú",
        "Tôi thuê phòng trọ ở phường khác để đi làm, đến nay ở được hơn một tháng rồi thì có bắt buộc phải đăng ký tạm trú không?",
        True,
    ),
    (
        "luat-cu-tru",
        27,
        "Thời hạn tạm trú tối đa là 02 năm và có thể tiếp tục gia hạn nhiều lần.",
        "tam tru thi duoc bao lau moi het han, het han roi co gia han tiep duoc khong?",
        True,
    ),
    (
        "luat-cu-tru",
        28,
        "Trong thời hạn 15 ngày trước ngày kết thúc thời hạn tạm trú đã đăng ký, công dân phải làm thủ tục gia hạn tạm trú.",
        "Sắp hết hạn tạm trú thì tôi phải đi làm gia hạn trước ngày hết hạn bao lâu?",
        True,
    ),
    (
        "luat-cu-tru",
        30,
        "Việc thông báo lưu trú được thực hiện trước 23 giờ của ngày bắt đầu lưu trú",
        "nha em co ong ba ngoai o que len choi may hom, co phai bao cong an phuong khong va phai bao truoc may gio?",
        True,
    ),
    (
        "luat-cu-tru",
        20,
        "Công dân được đăng ký thường trú tại chỗ ở hợp pháp không thuộc quyền sở hữu của mình khi được chủ hộ và chủ sở hữu chỗ ở hợp pháp đó đồng ý",
        "Con gái tôi lấy chồng, giờ muốn chuyển hộ khẩu về nhà bố mẹ chồng thì cần có sự đồng ý của những ai?",
        True,
    ),
    (
        "luat-cu-tru",
        20,
        "Bảo đảm điều kiện về diện tích nhà ở tối thiểu do Hội đồng nhân dân cấp tỉnh quy định nhưng không thấp hơn 08 m2 sàn/người.",
        "Đi thuê nhà mà muốn đăng ký thường trú luôn ở chỗ thuê thì diện tích tối thiểu mỗi người phải là bao nhiêu?",
        True,
    ),
    (
        "luat-cu-tru",
        22,
        "Trong thời hạn 07 ngày làm việc kể từ ngày nhận được hồ sơ đầy đủ và hợp lệ, cơ quan đăng ký cư trú có trách nhiệm thẩm định",
        "nop ho so dang ky thuong tru o cong an xa roi thi bao nhieu ngay moi co ket qua?",
        True,
    ),
    (
        "luat-cu-tru",
        24,
        "Vắng mặt liên tục tại nơi thường trú từ 12 tháng trở lên mà không đăng ký tạm trú tại chỗ ở khác hoặc không khai báo tạm vắng",
        "Anh trai tôi đi làm ăn xa hơn một năm không về, cũng không đăng ký tạm trú ở đâu, vậy anh ấy có bị xóa thường trú ở quê không?",
        True,
    ),
    (
        "luat-cu-tru",
        2,
        "Lưu trú là việc công dân ở lại một địa điểm không phải nơi thường trú hoặc nơi tạm trú trong thời gian ít hơn 30 ngày.",
        "Lưu trú là gì, khác gì với tạm trú?",
        False,
    ),
    (
        "luat-cu-tru",
        3,
        "mỗi công dân chỉ có một nơi thường trú và có thể có thêm một nơi tạm trú",
        "mot nguoi co the dang ky thuong tru o hai noi cung mot luc duoc khong?",
        True,
    ),
    (
        "luat-cu-tru",
        25,
        "trừ trường hợp thành viên hộ gia đình đăng ký tách hộ là vợ, chồng đã ly hôn mà vẫn được cùng sử dụng chỗ ở hợp pháp đó",
        "Vợ chồng tôi ly hôn rồi nhưng tôi vẫn được tiếp tục ở căn nhà đó; chồng cũ là chủ hộ không chịu ký cho tôi tách hộ thì tôi có tách được không?",
        True,
    ),
    (
        "luat-cu-tru",
        2,
        "Tạm vắng là việc công dân vắng mặt tại nơi cư trú trong một khoảng thời gian nhất định.",
        "tam vang la gi?",
        False,
    ),
    (
        "luat-cu-tru",
        10,
        "Chủ hộ là người có năng lực hành vi dân sự đầy đủ do các thành viên hộ gia đình thống nhất đề cử",
        "Chủ hộ là ai, ai có quyền chọn ra chủ hộ?",
        False,
    ),
    (
        "luat-cu-tru",
        12,
        "nếu cha, mẹ có nơi cư trú khác nhau thì nơi cư trú của người chưa thành niên là nơi cư trú của cha hoặc mẹ mà người chưa thành niên thường xuyên chung sống",
        "con toi 16 tuoi, bo me song rieng hai noi, vay noi cu tru cua chau tinh theo ai?",
        True,
    ),
    (
        "luat-cu-tru",
        23,
        "Chỗ ở mà toàn bộ diện tích nhà ở nằm trên đất lấn, chiếm trái phép",
        "Nhà dựng hoàn toàn trên phần đất lấn chiếm thì có đăng ký thường trú mới được không?",
        True,
    ),
    (
        "luat-cu-tru",
        7,
        "Tự đặt ra thời hạn, thủ tục, giấy tờ, tài liệu, biểu mẫu trái với quy định của pháp luật",
        "Lúc tôi đi đăng ký cư trú, cán bộ bắt nộp thêm mấy loại giấy tờ mà luật không hề đòi, làm vậy có đúng không?",
        True,
    ),
    (
        "luat-cu-tru",
        7,
        "Đồng ý cho người khác đăng ký thường trú, đăng ký tạm trú vào chỗ ở của mình để vụ lợi",
        "cho nguoi khac nhap ho khau vao nha minh de lay tien thi co bi cam khong?",
        True,
    ),
    (
        "luat-cu-tru",
        38,
        "có giá trị như giấy tờ, tài liệu xác nhận về cư trú theo quy định của Luật này cho đến hết ngày 31 tháng 12 năm 2022",
        "Sổ hộ khẩu giấy cũ nhà tôi còn được dùng để chứng minh nơi cư trú đến khi nào?",
        True,
    ),
    (
        "luat-cu-tru",
        19,
        "trường hợp không có địa điểm chỗ ở cụ thể thì nơi ở hiện tại được xác định là đơn vị hành chính cấp xã nơi người đó đang thực tế sinh sống",
        "Trên địa bàn phường có người vô gia cư, không đủ điều kiện đăng ký thường trú hay tạm trú ở đâu cả, thì xác định nơi cư trú của họ thế nào?",
        True,
    ),
    (
        "luat-cu-tru",
        31,
        "Đi khỏi phạm vi đơn vị hành chính cấp xã nơi thường trú từ 12 tháng liên tục trở lên",
        "nguoi binh thuong di lam an xa thi vang nha bao lau moi phai khai bao tam vang?",
        True,
    ),
    # ---------------- Luật Hôn nhân và gia đình ----------------
    (
        "luat-hon-nhan-va-gia-dinh",
        8,
        "Nam từ đủ 20 tuổi trở lên, nữ từ đủ 18 tuổi trở lên",
        "con trai bao nhieu tuoi thi moi duoc lay vo?",
        True,
    ),
    (
        "luat-hon-nhan-va-gia-dinh",
        8,
        "Nhà nước không thừa nhận hôn nhân giữa những người cùng giới tính.",
        "Hai bạn nữ yêu nhau tổ chức đám cưới thì pháp luật có công nhận họ là vợ chồng không?",
        True,
    ),
    (
        "luat-hon-nhan-va-gia-dinh",
        9,
        "Việc kết hôn không được đăng ký theo quy định tại khoản này thì không có giá trị pháp lý.",
        "Chúng tôi chỉ làm cỗ cưới ở quê, chưa lên xã đăng ký, vậy có được coi là vợ chồng hợp pháp không?",
        True,
    ),
    (
        "luat-hon-nhan-va-gia-dinh",
        5,
        "Kết hôn hoặc chung sống như vợ chồng giữa những người cùng dòng máu về trực hệ; giữa những người có họ trong phạm vi ba đời",
        "anh ho con chu con bac voi nhau thi co duoc cuoi nhau khong?",
        True,
    ),
    (
        "luat-hon-nhan-va-gia-dinh",
        51,
        "Chồng không có quyền yêu cầu ly hôn trong trường hợp vợ đang có thai, sinh con hoặc đang nuôi con dưới 12 tháng tuổi.",
        "Vợ tôi đang mang bầu tháng thứ sáu, giờ tôi muốn làm đơn ly hôn có được không?",
        True,
    ),
    (
        "luat-hon-nhan-va-gia-dinh",
        3,
        "Kết hôn giả tạo là việc lợi dụng kết hôn để xuất cảnh, nhập cảnh, cư trú, nhập quốc tịch Việt Nam",
        "ket hon gia la gi?",
        False,
    ),
    (
        "luat-hon-nhan-va-gia-dinh",
        56,
        "hòa giải tại Tòa án không thành thì Tòa án giải quyết cho ly hôn nếu có căn cứ về việc vợ, chồng có hành vi bạo lực gia đình",
        "Chị ơi, em lấy chồng được năm năm rồi, cứ nhậu say về là anh ấy đánh em, em muốn ly hôn mà anh ấy nhất định không chịu ký đơn, vậy tòa có cho em ly hôn một mình được không ạ?",
        True,
    ),
    (
        "luat-hon-nhan-va-gia-dinh",
        81,
        "Con dưới 36 tháng tuổi được giao cho mẹ trực tiếp nuôi",
        "Ly hôn mà con mới được hai tuổi thì ai được nuôi cháu?",
        True,
    ),
    (
        "luat-hon-nhan-va-gia-dinh",
        82,
        "Cha, mẹ không trực tiếp nuôi con có nghĩa vụ cấp dưỡng cho con.",
        "sau ly hon bo khong nuoi con thi co phai gui tien cap duong cho con khong?",
        True,
    ),
    (
        "luat-hon-nhan-va-gia-dinh",
        82,
        "người trực tiếp nuôi con có quyền yêu cầu Tòa án hạn chế quyền thăm nom con của người đó",
        "Chồng cũ cứ lấy cớ sang thăm con để gây sự, làm con sợ hãi, tôi có cách nào hạn chế anh ta không?",
        True,
    ),
    (
        "luat-hon-nhan-va-gia-dinh",
        33,
        "thu nhập do lao động, hoạt động sản xuất, kinh doanh, hoa lợi, lợi tức phát sinh từ tài sản riêng và thu nhập hợp pháp khác trong thời kỳ hôn nhân",
        "Tiền lương chồng tôi kiếm được sau khi cưới là tài sản chung hay của riêng anh ấy?",
        True,
    ),
    (
        "luat-hon-nhan-va-gia-dinh",
        43,
        "Tài sản riêng của vợ, chồng gồm tài sản mà mỗi người có trước khi kết hôn; tài sản được thừa kế riêng, được tặng cho riêng trong thời kỳ hôn nhân",
        "bo me cho rieng toi mieng dat sau khi toi cuoi vo, neu ly hon thi vo toi co duoc chia mieng dat do khong?",
        True,
    ),
    (
        "luat-hon-nhan-va-gia-dinh",
        35,
        "Việc định đoạt tài sản chung phải có sự thỏa thuận bằng văn bản của vợ chồng trong những trường hợp sau đây",
        "Chồng tôi tự ý bán mảnh đất chung của hai vợ chồng mà không hỏi ý kiến tôi, như vậy có đúng luật không?",
        True,
    ),
    (
        "luat-hon-nhan-va-gia-dinh",
        59,
        "Tài sản chung của vợ chồng được chia đôi nhưng có tính đến các yếu tố sau đây",
        "Khi ly hôn thì tài sản chung chia thế nào, có phải cứ chia đôi là xong không?",
        False,
    ),
    (
        "luat-hon-nhan-va-gia-dinh",
        63,
        "trường hợp vợ hoặc chồng có khó khăn về chỗ ở thì được quyền lưu cư trong thời hạn 06 tháng",
        "Căn nhà là nhà riêng của chồng tôi, ly hôn xong tôi chưa tìm được chỗ ở thì có được ở lại một thời gian không?",
        True,
    ),
    (
        "luat-hon-nhan-va-gia-dinh",
        47,
        "thỏa thuận này phải được lập trước khi kết hôn, bằng hình thức văn bản có công chứng hoặc chứng thực",
        "muon lam thoa thuan tai san truoc khi cuoi (kieu hop dong tien hon nhan) thi phai lam the nao moi hop le?",
        True,
    ),
    (
        "luat-hon-nhan-va-gia-dinh",
        95,
        "Là người thân thích cùng hàng của bên vợ hoặc bên chồng nhờ mang thai hộ",
        "Vợ chồng tôi hiếm muộn, muốn nhờ người mang thai hộ thì người mang thai hộ có phải là người trong họ hàng không?",
        True,
    ),
    (
        "luat-hon-nhan-va-gia-dinh",
        79,
        "Cha dượng, mẹ kế có quyền và nghĩa vụ trông nom, nuôi dưỡng, chăm sóc, giáo dục con riêng của bên kia cùng sống chung với mình",
        "Con riêng của vợ đang ở chung nhà với chúng tôi, tôi có trách nhiệm nuôi dạy cháu không?",
        True,
    ),
    (
        "luat-hon-nhan-va-gia-dinh",
        88,
        "Con sinh ra trước ngày đăng ký kết hôn và được cha mẹ thừa nhận là con chung của vợ chồng.",
        "be sinh ra truoc khi bo me di dang ky ket hon thi co duoc coi la con chung khong?",
        True,
    ),
    (
        "luat-hon-nhan-va-gia-dinh",
        84,
        "Việc thay đổi người trực tiếp nuôi con phải xem xét nguyện vọng của con từ đủ 07 tuổi trở lên.",
        "Muốn đổi người nuôi con sau ly hôn thì tòa có hỏi ý kiến đứa trẻ không?",
        True,
    ),
    # ---------------- Bộ luật Dân sự ----------------
    (
        "bo-luat-dan-su",
        20,
        "Người thành niên là người từ đủ mười tám tuổi trở lên.",
        "bao nhieu tuoi thi duoc coi la nguoi thanh nien?",
        False,
    ),
    (
        "bo-luat-dan-su",
        21,
        "động sản phải đăng ký và giao dịch dân sự khác theo quy định của luật phải được người đại diện theo pháp luật đồng ý",
        "Con tôi 16 tuổi đi làm có tiền, cháu tự đứng ra mua xe máy thì có cần bố mẹ đồng ý không?",
        True,
    ),
    (
        "bo-luat-dan-su",
        651,
        "Hàng thừa kế thứ nhất gồm: vợ, chồng, cha đẻ, mẹ đẻ, cha nuôi, mẹ nuôi, con đẻ, con nuôi của người chết",
        "Bố tôi mất không để lại di chúc; mẹ tôi, anh em chúng tôi và bà nội ai được chia thừa kế trước?",
        True,
    ),
    (
        "bo-luat-dan-su",
        623,
        "Thời hiệu để người thừa kế yêu cầu chia di sản là 30 năm đối với bất động sản, 10 năm đối với động sản",
        "ong ba mat lau roi, bay gio anh em moi doi chia nha dat thi con thoi han khong, la bao nhieu nam?",
        True,
    ),
    (
        "bo-luat-dan-su",
        644,
        "Những người sau đây vẫn được hưởng phần di sản bằng hai phần ba suất của một người thừa kế theo pháp luật",
        "Ông tôi viết di chúc để hết tài sản cho chú út, bà tôi vẫn còn sống thì bà có được hưởng phần nào không?",
        True,
    ),
    (
        "bo-luat-dan-su",
        630,
        "thể hiện ý chí cuối cùng của mình trước mặt ít nhất hai người làm chứng",
        "Di chúc nói miệng lúc hấp hối có giá trị không, cần có mấy người làm chứng?",
        True,
    ),
    (
        "bo-luat-dan-su",
        632,
        "Mọi người đều có thể làm chứng cho việc lập di chúc, trừ những người sau đây",
        "con chau trong nha co duoc dung ra lam chung khi ong lap di chuc khong?",
        True,
    ),
    (
        "bo-luat-dan-su",
        468,
        "lãi suất theo thỏa thuận không được vượt quá 20%/năm của khoản tiền vay",
        "Tôi cho hàng xóm vay tiền, hai bên thỏa thuận lãi thì được lấy lãi tối đa bao nhiêu một năm?",
        True,
    ),
    (
        "bo-luat-dan-su",
        328,
        "bên nhận đặt cọc từ chối việc giao kết, thực hiện hợp đồng thì phải trả cho bên đặt cọc tài sản đặt cọc và một khoản tiền tương đương giá trị tài sản đặt cọc",
        "Tôi đặt cọc mua đất rồi mà người bán lại đổi ý không bán nữa thì tiền cọc xử lý thế nào?",
        True,
    ),
    (
        "bo-luat-dan-su",
        175,
        "nếu rễ cây, cành cây vượt quá ranh giới thì phải xén rễ, cắt, tỉa cành phần vượt quá",
        "cay xoai nha hang xom chia canh sang dat nha toi thi ho co phai cat bot khong?",
        True,
    ),
    (
        "bo-luat-dan-su",
        254,
        "có quyền yêu cầu chủ sở hữu bất động sản vây bọc dành cho mình một lối đi hợp lý trên phần đất của họ",
        "Mảnh đất nhà tôi bị đất các nhà xung quanh bao kín, không có đường ra ngõ, tôi có quyền đòi mở lối đi không?",
        True,
    ),
    (
        "bo-luat-dan-su",
        250,
        "nước mưa từ mái nhà, công trình xây dựng của mình không được chảy xuống bất động sản của chủ sở hữu bất động sản liền kề",
        "Nhà bên cạnh mới xây, nước mưa trên mái cứ đổ hết xuống sân nhà tôi, họ có phải làm gì không?",
        True,
    ),
    (
        "bo-luat-dan-su",
        230,
        "nếu không biết địa chỉ của người đánh rơi hoặc bỏ quên thì phải thông báo hoặc giao nộp cho Uỷ ban nhân dân cấp xã",
        "nhat duoc cai vi co tien ma khong biet cua ai thi phai lam gi?",
        True,
    ),
    (
        "bo-luat-dan-su",
        231,
        "Người bắt được gia súc bị thất lạc phải nuôi giữ và báo ngay cho Uỷ ban nhân dân cấp xã nơi người đó cư trú",
        "Có con bò không biết của nhà ai đi lạc vào vườn, tôi bắt được thì phải làm gì?",
        True,
    ),
    (
        "bo-luat-dan-su",
        603,
        "Chủ sở hữu súc vật phải bồi thường thiệt hại do súc vật gây ra cho người khác.",
        "Con trâu nhà bên cạnh húc đổ hàng rào và phá hết luống rau nhà tôi, ai phải đền?",
        True,
    ),
    (
        "bo-luat-dan-su",
        68,
        "Khi một người biệt tích 02 năm liền trở lên, mặc dù đã áp dụng đầy đủ các biện pháp thông báo, tìm kiếm",
        "Chồng tôi bỏ đi biệt tích không tin tức, bao lâu thì tôi có thể yêu cầu tòa tuyên bố anh ấy mất tích?",
        True,
    ),
    (
        "bo-luat-dan-su",
        28,
        "Việc thay đổi tên cho người từ đủ chín tuổi trở lên phải có sự đồng ý của người đó.",
        "doi ten cho con 10 tuoi thi co can hoi y kien chau khong?",
        True,
    ),
    (
        "bo-luat-dan-su",
        32,
        "Việc sử dụng hình ảnh của cá nhân phải được người đó đồng ý.",
        "Một shop online lấy ảnh tôi đăng lên trang quảng cáo mà không xin phép, như vậy có vi phạm không?",
        True,
    ),
    (
        "bo-luat-dan-su",
        588,
        "Thời hiệu khởi kiện yêu cầu bồi thường thiệt hại là 03 năm",
        "Muốn kiện đòi bồi thường thiệt hại thì trong vòng bao lâu phải khởi kiện?",
        False,
    ),
    (
        "bo-luat-dan-su",
        471,
        "Việc tổ chức họ nhằm mục đích tương trợ trong nhân dân được thực hiện theo quy định của pháp luật.",
        "choi hui (choi ho) trong xom co hop phap khong?",
        True,
    ),
    # ---------------- Luật Tiếp cận thông tin ----------------
    (
        "luat-tiep-can-thong-tin",
        12,
        "Công dân được cung cấp thông tin không phải trả phí, lệ phí, trừ trường hợp luật khác có quy định.",
        "Lên ủy ban xã xin cung cấp thông tin thì có mất phí, lệ phí gì không?",
        True,
    ),
    (
        "luat-tiep-can-thong-tin",
        12,
        "Người yêu cầu cung cấp thông tin phải trả chi phí thực tế để in, sao, chụp, gửi thông tin.",
        "xin ban sao tai lieu o ubnd xa thi co phai tra tien photo khong?",
        True,
    ),
    (
        "luat-tiep-can-thong-tin",
        2,
        "Tiếp cận thông tin là việc đọc, xem, nghe, ghi chép, sao chép, chụp thông tin.",
        "Tiếp cận thông tin nghĩa là gì?",
        False,
    ),
    (
        "luat-tiep-can-thong-tin",
        4,
        "Người dưới 18 tuổi yêu cầu cung cấp thông tin thông qua người đại diện theo pháp luật",
        "Con tôi 16 tuổi có tự mình đến ủy ban xin cung cấp thông tin được không?",
        True,
    ),
    (
        "luat-tiep-can-thong-tin",
        9,
        "cung cấp cho công dân khác thông tin này trong trường hợp liên quan trực tiếp đến quyền và lợi ích hợp pháp của họ",
        "Tôi là cán bộ xã. Người ở xã khác đến xin thông tin do UBND xã tôi tạo ra thì chúng tôi có phải cung cấp không?",
        True,
    ),
    (
        "luat-tiep-can-thong-tin",
        24,
        "người tiếp nhận yêu cầu cung cấp thông tin có trách nhiệm giúp điền các nội dung vào Phiếu yêu cầu cung cấp thông tin",
        "bo toi khong biet chu, den xa xin thong tin thi can bo co phai ghi giup phieu yeu cau khong?",
        True,
    ),
    (
        "luat-tiep-can-thong-tin",
        29,
        "chậm nhất là 10 ngày làm việc kể từ ngày nhận được yêu cầu hợp lệ, cơ quan được yêu cầu phải thông báo cho người yêu cầu đến trụ sở",
        "Thông tin tôi xin phải tổng hợp từ nhiều bộ phận, vậy chậm nhất bao lâu cơ quan phải hẹn tôi đến trụ sở để xem?",
        True,
    ),
    (
        "luat-tiep-can-thong-tin",
        7,
        "Thông tin liên quan đến bí mật đời sống riêng tư, bí mật cá nhân được tiếp cận trong trường hợp được người đó đồng ý",
        "Tôi muốn xin xã cho xem hồ sơ cá nhân của ông hàng xóm thì có được không?",
        True,
    ),
    (
        "luat-tiep-can-thong-tin",
        28,
        "Trường hợp từ chối cung cấp thông tin, cơ quan nhà nước phải thông báo bằng văn bản và nêu rõ lý do.",
        "co quan nha nuoc tu choi cung cap thong tin cho dan thi co phai tra loi bang van ban khong?",
        False,
    ),
    (
        "luat-tiep-can-thong-tin",
        21,
        "phải được niêm yết tại trụ sở cơ quan nhà nước hoặc địa điểm sinh hoạt cộng đồng trong thời hạn ít nhất là 30 ngày",
        "Thông báo dán ở nhà văn hóa thôn mà luật chuyên ngành không nói thời hạn thì phải niêm yết ít nhất bao lâu?",
        True,
    ),
    (
        "luat-tiep-can-thong-tin",
        36,
        "Người nước ngoài cư trú tại Việt Nam có quyền yêu cầu cung cấp thông tin liên quan trực tiếp đến quyền và nghĩa vụ của họ.",
        "Chồng tôi là người nước ngoài đang sống ở Việt Nam, anh ấy có được yêu cầu cơ quan nhà nước cung cấp thông tin không?",
        True,
    ),
    (
        "luat-tiep-can-thong-tin",
        17,
        "Thông tin về dự toán ngân sách nhà nước; báo cáo tình hình thực hiện ngân sách nhà nước",
        "thu chi ngan sach cua xa co bat buoc phai cong khai cho dan biet khong?",
        True,
    ),
    # ---------------- Luật Thanh niên ----------------
    (
        "luat-thanh-nien",
        1,
        "Thanh niên là công dân Việt Nam từ đủ 16 tuổi đến 30 tuổi.",
        "thanh nien la nguoi tu bao nhieu tuoi den bao nhieu tuoi?",
        False,
    ),
    (
        "luat-thanh-nien",
        9,
        "Tháng 3 hằng năm là Tháng Thanh niên.",
        "Tháng Thanh niên là tháng mấy trong năm?",
        False,
    ),
    (
        "luat-thanh-nien",
        10,
        "Chủ tịch Ủy ban nhân dân các cấp có trách nhiệm đối thoại với thanh niên ít nhất mỗi năm một lần",
        "Chủ tịch UBND xã có bắt buộc phải ngồi đối thoại với thanh niên không, bao lâu một lần?",
        True,
    ),
    (
        "luat-thanh-nien",
        10,
        "Trong thời hạn 10 ngày kể từ ngày đối thoại, nội dung kết luận đối thoại phải được công khai",
        "doi thoai voi thanh nien xong thi bao lau phai cong khai ket luan?",
        False,
    ),
    (
        "luat-thanh-nien",
        17,
        "Tạo điều kiện cho thanh niên được vay vốn ưu đãi từ Quỹ quốc gia về việc làm",
        "Em 24 tuổi muốn vay vốn mở tiệm sửa xe máy, Nhà nước có chính sách cho thanh niên vay ưu đãi không?",
        True,
    ),
    (
        "luat-thanh-nien",
        21,
        "được hưởng chính sách hỗ trợ đào tạo nghề và các chính sách ưu đãi khác theo quy định của pháp luật",
        "Đi nghĩa vụ quân sự về thì thanh niên có được hỗ trợ học nghề không?",
        True,
    ),
    (
        "luat-thanh-nien",
        23,
        "Thanh niên tình nguyện là thanh niên tự nguyện tham gia hoạt động vì lợi ích của cộng đồng, xã hội",
        "Thế nào là thanh niên tình nguyện?",
        False,
    ),
    (
        "luat-thanh-nien",
        19,
        "tiếp cận dịch vụ thân thiện về bảo vệ, chăm sóc sức khỏe sinh sản, sức khỏe tình dục; được tư vấn, khám sức khỏe trước khi kết hôn",
        "sap cuoi vo, thanh nien co duoc tu van va kham suc khoe truoc khi ket hon khong?",
        True,
    ),
    (
        "luat-thanh-nien",
        25,
        "Ưu tiên cho thanh niên là người dân tộc thiểu số về học tập, lao động, việc làm, khởi nghiệp",
        "Em là thanh niên người Mông ở bản, Nhà nước có chính sách gì ưu tiên cho bọn em không?",
        True,
    ),
    (
        "luat-thanh-nien",
        35,
        "tôn trọng, tạo điều kiện để thanh niên lựa chọn nghề nghiệp, tìm kiếm việc làm",
        "Con tôi 19 tuổi muốn tự chọn nghề khác ý bố mẹ, luật nói gia đình phải làm gì trong chuyện này?",
        True,
    ),
    (
        "luat-thanh-nien",
        38,
        "Bộ Nội vụ chịu trách nhiệm trước Chính phủ thực hiện quản lý nhà nước về thanh niên",
        "bo nao chiu trach nhiem quan ly nha nuoc ve thanh nien?",
        False,
    ),
    # ---------------- Hiến pháp ----------------
    (
        "hien-phap",
        27,
        "Công dân đủ mười tám tuổi trở lên có quyền bầu cử và đủ hai mươi mốt tuổi trở lên có quyền ứng cử",
        "bao nhieu tuoi thi duoc di bau cu, bao nhieu tuoi thi duoc ung cu?",
        False,
    ),
    (
        "hien-phap",
        22,
        "Không ai được tự ý vào chỗ ở của người khác nếu không được người đó đồng ý.",
        "Người lạ hay kể cả cán bộ có được tự ý vào nhà tôi khi tôi không đồng ý không?",
        True,
    ),
    (
        "hien-phap",
        21,
        "Mọi người có quyền bí mật thư tín, điện thoại, điện tín và các hình thức trao đổi thông tin riêng tư khác.",
        "Người khác lén đọc tin nhắn điện thoại của tôi thì Hiến pháp có bảo vệ tôi không?",
        True,
    ),
    (
        "hien-phap",
        53,
        "là tài sản công thuộc sở hữu toàn dân do Nhà nước đại diện chủ sở hữu và thống nhất quản lý",
        "Đất đai ở nước mình thuộc sở hữu của ai?",
        False,
    ),
    (
        "hien-phap",
        23,
        "Công dân có quyền tự do đi lại và cư trú ở trong nước, có quyền ra nước ngoài và từ nước ngoài về nước.",
        "cong dan co quyen tu do chon noi sinh song o bat ky dau trong nuoc khong?",
        True,
    ),
    (
        "hien-phap",
        47,
        "Mọi người có nghĩa vụ nộp thuế theo luật định.",
        "Đóng thuế có phải là nghĩa vụ được ghi trong Hiến pháp không?",
        False,
    ),
    (
        "hien-phap",
        30,
        "Nghiêm cấm việc trả thù người khiếu nại, tố cáo hoặc lợi dụng quyền khiếu nại, tố cáo để vu khống",
        "Tôi muốn tố cáo cán bộ thôn làm sai nhưng sợ bị trù dập, pháp luật có bảo vệ người tố cáo không?",
        True,
    ),
    (
        "hien-phap",
        43,
        "Mọi người có quyền được sống trong môi trường trong lành và có nghĩa vụ bảo vệ môi trường.",
        "Hiến pháp có bảo đảm cho người dân được sống ở nơi sạch sẽ, không bị ô nhiễm không?",
        False,
    ),
    (
        "hien-phap",
        114,
        "Uỷ ban nhân dân ở cấp chính quyền địa phương do Hội đồng nhân dân cùng cấp bầu",
        "uy ban nhan dan xa do ai bau ra?",
        False,
    ),
    (
        "hien-phap",
        20,
        "Không ai bị bắt nếu không có quyết định của Toà án nhân dân, quyết định hoặc phê chuẩn của Viện kiểm sát nhân dân",
        "Không có lệnh của tòa án hay viện kiểm sát thì có được bắt người không?",
        False,
    ),
    (
        "hien-phap",
        13,
        "Quốc khánh nước Cộng hòa xã hội chủ nghĩa Việt Nam là ngày Tuyên ngôn độc lập 2 tháng 9 năm 1945.",
        "Quốc khánh nước mình là ngày nào?",
        False,
    ),
    # ---------------- Luật Viên chức ----------------
    (
        "luat-vien-chuc",
        2,
        "Viên chức là công dân Việt Nam được tuyển dụng theo vị trí việc làm, làm việc tại đơn vị sự nghiệp công lập theo chế độ hợp đồng làm việc",
        "Viên chức là gì?",
        False,
    ),
    (
        "luat-vien-chuc",
        27,
        "Thời gian tập sự từ 03 tháng đến 12 tháng và phải được quy định trong hợp đồng làm việc.",
        "moi trung tuyen vien chuc thi phai tap su bao lau?",
        True,
    ),
    (
        "luat-vien-chuc",
        14,
        "Được góp vốn nhưng không tham gia quản lý, điều hành công ty trách nhiệm hữu hạn, công ty cổ phần",
        "Tôi là giáo viên trường công, muốn góp vốn mở công ty rồi làm giám đốc luôn có được không?",
        True,
    ),
    (
        "luat-vien-chuc",
        36,
        "Không thực hiện biệt phái viên chức nữ đang mang thai hoặc nuôi con dưới 36 tháng tuổi.",
        "Vợ tôi là y tá bệnh viện công, đang nuôi con hai tuổi, bệnh viện có được cử cô ấy đi biệt phái nơi khác không?",
        True,
    ),
    (
        "luat-vien-chuc",
        52,
        "Hình thức kỷ luật cách chức chỉ áp dụng đối với viên chức quản lý.",
        "vien chuc binh thuong, khong giu chuc vu gi, co the bi ky luat cach chuc khong?",
        True,
    ),
    (
        "luat-vien-chuc",
        46,
        "Trước 06 tháng, tính đến ngày viên chức nghỉ hưu, cơ quan, tổ chức, đơn vị quản lý viên chức phải thông báo bằng văn bản về thời điểm nghỉ hưu",
        "Mẹ tôi là viên chức sắp đến tuổi nghỉ hưu, cơ quan phải báo trước cho bà bao lâu?",
        True,
    ),
    (
        "luat-vien-chuc",
        56,
        "Viên chức bị khiển trách thì thời hạn nâng lương bị kéo dài 03 tháng",
        "Viên chức bị kỷ luật khiển trách thì bị chậm nâng lương bao lâu?",
        True,
    ),
    (
        "luat-vien-chuc",
        29,
        "Viên chức có 02 năm liên tiếp bị phân loại đánh giá ở mức độ không hoàn thành nhiệm vụ",
        "vien chuc hai nam lien bi danh gia khong hoan thanh nhiem vu thi co bi cham dut hop dong khong?",
        True,
    ),
    (
        "luat-vien-chuc",
        22,
        "Từ đủ 18 tuổi trở lên. Đối với một số lĩnh vực hoạt động văn hóa, nghệ thuật, thể dục, thể thao",
        "Muốn thi tuyển viên chức thì phải từ bao nhiêu tuổi?",
        False,
    ),
    (
        "luat-vien-chuc",
        13,
        "viên chức không sử dụng hoặc sử dụng không hết số ngày nghỉ hàng năm thì được thanh toán một khoản tiền cho những ngày không nghỉ",
        "Năm nay tôi bận việc cơ quan không nghỉ hết phép năm, viên chức như tôi có được trả tiền những ngày chưa nghỉ không?",
        True,
    ),
    (
        "luat-vien-chuc",
        19,
        "Trốn tránh trách nhiệm, thoái thác công việc hoặc nhiệm vụ được giao; gây bè phái, mất đoàn kết; tự ý bỏ việc; tham gia đình công.",
        "Viên chức có được tham gia đình công không?",
        False,
    ),
    # ---------------- Luật Bảo vệ môi trường ----------------
    (
        "luat-bao-ve-moi-truong",
        75,
        "Chất thải rắn sinh hoạt phát sinh từ hộ gia đình, cá nhân được phân loại theo nguyên tắc như sau",
        "Rác sinh hoạt ở nhà phải phân loại thành những loại nào?",
        True,
    ),
    (
        "luat-bao-ve-moi-truong",
        79,
        "tái chế, chất thải nguy hại phát sinh từ hộ gia đình, cá nhân đã được phân loại riêng thì không phải chi trả giá dịch vụ thu gom, vận chuyển và xử lý",
        "nha toi da tach rieng rac tai che va pin hong, vay phan do co phai tra tien thu gom khong?",
        True,
    ),
    (
        "luat-bao-ve-moi-truong",
        89,
        "Cấm sản xuất, nhập khẩu, vận chuyển, kinh doanh và sử dụng pháo nổ.",
        "Tết này hàng xóm định đốt pháo nổ, như vậy có bị cấm không?",
        True,
    ),
    (
        "luat-bao-ve-moi-truong",
        60,
        "Chuồng trại chăn nuôi quy mô hộ gia đình phải bảo đảm vệ sinh, không gây ô nhiễm tiếng ồn, phát tán mùi khó chịu",
        "Nhà bên cạnh nuôi lợn sát vách, hôi và ồn suốt ngày, luật quy định gì với chuồng trại của hộ gia đình?",
        True,
    ),
    (
        "luat-bao-ve-moi-truong",
        61,
        "không đốt ngoài trời phụ phẩm từ cây trồng gây ô nhiễm môi trường",
        "gat lua xong dot rom ra ngoai dong co vi pham gi khong?",
        True,
    ),
    (
        "luat-bao-ve-moi-truong",
        3,
        "Ô nhiễm môi trường là sự biến đổi tính chất vật lý, hóa học, sinh học của thành phần môi trường",
        "Ô nhiễm môi trường là gì?",
        False,
    ),
    (
        "luat-bao-ve-moi-truong",
        59,
        "không để vật nuôi gây mất vệ sinh nơi công cộng",
        "Sáng nào cũng có người dắt chó ra công viên cho đi vệ sinh bừa bãi, như vậy có trái quy định không?",
        True,
    ),
    (
        "luat-bao-ve-moi-truong",
        168,
        "hướng dẫn cộng đồng dân cư trên địa bàn đưa nội dung bảo vệ môi trường vào hương ước, quy ước",
        "UBND xã có trách nhiệm gì trong việc đưa chuyện giữ vệ sinh môi trường vào hương ước của thôn?",
        True,
    ),
    (
        "luat-bao-ve-moi-truong",
        63,
        "Việc quàn, ướp, di chuyển, chôn cất thi thể, hài cốt phải bảo đảm yêu cầu về vệ sinh môi trường.",
        "boc mo, cai tang hai cot cho ong ba thi luat moi truong yeu cau gi?",
        True,
    ),
    (
        "luat-bao-ve-moi-truong",
        163,
        "Cá nhân có quyền tố cáo hành vi vi phạm pháp luật về bảo vệ môi trường",
        "Cơ sở sản xuất gần làng xả nước thải làm chết cá trong ao nhà tôi, tôi có quyền tố cáo không?",
        True,
    ),
    # ---------------- Luật Giáo dục ----------------
    (
        "luat-giao-duc",
        28,
        "Tuổi của học sinh vào học lớp một là 06 tuổi và được tính theo năm",
        "may tuoi thi cho con vao lop 1?",
        True,
    ),
    (
        "luat-giao-duc",
        99,
        "Học sinh tiểu học trong cơ sở giáo dục công lập không phải đóng học phí",
        "con hoc tieu hoc truong cong thi co phai dong hoc phi khong?",
        True,
    ),
    (
        "luat-giao-duc",
        75,
        "Ngày 20 tháng 11 hằng năm là ngày Nhà giáo Việt Nam.",
        "Ngày Nhà giáo Việt Nam là ngày nào?",
        False,
    ),
    (
        "luat-giao-duc",
        86,
        "Học sinh, sinh viên được hưởng chế độ miễn, giảm giá vé khi sử dụng các dịch vụ công cộng về giao thông",
        "Con tôi là sinh viên, đi xe buýt hay vào bảo tàng có được giảm giá vé không?",
        True,
    ),
    # ---------------- Luật Phòng, chống ma túy ----------------
    (
        "luat-phong-chong-ma-tuy",
        30,
        "Thời hạn cai nghiện ma túy tự nguyện tại gia đình, cộng đồng là từ đủ 06 tháng đến 12 tháng.",
        "Gia đình muốn cho cháu cai nghiện tự nguyện ngay tại nhà thì thời gian cai là bao lâu?",
        True,
    ),
    (
        "luat-phong-chong-ma-tuy",
        23,
        "Thời hạn quản lý người sử dụng trái phép chất ma túy là 01 năm kể từ ngày Chủ tịch Ủy ban nhân dân cấp xã ra quyết định quản lý.",
        "nguoi su dung trai phep ma tuy thi bi xa quan ly trong bao lau?",
        False,
    ),
    (
        "luat-phong-chong-ma-tuy",
        23,
        "Quản lý người sử dụng trái phép chất ma túy không phải là biện pháp xử lý hành chính.",
        "Con tôi bị xã đưa vào diện quản lý người sử dụng ma túy, vậy có phải cháu bị xử lý hành chính không?",
        True,
    ),
    # ---------------- Luật Chăn nuôi ----------------
    (
        "luat-chan-nuoi",
        56,
        "Chuồng nuôi phải tách biệt với nơi ở của người;",
        "Nhà tôi nuôi mấy con lợn, làm chuồng dính liền chỗ ngủ có được không?",
        True,
    ),
    (
        "luat-chan-nuoi",
        66,
        "Thực hiện tiêm phòng bệnh dại cho chó, mèo theo quy định của pháp luật về thú y;",
        "nuoi cho trong nha co bat buoc phai tiem phong dai khong?",
        True,
    ),
    # ---------------- Luật Trồng trọt ----------------
    (
        "luat-trong-trot",
        56,
        "Không làm mất đi điều kiện cần thiết để trồng lúa trở lại.",
        "Ruộng lúa nhà tôi muốn chuyển sang trồng ngô, đậu vài vụ thì luật trồng trọt yêu cầu gì?",
        True,
    ),
    (
        "luat-trong-trot",
        76,
        "Phụ phẩm cây trồng phải được thu gom, xử lý, sử dụng phù hợp, không gây ô nhiễm môi trường và lan truyền sinh vật gây hại.",
        "than cay ngo, vo trau sau thu hoach thi phai xu ly the nao cho dung luat?",
        True,
    ),
    # ---------------- Luật Điện ảnh ----------------
    (
        "luat-dien-anh",
        32,
        "Loại T16 (16+): Phim được phổ biến đến người xem từ đủ 16 tuổi trở lên",
        "Phim gắn nhãn T16 thì con 14 tuổi nhà tôi có được vào rạp xem không?",
        True,
    ),
    (
        "luat-dien-anh",
        32,
        "Loại K: Phim được phổ biến đến người xem dưới 13 tuổi với điều kiện xem cùng cha, mẹ hoặc người giám hộ",
        "phim loai K la phim danh cho ai?",
        False,
    ),
    # ---------------- Luật An ninh mạng ----------------
    (
        "luat-an-ninh-mang",
        26,
        "Xác thực thông tin khi người dùng đăng ký tài khoản số; bảo mật thông tin, tài khoản của người dùng",
        "Khi tôi đăng ký tài khoản mạng xã hội, doanh nghiệp cung cấp dịch vụ có trách nhiệm gì với thông tin của tôi?",
        True,
    ),
    (
        "luat-an-ninh-mang",
        29,
        "giữ bí mật cá nhân, đời sống riêng tư và các quyền khác khi tham gia trên không gian mạng",
        "Trẻ em lên mạng thì có những quyền gì theo Luật An ninh mạng?",
        False,
    ),
    # ---------------- Luật Du lịch ----------------
    (
        "luat-du-lich",
        11,
        "được bảo đảm an toàn về tính mạng, sức khỏe, tài sản khi sử dụng dịch vụ du lịch",
        "Đi tour của công ty du lịch thì khách được bảo đảm những gì về an toàn?",
        True,
    ),
    (
        "luat-du-lich",
        59,
        "Tốt nghiệp trung cấp trở lên chuyên ngành hướng dẫn du lịch",
        "muon lam huong dan vien du lich noi dia thi can bang cap gi?",
        True,
    ),
    # ---------------- Luật Trọng tài thương mại ----------------
    (
        "luat-trong-tai-thuong-mai",
        33,
        "thời hiệu khởi kiện theo thủ tục trọng tài là 02 năm, kể từ thời điểm quyền và lợi ích hợp pháp bị xâm phạm",
        "Công ty tôi muốn kiện đối tác ra trọng tài thương mại thì thời hiệu là bao lâu?",
        True,
    ),
    (
        "luat-trong-tai-thuong-mai",
        2,
        "Tranh chấp giữa các bên phát sinh từ hoạt động thương mại.",
        "trong tai thuong mai giai quyet nhung loai tranh chap nao?",
        False,
    ),
    # ---------------- Luật Tố tụng hành chính ----------------
    (
        "luat-to-tung-hanh-chinh",
        116,
        "01 năm kể từ ngày nhận được hoặc biết được quyết định hành chính, hành vi hành chính, quyết định kỷ luật buộc thôi việc",
        "Xã ra quyết định buộc tháo dỡ quán của tôi, giờ tôi muốn kiện ra tòa hành chính thì thời hạn kiện là bao lâu?",
        True,
    ),
    (
        "luat-to-tung-hanh-chinh",
        125,
        "Trong thời hạn 10 ngày kể từ ngày nhận được thông báo nộp tiền tạm ứng án phí, người khởi kiện phải nộp tiền tạm ứng án phí",
        "Tòa báo tôi nộp tạm ứng án phí vụ kiện hành chính, tôi có bao nhiêu ngày để nộp?",
        True,
    ),
]

U = [
    # near-domain: neighbouring legal/administrative matters the 17 texts do not answer
    (
        "Lệ phí đăng ký thường trú ở thành phố hiện nay là bao nhiêu tiền một lần?",
        "near",
        False,
        [
            "lệ phí đăng ký cư trú",
            "mức thu lệ phí",
            "lệ phí đăng ký thường trú",
            "nghìn đồng",
            "000 đồng",
        ],
    ),
    (
        "khong dang ky tam tru thi bi phat bao nhieu tien?",
        "near",
        True,
        ["xử phạt", "phạt tiền từ", "không đăng ký tạm trú", "mức phạt", "000 đồng"],
    ),
    (
        "Thủ tục cấp sổ đỏ lần đầu cho mảnh đất ông bà để lại cần những giấy tờ gì?",
        "near",
        True,
        [
            "sổ đỏ",
            "cấp giấy chứng nhận quyền sử dụng đất",
            "cấp lần đầu",
            "hồ sơ cấp giấy chứng nhận",
        ],
    ),
    (
        "Bán nhà đất thì phải nộp thuế thu nhập cá nhân bao nhiêu phần trăm?",
        "near",
        True,
        ["thuế thu nhập cá nhân", "chuyển nhượng bất động sản", "thuế suất"],
    ),
    (
        "muc dong bao hiem xa hoi tu nguyen hang thang la bao nhieu?",
        "near",
        False,
        ["bảo hiểm xã hội tự nguyện", "mức đóng bảo hiểm xã hội", "chuẩn hộ nghèo"],
    ),
    (
        "Lao động nữ sinh con được nghỉ thai sản mấy tháng và được hưởng bao nhiêu tiền?",
        "near",
        True,
        ["chế độ thai sản", "nghỉ thai sản", "nghỉ sinh con", "trợ cấp một lần khi sinh con"],
    ),
    (
        "Chạy xe máy không đội mũ bảo hiểm thì bị phạt bao nhiêu?",
        "near",
        True,
        ["mũ bảo hiểm", "xe mô tô", "xe gắn máy", "xe máy"],
    ),
    (
        "dang ky ho kinh doanh mo tiem tap hoa thi lam o dau, can giay to gi?",
        "near",
        True,
        ["hộ kinh doanh", "đăng ký kinh doanh", "giấy chứng nhận đăng ký hộ kinh doanh"],
    ),
    (
        "Làm hộ chiếu lần đầu cho con nhỏ cần thủ tục gì và bao lâu thì có?",
        "near",
        True,
        ["cấp hộ chiếu", "hộ chiếu phổ thông", "làm hộ chiếu"],
    ),
    (
        "Người già trên 80 tuổi ở xã được trợ cấp xã hội hằng tháng bao nhiêu tiền?",
        "near",
        True,
        ["80 tuổi", "trợ cấp xã hội hằng tháng", "trợ cấp hằng tháng", "người cao tuổi"],
    ),
    (
        "Sinh con quá 60 ngày mới đi làm giấy khai sinh thì có bị phạt không?",
        "near",
        True,
        ["đăng ký khai sinh", "giấy khai sinh", "60 ngày", "khai sinh quá hạn"],
    ),
    (
        "muc luong co so hien nay la bao nhieu tien?",
        "near",
        False,
        ["mức lương cơ sở", "lương cơ sở là", "1.800.000", "2.340.000"],
    ),
    (
        "Tuổi nghỉ hưu của nữ viên chức năm 2025 là bao nhiêu?",
        "near",
        False,
        ["tuổi nghỉ hưu", "đủ tuổi nghỉ hưu", "55 tuổi", "56 tuổi"],
    ),
    (
        "Chuyển đất vườn sang đất ở thì phải nộp tiền sử dụng đất bao nhiêu?",
        "near",
        True,
        ["chuyển mục đích sử dụng đất", "tiền sử dụng đất", "đất vườn", "đất ở"],
    ),
    (
        "Ly hôn thuận tình thì phải nộp án phí bao nhiêu tiền?",
        "near",
        True,
        ["án phí ly hôn", "án phí dân sự sơ thẩm", "mức án phí", "300.000"],
    ),
    (
        "Người nước ngoài có được mua căn hộ chung cư ở Việt Nam không, được sở hữu trong bao lâu?",
        "near",
        True,
        ["người nước ngoài mua", "sở hữu nhà ở tại Việt Nam", "nhà chung cư", "50 năm"],
    ),
    (
        "di nghia vu quan su bao nhieu thang thi duoc xuat ngu?",
        "near",
        True,
        ["thời hạn phục vụ tại ngũ", "xuất ngũ", "24 tháng", "tại ngũ"],
    ),
    (
        "Mua bảo hiểm y tế theo hộ gia đình thì người thứ hai đóng bao nhiêu tiền?",
        "near",
        True,
        ["mức đóng bảo hiểm y tế", "người thứ hai", "bảo hiểm y tế", "4,5%"],
    ),
    (
        "Bằng lái xe ô tô hết hạn thì đổi ở đâu, cần giấy tờ gì?",
        "near",
        True,
        ["giấy phép lái xe", "bằng lái", "đổi giấy phép"],
    ),
    (
        "Hàng xóm lấn đất nhà tôi, gửi đơn lên xã thì UBND xã phải tổ chức hòa giải tranh chấp đất đai trong bao nhiêu ngày?",
        "near",
        True,
        ["hòa giải tranh chấp đất đai", "tranh chấp đất đai", "45 ngày", "hòa giải ở cơ sở"],
    ),
    # out-of-domain
    ("Cách nấu phở bò cho ngon như ngoài hàng?", "out", True, ["phở", "nước dùng", "thịt bò"]),
    ("thoi tiet ha noi cuoi tuan nay co mua khong?", "out", True, ["thời tiết", "dự báo", "mưa"]),
    ("Tỷ giá đô la Mỹ hôm nay ở ngân hàng là bao nhiêu?", "out", False, ["tỷ giá", "đô la", "USD"]),
    ("Giá vàng SJC hôm nay bao nhiêu một lượng?", "out", False, ["giá vàng", "SJC", "một lượng"]),
    ("Làm sao để hết mất ngủ mà không cần uống thuốc?", "out", True, ["mất ngủ", "giấc ngủ"]),
    ("cach cai zalo tren may tinh", "out", True, ["Zalo", "cài đặt", "máy tính"]),
    (
        "Đội tuyển bóng đá nam Việt Nam đã vô địch AFF Cup mấy lần?",
        "out",
        False,
        ["bóng đá", "AFF", "vô địch"],
    ),
    (
        "Gói bánh chưng ngày Tết thì cần bao nhiêu lá dong cho một chiếc?",
        "out",
        True,
        ["bánh chưng", "lá dong"],
    ),
    (
        "Viết giúp tôi một bài thơ tặng mẹ nhân ngày 8/3.",
        "out",
        True,
        ["bài thơ", "8/3", "ngày 8 tháng 3"],
    ),
]


def is_ascii(s):
    return all(ord(c) < 128 for c in s)


def build():
    rows = []
    for i, (doc, art, quote, q, everyday) in enumerate(A, 1):
        tags = ["no-diacritic" if is_ascii(q) else "clean"]
        if everyday:
            tags.append("everyday")
        rows.append(
            {
                "id": f"lo2-{i}",
                "question": unicodedata.normalize("NFC", q),
                "answerable": True,
                "quote": unicodedata.normalize("NFC", quote),
                "doc": doc,
                "article": f"Điều {art}",
                "tags": tags,
            }
        )
    for i, (q, kind, everyday, _terms) in enumerate(U, 1):
        tags = ["no-diacritic" if is_ascii(q) else "clean"]
        if everyday:
            tags.append("everyday")
        tags += ["unanswerable", "near-domain" if kind == "near" else "out-of-domain"]
        rows.append(
            {
                "id": f"lu2-{i}",
                "question": unicodedata.normalize("NFC", q),
                "answerable": False,
                "quote": None,
                "doc": None,
                "article": None,
                "tags": tags,
            }
        )
    random.Random(SEED).shuffle(rows)
    with open(os.path.join(HERE, "questions.jsonl"), "w", encoding="utf-8") as f:
        for r in rows:
            f.write(json.dumps(r, ensure_ascii=False) + "\n")
    return rows


if __name__ == "__main__":
    rows = build()
    print(len(rows), "rows written")
