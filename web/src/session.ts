// Who is logged in: the registry's access token (short-lived) and refresh token, kept in
// localStorage so a session survives a reload; the access token is renewed with the refresh token
// shortly before it expires. A refused refresh (expired, revoked, reused) ends the session.
import { reactive } from 'vue'
import { router } from '@/router'

const STORE = 'gridsafe.session'
const RENEW_BEFORE_MS = 30_000

export interface Me {
  user_id: string
  name: string
  roles: string[]
  person_id: string | null
  enterprise_id: string | null
  grid_ids: string[]
  time_zone?: string // the zone's (see zone.ts)
}

interface Tokens {
  access: string
  accessExpiresAt: number // ms since the epoch
  refresh: string
}

interface TokenOut {
  access_token: string
  expires_in: number
  refresh_token: string
}

export const session = reactive<{ tokens: Tokens | null; me: Me | null }>(load())

function load(): { tokens: Tokens | null; me: Me | null } {
  try {
    const stored = JSON.parse(localStorage.getItem(STORE) ?? 'null')
    if (stored?.tokens?.refresh) return stored
  } catch {
    // an unreadable store is no session
  }
  return { tokens: null, me: null }
}

function save(): void {
  if (session.tokens) localStorage.setItem(STORE, JSON.stringify(session))
  else localStorage.removeItem(STORE)
}

function take(tokens: TokenOut): void {
  session.tokens = {
    access: tokens.access_token,
    accessExpiresAt: Date.now() + tokens.expires_in * 1000,
    refresh: tokens.refresh_token,
  }
  save()
}

/** Calls of the registry's session endpoints go by plain fetch: they must not recurse into refresh. */
async function post(path: string, body: BodyInit, type: string): Promise<Response> {
  return fetch(`/api/registry${path}`, { method: 'POST', body, headers: { 'Content-Type': type } })
}

export class LoginRefused extends Error {}

export async function login(username: string, password: string): Promise<void> {
  const form = new URLSearchParams({ grant_type: 'password', username, password })
  const answer = await post('/auth/token', form, 'application/x-www-form-urlencoded')
  if (!answer.ok) {
    if (answer.status === 401) throw new LoginRefused('账号或密码错误 / wrong account or password')
    if (answer.status === 429) throw new LoginRefused('尝试次数过多,请稍后再试 / too many attempts, wait')
    throw new LoginRefused(`登录失败 / login failed (${answer.status})`)
  }
  take(await answer.json())
  session.me = await readMe(session.tokens!.access)
  save()
}

async function readMe(access: string): Promise<Me | null> {
  const me = await fetch('/api/registry/auth/me', { headers: { Authorization: `Bearer ${access}` } })
  return me.ok ? await me.json() : null
}

/** A session from before /auth/me told the zone's time zone learns it (zone.ts); offline, later. */
export async function learnTimeZone(): Promise<void> {
  if (!session.tokens || session.me?.time_zone) return
  const access = await freshAccessToken()
  const me = access ? await readMe(access).catch(() => null) : null
  if (me) {
    session.me = me
    save()
  }
}

let renewing: Promise<string | null> | null = null

async function renew(): Promise<string | null> {
  const refresh = session.tokens?.refresh
  if (!refresh) return null
  const answer = await post('/auth/refresh', JSON.stringify({ refresh_token: refresh }), 'application/json')
  if (!answer.ok) {
    if (answer.status === 401) sessionExpired()
    return null
  }
  take(await answer.json())
  return session.tokens!.access
}

/** The access token to send, renewed first (once, whoever asks) when it is about to expire. */
export async function freshAccessToken(): Promise<string | null> {
  const tokens = session.tokens
  if (!tokens) return null
  if (tokens.accessExpiresAt - Date.now() > RENEW_BEFORE_MS) return tokens.access
  renewing ??= renew().finally(() => (renewing = null))
  return renewing
}

export async function logout(): Promise<void> {
  const refresh = session.tokens?.refresh
  session.tokens = null
  session.me = null
  save()
  if (refresh) await post('/auth/logout', JSON.stringify({ refresh_token: refresh }), 'application/json')
  await router.push({ name: 'login' })
}

/** The services refused the token: back to login, returning here afterwards. */
export function sessionExpired(): void {
  session.tokens = null
  session.me = null
  save()
  const here = router.currentRoute.value
  if (here.name !== 'login') void router.push({ name: 'login', query: { next: here.fullPath } })
}

export function hasRole(...roles: string[]): boolean {
  return !!session.me?.roles.some((role) => roles.includes(role))
}
