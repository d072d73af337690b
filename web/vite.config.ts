import { fileURLToPath, URL } from 'node:url'
import vue from '@vitejs/plugin-vue'
import { defineConfig } from 'vite'
import { VitePWA } from 'vite-plugin-pwa'

// `npm run dev` proxies /api/<service>/ to the APIs of `make run` (registry on 8001, ...), so the
// browser sees one origin as it does behind the gateway and the reverse proxy.
const services = { registry: 8001, inspections: 8002, notifications: 8003, reporting: 8004 }

// The field app installs to a phone's home screen (添加到主屏幕) and opens without network: the
// service worker keeps the app shell (every built file) and answers the app's routes with
// index.html; the APIs are never cached (what waits offline is the app's outbox, in IndexedDB).
const pwa = VitePWA({
  registerType: 'autoUpdate',
  injectRegister: 'script-defer',
  includeAssets: ['favicon.svg', 'apple-touch-icon.png'],
  manifest: {
    name: '安全生产网格化监管',
    short_name: '网格监管',
    description: '网格员与企业安全管理人员的巡查检查、隐患整改与消息 / GridSafe field app',
    lang: 'zh-CN',
    start_url: '/',
    scope: '/',
    display: 'standalone',
    orientation: 'portrait',
    background_color: '#f7f8fa',
    theme_color: '#1989fa',
    icons: [
      { src: '/icon-192.png', sizes: '192x192', type: 'image/png' },
      { src: '/icon-512.png', sizes: '512x512', type: 'image/png' },
      { src: '/icon-maskable-512.png', sizes: '512x512', type: 'image/png', purpose: 'maskable' },
    ],
  },
  workbox: {
    globPatterns: ['**/*.{js,css,html,svg,png,woff2}'],
    navigateFallback: '/index.html',
    navigateFallbackDenylist: [/^\/api\//],
    cleanupOutdatedCaches: true,
    clientsClaim: true,
    skipWaiting: true,
    maximumFileSizeToCacheInBytes: 5 * 1024 * 1024,
  },
})

export default defineConfig({
  plugins: [vue(), pwa],
  resolve: { alias: { '@': fileURLToPath(new URL('./src', import.meta.url)) } },
  server: {
    proxy: Object.fromEntries(
      Object.entries(services).map(([name, port]) => [
        `/api/${name}`,
        { target: `http://127.0.0.1:${port}`, rewrite: (path: string) => path.replace(`/api/${name}`, '') },
      ]),
    ),
  },
})
