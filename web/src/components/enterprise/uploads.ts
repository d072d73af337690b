// A file for a service's multipart upload (`file`, and form fields such as a hazard evidence's
// `tag`), passed to the typed client as it is; photos are made smaller on the phone first.
import type { UploaderFileListItem } from 'vant'
import { toRaw } from 'vue'
import { problemMessage } from '@/api/client'
import { shrink } from '@/photos'

export async function multipart(file: File, fields: Record<string, string> = {}) {
  const form = new FormData()
  form.append('file', await shrink(file))
  for (const [name, value] of Object.entries(fields)) form.append(name, value)
  return { body: form as never, bodySerializer: (body: unknown) => body as FormData }
}

/**
 * The Idempotency-Key of sending `file` as part of `base` (a report's own key, a hazard's step): the
 * same picked file sent again, after a lost answer or a login in between, is stored once.
 */
export function fileKey(base: string, file: File): string {
  return `${base}/${file.lastModified}-${file.size}`
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
