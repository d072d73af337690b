// A hazard list read page by page with the API's cursors: `next` from the answer, the cursors of
// the pages before kept to go back.
import { ref } from 'vue'
import { inspections, problemMessage, type InspectionsSchemas } from '@/api/client'
import { apiQuery, type LedgerFilters } from './ledger'

type Hazard = InspectionsSchemas['schemas']['HazardOut']

export function usePagedHazards() {
  const hazards = ref<Hazard[]>([])
  const loading = ref(false)
  const failed = ref('')
  const pageNumber = ref(1)
  const hasNext = ref(false)
  let filters: LedgerFilters = {}
  let limit = 20
  let cursors: (string | undefined)[] = [undefined] // the cursor of each page read so far
  let next: string | null = null

  async function read(): Promise<void> {
    loading.value = true
    const { data, error } = await inspections.GET('/hazards', {
      params: { query: { ...apiQuery(filters), limit, cursor: cursors[pageNumber.value - 1] } },
    })
    loading.value = false
    failed.value = error ? problemMessage(error, '读取失败 / could not read') : ''
    hazards.value = data?.items ?? []
    next = data?.next ?? null
    hasNext.value = !!next
  }

  /** The first page for these filters and page size. */
  function show(chosen: LedgerFilters, size = limit): Promise<void> {
    filters = chosen
    limit = size
    cursors = [undefined]
    pageNumber.value = 1
    return read()
  }

  function forward(): Promise<void> {
    if (!next) return Promise.resolve()
    cursors[pageNumber.value] = next
    pageNumber.value += 1
    return read()
  }

  function back(): Promise<void> {
    if (pageNumber.value === 1) return Promise.resolve()
    pageNumber.value -= 1
    return read()
  }

  return { hazards, loading, failed, pageNumber, hasNext, show, forward, back, reload: read }
}
