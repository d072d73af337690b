// Vant's uploader renders a file input without a label and previews without alt text; this
// directive names both (v-uploader-label="'第 1 项照片'"), also for previews added later.
import type { Directive } from 'vue'

const observers = new WeakMap<HTMLElement, MutationObserver>()

function name(el: HTMLElement, text: string): void {
  el.querySelectorAll('input[type=file]').forEach((input) => input.setAttribute('aria-label', text))
  el.querySelectorAll('img:not([alt])').forEach((img, index) => img.setAttribute('alt', `${text} ${index + 1}`))
}

export const vUploaderLabel: Directive<HTMLElement, string> = {
  mounted(el, binding) {
    name(el, binding.value)
    const observer = new MutationObserver(() => name(el, binding.value))
    observer.observe(el, { childList: true, subtree: true })
    observers.set(el, observer)
  },
  unmounted(el) {
    observers.get(el)?.disconnect()
  },
}
