// Whole lists for the registry pages' pickers and names (the zone's zones, grids, people): every
// page of a paged list, read once per screen.
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
