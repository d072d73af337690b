// My inbox's unread count, shown on the tab bar and refreshed by the screens that read the inbox.
import { ref } from 'vue'
import { notifications } from '@/api/client'

export const unread = ref(0)

export async function refreshUnread(): Promise<void> {
  const { data } = await notifications.GET('/inbox', { params: { query: { unread_only: true, limit: 1 } } })
  if (data) unread.value = data.unread
}
