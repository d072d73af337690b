// What the logged-in person may do: the access policy's actions with their scope, from the
// registry's /auth/actions. Menus, pages and buttons follow it; the services enforce it anyway.
import { ref, watch } from 'vue'
import { registry } from '@/api/client'
import { remembered } from '@/remembered'
import { session } from '@/session'

export type Scope = 'zone' | 'grid' | 'enterprise' | 'own'

export const actions = ref<Record<string, Scope> | null>(null)

// Another login (or none) makes the loaded actions stale.
watch(
  () => session.me?.user_id,
  () => (actions.value = null),
)

export async function loadActions(): Promise<Record<string, Scope>> {
  if (actions.value) return actions.value
  const data = await remembered(`actions.${session.me?.user_id}`, () => registry.GET('/auth/actions'))
  actions.value = (data ?? {}) as Record<string, Scope>
  return actions.value
}

/** Whether the policy grants `action` (at any scope, or at least `scope` when given). */
export function may(action: string, scope?: Scope): boolean {
  const granted = actions.value?.[action]
  if (!granted) return false
  const breadth: Scope[] = ['own', 'enterprise', 'grid', 'zone']
  return !scope || breadth.indexOf(granted) >= breadth.indexOf(scope)
}
