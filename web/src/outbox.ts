// The phone's outbox (待上传): every inspection is kept on the phone first (IndexedDB) with its
// photos and signatures, then sent step by step: the inspection, each failed item's photos, each
// on-the-spot fix (立改立销) with its after-photos, the signatures. Each step carries its own
// Idempotency-Key (the entry's id and the step), so a step sent again after a lost answer, a
// reload or a day offline returns its first result and the service records nothing twice.
//
// Without network an entry waits and is sent when the network returns (or on 重试). A step the
// service refuses (4xx: the unit was closed meanwhile, a photo it cannot read) stops the entry,
// which stays with the service's reason until the user retries or discards it: never dropped.
import { createStore, del, entries, set } from 'idb-keyval'
import { computed, shallowRef, watch } from 'vue'
import { inspections, type InspectionsSchemas } from '@/api/client'
import type { Position } from '@/position'
import { refusal } from '@/problems'
import { session } from '@/session'

type InspectionIn = InspectionsSchemas['schemas']['InspectionIn']
type FileTag = InspectionsSchemas['schemas']['InspectionFileOut']['tag']

export interface Photo {
  file: Blob
  name: string
  takenAt: string // ISO instant: when the phone took it
  position: Position | null
}

export interface Signature {
  tag: FileTag
  png: Blob
  signer: string | null
}

export interface Pending {
  id: string // the stem of its steps' idempotency keys
  owner: string // the user who made it: only they send it
  unitId: string
  unitName: string
  createdAt: string
  inspection: InspectionIn
  before: Record<string, Photo[]> // a failed item's photos, by item key
  fixes: Record<string, { reason: string; photos: Photo[] }> // 立改立销, by item key
  signatures: Signature[]
  // progress: each step's result, by step
  results: Record<string, string>
  hazards: Record<string, string> // item key → its hazard, once the inspection is recorded
  state: 'waiting' | 'refused'
  reason: string | null
  fields: Record<string, string> // the refused step's fields, by location
  refusedStep: 'inspection' | 'later' | null // the inspection itself, or a step after it
}

export type Outcome = 'sent' | 'waiting' | 'refused'

const store = createStore('gridsafe-outbox', 'pending')

/** My entries, oldest first (kept in IndexedDB; this is their copy for the screens). */
export const outbox = shallowRef<Pending[]>([])
export const waiting = computed(() => outbox.value.length)

async function reload(): Promise<void> {
  const me = session.me?.user_id
  const all = (await entries<string, Pending>(store)).map(([, entry]) => entry)
  outbox.value = all.filter((entry) => entry.owner === me).sort((a, b) => a.createdAt.localeCompare(b.createdAt))
}

async function save(entry: Pending): Promise<void> {
  await set(entry.id, entry, store)
}

/** A random id for an entry (the stem of its keys); crypto.randomUUID needs HTTPS, this does not. */
export function newKey(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(16))
  return Array.from(bytes, (byte) => byte.toString(16).padStart(2, '0')).join('')
}

export async function keep(entry: Omit<Pending, 'results' | 'hazards' | 'state' | 'reason' | 'fields' | 'refusedStep'>): Promise<Pending> {
  const pending: Pending = { ...entry, results: {}, hazards: {}, state: 'waiting', reason: null, fields: {}, refusedStep: null }
  await save(pending)
  await reload()
  return pending
}

export async function discard(id: string): Promise<void> {
  await del(id, store)
  await reload()
}

/** Why a step did not go through: no answer or a passing failure (wait), or a refusal. */
class Stopped extends Error {
  constructor(
    readonly outcome: 'waiting' | 'refused',
    readonly problem: unknown = null,
  ) {
    super(outcome)
  }
}

function form(fields: Record<string, string | Blob | null>, filename: string): FormData {
  const body = new FormData()
  for (const [name, value] of Object.entries(fields)) {
    if (value === null) continue
    if (value instanceof Blob) body.append(name, value, filename)
    else body.append(name, value)
  }
  return body
}

function photoFields(photo: Photo): Record<string, string | null> {
  return {
    taken_at: photo.takenAt,
    latitude: photo.position ? String(photo.position.latitude) : null,
    longitude: photo.position ? String(photo.position.longitude) : null,
  }
}

const asForm = { bodySerializer: (body: unknown) => body as FormData }

/** One call's outcome: its data, or Stopped (no answer or a 5xx: wait; a 4xx: refused). */
async function answer<T>(call: Promise<{ data?: T; error?: unknown; response: Response }>): Promise<T> {
  let result
  try {
    result = await call
  } catch {
    throw new Stopped('waiting') // no network
  }
  if (result.data !== undefined) return result.data
  const status = result.response.status
  // 401: the session ended (the client has sent the user to log in); 408/429/5xx: try again later
  if (status === 401 || status === 408 || status === 429 || status >= 500) throw new Stopped('waiting')
  throw new Stopped('refused', result.error)
}

async function step(entry: Pending, name: string, run: (key: string) => Promise<string>): Promise<string> {
  const done = entry.results[name]
  if (done) return done
  const result = await run(`${entry.id}/${name}`)
  entry.results[name] = result
  await save(entry)
  return result
}

async function sendSteps(entry: Pending): Promise<void> {
  const inspectionId = await step(entry, 'inspection', async (key) => {
    const recorded = await answer(
      inspections.POST('/inspections', { body: entry.inspection, params: { header: { 'idempotency-key': key } } }),
    )
    for (const item of recorded.items) if (item.hazard_id) entry.hazards[item.item_key] = item.hazard_id
    return recorded.id
  })
  const evidence = (hazard: string, photo: Photo, tag: 'before' | 'after') => async (key: string) => {
    const body = form({ file: photo.file, tag, ...photoFields(photo) }, photo.name)
    const stored = await answer(
      inspections.POST('/hazards/{hazard_id}/evidence', {
        params: { path: { hazard_id: hazard }, header: { 'idempotency-key': key } },
        body: body as never,
        ...asForm,
      }),
    )
    return stored.id
  }
  for (const [item, photos] of Object.entries(entry.before)) {
    for (const [n, photo] of photos.entries()) {
      await step(entry, `before/${item}/${n}`, evidence(entry.hazards[item], photo, 'before'))
    }
  }
  for (const [item, fix] of Object.entries(entry.fixes)) {
    const hazard = entry.hazards[item]
    const after: string[] = []
    for (const [n, photo] of fix.photos.entries()) after.push(await step(entry, `after/${item}/${n}`, evidence(hazard, photo, 'after')))
    await step(entry, `fix/${item}`, async (key) => {
      const fixed = await answer(
        inspections.POST('/hazards/{hazard_id}/actions/{action}', {
          params: { path: { hazard_id: hazard, action: 'fix_on_spot' }, header: { 'idempotency-key': key } },
          body: { action: 'fix_on_spot', reason: fix.reason, evidence_ids: after },
        }),
      )
      return fixed.id
    })
  }
  for (const signature of entry.signatures) {
    await step(entry, `sign/${signature.tag}`, async (key) => {
      const body = form({ file: signature.png, tag: signature.tag, signer: signature.signer }, `${signature.tag}.png`)
      const stored = await answer(
        inspections.POST('/inspections/{inspection_id}/files', {
          params: { path: { inspection_id: inspectionId }, header: { 'idempotency-key': key } },
          body: body as never,
          ...asForm,
        }),
      )
      return stored.id
    })
  }
}

async function sendOne(entry: Pending): Promise<Outcome> {
  entry.state = 'waiting'
  entry.reason = null
  entry.fields = {}
  entry.refusedStep = null
  try {
    await sendSteps(entry)
  } catch (error) {
    if (!(error instanceof Stopped)) throw error
    if (error.outcome === 'refused') {
      const refused = refusal(error.problem, '服务拒绝 / refused by the service')
      entry.state = 'refused'
      entry.reason = refused.message
      entry.fields = refused.fields
      entry.refusedStep = Object.keys(entry.results).length ? 'later' : 'inspection'
    }
    await save(entry)
    return error.outcome
  }
  await del(entry.id, store)
  return 'sent'
}

let queue: Promise<unknown> = Promise.resolve()

/** Send what is waiting; what was refused only when `retry` names it (or is 'all'); one run at a time. */
export function flush(retry: string | null = null): Promise<Record<string, Outcome>> {
  const run = queue.then(() => sendAll(retry))
  queue = run.catch(() => undefined)
  return run
}

async function sendAll(retry: string | null): Promise<Record<string, Outcome>> {
  const outcomes: Record<string, Outcome> = {}
  await reload()
  for (const entry of outbox.value) {
    if (entry.state === 'refused' && retry !== 'all' && entry.id !== retry) continue
    if (!session.tokens || !navigator.onLine) break
    const outcome = await sendOne(structuredClone(entry))
    outcomes[entry.id] = outcome
    if (outcome === 'waiting') break // no network or no session: the rest waits too
  }
  await reload()
  return outcomes
}

/** Send when the network returns, when someone logs in, and at start. */
export function startOutbox(): void {
  window.addEventListener('online', () => void flush())
  watch(
    () => session.me?.user_id,
    () => void flush(),
    { immediate: true },
  )
}
