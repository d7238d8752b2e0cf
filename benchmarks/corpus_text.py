"""Words and page layout of one synthetic report: agency, narrative sentences and table layouts.

Belongs here: agency names across provinces, cities and counties; narrative sentences that state the
year; and the four table layouts the reader supports: one cell per line with blank-line separators
(``lines``), tab-prefixed cells with a lone tab for a blank (``tab``), markdown pipe rows (``pipe``)
and whole rows on one line separated by runs of spaces (``spaces``). A table arrives here as a grid
(rows of cell texts, ``""`` for a blank) and leaves as text lines.
"""

import random
from dataclasses import dataclass

from schemas.catalog import SECTIONS

PLACES: dict[str, dict[str, tuple[str, ...]]] = {
    "安徽省": {"滁州市": ("南谯区", "琅琊区", "定远县"), "铜陵市": ("郊区", "义安区", "枞阳县")},
    "河北省": {"衡水市": ("桃城区", "冀州区", "枣强县"), "保定市": ("莲池区", "涞水县", "清苑区")},
    "湖南省": {"株洲市": ("芦淞区", "荷塘区", "攸县"), "岳阳市": ("岳阳楼区", "华容县", "平江县")},
    "吉林省": {"长春市": ("南关区", "朝阳区", "农安县"), "吉林市": ("船营区", "永吉县")},
    "江苏省": {"淮安市": ("洪泽区", "淮阴区", "涟水县"), "宿迁市": ("沭阳县", "宿城区", "泗洪县")},
    "福建省": {"福州市": ("平潭县", "鼓楼区", "闽侯县"), "泉州市": ("丰泽区", "安溪县", "晋江市")},
    "浙江省": {"杭州市": ("西湖区", "余杭区", "淳安县"), "温州市": ("鹿城区", "瑞安市", "永嘉县")},
    "四川省": {"成都市": ("武侯区", "郫都区", "大邑县"), "绵阳市": ("涪城区", "三台县", "梓潼县")},
    "广东省": {"佛山市": ("南海区", "顺德区", "三水区"), "韶关市": ("浈江区", "乐昌市", "仁化县")},
    "河南省": {"洛阳市": ("西工区", "孟津区", "栾川县"), "南阳市": ("宛城区", "西峡县", "淅川县")},
    "山东省": {"潍坊市": ("奎文区", "寿光市", "临朐县"), "临沂市": ("兰山区", "费县", "沂南县")},
    "云南省": {"大理白族自治州": ("大理市", "宾川县", "祥云县"), "曲靖市": ("麒麟区", "陆良县", "罗平县")},
}
BUREAUS = ("教育", "财政", "民政", "自然资源和规划", "生态环境", "交通运输", "水利", "农业农村", "文化和旅游",
           "市场监督管理", "统计", "医疗保障", "人力资源和社会保障", "住房和城乡建设", "应急管理", "科学技术")
COMMISSIONS = ("发展和改革", "卫生健康", "教育体育", "民族宗教事务", "经济和信息化")
TOWNS = ("城关", "新安", "龙泉", "石桥", "清河", "白沙", "马坊", "金山", "长安", "东湖", "红星", "双溪")
STREETS = ("城东", "城西", "人民路", "解放", "文化", "滨江", "新华", "中山", "和平", "东风")


@dataclass(frozen=True)
class Agency:
    """An issuing body: its full name, how it calls itself in prose, and its place."""

    name: str
    self_name: str
    province: str
    city: str
    county: str | None


def agency(rng: random.Random) -> Agency:
    """An agency at province, city or county level, of one of six kinds."""
    province = rng.choice(sorted(PLACES))
    city = rng.choice(sorted(PLACES[province]))
    county = rng.choice(PLACES[province][city])
    level = rng.choice(("city", "county", "county", "county"))
    place = city if level == "city" else rng.choice((county, city + county))
    home = {"city": "我市", "county": "我县" if county.endswith("县") else "我区"}[level]
    kind = rng.choice(("government", "office", "bureau", "bureau", "commission", "street", "town"))
    if kind == "government":
        return Agency(place + "人民政府", home, province, city, county if level == "county" else None)
    if kind == "office":
        return Agency(place + "人民政府办公室", "我办", province, city, county if level == "county" else None)
    if kind == "bureau":
        return Agency(place + rng.choice(BUREAUS) + "局", "我局", province, city,
                      county if level == "county" else None)
    if kind == "commission":
        return Agency(place + rng.choice(COMMISSIONS) + "委员会", "我委", province, city,
                      county if level == "county" else None)
    if kind == "street":
        return Agency(county + rng.choice(STREETS) + "街道办事处", "我街道", province, city, county)
    return Agency(county + rng.choice(TOWNS) + "镇人民政府", "我镇", province, city, county)


# ------------------------------------------------------------------------------------ narrative

OVERVIEW = (
    "{year}年，{me}认真贯彻落实《中华人民共和国政府信息公开条例》，坚持以公开为常态、不公开为例外，"
    "全面推进决策、执行、管理、服务、结果公开。",
    "{year}年，{me}通过门户网站主动公开政府信息{n}条，其中政策文件{k}件。",
    "{year}年，{me}进一步健全信息发布审核机制，全年未发生泄密和不当公开情况。",
    "(一)主动公开情况。{me}按照“谁制作、谁公开”的原则，及时更新政府信息公开专栏内容，共发布各类信息{n}条。",
    "(二)依申请公开情况。{me}严格按照法定程序受理、办理和答复申请，做到依法有据、规范答复。",
    "(三)政府信息管理。{me}严格落实信息发布“三审三校”制度，动态调整主动公开基本目录。",
    "(四)平台建设。{me}持续优化政府网站信息公开专栏，及时维护政务新媒体账号。",
    "(五)监督保障。{me}成立政务公开工作领导小组，将政务公开纳入年度目标考核。",
)
PROBLEMS = (
    "{year}年，{me}政府信息公开工作取得一定成效，但仍存在公开内容不够全面、政策解读形式较为单一等问题。",
    "下一步，{me}将加强业务培训，提升工作人员的业务能力和水平。",
    "{next}年，{me}将继续深化重点领域信息公开，进一步提高政务公开质量。",
    "针对以上问题，{me}将进一步完善工作机制，加强对公开内容的审核把关。",
)
OTHER = (
    "{year}年，{me}未收取信息处理费。",
    "{year}年，{me}无其他需要报告的事项。",
    "{me}将按照上级部署，认真落实政务公开年度工作要点。",
)
LEADS = ("{year}年度主动公开政府信息情况如下表。", "")


def sentences(rng: random.Random, pool: tuple[str, ...], count: int, **words: object) -> list[str]:
    """``count`` sentences from a pool (the first one always states the year), filled in."""
    chosen = [pool[0], *rng.sample(pool[1:], min(count - 1, len(pool) - 1))]
    filled = {"n": rng.randint(20, 3000), "k": rng.randint(0, 40), **words}
    return [s.format(**filled) for s in chosen]


def section_titles() -> list[str]:
    """Headings 一、总体情况 … 六、其他需要报告的事项, from the catalog's section labels."""
    numerals = "一二三四五六七八九十"
    return [f"{numerals[s.number - 1]}、{s.label}" for s in SECTIONS]


def intro(agency_name: str, year: int, generation: str, period: bool) -> str:
    """The opening paragraph; ``period`` adds the 统计期限 sentence."""
    notice = "国办公开办函〔2021〕30号" if generation == "2021" else "国办公开函〔2019〕60号"
    text = (f"根据《中华人民共和国政府信息公开条例》和《{notice}》要求，{agency_name}编制本报告。"
            "本报告包括总体情况、主动公开政府信息情况、收到和处理政府信息公开申请情况、政府信息公开行政复议和"
            "行政诉讼情况、存在的主要问题及改进情况、其他需要报告的事项。")
    if period:
        text += f"本报告中所列数据的统计期限为{year}年1月1日至{year}年12月31日。"
    return text


# ------------------------------------------------------------------------------------ layouts

Grid = list[list[str]]
LAYOUTS = ("lines", "tab", "pipe", "spaces")
LAYOUT_NOTES = {
    "lines": "one table cell per line, cells separated by blank lines; blank cells dropped",
    "tab": "tab-prefixed cells, one per line; a blank cell is a lone tab",
    "pipe": "markdown pipe tables; a blank cell is an empty pipe cell",
    "spaces": "whole rows on one line, cells separated by runs of spaces",
}


def render(layout: str, grid: Grid, rng: random.Random, width: int, data_rows: set[int]) -> list[str]:
    """The text lines of a table grid in a layout (``data_rows``: indexes of rows that carry values)."""
    if layout == "lines":
        return _lines(grid, rng)
    if layout == "tab":
        return _tab(grid, rng, data_rows)
    if layout == "pipe":
        return _pipe(grid, rng, width)
    return _spaces(grid, rng)


def _lines(grid: Grid, rng: random.Random) -> list[str]:
    indent = rng.choice(("", "    ", "  "))
    out: list[str] = []
    for row in grid:
        for cell in row:
            if cell.strip():
                out += [indent + cell, ""]
            elif rng.random() < 0.3:  # a dropped blank sometimes leaves an NBSP-only spacer line
                out += [indent + "\u00a0", ""]
    return out


def _tab(grid: Grid, rng: random.Random, data_rows: set[int]) -> list[str]:
    separators = rng.random() < 0.5
    out: list[str] = []
    for index, row in enumerate(grid):
        if separators and index in data_rows and index > 0:
            out.append("\t")
        out += ["\t" + cell for cell in row]
        out.append("")
    return out


def _pipe(grid: Grid, rng: random.Random, width: int) -> list[str]:
    out: list[str] = []
    for index, row in enumerate(grid):
        cells = row + [""] * (width - len(row))
        out.append("| " + " | ".join(cells) + " |")
        if index == 0 and rng.random() < 0.5:
            out.append("|" + "---|" * width)
    return out


def _spaces(grid: Grid, rng: random.Random) -> list[str]:
    out: list[str] = []
    for row in grid:
        gaps = [" " * rng.randint(2, 9) for _ in row]
        line = " " * rng.randint(0, 16) + row[0]
        for gap, cell in zip(gaps[1:], row[1:], strict=True):
            line += gap + cell
        out.append(line)
        if rng.random() < 0.3:
            out.append("")
    return out
