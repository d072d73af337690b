// A refused call's problem body (shared/errors.py) mapped onto a form: each entry of `errors` names
// its field by a location (`body.answers.0.finding.location`, `query.limit`, `signer`), which a form
// shows under the field of that name (`answers.0.finding.location`).
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
