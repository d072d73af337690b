import type { RouteRecordRaw } from 'vue-router'

const routes: RouteRecordRaw[] = [
  {
    path: 'dashboard',
    name: 'office-dashboard',
    component: () => import('./DashboardPage.vue'),
    meta: { title: '驾驶舱', group: '总览', order: 10, action: 'statistics.read' },
  },
]

export default routes
