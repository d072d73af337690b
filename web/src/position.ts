// Where the phone is (its GPS, WGS-84), watched while an inspection is under way: kept with the
// inspection and with each photo whose own EXIF has no position (a photo made smaller loses it).
import { onMounted, onUnmounted, ref, shallowRef } from 'vue'

export interface Position {
  latitude: number
  longitude: number
  accuracy_m: number | null
}

export type Locating = 'locating' | 'located' | 'unavailable'

export function usePosition() {
  const position = shallowRef<Position | null>(null) // a plain object: it is kept in IndexedDB
  const status = ref<Locating>('locating')
  let watch: number | null = null
  onMounted(() => {
    if (!('geolocation' in navigator)) {
      status.value = 'unavailable'
      return
    }
    watch = navigator.geolocation.watchPosition(
      ({ coords }) => {
        position.value = { latitude: coords.latitude, longitude: coords.longitude, accuracy_m: coords.accuracy ?? null }
        status.value = 'located'
      },
      () => {
        if (!position.value) status.value = 'unavailable'
      },
      { enableHighAccuracy: true, maximumAge: 60_000, timeout: 30_000 },
    )
  })
  onUnmounted(() => {
    if (watch !== null) navigator.geolocation.clearWatch(watch)
  })
  return { position, status }
}
