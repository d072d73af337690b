// The answers the field app needs to work without network, as last received: a call that cannot
// reach the service (offline) returns the kept answer instead. A refused call returns nothing.
export async function remembered<T>(key: string, call: () => Promise<{ data?: T }>): Promise<T | undefined> {
  const store = `gridsafe.kept.${key}`
  try {
    const { data } = await call()
    if (data !== undefined) localStorage.setItem(store, JSON.stringify(data))
    return data
  } catch {
    const kept = localStorage.getItem(store)
    return kept === null ? undefined : (JSON.parse(kept) as T)
  }
}
