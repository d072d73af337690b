// Days as the zone's calendar counts them (YYYY-MM-DD), for defaults and "还剩 N 天".
import { today } from '@/zone'

export { today }

export function thisMonth(): string {
  return today().slice(0, 7)
}

/** Whole days from today to `day` (negative: past). */
export function daysUntil(day: string): number {
  return Math.round((Date.parse(`${day}T00:00:00Z`) - Date.parse(`${today()}T00:00:00Z`)) / 86_400_000)
}
