// My inbox: its unread count, shown on the tab bar and the console's header and refreshed by the
// screens that read the inbox, and the messages themselves, page by page.
import { ref } from 'vue'
import { notifications, type NotificationsSchemas } from '@/api/client'

type Message = NotificationsSchemas['schemas']['MessageOut']

export const unread = ref(0)

/** My messages, newest first, `pageSize` at a time; reading one marks it read. */
export function useInbox(pageSize: number) {
  const messages = ref<Message[]>([])
  const next = ref<string | null>(null)
  const loading = ref(false)

  async function more(): Promise<void> {
    loading.value = true
    const { data } = await notifications.GET('/inbox', { params: { query: { limit: pageSize, cursor: next.value ?? undefined } } })
    loading.value = false
    if (!data) return
    messages.value.push(...data.items)
    next.value = data.next ?? null
    unread.value = data.unread
  }

  async function read(message: Message): Promise<void> {
    if (message.read_at) return
    const { data } = await notifications.POST('/inbox/{message_id}/read', { params: { path: { message_id: message.id } } })
    if (!data) return
    message.read_at = data.read_at
    unread.value = Math.max(0, unread.value - 1)
  }

  return { messages, next, loading, more, read }
}

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
