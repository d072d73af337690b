"""The label catalogue (名称目录): the Chinese and English name of every code the system uses.

One table for notices, exports, pictures and the web application, which reads it from the
registry's `GET /labels`. Each kind is an enum-like code set; `tests/test_labels.py` checks that
every value of the enums has both labels here.
"""

from pydantic import BaseModel, ConfigDict


class Label(BaseModel):
    model_config = ConfigDict(frozen=True)

    zh: str
    en: str


def _kind(**codes: tuple[str, str]) -> dict[str, Label]:
    return {code: Label(zh=zh, en=en) for code, (zh, en) in codes.items()}


LABELS: dict[str, dict[str, Label]] = {
    "hazard_grade": _kind(
        general=("一般隐患", "general hazard"),
        major=("重大隐患", "major hazard"),
    ),
    "hazard_source": _kind(
        self_report=("自查自报", "self-reported"),
        superior_inspection=("上级检查", "superior inspection"),
        grid_patrol=("网格巡查", "grid patrol"),
    ),
    "hazard_state": _kind(
        reported=("已登记", "reported"),
        rectifying=("整改中", "under rectification"),
        suspended=("停产停用整改", "stopped for rectification"),
        rectified=("已整改待复查", "rectified, awaiting verification"),
        verified=("已验收待销号", "verified, awaiting close-out"),
        closed=("已销号", "closed out"),
        with_enforcement=("已移交执法", "handed to enforcement"),
        voided=("误报作废", "voided as mistaken"),
    ),
    "hazard_action": _kind(
        fix_on_spot=("立改立销", "fixed on the spot"),
        order_rectification=("限期整改", "order rectification by a deadline"),
        suspend=("停产停用", "stop production or use"),
        mark_rectified=("整改完成", "rectification done"),
        verify=("复查验收", "verify"),
        close=("销号", "close out"),
        reject_review=("审查未通过", "the authority's review failed"),
        refuse=("拒不整改,移交执法", "refused: hand to enforcement"),
        explain_overdue=("逾期说明", "explain the delay"),
        list_for_supervision=("挂牌督办", "list for supervision"),
        regrade=("调整隐患等级", "regrade"),
        void=("误报作废", "void as mistaken"),
    ),
    # the steps of a hazard's history that no one chose: its report and the system's own
    "hazard_system_step": _kind(
        report=("登记", "reported"),
        escalate=("重大隐患上报", "escalated to the authority"),
        due_soon=("即将到期提醒", "due soon"),
        overdue=("逾期", "overdue"),
        review_late=("审查超期", "review late"),
        unacted_reminded=("未处置提醒", "not acted on: reminded"),
        unacted_escalated=("未处置上报", "not acted on: escalated"),
    ),
    "notice_kind": _kind(
        rectification_order=("隐患整改通知书", "rectification notice"),
        review_opinion=("复查意见书", "re-inspection opinion"),
        supervision_listing=("挂牌督办通知书", "notice of listing for supervision"),
        enforcement_handoff=("移交执法函", "hand-off to enforcement"),
    ),
    "hazard_evidence": _kind(
        before=("整改前", "before rectification"),
        after=("整改后", "after rectification"),
        other=("其他", "other"),
    ),
    "unit_kind": _kind(
        enterprise=("企业", "enterprise"),
        construction_site=("建设工地", "construction site"),
    ),
    "production_status": _kind(
        operating=("生产经营", "operating"),
        suspended=("停产", "suspended"),
        under_construction=("在建", "under construction"),
        closed=("关闭", "closed"),
    ),
    # 四色: the four colours of risk, and units not yet assessed
    "risk_colour": _kind(
        red=("重大风险", "major risk (red)"),
        orange=("较大风险", "considerable risk (orange)"),
        yellow=("一般风险", "general risk (yellow)"),
        blue=("低风险", "low risk (blue)"),
        unassessed=("未评估", "not assessed"),
    ),
    "report_kind": _kind(
        monthly_risk=("月度风险分析报告", "monthly risk analysis report"),
        quarterly_statistics=("季度隐患统计报表", "quarterly hazard statistics"),
        annual_statistics=("年度隐患统计报表", "annual hazard statistics"),
    ),
    # where a unit stands with a report of a period (报送情况)
    "filing_state": _kind(
        on_time=("按时报送", "filed on time"),
        late=("逾期报送", "filed late"),
        missing=("未报送", "not filed"),
        not_yet_due=("未到报送期限", "not yet due"),
    ),
    # a roll-out phase (实施步骤) by its dates and tasks
    "campaign_phase_status": _kind(
        upcoming=("未开始", "upcoming"),
        in_progress=("进行中", "in progress"),
        done=("已完成", "done"),
        behind=("滞后", "behind"),
    ),
    "inspection_kind": _kind(
        daily_patrol=("日巡查", "daily patrol"),
        weekly_check=("周检查", "weekly check"),
        leader_inspection=("分管领导检查", "leader's inspection"),
        self_check=("企业自查", "enterprise self-check"),
        monthly_patrol=("月度全面巡查", "monthly full patrol"),
        special_campaign=("专项治理", "special campaign"),
        look_back=("回头看", "look-back check"),
    ),
    "calendar_day_kind": _kind(
        holiday=("法定节假日", "public holiday"),
        make_up_workday=("调休上班", "make-up working day"),
    ),
    "duty_holder": _kind(
        grid_member=("网格员", "grid member"),
        grid_leader=("网格长", "grid leader"),
        enterprise=("企业自身", "the enterprise itself"),
    ),
    "inspection_file": _kind(
        inspector_signature=("检查人签名", "inspector's signature"),
        unit_signature=("受检单位签名", "the unit's signature"),
        photo=("现场照片", "photo on site"),
    ),
    "inspection_item_result": _kind(
        **{"pass": ("合格", "pass"), "fail": ("不合格", "fail"), "n/a": ("不适用", "not applicable")}
    ),
    # what a training duty asks for: the training kinds, and the monthly exam
    "training_activity": _kind(
        pre_shift=("班前培训", "pre-shift training"),
        publicity=("全员安全宣传活动", "all-staff safety publicity"),
        three_post_reexam=("三岗人员复审培训", "annual re-examination training of the three posts"),
        exam=("月度安全考试", "monthly safety exam"),
    ),
    "training_evidence": _kind(
        photo=("照片", "photo"),
        sign_in_sheet=("签到表", "sign-in sheet"),
    ),
    "certificate_kind": _kind(
        principal_person=("主要负责人安全考核合格证", "principal person's safety certificate"),
        safety_manager=("安全管理人员安全考核合格证", "safety manager's safety certificate"),
        special_operation=("特种作业操作证", "special operation certificate"),
    ),
    "period_kind": _kind(
        day=("日", "day"),
        week=("周", "week"),
        month=("月", "month"),
        quarter=("季度", "quarter"),
        half_year=("半年", "half year"),
        year=("年", "year"),
    ),
    # a recurring duty's standing in its period (the cadence engine's obligations)
    "cadence_status": _kind(
        done=("已完成", "done"),
        due=("待完成", "due"),
        missed=("已逾期未完成", "missed"),
    ),
    "role": _kind(
        zone_admin=("系统管理员", "zone administrator"),
        committee_leader=("管委会领导", "committee leadership"),
        safety_office=("管委会安全办", "safety office"),
        leader=("分管领导", "leader"),
        grid_member=("网格员", "grid member"),
        enterprise_user=("企业用户", "enterprise user"),
        enforcement_officer=("区级执法人员", "enforcement officer"),
        auditor=("只读审计", "auditor"),
        service=("系统服务", "GridSafe service"),
    ),
    "audit_action": _kind(
        login=("登录", "login"),
        login_failed=("登录失败", "failed login"),
        login_refused=("登录被拒(锁定中)", "login refused (locked out)"),
        account_locked=("账号临时锁定", "account locked for a while"),
        account_created=("开通账号", "account created"),
        account_changed=("修改账号(密码、角色或状态)", "account changed (password, roles or status)"),
        password_changed=("修改密码", "password changed"),
        personal_data_read=("查看人员信息", "personal data read"),
        export=("导出", "export"),
        download=("下载文件", "file download"),
    ),
    "job_status": _kind(
        queued=("排队中", "queued"),
        running=("处理中", "running"),
        succeeded=("已完成", "succeeded"),
        failed=("失败", "failed"),
    ),
    # the duties of the responsibility ledger (定人定岗定责)
    "duty": _kind(
        committee_director=("管委会主任(第一责任人)", "committee director"),
        safety_office=("安监站", "committee safety office"),
        enforcement_officer=("区级执法人员", "district enforcement officer"),
        grid_leader=("网格分管领导", "grid leader"),
        grid_member=("网格员", "grid member"),
        principal_person=("企业主要负责人", "principal responsible person"),
        safety_manager=("安全管理人员", "safety manager"),
        org_unit_head=("车间/班组负责人", "head of workshop or team"),
        post_holder=("岗位责任人", "person responsible for a post"),
    ),
    "org_level": _kind(
        company=("公司", "company"),
        workshop=("车间", "workshop"),
        team=("班组", "team"),
    ),
    "hazard_source_kind": _kind(
        major_hazard_source=("重大危险源", "major hazard source"),
        key_area=("重点监管区域", "key supervised area"),
        key_equipment=("重点监控设备", "key monitored equipment"),
        dangerous_process=("危险工艺", "dangerous process"),
    ),
    # §4.2: the safety-management rules every enterprise must have (安全管理制度)
    "safety_rule_category": _kind(
        fire=("消防管理", "fire safety"),
        electricity=("安全用电", "electrical safety"),
        site_traffic=("厂区交通", "site traffic"),
        flammables_explosives=("易燃易爆", "flammables and explosives"),
        toxic_materials=("有毒有害物品", "toxic and harmful materials"),
        dangerous_places=("危险场所", "dangerous places"),
        special_equipment=("特种设备", "special equipment"),
        hot_work=("危险(动火)作业", "hot and dangerous work"),
        labour_protection=("劳动保护", "labour protection"),
        occupational_health=("职业卫生", "occupational health"),
        training=("教育培训", "education and training"),
        accident_reporting=("事故报告和调查处理", "accident reporting and investigation"),
        duty_roster=("安全值班", "safety duty roster"),
        rewards_penalties=("安全奖惩", "safety rewards and penalties"),
        special_operations=("特种作业安全", "special operations"),
        three_simultaneities=("设施“三同时”", "three simultaneities"),
    ),
    "safety_rule_status": _kind(
        exists=("已建立", "in place"),
        missing=("缺失", "missing"),
        under_revision=("修订中", "under revision"),
    ),
    # §3.5: the committee's "ten haves" (管委会安全管理“十有”)
    "ten_haves": _kind(
        organisation=("有明确机构", "a defined organisation"),
        leader=("有明确领导", "a named leader"),
        staff=("有明确人员", "named staff"),
        division_of_duties=("有责任分工", "division of duties"),
        work_rules=("有工作制度", "work rules"),
        operating_mechanism=("有运行机制", "an operating mechanism"),
        office=("有办公场所", "an office"),
        equipment=("有办公设施", "office equipment"),
        archives=("有工作档案", "work archives"),
        training=("有培训教育", "training and education"),
    ),
    # what the monthly assessment of grid staff counts (网格员考核)
    "assessment_measure": _kind(
        inspections_done=("完成检查", "inspections done"),
        hazards_found=("发现隐患", "hazards found"),
        closed_on_time=("所辖网格按期销号", "closed on time in own grids"),
        overdue=("所辖网格逾期", "gone overdue in own grids"),
        escalated=("所辖网格上报、移交", "escalated in own grids"),
        missed_inspections=("本人应做未做的检查(漏检)", "inspections they owed and missed"),
        missed_training=("本人应做未做的培训宣传", "training and publicity duties they owed and missed"),
    ),
    # why a person was told (通知原因), by the routing audience that chose them
    "notice_reason": _kind(
        unit_principal=("您是该单位主要负责人", "you head the unit"),
        grid_members=("您是该网格网格员", "you are a member of the unit's grid"),
        grid_leader=("您是该网格分管领导", "you lead the unit's grid"),
        safety_office=("您在管委会安全办", "you are in the committee's safety office"),
        enforcement_officers=("您是执法人员", "you are an enforcement officer"),
        webhook_owner=("您是该推送端点的负责人", "you own the webhook endpoint"),
        certificate_holder=("您是该证书持有人", "you hold the certificate"),
        account_holder=("您是该账号的持有人", "you hold the account"),
    ),
    "delivery_channel": _kind(
        email=("邮件", "email"),
        sms=("短信", "SMS"),
        webhook=("外部系统推送", "webhook"),
    ),
    "delivery_status": _kind(
        pending=("待发送", "pending"),
        sent=("已送达", "sent"),
        dead=("已放弃", "given up"),
        no_address=("无该渠道地址,仅留站内消息", "no address for this channel: inbox only"),
        held=("待并入每日摘要", "held for the daily digest"),
        digested=("已并入每日摘要", "sent in the daily digest"),
    ),
}


def zh(kind: str, code: str) -> str:
    """The Chinese label of a code; a code without one (a free-text category) shows as written."""
    label = LABELS[kind].get(code)
    return code if label is None else label.zh


def both(kind: str, code: str) -> str:
    """`中文 / English`, where both are shown side by side; an unknown code as written."""
    label = LABELS[kind].get(code)
    return code if label is None else f"{label.zh} / {label.en}"
