// One hazard as its pages show it (the phone's 隐患详情 and the console's): the record, its history,
// its evidence, and the steps the state machine and the policy let this person take now, with the
// first of them chosen until the person picks another.
import { computed, ref, watch } from 'vue'
import { loadActions } from '@/actions'
import { inspections, problemMessage, type InspectionsSchemas } from '@/api/client'
import type { Evidence } from '@/evidence'
import { stepsFor, type TransitionRules } from '@/office/pages/hazards/steps'

type Hazard = InspectionsSchemas['schemas']['HazardOut']
type Step = InspectionsSchemas['schemas']['TransitionOut']

export function useHazard(id: () => string, notFound: string) {
  const hazard = ref<Hazard | null>(null)
  const history = ref<Step[]>([])
  const evidence = ref<Evidence[]>([])
  const rules = ref<Record<string, TransitionRules>>({})
  const failed = ref('')
  const chosen = ref('')
  const steps = computed(() => (hazard.value ? stepsFor(hazard.value, rules.value) : []))

  let latest = 0 // the newest load: an older one answering after it (another hazard) is dropped

  async function load(): Promise<void> {
    const asked = ++latest
    const path = { hazard_id: id() }
    const [found, past, files, catalogue] = await Promise.all([
      inspections.GET('/hazards/{hazard_id}', { params: { path } }),
      inspections.GET('/hazards/{hazard_id}/history', { params: { path, query: { limit: 500 } } }),
      inspections.GET('/hazards/{hazard_id}/evidence', { params: { path, query: { limit: 500 } } }),
      inspections.GET('/hazards/actions'),
      loadActions(), // the steps follow the policy's actions
    ])
    if (asked !== latest) return
    failed.value = found.error ? problemMessage(found.error, notFound) : ''
    hazard.value = found.data ?? null
    history.value = past.data?.items ?? []
    evidence.value = files.data?.items ?? []
    rules.value = (catalogue.data ?? {}) as unknown as Record<string, TransitionRules>
  }

  watch(steps, (now) => {
    if (!now.includes(chosen.value)) chosen.value = now[0] ?? ''
  })
  watch(id, load, { immediate: true })
  return { hazard, history, evidence, failed, steps, chosen, load }
}
