// Whose recurring duty a cadence rule is (the labels' `duty_holder`): the home screen shows each
// person the duties they owe. The rule's activity says it: the enterprise's own checks and its
// training records are the enterprise's, the leader's inspection the grid leader's, the patrols and
// checks the grid members'.
import type { InspectionsSchemas } from '@/api/client'

type Rule = InspectionsSchemas['schemas']['RuleOut']
export type DutyHolder = 'grid_member' | 'grid_leader' | 'enterprise'

const ENTERPRISE_ACTIVITIES = ['self_check', 'monthly_patrol']

export function dutyHolder(rule: Rule): DutyHolder {
  if (rule.record !== 'inspection' || ENTERPRISE_ACTIVITIES.includes(rule.activity)) return 'enterprise'
  if (rule.activity === 'leader_inspection') return 'grid_leader'
  return 'grid_member'
}

/** The duty holders a person with these roles answers for. */
export function holdersFor(roles: string[]): DutyHolder[] {
  const holders: DutyHolder[] = []
  if (roles.includes('grid_member')) holders.push('grid_member')
  if (roles.includes('leader')) holders.push('grid_leader')
  if (roles.includes('enterprise_user')) holders.push('enterprise')
  return holders
}

/** The Chinese part of a "中文 / English" text. */
export function chinese(text: string): string {
  return text.split(' / ')[0]
}

/** The inspection kinds each role performs (shared/access.py INSPECTION_KINDS), the first the usual one. */
const KINDS_BY_ROLE: Record<string, string[]> = {
  grid_member: ['weekly_check', 'daily_patrol', 'special_campaign', 'look_back'],
  leader: ['leader_inspection', 'weekly_check', 'daily_patrol', 'special_campaign', 'look_back'],
  enterprise_user: ['self_check', 'monthly_patrol'],
  zone_admin: ['weekly_check', 'daily_patrol', 'special_campaign', 'look_back'],
  safety_office: ['special_campaign', 'look_back'],
  enforcement_officer: ['special_campaign'],
}

export function inspectionKindsFor(roles: string[]): string[] {
  return [...new Set(roles.flatMap((role) => KINDS_BY_ROLE[role] ?? []))]
}
