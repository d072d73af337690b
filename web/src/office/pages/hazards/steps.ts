// The inputs of each step of the hazard lifecycle (services/inspections/hazard/schemas.py), and
// whether the person may take it now: the state machine's roles for the hazard's state and grade
// (GET /hazards/actions) and the policy's `hazard.step`.
import type { InspectionsSchemas } from '@/api/client'
import { may } from '@/actions'
import { label } from '@/labels'
import { session } from '@/session'

type Hazard = InspectionsSchemas['schemas']['HazardOut']

export type FieldKind = 'text' | 'textarea' | 'date' | 'passed' | 'grade' | 'evidence' | 'plan'

export interface StepField {
  key: string
  label: string
  kind: FieldKind
  required?: boolean
  /** shown only when this holds (the values entered so far, the hazard) */
  when?: (values: Record<string, unknown>, hazard: Hazard) => boolean
}

export interface TransitionRules {
  label: string
  from: string[]
  to: string | null
  roles: string[]
  roles_from: Record<string, string[]>
  major_roles: string[] | null
}

/** The six parts of a major hazard's plan (重大事故隐患治理方案). */
export const PLAN_PARTS: [string, string][] = [
  ['goals_and_tasks', '治理的目标和任务'],
  ['methods_and_measures', '采取的方法和措施'],
  ['funds_and_materials', '经费和物资的落实'],
  ['responsible_body_and_people', '负责治理的机构和人员'],
  ['time_limit_and_milestones', '治理的时限和要求'],
  ['safety_and_emergency_measures', '安全措施和应急预案'],
]

const major = (_: Record<string, unknown>, hazard: Hazard) => hazard.grade === 'major'
const reason = (required = true): StepField => ({ key: 'reason', label: '说明', kind: 'textarea', required })
const order: StepField[] = [
  { key: 'deadline', label: '整改期限', kind: 'date', required: true },
  { key: 'responsible_person', label: '整改责任人', kind: 'text', required: true },
  { key: 'measures', label: '整改措施', kind: 'textarea', required: true },
  { key: 'plan', label: '治理方案(重大隐患)', kind: 'plan', when: major },
]
const listedOrStopped = (_: Record<string, unknown>, hazard: Hazard) =>
  hazard.grade === 'major' && (!!hazard.listed_at || hazard.stop_ordered)

export const STEP_FIELDS: Record<string, StepField[]> = {
  fix_on_spot: [reason(), { key: 'evidence_ids', label: '整改后照片', kind: 'evidence', required: true }],
  order_rectification: order,
  suspend: [
    reason(),
    { key: 'evidence_ids', label: '停产停用佐证', kind: 'evidence', required: true },
    { key: 'deadline', label: '整改期限', kind: 'date', when: (_, hazard) => !hazard.deadline },
    { key: 'plan', label: '治理方案(重大隐患)', kind: 'plan', when: (_, hazard) => hazard.grade === 'major' && !hazard.plan },
  ],
  mark_rectified: [{ key: 'evidence_ids', label: '整改后照片', kind: 'evidence', required: true }, reason(false)],
  verify: [
    { key: 'passed', label: '复查结论', kind: 'passed', required: true },
    { key: 'deadline', label: '新的整改期限', kind: 'date', required: true, when: (values) => values.passed === false },
    { key: 'evaluation', label: '评估报告', kind: 'textarea', required: true, when: (values, hazard) => values.passed === true && listedOrStopped(values, hazard) },
    { key: 'restart_applied_on', label: '复产申请日期', kind: 'date', required: true, when: (values, hazard) => values.passed === true && listedOrStopped(values, hazard) },
    { key: 'reason', label: '复查意见', kind: 'textarea', required: false },
  ],
  close: [
    { key: 'authority_review_on', label: '主管部门审查日期', kind: 'date', required: true, when: (_, hazard) => hazard.grade === 'major' && !!hazard.restart_applied_on },
    reason(false),
  ],
  reject_review: [...order, reason(false)],
  refuse: [reason(), { key: 'enforcement_owner', label: '接收执法部门或人员', kind: 'text', required: true }],
  explain_overdue: [reason()],
  list_for_supervision: [{ key: 'listing_authority', label: '挂牌督办单位', kind: 'text', required: true }, reason()],
  regrade: [
    { key: 'grade', label: '新等级', kind: 'grade', required: true },
    reason(),
    { key: 'plan', label: '治理方案(定为重大且正在整改时)', kind: 'plan', when: (values, hazard) => values.grade === 'major' && ['rectifying', 'suspended'].includes(hazard.state) },
  ],
  void: [reason()],
}

/** Which actions the person may take on the hazard now. */
export function stepsFor(hazard: Hazard, rules: Record<string, TransitionRules>): string[] {
  if (!may('hazard.step')) return []
  const mine = session.me?.roles ?? []
  return hazard.allowed_actions.filter((action) => {
    const rule = rules[action]
    if (!rule) return false
    if (action === 'explain_overdue' && !hazard.overdue_since) return false
    let roles = rule.roles_from[hazard.state] ?? rule.roles
    if (hazard.grade === 'major' && rule.major_roles) roles = roles.filter((role) => rule.major_roles!.includes(role))
    return roles.some((role) => mine.includes(role))
  })
}

/** The tag of the files a step uploads: a suspension's proof is neither before nor after. */
export const evidenceTagOf = (action: string): 'after' | 'other' => (action === 'suspend' ? 'other' : 'after')

/** What a step's form holds: its texts and dates by key, the verification's result, the plan's parts. */
export interface StepValues {
  texts: Record<string, string>
  passed: boolean | undefined
  plan: Record<string, string>
}

/** The body of a step from the fields shown and what was entered in them; `evidence`: the ids of the files uploaded for it. */
export function stepBody(fields: StepField[], values: StepValues, evidence: string[]): Record<string, unknown> {
  const sent: Record<string, unknown> = {}
  for (const field of fields) {
    if (field.kind === 'evidence') sent.evidence_ids = evidence
    else if (field.kind === 'plan') {
      if (Object.values(values.plan).some((part) => part.trim())) sent.plan = { ...values.plan }
    } else if (field.kind === 'passed') sent.passed = values.passed
    else if (values.texts[field.key]) sent[field.key] = values.texts[field.key]
  }
  return sent
}

/** A step of the history by its name: a person's action, else the system's (overdue, …). */
export function stepName(action: string): string {
  const chosen = label('hazard_action', action)
  return chosen === action ? label('hazard_system_step', action) : chosen
}

// a step's details by the titles of the form fields they were entered in
const TITLES: Record<string, string> = {
  ...Object.fromEntries(Object.values(STEP_FIELDS).flat().map((field) => [field.key, field.label])),
  previous_grade: '原等级',
  review_late: '审查超期',
}

function shown(key: string, value: unknown): string {
  if (key === 'passed') return value ? '通过' : '不通过'
  if (key.endsWith('grade')) return label('hazard_grade', String(value))
  if (typeof value === 'boolean') return value ? '是' : '否'
  return typeof value === 'object' ? JSON.stringify(value) : String(value)
}

/** What a step of the history recorded besides its reason (the plan left out): 新的整改期限:2026-12-01;… */
export function stepDetails(values: Record<string, unknown>): string {
  return Object.entries(values)
    .filter(([key, value]) => value !== null && value !== '' && key !== 'plan')
    .map(([key, value]) => `${TITLES[key] ?? key}:${shown(key, value)}`)
    .join(';')
}

/** The field a problem's `loc` names: body.plan.goals_and_tasks → plan.goals_and_tasks. */
export function fieldOf(loc: string | undefined): string {
  return (loc ?? '').replace(/^body\./, '')
}
