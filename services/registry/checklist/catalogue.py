"""The checklists the work plan names, as data: labels in Chinese and English.

Local policy, so kept here as one table each rather than spread through the code.
"""

# §4.2: the safety-management rules every enterprise must have (安全管理制度).
SAFETY_RULE_CATEGORIES: dict[str, str] = {
    "fire": "消防管理 / fire safety",
    "electricity": "安全用电 / electrical safety",
    "site_traffic": "厂区交通 / site traffic",
    "flammables_explosives": "易燃易爆 / flammables and explosives",
    "toxic_materials": "有毒有害物品 / toxic and harmful materials",
    "dangerous_places": "危险场所 / dangerous places",
    "special_equipment": "特种设备 / special equipment",
    "hot_work": "危险(动火)作业 / hot and dangerous work",
    "labour_protection": "劳动保护 / labour protection",
    "occupational_health": "职业卫生 / occupational health",
    "training": "教育培训 / education and training",
    "accident_reporting": "事故报告和调查处理 / accident reporting and investigation",
    "duty_roster": "安全值班 / safety duty roster",
    "rewards_penalties": "安全奖惩 / safety rewards and penalties",
    "special_operations": "特种作业安全 / special operations",
    "three_simultaneities": "设施“三同时” / three simultaneities",
}

# §3.5: the committee's "ten haves" (管委会安全管理“十有”).
TEN_HAVES: dict[str, str] = {
    "organisation": "有明确机构 / a defined organisation",
    "leader": "有明确领导 / a named leader",
    "staff": "有明确人员 / named staff",
    "division_of_duties": "有责任分工 / division of duties",
    "work_rules": "有工作制度 / work rules",
    "operating_mechanism": "有运行机制 / an operating mechanism",
    "office": "有办公场所 / an office",
    "equipment": "有办公设施 / office equipment",
    "archives": "有工作档案 / work archives",
    "training": "有培训教育 / training and education",
}
