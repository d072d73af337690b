// 报表: filing status, the reporting service's Excel and PDF files, the monthly assessment and
// the roll-out campaign, for whoever reads the zone's statistics (statistics.read; the
// assessment: assessment.read).
import type { RouteRecordRaw } from 'vue-router'

const group = '报表'

const pages: RouteRecordRaw[] = [
  { path: 'reports', redirect: '/office/reports/filings', meta: { action: 'statistics.read' } },
  {
    path: 'reports/filings',
    component: () => import('./FilingsPage.vue'),
    meta: { title: '报送情况', group, order: 500, action: 'statistics.read' },
  },
  {
    path: 'reports/downloads',
    component: () => import('./DownloadsPage.vue'),
    meta: { title: '报表下载', group, order: 510, action: 'statistics.read' },
  },
  {
    path: 'reports/assessment',
    component: () => import('./AssessmentPage.vue'),
    meta: { title: '月度考核', group, order: 520, action: 'assessment.read' },
  },
  {
    path: 'reports/campaign',
    component: () => import('./CampaignPage.vue'),
    meta: { title: '实施步骤', group, order: 530, action: 'statistics.read' },
  },
]

export default pages
