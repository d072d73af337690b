// The label catalogue (registry `GET /labels`): the Chinese name of every code users see. Loaded
// once at start and kept for the next start, so codes read as words even before it answers.
import { ref } from 'vue'

type Catalogue = Record<string, Record<string, { zh: string; en: string }>>
const STORE = 'gridsafe.labels'

const catalogue = ref<Catalogue>(JSON.parse(localStorage.getItem(STORE) ?? '{}'))

let loading: Promise<void> | null = null

/** The catalogue from the registry, fetched once per start (every caller awaits the same fetch). */
export function loadLabels(): Promise<void> {
  loading ??= fetchLabels()
  return loading
}

async function fetchLabels(): Promise<void> {
  try {
    const answer = await fetch('/api/registry/labels')
    if (!answer.ok) return
    catalogue.value = await answer.json()
    localStorage.setItem(STORE, JSON.stringify(catalogue.value))
  } catch {
    // offline: the kept catalogue serves
  }
}

/** The Chinese label of `code` of `kind`, or the code itself where the catalogue has none. */
export function label(kind: string, code: string | null | undefined): string {
  if (!code) return ''
  return catalogue.value[kind]?.[code]?.zh ?? code
}

/** Every code of `kind` the catalogue names, in its order. */
export function codes(kind: string): string[] {
  return Object.keys(catalogue.value[kind] ?? {})
}
