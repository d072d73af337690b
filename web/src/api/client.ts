// One typed client per service, all on the browser's one origin: /api/<service>/ is routed to each
// API (the gateway of `make run`, the reverse proxy in compose, Vite's proxy in development). The
// types are generated from each service's OpenAPI document (web/src/api/generated, checked by
// tests/test_web_api_types.py), so a call that no longer matches the API fails the build.
import createClient, { type Middleware } from 'openapi-fetch'
import type { paths as InspectionsPaths } from './generated/inspections'
import type { paths as NotificationsPaths } from './generated/notifications'
import type { paths as RegistryPaths } from './generated/registry'
import type { paths as ReportingPaths } from './generated/reporting'
import { freshAccessToken, sessionExpired } from '@/session'

export type { components as InspectionsSchemas } from './generated/inspections'
export type { components as NotificationsSchemas } from './generated/notifications'
export type { components as RegistrySchemas } from './generated/registry'
export type { components as ReportingSchemas } from './generated/reporting'

/** A problem details body (RFC 9457) as the services answer a 4xx. */
export interface Problem {
  title?: string
  detail?: string | { loc?: (string | number)[]; msg: string }[]
  status?: number
  field?: string
  errors?: { field?: string; loc?: (string | number)[]; msg?: string; message?: string }[]
}

const auth: Middleware = {
  async onRequest({ request }) {
    const token = await freshAccessToken()
    if (token) request.headers.set('Authorization', `Bearer ${token}`)
    return request
  },
  async onResponse({ response }) {
    if (response.status === 401) sessionExpired()
    return response
  },
}

function client<Paths extends {}>(service: string) {
  const made = createClient<Paths>({ baseUrl: `/api/${service}` })
  made.use(auth)
  return made
}

export const registry = client<RegistryPaths>('registry')
export const inspections = client<InspectionsPaths>('inspections')
export const notifications = client<NotificationsPaths>('notifications')
export const reporting = client<ReportingPaths>('reporting')

/** The message of a refused call, in the services' "中文 / English" words. */
export function problemMessage(error: unknown, fallback = '操作失败 / failed'): string {
  const problem = error as Problem | undefined
  if (!problem) return fallback
  if (typeof problem.detail === 'string') return problem.detail
  if (Array.isArray(problem.detail) && problem.detail[0]) return problem.detail[0].msg
  return problem.title ?? fallback
}

/** Every item of a paged list (`{items, next}`), page after page; the first refusal stops it. */
export async function everyPage<T>(
  fetchPage: (cursor: string | undefined) => Promise<{ data?: { items: T[]; next?: string | null }; error?: unknown }>,
): Promise<{ items: T[]; error?: unknown }> {
  const items: T[] = []
  let cursor: string | undefined
  do {
    const { data, error } = await fetchPage(cursor)
    if (!data) return { items, error }
    items.push(...data.items)
    cursor = data.next ?? undefined
  } while (cursor)
  return { items }
}
