// The reporting periods the pages start from: last month, the last quarter and year, by the desk's
// clock (the office is in the zone).

export function lastMonth(): string {
  const today = new Date()
  const first = new Date(today.getFullYear(), today.getMonth() - 1, 1)
  return `${first.getFullYear()}-${String(first.getMonth() + 1).padStart(2, '0')}`
}

export function lastQuarter(): string {
  const today = new Date()
  const quarter = Math.floor(today.getMonth() / 3) // this quarter, 0-based: the last one is its number
  return quarter === 0 ? `${today.getFullYear() - 1}-Q4` : `${today.getFullYear()}-Q${quarter}`
}

export function lastYear(): string {
  return String(new Date().getFullYear() - 1)
}
