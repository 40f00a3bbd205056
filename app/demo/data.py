"""Reference data and realistic demo content for 萧山区 (Xiaoshan district, Hangzhou)."""

DEPARTMENTS = [
    ("tax", "区税务局"),
    ("hrss", "区人力资源和社会保障局"),
    ("land", "区自然资源和规划分局"),
    ("finance", "区财政局（金融办）"),
    ("market", "区市场监督管理局"),
    ("drc", "区发展和改革局"),
    ("economy", "区经济和信息化局"),
    ("science", "区科学技术局"),
    ("ecology", "区生态环境分局"),
]

TOWNS = [
    ("chengxiang", "城厢街道"), ("beigan", "北干街道"), ("shushan", "蜀山街道"), ("xintang", "新塘街道"),
    ("jingjiang", "靖江街道"), ("nanyang", "南阳街道"), ("yipeng", "义蓬街道"), ("hezhuang", "河庄街道"),
    ("dangwan", "党湾镇"), ("yinong", "益农镇"), ("guali", "瓜沥镇"), ("yaqian", "衙前镇"),
    ("louta", "楼塔镇"), ("heshang", "河上镇"), ("daicun", "戴村镇"), ("puyang", "浦阳镇"),
    ("jinhua", "进化镇"), ("suoqian", "所前镇"), ("yiqiao", "义桥镇"), ("wenyan", "闻堰街道"),
    ("ningwei", "宁围街道"), ("xinjie", "新街街道"), ("yingfeng", "盈丰街道"), ("linpu", "临浦镇"),
]

INDUSTRIES = [
    ("A", "农、林、牧、渔业"), ("B", "采矿业"), ("C", "制造业"),
    ("D", "电力、热力、燃气及水生产和供应业"), ("E", "建筑业"), ("F", "批发和零售业"),
    ("G", "交通运输、仓储和邮政业"), ("H", "住宿和餐饮业"), ("I", "信息传输、软件和信息技术服务业"),
    ("J", "金融业"), ("K", "房地产业"), ("L", "租赁和商务服务业"), ("M", "科学研究和技术服务业"),
    ("N", "水利、环境和公共设施管理业"), ("O", "居民服务、修理和其他服务业"), ("P", "教育"),
    ("Q", "卫生和社会工作"), ("R", "文化、体育和娱乐业"), ("S", "公共管理、社会保障和社会组织"),
    ("T", "国际组织"),
]

NAME_HEADS = [
    "萧宏", "钱江", "湘湖", "恒远", "新瑞", "聚能", "华越", "宏图", "启航", "中屹", "金鹰", "卓越", "同创",
    "云帆", "万向", "天成", "博思", "瑞丰", "东方", "信达", "越达", "星辰", "鼎盛", "海纳", "致远",
    "智擎", "融通", "汇川", "创优", "科朗", "德力", "锐新", "青禾", "开元", "润和", "明泰", "新雏",
]
NAME_TRADES = [
    ("精密机械", "C"), ("汽车零部件", "C"), ("新材料科技", "C"), ("纺织印染", "C"), ("智能装备", "C"),
    ("生物医药", "C"), ("电子科技", "C"), ("软件技术", "I"), ("数字科技", "I"), ("网络科技", "I"),
    ("供应链管理", "G"), ("物流", "G"), ("检测技术", "M"), ("环保科技", "N"), ("建设工程", "E"),
    ("商贸", "F"), ("新能源科技", "D"), ("文化传媒", "R"),
]
PEOPLE = ["张伟", "王芳", "李娜", "刘洋", "陈静", "杨帆", "赵磊", "黄敏", "周杰", "吴婷", "徐强", "孙丽", "马超", "朱琳"]

# username, name, role, extra (department code / company index), phone
ACCOUNTS = [
    ("admin", "系统管理员", "admin", None, "0571-82890001"),
    ("manager1", "王建国", "manager", None, "0571-82890101"),
    ("escort1", "李晓明", "escort", None, "13805710001"),
    ("escort2", "陈丽华", "escort", None, "13805710002"),
    ("escort3", "周志强", "escort", None, "13805710003"),
    ("escort4", "沈佳慧", "escort", None, "13805710004"),
    ("helper1", "赵税务", "helper", "tax", "0571-82890201"),
    ("helper2", "钱人社", "helper", "hrss", "0571-82890202"),
    ("company1", "企业联络员（一）", "company", 0, "13905710001"),
    ("company2", "企业联络员（二）", "company", 1, "13905710002"),
]

# Demo problems: (company index, title, description, category, urgency, path of actions, days ago)
PROBLEMS = [
    (0, "新厂房用电增容申请进展慢", "新建厂房需增容至2000千伏安，申请已提交两个月仍未批复，影响设备调试。", "approval", "urgent",
     ["accept", "escalate", "dispatch:land", "sign"], 6),
    (0, "研发费用加计扣除政策咨询", "想了解今年研发费用加计扣除的最新口径和申报时间。", "policy", "ordinary",
     ["dispatch:tax", "sign", "reply"], 9),
    (0, "招聘数控技工困难", "急需数控技工20名，本地招聘渠道效果不佳。", "labour", "ordinary", [], 0),
    (1, "检测设备进口通关时间长", "一批检测设备在港口滞留两周。", "logistics", "ordinary", ["accept", "reply"], 5),
    (1, "申请专精特新认定需要哪些材料", "今年准备申报省级专精特新中小企业。", "technology", "ordinary",
     ["accept", "escalate"], 3),
    (2, "流动资金贷款利率偏高", "希望对接政策性银行的低息贷款产品。", "financing", "ordinary",
     ["dispatch:finance", "sign", "reply", "rate:satisfied"], 20),
    (3, "厂区污水排放许可证续期", "排污许可证下月到期，续期材料有疑问。", "energy", "ordinary", ["accept"], 2),
    (4, "员工子女入学咨询", "引进的技术骨干子女入学需要哪些手续。", "labour", "ordinary",
     ["dispatch:hrss", "sign", "reply", "rate:unsatisfied"], 15),
    (5, "拓展海外市场渠道", "希望参加政府组织的境外展会。", "market", "ordinary", ["reject"], 8),
    (6, "产业用地指标申请", "扩产项目需新增用地30亩，涉及能耗指标。", "land", "urgent", ["dispatch:land+drc"], 4),
    (7, "高新技术企业认定辅导", "希望获得高企认定的申报辅导。", "technology", "ordinary",
     ["dispatch:science", "sign", "reply", "rate:basically_satisfied"], 25),
]
# The same 用工 need raised by three firms (different escorts, different words), handled once as a 共性问题.
PROBLEMS += [
    (8, "一线普工缺口大，旺季订单招不到人", "四季度订单增加，流水线普工缺口约40人，周边招聘会效果不好。", "labour", "ordinary",
     ["accept", "escalate"], 6),
    (9, "车间缺熟练操作工，开工不足", "注塑车间熟练操作工流失，目前只能开两班，希望对接劳务输入地。", "labour", "ordinary",
     ["accept", "escalate"], 5),
    (10, "节后员工返岗率低，用工缺口约50人", "往年节后返岗率不到七成，今年想提前对接稳岗和招工政策。", "labour", "ordinary",
     ["accept", "escalate"], 5),
]
# (title, description, member titles, lead department, co-departments, steps after dispatch)
COMMON_PROBLEMS = [
    ("制造企业一线用工缺口（多家企业反映）",
     "多家制造企业反映旺季一线普工、熟练操作工招工难，需统一对接劳务协作地、稳岗和以工代训政策。",
     ["一线普工缺口大，旺季订单招不到人", "车间缺熟练操作工，开工不足", "节后员工返岗率低，用工缺口约50人"],
     "hrss", ["economy"], ["sign"], 4),
]

