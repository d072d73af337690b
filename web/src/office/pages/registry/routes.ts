// 网格台账 upkeep: grids (with their boundaries), units, people and logins, the responsibility
// ledger, and ledger imports. Lists are for whoever reads them; the edit pages need the zone
// admin's actions.
import type { RouteRecordRaw } from 'vue-router'

const GROUP = '网格台账'

const routes: RouteRecordRaw[] = [
  {
    path: 'registry/grids',
    name: 'office-grids',
    component: () => import('./GridsView.vue'),
    meta: { title: '网格', group: GROUP, order: 31, action: 'grid.read' },
  },
  {
    path: 'registry/grids/new',
    name: 'office-grid-new',
    component: () => import('./GridEditView.vue'),
    meta: { title: '新建网格', action: 'zone.administer' },
  },
  {
    path: 'registry/grids/:id',
    name: 'office-grid',
    component: () => import('./GridEditView.vue'),
    props: true,
    meta: { title: '编辑网格', action: 'zone.administer' },
  },
  {
    path: 'registry/units',
    name: 'office-units',
    component: () => import('./UnitsView.vue'),
    meta: { title: '企业与工地', group: GROUP, order: 32, action: 'unit.read' },
  },
  {
    path: 'registry/people',
    name: 'office-people',
    component: () => import('./PeopleView.vue'),
    meta: { title: '人员与账号', group: GROUP, order: 33, action: 'person.read' },
  },
  {
    path: 'registry/assignments',
    name: 'office-assignments',
    component: () => import('./AssignmentsView.vue'),
    meta: { title: '责任台帐', group: GROUP, order: 34, action: 'responsibility.read' },
  },
  {
    path: 'registry/import',
    name: 'office-import',
    component: () => import('./ImportView.vue'),
    meta: { title: '台账导入', group: GROUP, order: 35, action: 'ledger.transfer' },
  },
]

export default routes
