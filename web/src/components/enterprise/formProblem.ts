// A form the services refused: each message at the field its problem details name (`errors[].loc`,
// e.g. `body.attendee_ids.0`, shown at `attendee_ids`), and the whole refusal for the form.
import { ref } from 'vue'
import { problemMessage, type Problem } from '@/api/client'
import { forgetOnChange } from '@/problems'

function where(loc: string | (string | number)[] | undefined): string {
  const dotted = Array.isArray(loc) ? loc.join('.') : (loc ?? '')
  return dotted.replace(/^(body|query|path|file)\./, '')
}

/** `fields` (the form's values by the names its problems use) forgets a field's message when it changes. */
export function useFormProblem(fields: Record<string, unknown> = {}) {
  const errors = ref<Record<string, string>>({})
  const refused = ref('')
  forgetOnChange(errors, fields)

  function clear(): void {
    errors.value = {}
    refused.value = ''
  }

  /** Take a refusal: its field messages and its detail. */
  function take(error: unknown, fallback: string): void {
    const problem = error as Problem | undefined
    const found: Record<string, string> = {}
    for (const entry of problem?.errors ?? []) {
      found[where(entry.loc ?? entry.field)] = entry.message ?? entry.msg ?? ''
    }
    errors.value = found
    refused.value = problemMessage(problem, fallback)
  }

  /** Messages checked on the phone before sending, by field. */
  function local(messages: Record<string, string>): boolean {
    errors.value = messages
    refused.value = Object.keys(messages).length ? '请补全标红的项目 / some fields need attention' : ''
    return Object.keys(messages).length > 0
  }

  /** The message for a field or anything inside it (`attendee_ids` also shows `attendee_ids.2`). */
  function at(field: string): string {
    const hit = Object.keys(errors.value).find((key) => key === field || key.startsWith(`${field}.`))
    return hit === undefined ? '' : errors.value[hit]
  }

  return { errors, refused, clear, take, local, at }
}
