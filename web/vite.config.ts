import { fileURLToPath, URL } from 'node:url'
import vue from '@vitejs/plugin-vue'
import { defineConfig } from 'vite'

// `npm run dev` proxies /api/<service>/ to the APIs of `make run` (registry on 8001, ...), so the
// browser sees one origin as it does behind the gateway and the reverse proxy.
const services = { registry: 8001, inspections: 8002, notifications: 8003, reporting: 8004 }

export default defineConfig({
  plugins: [vue()],
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
