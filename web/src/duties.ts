// Whose recurring duty a cadence rule is: the rule's `owed_by` (GET /cadences/rules). The home
// screen shows each person the duties they owe; the inspection screen offers the kinds of
// inspection the access policy lets them perform (their `inspection.<kind>` actions).
import type { InspectionsSchemas } from '@/api/client'
import { may } from '@/actions'
import { codes } from '@/labels'

type Rule = InspectionsSchemas['schemas']['RuleOut']
type DutyHolder = Rule['owed_by']

/** The duty holders a person with these roles answers for. */
function holdersFor(roles: string[]): DutyHolder[] {
  const holders: DutyHolder[] = []
  if (roles.includes('grid_member')) holders.push('grid_member')
  if (roles.includes('leader')) holders.push('grid_leader')
  if (roles.includes('enterprise_user')) holders.push('enterprise')
  return holders
}

/** The rules these roles owe. */
export function owedRules(rules: Rule[], roles: string[]): Rule[] {
  const mine = holdersFor(roles)
  return rules.filter((rule) => mine.includes(rule.owed_by))
}

/** The Chinese part of a "中文 / English" text. */
export function chinese(text: string): string {
  return text.split(' / ')[0]
}

/** The inspection kinds the policy lets the caller perform (the loaded actions); the kinds of
 * the inspection duties the caller owes first, the one owed most often first of all. */
export function inspectionKinds(rules: Rule[], roles: string[]): string[] {
  const granted = codes('inspection_kind').filter((kind) => may(`inspection.${kind}`))
  const often = ['day', 'week', 'month', 'quarter', 'half_year', 'year']
  const owed = owedRules(rules, roles)
    .filter((rule) => rule.active && rule.record === 'inspection' && granted.includes(rule.activity))
    .sort((a, b) => often.indexOf(a.period) - often.indexOf(b.period))
    .map((rule) => rule.activity)
  return [...new Set([...owed, ...granted])]
}
