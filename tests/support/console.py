"""The office console's pages as its route files declare them, for the console's browser tests."""

import re
from typing import NamedTuple

from tests.support.browser import ROOT

# A button that would change something: the auditor's pages show none (the downloads and the
# 查询/查看 of a list are reading).
CHANGES = re.compile(
    r"^(新建|新增|登记|编辑|保存|分配|终止|开通|修改|删除|导入|提交|发布|调整|新版本|更换|重放|补发"
    r"|作废|挂牌|移交|复查|销号|限期整改)"
)


class Page(NamedTuple):
    path: str
    title: str
    action: str
    in_menu: bool
    order: int


def console_pages() -> list[Page]:
    """The console's pages as web/src/office/pages/*/routes.ts declare them (each page's path and
    meta: title, group, order, action; a name alone stands for the file's constant of that name),
    the menu's first, in its order."""
    pages = []
    for file in sorted((ROOT / "web" / "src" / "office" / "pages").glob("*/routes.ts")):
        text = file.read_text()
        constants = dict(re.findall(r"const (\w+) = '([^']*)'", text))
        routes = re.findall(r"path: '([^']+)',[^{}]*?meta: \{([^}]*)\}", text)
        # a route written otherwise (braces before its meta, no meta) would be missed without a word
        assert len(routes) == text.count("path: '"), f"{file}: a route this reading does not understand"
        for path, meta in routes:
            fields: dict[str, str] = {}
            for part in meta.split(","):
                key, _, value = (p.strip() for p in part.partition(":"))
                fields[key] = (
                    value.strip("'") if value.startswith("'") else constants.get(value or key, value)
                )
            if "title" in fields:
                order = int(fields.get("order", "100000"))
                pages.append(Page(path, fields["title"], fields["action"], "group" in fields, order))
    assert len([p for p in pages if p.in_menu]) >= 20, pages
    return sorted(pages, key=lambda p: (not p.in_menu, p.order))
