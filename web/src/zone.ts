// Times and days as the zone counts them: a screen shows the zone's local date and time (the
// registry's /auth/me names its time zone), whatever time zone the phone or the desk is set to,
// and its defaults and day filters are the zone's days.
import { session } from '@/session'

// undefined (the device's own) only until /auth/me has said it
const timeZone = (): string | undefined => session.me?.time_zone

/** A moment as the zone's date and time (2026/11/30 08:05:09); a day (YYYY-MM-DD) as it is. */
export function when(moment: string | null | undefined, none = ''): string {
  if (!moment) return none
  return moment.length <= 10 ? moment : new Date(moment).toLocaleString('zh-CN', { hour12: false, timeZone: timeZone() })
}

/** The zone's day of a moment (2026/11/30). */
export function dayOf(moment: string): string {
  return new Date(moment).toLocaleDateString('zh-CN', { timeZone: timeZone() })
}

/** Today in the zone, as the services write days (2026-11-30). */
export function today(): string {
  return new Date().toLocaleDateString('sv-SE', { timeZone: timeZone() })
}

export function thisMonth(): string {
  return today().slice(0, 7)
}

const DAY_MS = 86_400_000

/** Whole days from the zone's today to `day` (negative: past). */
export function daysUntil(day: string): number {
  return Math.round((Date.parse(`${day}T00:00:00Z`) - Date.parse(`${today()}T00:00:00Z`)) / DAY_MS)
}

/** The day `days` after `day` (YYYY-MM-DD; negative: before). */
export function addDays(day: string, days: number): string {
  return new Date(Date.parse(`${day}T00:00:00Z`) + days * DAY_MS).toISOString().slice(0, 10)
}

/** The instant the zone's `day` begins (for the services' from/to instants). */
export function startOfDay(day: string): string {
  const midnightUtc = Date.parse(`${day}T00:00:00Z`)
  let start = midnightUtc - offsetMs(midnightUtc)
  start = midnightUtc - offsetMs(start) // once more, should the offset change that night
  return new Date(start).toISOString()
}

// how far the zone's wall clock is ahead of UTC at `instant`
function offsetMs(instant: number): number {
  const parts = new Intl.DateTimeFormat('en-US', {
    timeZone: timeZone(),
    hourCycle: 'h23',
    year: 'numeric',
    month: 'numeric',
    day: 'numeric',
    hour: 'numeric',
    minute: 'numeric',
    second: 'numeric',
  }).formatToParts(new Date(instant))
  const part = (type: string) => Number(parts.find((found) => found.type === type)?.value)
  const wall = Date.UTC(part('year'), part('month') - 1, part('day'), part('hour'), part('minute'), part('second'))
  return wall - Math.floor(instant / 1000) * 1000
}
