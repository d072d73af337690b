import type { RouteRecordRaw } from 'vue-router'

const routes: RouteRecordRaw[] = [
  {
    path: 'inbox',
    name: 'office-inbox',
    component: () => import('./InboxPage.vue'),
    meta: { title: '我的消息', group: '总览', order: 11, action: 'inbox.own' },
  },
]

export default routes
