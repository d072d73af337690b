/// <reference types="vite/client" />
import 'vue-router'

declare module 'vue-router' {
  interface RouteMeta {
    /** reachable without logging in */
    public?: boolean
    /** 'office': the console's frame, without the phone's tab bar */
    layout?: 'office'
    /** the page's title, also its menu entry */
    title?: string
    /** the console menu's group (区域) the page is listed under; unlisted without one */
    group?: string
    /** the menu's order */
    order?: number
    /** the access policy's action the page needs (shared/access.py) */
    action?: string
  }
}
