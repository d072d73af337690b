// The office console (管理端) lives under /office. Each area of it declares its pages in
// pages/<area>/routes.ts; the side menu is made from those pages' meta (title, group, order) and
// shows only the pages whose `action` the access policy grants the person logged in.
import type { RouteLocationNormalized, RouteRecordRaw } from 'vue-router'
import { keptOutOfOffice } from './roles'

const areas = import.meta.glob<{ default: RouteRecordRaw[] }>('./pages/*/routes.ts', { eager: true })

export const officePages: RouteRecordRaw[] = Object.values(areas)
  .flatMap((area) => area.default)
  .sort((a, b) => (a.meta?.order ?? 0) - (b.meta?.order ?? 0))

export const officeRoute: RouteRecordRaw = {
  path: '/office',
  component: () => import('./OfficeLayout.vue'),
  meta: { layout: 'office' },
  children: [
    { path: '', redirect: '/office/dashboard' },
    ...officePages,
    { path: 'forbidden', name: 'office-forbidden', component: () => import('./ForbiddenView.vue'), meta: { layout: 'office', title: '无权访问' } },
  ],
}

/** Whether `to` is a console page the person may not open whatever its action (enterprise users). */
export function refusedInOffice(to: RouteLocationNormalized): boolean {
  return to.meta.layout === 'office' && to.name !== 'office-forbidden' && keptOutOfOffice()
}
