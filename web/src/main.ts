import 'vant/lib/index.css'
import './style.css'
import Vant from 'vant'
import { createApp } from 'vue'
import App from './App.vue'
import { loadLabels } from './labels'
import { startOutbox } from './outbox'
import { router } from './router'

void loadLabels()
createApp(App).use(router).use(Vant).mount('#app')
startOutbox()
