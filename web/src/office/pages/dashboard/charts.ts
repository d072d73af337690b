// The ECharts parts the dashboard draws with (registered once, nothing else is bundled) and the
// options of its charts. Each chart's element names its figures for screen readers (aria-label).
import { BarChart, LineChart, PieChart } from 'echarts/charts'
import { GridComponent, LegendComponent, TooltipComponent } from 'echarts/components'
import { use } from 'echarts/core'
import { CanvasRenderer } from 'echarts/renderers'

use([CanvasRenderer, BarChart, LineChart, PieChart, GridComponent, LegendComponent, TooltipComponent])

/** 风险四色 and the units not yet assessed. */
export const RISK_COLOURS: Record<string, string> = {
  red: '#d0202a',
  orange: '#f08a24',
  yellow: '#f2c618',
  blue: '#2f6fd6',
  unassessed: '#a0a4ab',
}

export interface Slice {
  key: string
  name: string
  value: number
  colour?: string
}

export function barOption(slices: Slice[], seriesName: string) {
  return {
    tooltip: { trigger: 'axis' },
    grid: { left: 40, right: 16, top: 16, bottom: 40, containLabel: true },
    xAxis: { type: 'category', data: slices.map((s) => s.name), axisLabel: { interval: 0, rotate: slices.length > 6 ? 30 : 0 } },
    yAxis: { type: 'value', minInterval: 1 },
    series: [
      {
        name: seriesName,
        type: 'bar',
        barMaxWidth: 40,
        data: slices.map((s) => ({ value: s.value, key: s.key, itemStyle: s.colour ? { color: s.colour } : undefined })),
      },
    ],
  }
}

export function pieOption(slices: Slice[], seriesName: string) {
  return {
    tooltip: { trigger: 'item', formatter: '{b}: {c} ({d}%)' },
    // each slice's name and count in the legend: labels beside the ring were cut at a narrow card's edge
    legend: { bottom: 0, formatter: (name: string) => `${name} ${slices.find((s) => s.name === name)?.value ?? ''}` },
    series: [
      {
        name: seriesName,
        type: 'pie',
        radius: ['40%', '68%'],
        center: ['50%', '45%'],
        label: { show: false },
        data: slices.map((s) => ({ name: s.name, value: s.value, key: s.key, itemStyle: s.colour ? { color: s.colour } : undefined })),
      },
    ],
  }
}

export function trendOption(months: string[], found: number[], closed: number[]) {
  return {
    tooltip: { trigger: 'axis' },
    legend: { bottom: 0 },
    grid: { left: 40, right: 16, top: 16, bottom: 48, containLabel: true },
    xAxis: { type: 'category', data: months },
    yAxis: { type: 'value', minInterval: 1 },
    series: [
      { name: '发现', type: 'line', data: found, symbolSize: 8 },
      { name: '销号', type: 'line', data: closed, symbolSize: 8 },
    ],
  }
}
