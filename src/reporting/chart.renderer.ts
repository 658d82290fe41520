import { Injectable } from '@nestjs/common';
import * as echarts from 'echarts';
import type { DailySeries, ReportCharts, ReportModel } from './report-model';

/** Colours and type the charts use; a template may supply its own so charts match its accent colour. */
export interface ChartTheme {
  palette: string[];
  fontFamily: string;
  textColor: string;
  gridColor: string;
}

export const DEFAULT_CHART_THEME: ChartTheme = {
  palette: ['#2457d6', '#f08c2e', '#1f9e89', '#b04fc4', '#d64545', '#6b7a90'],
  fontFamily: '"DejaVu Sans", "Noto Sans CJK SC", "Noto Color Emoji", sans-serif',
  textColor: '#3c4657',
  gridColor: '#e3e7ee',
};

/** Fixed pixel size: the SVG scales to the page width, and a fixed size keeps the output identical run to run. */
const WIDTH = 680;
const HEIGHT = 250;

type Option = echarts.EChartsOption;

/**
 * Renders the report's charts as SVG strings with ECharts' server-side renderer. No animation, fixed size
 * and fonts, and the output is normalised (ids renamed per chart, hover styles dropped) so the same model
 * always gives the same bytes and several charts can share one HTML document without id clashes.
 */
@Injectable()
export class ChartRenderer {
  render(model: ReportModel, theme: ChartTheme = DEFAULT_CHART_THEME): ReportCharts {
    const days = model.audience.days;
    const dayLabel = new Intl.DateTimeFormat(model.brand.locale, {
      day: 'numeric',
      month: 'short',
      timeZone: 'UTC',
    });
    const dayLabels = days.map((day) => dayLabel.format(new Date(`${day}T00:00:00Z`)));
    const compact = new Intl.NumberFormat(model.brand.locale, {
      notation: 'compact',
      maximumFractionDigits: 1,
    });
    const base = this.base(theme, (value: number) => compact.format(value));
    return {
      audience: this.svg(
        'audience',
        theme,
        {
          ...base,
          legend: this.legend(theme, model.audience.followers.length),
          xAxis: this.dayAxis(theme, dayLabels),
          yAxis: {
            ...base.yAxis,
            axisLabel: {
              ...base.yAxis.axisLabel,
              formatter: (value: number) => (value > 0 ? `+${compact.format(value)}` : compact.format(value)),
            },
          },
          series: followerChange(model).map((s) => ({
            type: 'line',
            name: s.label,
            data: s.points,
            connectNulls: true,
            showSymbol: false,
            lineStyle: { width: 2.5 },
          })),
        },
        !model.audience.hasData,
      ),
      reach: this.svg(
        'reach',
        theme,
        {
          ...base,
          legend: this.legend(theme, model.reach.impressions.length),
          xAxis: this.dayAxis(theme, dayLabels),
          series: model.reach.impressions.map((s) => ({
            type: 'bar',
            name: s.label,
            data: s.points,
            stack: 'all',
          })),
        },
        !model.reach.hasData,
      ),
      engagement: this.svg(
        'engagement',
        theme,
        {
          ...base,
          legend: this.legend(theme, model.reach.engagements.length),
          xAxis: this.dayAxis(theme, dayLabels),
          series: model.reach.engagements.map((s) => ({
            type: 'bar',
            name: s.label,
            data: s.points,
            stack: 'all',
          })),
        },
        !model.reach.hasData,
      ),
      publishing: this.svg(
        'publishing',
        theme,
        this.publishing(model, theme, base),
        !model.publishing.hasData,
      ),
    };
  }

  private publishing(model: ReportModel, theme: ChartTheme, base: ReturnType<ChartRenderer['base']>): Option {
    const weekLabel = new Intl.DateTimeFormat(model.brand.locale, {
      day: 'numeric',
      month: 'short',
      timeZone: 'UTC',
    });
    const weeks = model.publishing.weeks;
    const label = (day: string) => weekLabel.format(new Date(`${day}T00:00:00Z`));
    const hasTarget = weeks.some((w) => w.target !== null);
    return {
      ...base,
      legend: this.legend(theme, 3),
      xAxis: {
        type: 'category',
        data: weeks.map((w) =>
          w.firstDay === w.lastDay ? label(w.firstDay) : `${label(w.firstDay)}–${label(w.lastDay)}`,
        ),
        axisLine: { lineStyle: { color: theme.gridColor } },
        axisTick: { show: false },
        axisLabel: { color: theme.textColor, fontSize: 11, fontFamily: theme.fontFamily },
      },
      yAxis: { ...base.yAxis, minInterval: 1 },
      series: [
        {
          type: 'bar',
          name: 'Planned',
          data: weeks.map((w) => w.planned),
          itemStyle: { color: theme.gridColor },
          barGap: '10%',
        },
        {
          type: 'bar',
          name: 'Published',
          data: weeks.map((w) => w.published),
          itemStyle: { color: theme.palette[0] },
        },
        ...(hasTarget
          ? [
              {
                type: 'line' as const,
                name: 'Cadence target',
                data: weeks.map((w) => w.target),
                symbol: 'circle',
                symbolSize: 6,
                lineStyle: { type: 'dashed' as const, width: 2, color: theme.palette[1] },
                itemStyle: { color: theme.palette[1] },
              },
            ]
          : []),
      ],
    };
  }

  private base(theme: ChartTheme, formatValue: (value: number) => string) {
    return {
      animation: false,
      color: theme.palette,
      backgroundColor: 'transparent',
      textStyle: { fontFamily: theme.fontFamily, color: theme.textColor, fontSize: 11 },
      grid: { left: 8, right: 12, top: 36, bottom: 8, containLabel: true },
      yAxis: {
        type: 'value' as const,
        axisLabel: {
          color: theme.textColor,
          fontSize: 11,
          formatter: formatValue,
          fontFamily: theme.fontFamily,
        },
        splitLine: { lineStyle: { color: theme.gridColor } },
      },
    };
  }

  private legend(theme: ChartTheme, series: number): Option['legend'] {
    return {
      show: series > 1,
      top: 0,
      left: 0,
      icon: 'roundRect',
      itemWidth: 12,
      itemHeight: 8,
      textStyle: { color: theme.textColor, fontSize: 11, fontFamily: theme.fontFamily },
    };
  }

  private dayAxis(theme: ChartTheme, labels: string[]): Option['xAxis'] {
    return {
      type: 'category',
      data: labels,
      axisLine: { lineStyle: { color: theme.gridColor } },
      axisTick: { show: false },
      // Weekly labels: every day would overlap at this width.
      axisLabel: { interval: 6, color: theme.textColor, fontSize: 11, fontFamily: theme.fontFamily },
    };
  }

  private svg(name: string, theme: ChartTheme, option: Option, empty: boolean): string {
    const chart = echarts.init(null, null, { renderer: 'svg', ssr: true, width: WIDTH, height: HEIGHT });
    try {
      chart.setOption(
        empty
          ? {
              animation: false,
              title: {
                text: 'No data yet',
                left: 'center',
                top: 'middle',
                textStyle: {
                  color: theme.textColor,
                  fontSize: 14,
                  fontWeight: 'normal',
                  fontFamily: theme.fontFamily,
                },
              },
            }
          : option,
      );
      return normalise(chart.renderToSVGString(), name);
    } finally {
      chart.dispose();
    }
  }
}

/**
 * Followers per day as the change since the end of the previous month: channels of very different sizes
 * share one axis and their growth stays visible (absolute counts would be flat lines far apart).
 */
function followerChange(model: ReportModel): DailySeries[] {
  return model.audience.followers.map((series) => {
    const row = model.channels.find((c) => c.id === series.id);
    const baseline = row?.followers.previous ?? series.points.find((p) => p !== null) ?? null;
    return {
      ...series,
      points: series.points.map((p) => (p === null || baseline === null ? null : p - baseline)),
    };
  });
}

/**
 * ECharts numbers its instances per process (`zr0-`, `zr1-`…) and adds hover-only CSS. Renaming the ids
 * per chart makes the output deterministic and unique within a document; the CSS is useless on paper.
 */
function normalise(svg: string, name: string): string {
  return svg
    .replace(/<style[\s\S]*?<\/style>/g, '')
    .replace(/ class="zr\d+-cls-\d+"/g, '')
    .replace(/zr\d+-/g, `chart-${name}-`)
    .replace(/<svg /, `<svg role="img" aria-label="${name} chart" `);
}
