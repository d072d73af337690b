// Whole lists for the registry pages' pickers and names (the zone's zones, grids, people): every
// page of a paged list, read once per screen.
import { ref } from 'vue'
import { registry, type RegistrySchemas } from '@/api/client'
import { everyPage } from '../../names'

type Schemas = RegistrySchemas['schemas']
export type Zone = Schemas['ZoneOut']
export type Grid = Schemas['GridOut']
export type Person = Schemas['PersonOut']
export type Unit = Schemas['EnterpriseOut']
export type Account = Schemas['AccountOut']

export const ROLES = [
  'zone_admin',
  'committee_leader',
  'safety_office',
  'leader',
  'grid_member',
  'enterprise_user',
  'enforcement_officer',
  'auditor',
]

export async function zones(): Promise<Zone[]> {
  return (await registry.GET('/zones')).data ?? []
}

export function grids(): Promise<Grid[]> {
  return everyPage(async (cursor) => (await registry.GET('/grids', { params: { query: { limit: 500, cursor } } })).data)
}

export function people(): Promise<Person[]> {
  return everyPage(async (cursor) => (await registry.GET('/people', { params: { query: { limit: 500, cursor } } })).data)
}

export function accounts(): Promise<Account[]> {
  return everyPage(async (cursor) => (await registry.GET('/accounts', { params: { query: { limit: 500, cursor } } })).data)
}

/** Names by id, for showing ids as names. */
export function namesOf(rows: { id: string; name: string; code?: string }[]): Map<string, string> {
  return new Map(rows.map((row) => [row.id, row.code ? `${row.code} ${row.name}` : row.name]))
}

/**
 * The units a picker offers as the reader types (a remote el-select): each search asks the service,
 * and only the answer to the latest one is shown, so a slower earlier answer (the picker's opening
 * search for everything, say) never replaces the options under the reader's click.
 */
export function useUnitSearch() {
  const units = ref<Unit[]>([])
  let asked = 0

  /** Show what `ask` answers, unless a later call has been made meanwhile. */
  async function offer(ask: () => Promise<Unit[]>): Promise<void> {
    const mine = ++asked
    const found = await ask()
    if (mine === asked) units.value = found
  }

  function findUnits(text: string): Promise<void> {
    return offer(async () => (await registry.GET('/enterprises', { params: { query: { q: text || undefined, limit: 50 } } })).data?.items ?? [])
  }

  return { units, findUnits, offer }
}
