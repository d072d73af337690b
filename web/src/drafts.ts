// What a form holds, kept on the phone (IndexedDB, photos included) while it is filled in: a
// session that ends, a reload or a closed browser returns to the form as it was left.
import { createStore, del, delMany, get, getMany, set, setMany } from 'idb-keyval'
import type { UploaderFileListItem } from 'vant'
import { nextTick, onUnmounted, ref, toRaw, watch, type Ref } from 'vue'
import { copied } from '@/problems'
import { session } from '@/session'

const store = createStore('gridsafe-drafts', 'forms')

export function loadDraft<T>(key: string): Promise<T | undefined> {
  return get<T>(key, store).catch(() => undefined)
}

export function saveDraft<T>(key: string, value: T): Promise<void> {
  return set(key, value, store).catch(() => undefined)
}

export function dropDraft(key: string): Promise<void> {
  return del(key, store).catch(() => undefined)
}

/**
 * Keep a form's fields (refs, by the name they are kept under) as the user's draft `key`: put back
 * when the form opens, kept on every change. Each field is an entry of its own, so typing does not
 * write the photos again; `picked` are uploader fields, kept as their files alone. `drop()` once the
 * form is recorded; `discard()` empties the form as it opened. `restored`: a draft was put back.
 */
export function useDraft(
  key: string,
  fields: Record<string, Ref<unknown>>,
  picked: Record<string, Ref<UploaderFileListItem[]>> = {},
) {
  const prefix = `${session.me?.user_id ?? ''}/${key}/`
  const names = [...Object.keys(fields), ...Object.keys(picked)]
  const keys = names.map((name) => prefix + name)
  const initial = Object.fromEntries(Object.entries(fields).map(([name, field]) => [name, copied(field.value)]))
  const restored = ref(false)
  let keeping = false // off while the draft is put back or dropped: those changes are not the user's
  // the first change, and the first after a drop, keeps every field as the form shows it (a value
  // the form made itself, such as a report's idempotency key, is kept with the first thing typed)
  let whole = true

  function kept(name: string): unknown {
    return name in picked ? toRaw(picked[name].value).map((item) => item.file) : copied(fields[name].value)
  }

  async function save(name: string): Promise<void> {
    if (!keeping) return
    const now = whole ? names : [name]
    whole = false
    await setMany(
      now.map((field) => [prefix + field, kept(field)]),
      store,
    ).catch(() => undefined)
  }

  for (const [name, field] of Object.entries(fields)) watch(field, () => save(name), { deep: true })
  // an upload's progress marks its item: only another file is a change
  for (const [name, field] of Object.entries(picked)) watch(() => field.value.map((item) => item.file), () => save(name))

  // the previews of the photos put back, given up with the form
  const previews: string[] = []
  let gone = false
  function preview(file: File): string {
    if (gone) return '' // the form went before its draft was read
    const url = URL.createObjectURL(file)
    previews.push(url)
    return url
  }
  onUnmounted(() => {
    gone = true
    previews.forEach((url) => URL.revokeObjectURL(url))
  })

  void getMany(keys, store)
    .catch(() => [])
    .then(async (values) => {
      names.forEach((name, index) => {
        const value = values[index]
        if (value === undefined) return
        restored.value = true
        if (name in picked) picked[name].value = (value as File[]).map((file) => ({ file, url: preview(file) }))
        else fields[name].value = value
      })
      await nextTick() // the watchers have seen what was put back
      keeping = true
    })

  async function drop(): Promise<void> {
    keeping = false
    await nextTick() // what the form changed on the way is not kept
    await delMany(keys, store).catch(() => undefined)
    restored.value = false
    whole = true
    keeping = true
  }

  async function discard(): Promise<void> {
    keeping = false
    for (const [name, field] of Object.entries(fields)) field.value = copied(initial[name])
    for (const field of Object.values(picked)) field.value = []
    await drop()
  }

  return { restored, drop, discard }
}
