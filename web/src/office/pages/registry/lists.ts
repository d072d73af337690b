// Whole lists for the registry pages' pickers and names (the zone's zones, grids, people): every
// page of a paged list, read once per screen.
import { registry, type RegistrySchemas } from '@/api/client'

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

interface Paged<T> {
  data?: { items: T[]; next?: string | null }
}

/** Every item of a paged list, following `next` (500 a page). */
export async function allPages<T>(read: (cursor: string | undefined) => Promise<Paged<T>>): Promise<T[]> {
  const items: T[] = []
  let cursor: string | undefined
  do {
    const { data } = await read(cursor)
    items.push(...(data?.items ?? []))
    cursor = data?.next ?? undefined
  } while (cursor)
  return items
}

export async function zones(): Promise<Zone[]> {
  return (await registry.GET('/zones')).data ?? []
}

export function grids(): Promise<Grid[]> {
  return allPages((cursor) => registry.GET('/grids', { params: { query: { limit: 500, cursor } } }))
}

export function people(): Promise<Person[]> {
  return allPages((cursor) => registry.GET('/people', { params: { query: { limit: 500, cursor } } }))
}

export function accounts(): Promise<Account[]> {
  return allPages((cursor) => registry.GET('/accounts', { params: { query: { limit: 500, cursor } } }))
}

/** Names by id, for showing ids as names. */
export function namesOf(rows: { id: string; name: string; code?: string }[]): Map<string, string> {
  return new Map(rows.map((row) => [row.id, row.code ? `${row.code} ${row.name}` : row.name]))
}
