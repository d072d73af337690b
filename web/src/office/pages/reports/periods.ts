// The reporting periods the pages start from: last month, the last quarter and year, by the zone's
// calendar.
import { today } from '@/zone'

function yearAndMonth(): [number, number] {
  const [year, month] = today().split('-').map(Number)
  return [year, month] // month 1–12
}

export function lastMonth(): string {
  const [year, month] = yearAndMonth()
  return month === 1 ? `${year - 1}-12` : `${year}-${String(month - 1).padStart(2, '0')}`
}

export function lastQuarter(): string {
  const [year, month] = yearAndMonth()
  const quarter = Math.floor((month - 1) / 3) // this quarter, 0-based: the last one is its number
  return quarter === 0 ? `${year - 1}-Q4` : `${year}-Q${quarter}`
}

export function lastYear(): string {
  return String(yearAndMonth()[0] - 1)
}
