import type { RouteRecordRaw } from 'vue-router'

const routes: RouteRecordRaw[] = [
  {
    path: 'hazards',
    name: 'office-hazards',
    component: () => import('./LedgerPage.vue'),
    meta: { title: '隐患台帐', group: '隐患治理', order: 20, action: 'hazard.read' },
  },
  {
    path: 'hazards/queues',
    name: 'office-hazard-queues',
    component: () => import('./QueuesPage.vue'),
    meta: { title: '待办队列', group: '隐患治理', order: 21, action: 'hazard.read' },
  },
  {
    path: 'hazards/:id',
    name: 'office-hazard',
    component: () => import('./HazardPage.vue'),
    props: true,
    meta: { title: '隐患详情', action: 'hazard.read' },
  },
]

export default routes
