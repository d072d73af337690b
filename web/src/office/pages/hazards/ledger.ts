// The ledger's filters as they stand in its URL (/office/hazards?grid_id=…&state=…), so that every
// figure of the dashboard links to the list behind it, and the API's query made from them.
import type { LocationQueryRaw } from 'vue-router'
import { addDays, startOfDay } from '@/zone'

export interface LedgerFilters {
  grid_id?: string
  unit_id?: string
  grade?: string
  state?: string
  source?: string
  overdue?: 'true' | 'false'
  due_by?: string // a zone date: under a deadline ending on or before it
  from?: string // reported on or after this date
  to?: string // reported on or before this date
  sort?: 'newest' | 'oldest' | 'deadline'
}

export const FILTER_KEYS = ['grid_id', 'unit_id', 'grade', 'state', 'source', 'overdue', 'due_by', 'from', 'to', 'sort'] as const

/** The ledger's route showing `filters`. */
export function ledgerLink(filters: LedgerFilters): { name: string; query: LocationQueryRaw } {
  return { name: 'office-hazards', query: { ...filters } }
}

export function filtersOf(query: Record<string, unknown>): LedgerFilters {
  const filters: Record<string, string> = {}
  for (const key of FILTER_KEYS) if (typeof query[key] === 'string' && query[key]) filters[key] = query[key] as string
  return filters as LedgerFilters
}


/** The /hazards query for the filters. */
export function apiQuery(filters: LedgerFilters) {
  return {
    grid_id: filters.grid_id,
    unit_id: filters.unit_id,
    grade: filters.grade as 'general' | 'major' | undefined,
    state: filters.state as never,
    source: filters.source as never,
    overdue: filters.overdue === undefined ? undefined : filters.overdue === 'true',
    due_by: filters.due_by,
    reported_from: filters.from ? startOfDay(filters.from) : undefined,
    reported_to: filters.to ? startOfDay(addDays(filters.to, 1)) : undefined,
    sort: filters.sort,
  }
}

/** The first and last day of the month of a zone date (2026-11-30 → 2026-11-01, 2026-11-30). */
export function monthOf(day: string): { from: string; to: string } {
  const [year, month] = day.split('-').map(Number)
  const last = new Date(year, month, 0).getDate()
  const mm = String(month).padStart(2, '0')
  return { from: `${year}-${mm}-01`, to: `${year}-${mm}-${String(last).padStart(2, '0')}` }
}
