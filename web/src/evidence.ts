// A hazard's evidence (photos before and after rectification, and other files), read with the
// person's token as blobs: the evidence is not public, so no plain <img src> to the API. Used by
// the phone's hazard page and the console's.
import { computed, onUnmounted, ref, toValue, watch, type MaybeRefOrGetter } from 'vue'
import { inspections, type InspectionsSchemas } from '@/api/client'
import { label } from '@/labels'

export type Evidence = InspectionsSchemas['schemas']['EvidenceOut']

/**
 * An object URL for each file of `evidence` once it is downloaded (by file id), fetched once each
 * however often the list is reloaded, files added later too, and revoked when the component goes
 * (one whose download ends after that is not kept).
 */
export function useEvidenceUrls(hazardId: MaybeRefOrGetter<string>, evidence: MaybeRefOrGetter<Evidence[]>) {
  const urls = ref<Record<string, string>>({})
  const asked = new Set<string>() // downloaded or on the way
  let gone = false

  async function fetchOne(file: Evidence): Promise<void> {
    asked.add(file.id)
    const { data } = await inspections
      .GET('/hazards/{hazard_id}/evidence/{file_id}', {
        params: { path: { hazard_id: toValue(hazardId), file_id: file.id } },
        parseAs: 'blob',
      })
      .catch(() => ({ data: undefined })) // no network
    if (!data) asked.delete(file.id) // asked again with the next reload
    else if (!gone) urls.value = { ...urls.value, [file.id]: URL.createObjectURL(data as Blob) }
  }

  async function fetchAll(): Promise<void> {
    for (const file of toValue(evidence)) if (!asked.has(file.id)) await fetchOne(file)
  }

  watch(() => toValue(evidence), () => void fetchAll(), { immediate: true })
  onUnmounted(() => {
    gone = true
    Object.values(urls.value).forEach((url) => URL.revokeObjectURL(url))
  })
  return urls
}

/** The files by tag (before, after, other), leaving out tags without files. */
export function useEvidenceGroups(evidence: MaybeRefOrGetter<Evidence[]>) {
  return computed(() =>
    (['before', 'after', 'other'] as const)
      .map((tag) => ({ tag, files: toValue(evidence).filter((file) => file.tag === tag) }))
      .filter((group) => group.files.length),
  )
}

export const isImage = (file: Evidence): boolean => file.content_type.startsWith('image/')

/** A photo's text for screen readers: 整改前照片 extinguisher.jpg. */
export const photoAlt = (file: Evidence): string => `${label('hazard_evidence', file.tag)}照片 ${file.filename}`
