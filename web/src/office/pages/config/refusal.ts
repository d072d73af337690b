// What a form shows of a refused call: the message at each field its problem names, and the
// whole message above the buttons.
import { ref } from 'vue'
import { fieldErrors, problemMessage } from '@/api/client'

export function useRefusal(fallback: string) {
  const errors = ref<Record<string, string>>({})
  const refused = ref('')

  /** Takes the call's outcome in; whether it succeeded. */
  function take(error: unknown): boolean {
    errors.value = fieldErrors(error)
    refused.value = error ? problemMessage(error, fallback) : ''
    return !error
  }

  return { errors, refused, take }
}
