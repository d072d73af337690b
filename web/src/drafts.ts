// What a form holds, kept on the phone (IndexedDB, photos included) while it is filled in: a
// session that ends, a reload or a closed browser returns to the form as it was left.
import { createStore, del, get, set } from 'idb-keyval'

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
