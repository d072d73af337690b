// My inbox's unread count, shown on the tab bar and refreshed by the screens that read the inbox.
import { ref } from 'vue'
import { notifications } from '@/api/client'

export const unread = ref(0)

export async function refreshUnread(): Promise<void> {
  const { data } = await notifications.GET('/inbox', { params: { query: { unread_only: true, limit: 1 } } })
  if (data) unread.value = data.unread
}

const POLL_MS = 30_000

/** Keeps `unread` current while a screen shows it: every 30 s and when the window regains focus.
 *  Returns the function that stops it. */
export function followUnread(): () => void {
  const refresh = () => void refreshUnread().catch(() => undefined)
  refresh()
  const timer = window.setInterval(refresh, POLL_MS)
  window.addEventListener('focus', refresh)
  return () => {
    window.clearInterval(timer)
    window.removeEventListener('focus', refresh)
  }
}
