// How the console pages show a moment: in Chinese, on the desk's clock (the office is in the zone).
export function when(stamp: string | null | undefined): string {
  return stamp ? new Date(stamp).toLocaleString('zh-CN') : ''
}
