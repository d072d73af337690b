// Days as the phone's calendar counts them (YYYY-MM-DD), for defaults and "还剩 N 天".
export function today(): string {
  return new Date().toLocaleDateString('sv-SE') // ISO order: 2026-11-30
}

export function thisMonth(): string {
  return today().slice(0, 7)
}

/** Whole days from today to `day` (negative: past). */
export function daysUntil(day: string): number {
  return Math.round((Date.parse(`${day}T00:00:00Z`) - Date.parse(`${today()}T00:00:00Z`)) / 86_400_000)
}
