// 配置管理: the zone's settings. Those who keep them (zone admins) or audit them (auditors) see
// these pages (settings.read); only catalogue.edit, webhook.manage and dead_letter.manage change them.
import type { RouteRecordRaw } from 'vue-router'

const group = '配置管理'
const action = 'settings.read'

const pages: RouteRecordRaw[] = [
  { path: 'config', redirect: '/office/config/checklists', meta: { action } },
  {
    path: 'config/checklists',
    component: () => import('./ChecklistsPage.vue'),
    meta: { title: '检查表', group, order: 600, action },
  },
  {
    path: 'config/cadences',
    component: () => import('./CadencesPage.vue'),
    meta: { title: '检查频次', group, order: 610, action },
  },
  {
    path: 'config/calendar',
    component: () => import('./CalendarPage.vue'),
    meta: { title: '工作日历', group, order: 620, action },
  },
  {
    path: 'config/zone-rules',
    component: () => import('./ZoneRulesPage.vue'),
    meta: { title: '地方规定与考核计分', group, order: 630, action },
  },
  {
    path: 'config/webhooks',
    component: () => import('./WebhooksPage.vue'),
    meta: { title: '外部推送', group, order: 640, action },
  },
  {
    path: 'config/dead-letters',
    component: () => import('./DeadLettersPage.vue'),
    meta: { title: '死信', group, order: 650, action },
  },
]

export default pages
