// Times and days as the zone counts them: a screen shows the zone's local date and time (the
// registry's /auth/me names its time zone), whatever time zone the phone or the desk is set to.
import { session } from '@/session'

// undefined (the device's own) only for a session logged in before the zone's was told
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
