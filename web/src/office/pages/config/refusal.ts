// What a console form shows of a refused call (`refusal` of '@/problems'): the message at each
// field its problem names, and the whole message above the buttons.
import { ref } from 'vue'
import { forgetOnChange, refusal } from '@/problems'

/** `fields` (the form, by field name) forgets a field's message when the reader changes it. */
export function useRefusal(fallback: string, fields: Record<string, unknown> = {}) {
  const errors = ref<Record<string, string>>({})
  const refused = ref('')
  forgetOnChange(errors, fields)

  /** Takes the call's outcome in; whether it succeeded. */
  function take(error: unknown): boolean {
    const found = error ? refusal(error, fallback) : { fields: {}, message: '' }
    errors.value = found.fields
    refused.value = found.message
    return !error
  }

  return { errors, refused, take }
}
