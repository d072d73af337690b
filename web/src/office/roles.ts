// Who works at a desk (管理端): the zone's offices and auditors land in the console after login;
// grid staff keep the phone app (and may open the console); enterprise users may not open it.
import { hasRole } from '@/session'

export const OFFICE_ROLES = ['zone_admin', 'committee_leader', 'safety_office', 'enforcement_officer', 'auditor']

export function landsInOffice(): boolean {
  return hasRole(...OFFICE_ROLES)
}

/** An enterprise's account sees its own enterprise on the phone, never the console. */
export function keptOutOfOffice(): boolean {
  return hasRole('enterprise_user') && !hasRole(...OFFICE_ROLES, 'leader', 'grid_member')
}
