// Leaflet for the console's maps, without internet tiles: grid outlines and units are drawn on a
// plain background; a zone with its own tile server names it in MAP_TILE_URL (GET /map/settings).
import 'leaflet/dist/leaflet.css'
import L from 'leaflet'
import { registry } from '@/api/client'

/** The risk colours (四色) as the registry's picture of the map draws them. */
export const RISK_COLOURS: Record<string, string> = {
  red: '#d62728',
  orange: '#ff7f0e',
  yellow: '#f2c80f',
  blue: '#1f77b4',
  unassessed: '#9e9e9e',
}

export const GRID_STYLE: L.PathOptions = { color: '#2e7d32', weight: 2, fillColor: '#e8f5e9', fillOpacity: 0.35 }

export interface UnitLook {
  risk_colour?: string | null
  key_supervision: boolean
  production_status: string
}

/** A unit's marker: filled with its risk colour; key supervision ringed thick and dark; a
 *  suspended unit dashed and pale; a closed one hollow and grey. */
export function unitStyle(unit: UnitLook): L.CircleMarkerOptions {
  const fill = RISK_COLOURS[unit.risk_colour ?? 'unassessed']
  const style: L.CircleMarkerOptions = {
    radius: unit.key_supervision ? 9 : 6,
    color: unit.key_supervision ? '#000000' : '#ffffff',
    weight: unit.key_supervision ? 3 : 1,
    fillColor: fill,
    fillOpacity: 0.95,
  }
  if (unit.production_status === 'suspended') return { ...style, color: '#303133', dashArray: '3 3', fillOpacity: 0.45 }
  if (unit.production_status === 'closed') return { ...style, color: '#606266', fillColor: '#ffffff', fillOpacity: 0.6 }
  return style
}

/** A map in `element`, with the zone's offline tiles when it has a tile server. */
export async function officeMap(element: HTMLElement): Promise<L.Map> {
  const map = L.map(element, { zoomSnap: 0.25 })
  map.attributionControl.setPrefix(false)
  const { data } = await registry.GET('/map/settings')
  if (data?.tile_url) L.tileLayer(data.tile_url, { attribution: data.tile_attribution, maxZoom: 19 }).addTo(map)
  return map
}

/** Show `layers` whole, or a default view when there is nothing to show yet. */
export function fit(map: L.Map, layers: L.FeatureGroup): void {
  const bounds = layers.getBounds()
  if (bounds.isValid()) map.fitBounds(bounds, { padding: [24, 24], maxZoom: 16 })
  else map.setView([31.23, 121.47], 11)
}
