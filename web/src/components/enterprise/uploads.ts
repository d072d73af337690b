// A file for a service's multipart upload (`file`, and form fields such as a hazard evidence's
// `tag`), passed to the typed client as it is; photos are made smaller on the phone first, and
// since that loses their EXIF time, the time the phone took it goes as `taken_at` (as the grid
// member's photos do), which the service keeps where the photo itself has none.
import type { UploaderFileListItem } from 'vant'
import { toRaw } from 'vue'
import { problemMessage } from '@/api/client'
import { shrink } from '@/photos'

async function formOf(file: File, fields: Record<string, string>) {
  const sent = await shrink(file)
  const form = new FormData()
  form.append('file', sent)
  if (file.lastModified) form.append('taken_at', new Date(file.lastModified).toISOString())
  for (const [name, value] of Object.entries(fields)) form.append(name, value)
  return { sent, body: form as never, bodySerializer: (body: unknown) => body as FormData }
}

export async function multipart(file: File, fields: Record<string, string> = {}) {
  const { body, bodySerializer } = await formOf(file, fields)
  return { body, bodySerializer }
}

/**
 * The same, with the upload's Idempotency-Key: `base` (a report's own key, a hazard's step) and a
 * digest of the bytes sent, so a photo sent again after a lost answer or a login is stored once,
 * and other bytes (a photo shrunk differently) never come with the key of the first.
 */
export async function keyedMultipart(base: string, file: File, fields: Record<string, string> = {}) {
  const { sent, ...upload } = await formOf(file, fields)
  return { ...upload, key: `${base}/${await digestOf(file, sent)}` }
}

async function digestOf(picked: File, sent: File): Promise<string> {
  if (!crypto.subtle) return `${picked.lastModified}-${picked.size}-${sent.size}` // only over HTTPS or localhost
  const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', await sent.arrayBuffer()))
  return Array.from(digest.slice(0, 16), (byte) => byte.toString(16).padStart(2, '0')).join('')
}

const NO_NETWORK = Symbol('no network')

// The stored file's id of each picked file already sent, so a retry sends only the others.
const sent = new WeakMap<UploaderFileListItem, string>()

/**
 * Upload each picked file not yet sent with `send`; a file the service refuses is marked failed in
 * the uploader with its reason. Returns the ids of the files stored and the reasons of refusals.
 */
export async function uploadAll(
  items: UploaderFileListItem[],
  send: (file: File) => Promise<{ data?: { id: string }; error?: unknown }>,
): Promise<{ ids: string[]; refusals: string[] }> {
  const ids: string[] = []
  const refusals: string[] = []
  for (const item of items) {
    if (!item.file) continue
    const before = sent.get(toRaw(item))
    if (before) {
      ids.push(before)
      continue
    }
    item.status = 'uploading'
    item.message = '上传中'
    // no answer (the network went): sent again later under the same key, it is stored once
    const { data, error } = await send(item.file).catch(() => ({ data: undefined, error: NO_NETWORK }))
    if (data) {
      Object.assign(item, { status: 'done', message: '' })
      sent.set(toRaw(item), data.id)
      ids.push(data.id)
    } else {
      const why = error === NO_NETWORK ? '网络中断,请联网后再提交 / no answer: submit again' : problemMessage(error, '上传失败 / upload failed')
      Object.assign(item, { status: 'failed', message: '未上传' })
      refusals.push(`${item.file.name}:${why}`)
    }
  }
  return { ids, refusals }
}
