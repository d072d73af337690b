// The enterprise safety manager's screens (企业端), and who lands on them: an enterprise's user.
import type { RouteRecordRaw } from 'vue-router'
import { actions } from '@/actions'
import { session } from '@/session'

/** Whether the person works for an enterprise: their token names it, or the policy scopes them to one. */
export function worksForAnEnterprise(): boolean {
  return !!session.me?.enterprise_id || actions.value?.['unit.edit'] === 'enterprise'
}

const routes: RouteRecordRaw[] = [
  { path: '/enterprise', name: 'enterprise-home', component: () => import('./EnterpriseHomeView.vue') },
  {
    path: '/enterprise/hazards/:id',
    name: 'enterprise-hazard',
    component: () => import('./EnterpriseHazardView.vue'),
    props: true,
  },
  { path: '/enterprise/report', name: 'enterprise-report', component: () => import('./SelfReportView.vue') },
  { path: '/enterprise/training', name: 'enterprise-training', component: () => import('./TrainingView.vue') },
  { path: '/enterprise/exam', name: 'enterprise-exam', component: () => import('./ExamView.vue') },
  { path: '/enterprise/filing', name: 'enterprise-filing', component: () => import('./FilingView.vue') },
  {
    path: '/enterprise/certificates',
    name: 'enterprise-certificates',
    component: () => import('./CertificatesView.vue'),
  },
]

export default routes
