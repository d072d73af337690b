// A refused call (a 4xx problem details body) shown on a console form: each problem next to the
// field it names (Element Plus form items' `error`), the whole answer's message above the form.
import { ref } from 'vue'
import { problemMessage, type Problem } from '@/api/client'
import { forgetOnChange } from '@/problems'

const PLACES = ['body', 'query', 'path']

/** The field a problem's location names: `body.valid_from` → `valid_from`, `code` → `code`. */
function fieldOf(loc: string | (string | number)[] | undefined): string {
  const parts = typeof loc === 'string' ? loc.split('.') : (loc ?? []).map(String)
  return (PLACES.includes(parts[0]) ? parts[1] : parts[0]) ?? ''
}

/** A form's problems; `fields` (the form, by field name) forgets a field's problem when it changes. */
export function useProblems(fields: Record<string, unknown> = {}) {
  const errors = ref<Record<string, string>>({})
  const message = ref('')
  forgetOnChange(errors, fields)

  function clear(): void {
    errors.value = {}
    message.value = ''
  }

  /** Show `error`'s problems; true when there was one. */
  function show(error: unknown): boolean {
    if (!error) return false
    const found: Record<string, string> = {}
    for (const entry of (error as Problem).errors ?? []) {
      const field = fieldOf(entry.loc as string | (string | number)[] | undefined)
      // pydantic's own prefix says nothing to the reader
      if (field && !found[field]) found[field] = (entry.message ?? entry.msg ?? '').replace(/^Value error, /, '')
    }
    errors.value = found
    message.value = problemMessage(error)
    return true
  }

  return { errors, message, clear, show }
}
