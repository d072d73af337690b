import type { RouteRecordRaw } from 'vue-router'

const routes: RouteRecordRaw[] = [
  {
    path: 'map',
    name: 'office-map',
    component: () => import('./MapView.vue'),
    meta: { title: '分布图', group: '网格台账', order: 30, action: 'unit.read' },
  },
]

export default routes
