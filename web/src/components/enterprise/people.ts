// The enterprise's own people from the registry, by name: whom a training or exam may list.
import { registry, type RegistrySchemas } from '@/api/client'

export type Person = RegistrySchemas['schemas']['PersonOut']

export async function peopleOf(enterprise: string): Promise<Person[]> {
  const found: Person[] = []
  let cursor: string | undefined
  do {
    const { data } = await registry.GET('/people', {
      params: { query: { enterprise_id: enterprise, limit: 200, cursor } },
    })
    found.push(...(data?.items ?? []))
    cursor = data?.next ?? undefined
  } while (cursor)
  return found.sort((a, b) => a.name.localeCompare(b.name, 'zh'))
}
