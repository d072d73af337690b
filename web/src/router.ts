import { createRouter, createWebHistory } from 'vue-router'
import { session } from '@/session'

export const router = createRouter({
  history: createWebHistory(),
  routes: [
    { path: '/login', name: 'login', component: () => import('@/views/LoginView.vue'), meta: { public: true } },
    { path: '/', name: 'home', component: () => import('@/views/HomeView.vue') },
    { path: '/inbox', name: 'inbox', component: () => import('@/views/InboxView.vue') },
    // The unit's QR code (一企一码) opens this URL.
    { path: '/units/:id', name: 'unit', component: () => import('@/views/UnitView.vue'), props: true },
    { path: '/units/:id/inspect', name: 'inspect', component: () => import('@/views/InspectView.vue'), props: true },
    { path: '/me', name: 'me', component: () => import('@/views/MeView.vue') },
    { path: '/:rest(.*)*', redirect: '/' },
  ],
})

router.beforeEach((to) => {
  if (!to.meta.public && !session.tokens) return { name: 'login', query: { next: to.fullPath } }
})
