// A zone rule's value as its JSON schema (`value_schema` of /zone-rules) describes it: a number,
// an object of numbers (the assessment weights) or a list of such objects (the art. 113 windows).
import { label } from '@/labels'

export interface Schema {
  type?: string
  properties?: Record<string, Schema>
  items?: Schema
  $ref?: string
  $defs?: Record<string, Schema>
  minimum?: number
  maximum?: number
  exclusiveMinimum?: number
  minItems?: number
  maxItems?: number
}

export type RuleValue = number | Record<string, number> | Record<string, number>[]

// the names of the fields inside a rule's value that are not assessment measures
const FIELD_NAMES: Record<string, string> = { days: '期限(天)', penalties: '处罚次数' }

export function fieldName(key: string): string {
  return FIELD_NAMES[key] ?? label('assessment_measure', key)
}

/** The schema with a `$ref` into its root's `$defs` followed. */
export function resolved(schema: Schema, root: Schema): Schema {
  const name = schema.$ref?.split('/').pop()
  return name && root.$defs?.[name] ? root.$defs[name] : schema
}

export function describe(value: unknown): string {
  if (Array.isArray(value)) return value.map(describe).join(';')
  if (value && typeof value === 'object') {
    return Object.entries(value)
      .map(([key, v]) => `${fieldName(key)} ${v}`)
      .join(',')
  }
  return String(value)
}

/** A copy of `value` to edit. */
export function copied(value: unknown): RuleValue {
  return JSON.parse(JSON.stringify(value)) as RuleValue
}
