// The dossier's JSON (registry GET /enterprises/{id}/dossier) and how its values read.
import type { RegistrySchemas } from '@/api/client'

type Schemas = RegistrySchemas['schemas']
export type Dossier = Schemas['Dossier']
export type OrgUnit = Schemas['OrgUnitOut']

/** A moment as the reader's date and time; a day as it is. */
export function when(moment: string | null | undefined): string {
  if (!moment) return '—'
  return moment.length <= 10 ? moment : new Date(moment).toLocaleString('zh-CN', { hour12: false })
}

/** The organisation (公司 → 车间 → 班组) as rows, each with its depth. */
export function orgRows(units: OrgUnit[], depth = 0): { depth: number; unit: OrgUnit }[] {
  return units.flatMap((unit) => [{ depth, unit }, ...orgRows(unit.children ?? [], depth + 1)])
}
