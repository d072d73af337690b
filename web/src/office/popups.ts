// Element Plus opens its pickers' popups (dates, months) as dialogs without a name, which screen
// readers announce as a bare "dialog". Each such popup is named as it is added to the page.
const NAME = '选择 / picker'

function nameUnnamed(root: ParentNode): void {
  root.querySelectorAll<HTMLElement>('.el-popper[role="dialog"]:not([aria-label]):not([aria-labelledby])').forEach((popup) => {
    popup.setAttribute('aria-label', NAME)
  })
}

/** Names the popups from now on; returns how to stop. */
export function namePopups(): () => void {
  nameUnnamed(document.body)
  const observer = new MutationObserver(() => nameUnnamed(document.body))
  observer.observe(document.body, { childList: true })
  return () => observer.disconnect()
}
