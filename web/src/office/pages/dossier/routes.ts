import type { RouteRecordRaw } from 'vue-router'

const routes: RouteRecordRaw[] = [
  {
    path: 'units/:id/dossier',
    name: 'office-dossier',
    component: () => import('./DossierView.vue'),
    props: true,
    meta: { title: '一企一档', action: 'unit.read' },
  },
]

export default routes
