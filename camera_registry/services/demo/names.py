"""Names for the demo city: real divisions of Linyi down to the county, generated below.

County and district codes are the real GB/T 2260 codes. Town and street names are real for
the three urban districts and the county seats; everything below them (communities, villages,
compounds, roads, companies) is generated from word lists and is fictitious.
"""
from __future__ import annotations

import random
from dataclasses import dataclass

PROVINCE = ("370000", "山东省")
CITY = ("371300", "临沂市")


@dataclass(frozen=True)
class CountyInfo:
    code: str
    name: str
    lon: float  # roughly where the county seat is (WGS-84)
    lat: float
    urban: bool  # an urban district of the city proper (市辖区)
    compounds: int  # compounds of the full demo city in this county
    towns: tuple[str, ...]  # streets (街道) and towns (镇); the first ones are the seat's streets


COUNTIES: tuple[CountyInfo, ...] = (
    CountyInfo("371302", "兰山区", 118.347, 35.068, True, 760, (
        "兰山街道", "银雀山街道", "金雀山街道", "柳青街道", "枣园镇", "白沙埠镇", "半程镇",
        "义堂镇", "李官镇", "方城镇", "汪沟镇", "马厂湖镇")),
    CountyInfo("371311", "罗庄区", 118.284, 34.996, True, 330, (
        "罗庄街道", "傅庄街道", "盛庄街道", "册山街道", "高都街道", "褚墩镇", "黄山镇", "沂堂镇")),
    CountyInfo("371312", "河东区", 118.402, 35.089, True, 360, (
        "九曲街道", "芝麻墩街道", "凤凰岭街道", "相公街道", "太平街道", "汤头街道", "汤河镇",
        "八湖镇", "郑旺镇")),
    CountyInfo("371321", "沂南县", 118.465, 35.550, False, 140, (
        "界湖街道", "岸堤镇", "孙祖镇", "双堠镇", "青驼镇", "砖埠镇")),
    CountyInfo("371322", "郯城县", 118.367, 34.613, False, 140, (
        "郯城街道", "马头镇", "重坊镇", "李庄镇", "港上镇", "红花镇")),
    CountyInfo("371323", "沂水县", 118.628, 35.790, False, 160, (
        "沂城街道", "龙家圈街道", "许家湖镇", "黄山铺镇", "诸葛镇", "崔家峪镇")),
    CountyInfo("371324", "兰陵县", 118.071, 34.857, False, 150, (
        "卞庄街道", "苍山街道", "向城镇", "长城镇", "磨山镇", "神山镇")),
    CountyInfo("371325", "费县", 117.977, 35.266, False, 140, (
        "费城街道", "上冶镇", "薛庄镇", "探沂镇", "朱田镇", "梁邱镇")),
    CountyInfo("371326", "平邑县", 117.640, 35.506, False, 135, (
        "平邑街道", "仲村镇", "武台镇", "保太镇", "柏林镇", "卞桥镇")),
    CountyInfo("371327", "莒南县", 118.835, 35.175, False, 135, (
        "十字路街道", "大店镇", "坊前镇", "板泉镇", "洙边镇", "文疃镇")),
    CountyInfo("371328", "蒙阴县", 117.945, 35.710, False, 106, (
        "蒙阴街道", "常路镇", "岱崮镇", "坦埠镇", "垛庄镇", "野店镇")),
    CountyInfo("371329", "临沭县", 118.650, 34.920, False, 110, (
        "临沭街道", "郑山街道", "蛟龙镇", "大兴镇", "石门镇", "曹庄镇")),
)

COMMUNITY_STEMS = (
    "东关", "西关", "南关", "北关", "银雀", "金雀", "书院", "沂州", "琅琊", "启阳", "开阳", "柳青",
    "涑河", "祊河", "滨河", "新华", "解放", "胜利", "人民", "和平", "幸福", "朝阳", "向阳", "育才",
    "文化", "工业", "通达", "金坛", "锦华", "翠微", "桃园", "梨园", "杏园", "荷花", "芙蓉", "紫荆",
    "凤凰", "龙湾", "砚台", "孝友", "齐鲁", "平安", "康宁", "安居", "永安", "长安", "富民", "兴华",
    "振兴", "新城", "古城", "临西", "临东", "双岭", "河湾", "站前", "水田", "花园", "广场", "颐园",
    "锦绣", "华夏", "天元", "泰和", "北园", "南园", "东苑", "西苑", "南苑", "前园", "后园", "南坊",
    "北城", "东城", "西城", "铁路", "电厂", "纺织", "蒙山", "沂河", "清河", "月河", "北湖", "南湖",
    "东湖", "白沙", "东兴", "西兴", "兴隆", "吉祥", "如意", "丰收", "百花", "松山", "柏林", "青年",
)
SURNAMES = (
    "王", "李", "张", "刘", "陈", "杨", "赵", "黄", "周", "吴", "徐", "孙", "胡", "朱", "高", "林",
    "何", "郭", "马", "罗", "梁", "宋", "郑", "谢", "韩", "唐", "冯", "于", "董", "程", "曹", "袁",
    "许", "傅", "沈", "彭", "吕", "苏", "卢", "蒋", "蔡", "贾", "丁", "魏", "薛", "颜", "杜", "夏",
    "田", "任", "姜", "范", "方", "石", "姚", "邹", "金", "孔", "白", "崔", "康", "秦", "侯", "孟",
)
VILLAGE_PREFIXES = ("", "", "", "前", "后", "东", "西", "南", "北", "大", "小", "上", "下")
VILLAGE_ENDINGS = ("庄", "家庄", "屯", "集", "岭", "家岭", "沟", "家沟", "洼", "峪", "官庄", "湖",
                   "坡", "疃", "家河", "营", "店", "楼", "寨", "埠")

COMPOUND_PREFIXES = (
    "阳光", "幸福", "和谐", "锦绣", "金色", "银河", "滨河", "沂河", "祊河", "蒙山", "书香", "世纪",
    "时代", "香榭", "丽景", "盛世", "鑫城", "天元", "泰和", "康居", "嘉和", "和平", "东方", "东城",
    "西城", "南城", "北城", "新城", "御景", "紫荆", "桂花", "玉兰", "海棠", "芙蓉", "梧桐", "香樟",
    "银杏", "枫林", "翠湖", "明珠", "瑞城", "富丽", "宏图", "华泰", "华安", "润泽", "君悦", "凤凰",
    "龙湾", "水岸", "琅琊", "启阳", "沂州", "开元", "永安", "长安", "平安", "康乐", "怡景", "雅居",
    "锦华", "金桥", "清河", "月河", "翡翠", "国际", "中央", "学府", "书院", "沂蒙", "兰亭", "福泽",
    "鸿福", "吉祥", "如意", "瑞景", "龙泉", "凤栖", "温泉", "汤泉", "翠竹", "荷塘", "丹桂", "春晖",
)
MODERN_SUFFIXES = ("花园", "家园", "苑", "名苑", "雅苑", "嘉园", "华庭", "府", "城", "佳苑", "小区")
OLD_SUFFIXES = ("小区", "新村", "小区", "新村")
WORK_UNITS = ("电力", "铁路", "教育", "医药", "供销", "粮食", "税务", "交通", "邮电", "水利",
              "棉纺厂", "化肥厂", "机械厂", "造纸厂", "烟草", "农机", "建设", "工商")
WORK_UNIT_SUFFIXES = ("小区", "宿舍", "家属院")
RURAL_SUFFIXES = ("新村", "家园", "社区小区", "新居")

ROADS = (
    "沂蒙路", "解放路", "通达路", "兰山路", "启阳路", "金雀山路", "银雀山路", "沂州路", "考棚街",
    "新华路", "人民大街", "工业大道", "滨河大道", "蒙山大道", "北京路", "上海路", "南京路",
    "天津路", "广州路", "成都路", "水田路", "涑河街", "育才路", "红旗路", "平安路", "府右路",
    "陶然路", "聚才路", "齐鲁路", "临西三路", "临西五路", "临西八路", "临西十路", "华夏路",
    "孝河路", "柳青河路", "枣园路", "琅琊王路", "应天街", "沂河路", "八一路", "新民路", "开阳路",
    "沭河路", "建设路", "文化路", "兴业路", "和平路", "府前街", "振兴路",
)

# Fictitious systems integrators (集成商) that build and maintain compound camera systems.
INTEGRATORS = (
    "临沂天网安防工程有限公司", "山东齐鲁智安信息技术有限公司", "临沂沂蒙慧眼科技有限公司",
    "山东鲁南视讯工程有限公司", "临沂金盾安防科技有限公司", "山东雪亮智联网络科技有限公司",
    "临沂启阳电子工程有限公司", "山东华安智能系统工程有限公司", "临沂琅琊数字技术有限公司",
    "山东沂河通信工程有限公司", "临沂兰华弱电工程有限公司", "山东平安视界科技有限公司",
    "临沂宏远监控设备有限公司", "山东泰和信息系统集成有限公司", "临沂蒙山电子科技有限公司",
)

SCHOOLS = ("实验小学", "第一中学", "中心小学", "第二实验小学", "初级中学", "育才学校")


def stem(name: str) -> str:
    """A division's name without its level word: 银雀山街道 -> 银雀山, 沂南县 -> 沂南."""
    for suffix in ("街道", "社区", "镇", "村", "区", "县", "市", "省"):
        if name.endswith(suffix) and len(name) > len(suffix) + 1:
            return name[: -len(suffix)]
    return name


def unique(make, taken: set[str], rng: random.Random, tries: int = 40) -> str:
    """Draw names from ``make(rng)`` until one is free; numbered phases as the last resort."""
    for _ in range(tries):
        name = make(rng)
        if name not in taken:
            taken.add(name)
            return name
    base = make(rng)
    for phase in "二三四五六七八九":
        name = f"{base}{phase}期"
        if name not in taken:
            taken.add(name)
            return name
    raise ValueError(f"no free name like {base}")


def community_name(rng: random.Random) -> str:
    return rng.choice(COMMUNITY_STEMS) + "社区"


def village_name(rng: random.Random) -> str:
    return (rng.choice(VILLAGE_PREFIXES) + rng.choice(SURNAMES) + rng.choice(VILLAGE_ENDINGS)
            + "村")


def compound_name(rng: random.Random, rural: bool) -> tuple[str, str]:
    """A compound name and its style: old (walk-ups), modern (high-rise) or rural."""
    if rural:
        return rng.choice(COMPOUND_PREFIXES) + rng.choice(RURAL_SUFFIXES), "rural"
    draw = rng.random()
    if draw < 0.12:
        return rng.choice(WORK_UNITS) + rng.choice(WORK_UNIT_SUFFIXES), "old"
    if draw < 0.35:
        return rng.choice(COMPOUND_PREFIXES) + rng.choice(OLD_SUFFIXES), "old"
    return rng.choice(COMPOUND_PREFIXES) + rng.choice(MODERN_SUFFIXES), "modern"
