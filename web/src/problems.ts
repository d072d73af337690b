// A refused call's problem body (shared/errors.py) mapped onto a form: each entry of `errors` names
// its field by a location (`body.answers.0.finding.location`, `query.limit`, `signer`), which a form
// shows under the field of that name (`answers.0.finding.location`).
import { toRaw, toValue, watch, type Ref } from 'vue'
import { problemMessage, type Problem } from '@/api/client'

const PART = /^(body|query|path|header|form)\./

export interface Refusal {
  message: string
  fields: Record<string, string>
}

export function refusal(problem: unknown, fallback = '提交失败 / not recorded'): Refusal {
  const body = problem as Problem | undefined
  const fields: Record<string, string> = {}
  for (const error of body?.errors ?? []) {
    const where = Array.isArray(error.loc) ? error.loc.join('.') : (error.loc ?? error.field ?? '')
    const name = String(where).replace(PART, '')
    if (name && !(name in fields)) fields[name] = error.message ?? error.msg ?? ''
  }
  return { message: problemMessage(problem, fallback), fields }
}

/**
 * Forget a field's message once the reader changes that field: `fields` holds each field's value
 * (a ref, a getter, or a reactive form's own value) under the name its problems use (`name`,
 * `monthly_risk.main_risks`); a change forgets the messages at that name and inside it
 * (`items` also forgets `items.2.code`).
 */
export function forgetOnChange(errors: Ref<Record<string, string>>, fields: Record<string, unknown>): void {
  const now = () => Object.fromEntries(Object.entries(fields).map(([name, value]) => [name, copied(toValue(value))]))
  watch(now, (after, before) => {
    const changed = Object.keys(after).filter((name) => !same(after[name], before[name]))
    const kept = Object.entries(errors.value).filter(([key]) => !changed.some((name) => key === name || key.startsWith(`${name}.`)))
    if (kept.length < Object.keys(errors.value).length) errors.value = Object.fromEntries(kept)
  })
}

const plain = (value: unknown): value is Record<string, unknown> =>
  value !== null && typeof value === 'object' && Object.getPrototypeOf(value) === Object.prototype

/** A value as it is now: arrays and plain objects copied (a form changes them in place), anything else (a file) itself. */
export function copied(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(copied)
  if (plain(value)) return Object.fromEntries(Object.entries(value).map(([key, inner]) => [key, copied(inner)]))
  return toRaw(value)
}

function same(a: unknown, b: unknown): boolean {
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((item, index) => same(item, b[index]))
  if (plain(a) && plain(b)) {
    const keys = Object.keys(a)
    return keys.length === Object.keys(b).length && keys.every((key) => same(a[key], b[key]))
  }
  return Object.is(a, b)
}
