// The names of grids and units the console shows next to their ids, read once per session from
// the registry (as far as the person may see them).
import { ref } from 'vue'
import { registry, type RegistrySchemas } from '@/api/client'

type Grid = RegistrySchemas['schemas']['GridOut']
type Unit = RegistrySchemas['schemas']['EnterpriseOut']

export const grids = ref<Grid[]>([])
export const units = ref<Unit[]>([])
let loading: Promise<void> | null = null

/** Every item of a paged list, following `next`. */
export async function everyPage<T>(get: (cursor?: string) => Promise<{ items: T[]; next?: string | null } | undefined>): Promise<T[]> {
  const all: T[] = []
  let cursor: string | undefined
  do {
    const page = await get(cursor)
    if (!page) break
    all.push(...page.items)
    cursor = page.next ?? undefined
  } while (cursor)
  return all
}

export function loadNames(): Promise<void> {
  loading ??= (async () => {
    const [gridList, unitList] = await Promise.all([
      everyPage(async (cursor) => (await registry.GET('/grids', { params: { query: { limit: 500, cursor } } })).data),
      everyPage(async (cursor) => (await registry.GET('/enterprises', { params: { query: { limit: 500, cursor } } })).data),
    ])
    grids.value = gridList
    units.value = unitList
  })().catch((error) => {
    loading = null
    throw error
  })
  return loading
}

export function gridName(id: string | null | undefined): string {
  if (!id) return '未划网格'
  return grids.value.find((grid) => grid.id === id)?.name ?? id.slice(0, 8)
}

export function unitName(id: string | null | undefined): string {
  if (!id) return ''
  return units.value.find((unit) => unit.id === id)?.name ?? id.slice(0, 8)
}

export function unitOf(id: string): Unit | undefined {
  return units.value.find((unit) => unit.id === id)
}
