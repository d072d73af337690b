import { createRouter, createWebHistory } from 'vue-router'
import { loadActions, may } from '@/actions'
import { landsInOffice } from '@/office/roles'
import { officeRoute, refusedInOffice } from '@/office/routes'
import { learnTimeZone, session } from '@/session'
import enterpriseRoutes, { worksForAnEnterprise } from '@/views/enterprise/routes'

export const router = createRouter({
  history: createWebHistory(),
  routes: [
    { path: '/login', name: 'login', component: () => import('@/views/LoginView.vue'), meta: { public: true } },
    // The offices land in the console; grid staff and enterprises in the phone app.
    { path: '/', name: 'home', component: () => import('@/views/HomeView.vue'), beforeEnter: () => (landsInOffice() ? '/office' : true) },
    { path: '/inbox', name: 'inbox', component: () => import('@/views/InboxView.vue') },
    // The unit's QR code (一企一码) opens this URL.
    { path: '/units/:id', name: 'unit', component: () => import('@/views/UnitView.vue'), props: true },
    { path: '/units/:id/inspect', name: 'inspect', component: () => import('@/views/InspectView.vue'), props: true },
    { path: '/hazards/:id', name: 'hazard', component: () => import('@/views/HazardView.vue'), props: true },
    { path: '/me', name: 'me', component: () => import('@/views/MeView.vue') },
    ...enterpriseRoutes,
    { path: '/outbox', name: 'outbox', component: () => import('@/views/OutboxView.vue') },
    { path: '/inspections/mine', name: 'my-inspections', component: () => import('@/views/MyInspectionsView.vue') },
    { path: '/inspections/:id', name: 'inspection', component: () => import('@/views/InspectionView.vue'), props: true },
    officeRoute,
    { path: '/:rest(.*)*', redirect: '/' },
  ],
})

router.beforeEach(async (to) => {
  if (!to.meta.public && !session.tokens) return { name: 'login', query: { next: to.fullPath } }
  await learnTimeZone()
  if (refusedInOffice(to)) return { name: 'office-forbidden' }
  if (to.name === 'home') {
    await loadActions().catch(() => undefined) // offline: the token's enterprise still tells
    if (worksForAnEnterprise()) return { name: 'enterprise-home' } // an enterprise's user starts at its home
  }
  // A page the policy does not grant is not shown, whether reached by the menu or a typed URL.
  const needs = to.matched.map((record) => record.meta.action).filter((action) => action !== undefined)
  if (needs.length) {
    await loadActions()
    if (!needs.every((action) => may(action))) return { name: 'office-forbidden' }
  }
})
