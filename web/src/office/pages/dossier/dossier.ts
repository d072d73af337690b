// The dossier's JSON (registry GET /enterprises/{id}/dossier) and how its values read.
import type { RegistrySchemas } from '@/api/client'
import { when as zoneWhen } from '@/zone'

type Schemas = RegistrySchemas['schemas']
export type Dossier = Schemas['Dossier']
export type OrgUnit = Schemas['OrgUnitOut']

/** A moment as the zone's date and time, a day as it is, '—' for none. */
export const when = (moment: string | null | undefined): string => zoneWhen(moment, '—')

/** The organisation (公司 → 车间 → 班组) as rows, each with its depth. */
export function orgRows(units: OrgUnit[], depth = 0): { depth: number; unit: OrgUnit }[] {
  return units.flatMap((unit) => [{ depth, unit }, ...orgRows(unit.children ?? [], depth + 1)])
}
