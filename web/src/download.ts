// Saving a file the services answer: fetched with the caller's token (the typed client, as a
// blob), then handed to the browser under its Chinese name through an object URL.

/** The file's name from `Content-Disposition` (RFC 5987 `filename*` first), else `fallback`. */
export function fileNameOf(response: Response, fallback: string): string {
  const disposition = response.headers.get('Content-Disposition') ?? ''
  const encoded = /filename\*=UTF-8''([^;]+)/i.exec(disposition)
  if (encoded) return decodeURIComponent(encoded[1])
  const plain = /filename="([^"]+)"/i.exec(disposition)
  return plain && !plain[1].includes('?') ? plain[1] : fallback
}

export function saveBlob(blob: Blob, name: string): void {
  const url = URL.createObjectURL(blob)
  const link = document.createElement('a')
  link.href = url
  link.download = name
  document.body.appendChild(link)
  link.click()
  link.remove()
  setTimeout(() => URL.revokeObjectURL(url), 60_000)
}

/** Saves the file a typed call answered as a blob under its own name (else `fallback`); the
 * call's refusal, if any, is returned for the form to show. */
export async function saveAnswer(
  call: Promise<{ data?: Blob; error?: unknown; response: Response }>,
  fallback: string,
): Promise<unknown> {
  const { data, error, response } = await call
  if (data && !error) saveBlob(data, fileNameOf(response, fallback))
  return error
}
