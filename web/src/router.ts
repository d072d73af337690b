import { createRouter, createWebHistory } from 'vue-router'
import { loadActions, may } from '@/actions'
import { landsInOffice } from '@/office/roles'
import { officeRoute, refusedInOffice } from '@/office/routes'
import { session } from '@/session'

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
    { path: '/me', name: 'me', component: () => import('@/views/MeView.vue') },
    officeRoute,
    { path: '/:rest(.*)*', redirect: '/' },
  ],
})

router.beforeEach(async (to) => {
  if (!to.meta.public && !session.tokens) return { name: 'login', query: { next: to.fullPath } }
  if (refusedInOffice(to)) return { name: 'office-forbidden' }
  // A page the policy does not grant is not shown, whether reached by the menu or a typed URL.
  const needs = to.matched.map((record) => record.meta.action).filter((action) => action !== undefined)
  if (needs.length) {
    await loadActions()
    if (!needs.every((action) => may(action))) return { name: 'office-forbidden' }
  }
})
