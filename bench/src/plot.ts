import { existsSync } from "node:fs";
import { mkdir, writeFile } from "node:fs/promises";
import path from "node:path";
import type { FanoutResult } from "./load";

// The bench's picture: send → receive latency percentiles of the fan-out, one line per server
// (log scale), beside each server's CPU per delivery. Drawn as SVG and turned into a PNG by
// Chromium (playwright-core with Debian's /usr/bin/chromium, as the e2e tests use); without a
// Chromium only the SVG is written.

export type PlotRow = { name: string; fanout?: FanoutResult };

const COLORS = ["#555555", "#8e44ad", "#1f77b4", "#2ca02c", "#d62728", "#ff7f0e"];
const W = 1000;
const H = 440;

const esc = (text: string) => text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");

function svg(rows: PlotRow[], title: string): string {
  const plotted = rows.filter((r): r is Required<PlotRow> => r.fanout !== undefined);
  const parts: string[] = [];
  const text = (x: number, y: number, s: string, extra = "") =>
    parts.push(`<text x="${x}" y="${y}" font-family="sans-serif" font-size="12" ${extra}>${esc(s)}</text>`);

  // Left: latency percentiles, log scale from 1 ms to 10 s (beyond: drawn at the top, "∞").
  const L = { x: 70, y: 50, w: 520, h: 320 };
  const minMs = 1;
  const maxMs = 10_000;
  const yOf = (ms: number) => {
    const v = Math.min(maxMs, Math.max(minMs, Number.isFinite(ms) ? ms : maxMs));
    return L.y + L.h - ((Math.log10(v) - Math.log10(minMs)) / (Math.log10(maxMs) - Math.log10(minMs))) * L.h;
  };
  const qs = plotted[0]?.fanout.percentiles.map((p) => p.q) ?? [];
  const xOf = (i: number) => L.x + (qs.length <= 1 ? 0 : (i / (qs.length - 1)) * L.w);
  for (const ms of [1, 10, 100, 1000, 10_000]) {
    const y = yOf(ms);
    parts.push(`<line x1="${L.x}" y1="${y}" x2="${L.x + L.w}" y2="${y}" stroke="#ddd"/>`);
    text(L.x - 8, y + 4, ms >= 1000 ? `${ms / 1000} s` : `${ms} ms`, 'text-anchor="end"');
  }
  qs.forEach((q, i) => text(xOf(i), L.y + L.h + 18, `p${+(q * 100).toFixed(1)}`, 'text-anchor="middle"'));
  text(L.x + L.w / 2, L.y - 14, "send → receive latency by percentile (log scale)", 'text-anchor="middle" font-weight="bold"');
  plotted.forEach((row, k) => {
    const color = COLORS[k % COLORS.length] ?? "#000";
    const points = row.fanout.percentiles.map((p, i) => `${xOf(i).toFixed(1)},${yOf(p.ms).toFixed(1)}`);
    parts.push(`<polyline fill="none" stroke="${color}" stroke-width="2.5" points="${points.join(" ")}"/>`);
    row.fanout.percentiles.forEach((p, i) => parts.push(`<circle cx="${xOf(i)}" cy="${yOf(p.ms)}" r="3" fill="${color}"/>`));
    parts.push(`<rect x="${L.x + 8}" y="${L.y + 8 + k * 18}" width="12" height="12" fill="${color}"/>`);
    text(L.x + 26, L.y + 18 + k * 18, row.name);
  });

  // Right: server CPU per delivery.
  const R = { x: 700, y: 50, w: 270, h: 320 };
  const maxCpu = Math.max(1, ...plotted.map((r) => r.fanout.cpuMicrosPerDelivery));
  const barH = Math.min(36, R.h / Math.max(1, plotted.length) - 8);
  text(R.x + R.w / 2, R.y - 14, "server CPU µs per delivery", 'text-anchor="middle" font-weight="bold"');
  plotted.forEach((row, k) => {
    const color = COLORS[k % COLORS.length] ?? "#000";
    const value = row.fanout.cpuMicrosPerDelivery;
    const y = R.y + k * (barH + 8);
    const w = (Math.min(value, maxCpu) / maxCpu) * (R.w - 50);
    parts.push(`<rect x="${R.x}" y="${y}" width="${w.toFixed(1)}" height="${barH}" fill="${color}"/>`);
    text(R.x + w + 6, y + barH / 2 + 4, value.toFixed(1));
  });
  text(W / 2, H - 14, title, 'text-anchor="middle" fill="#444"');
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}"><rect width="100%" height="100%" fill="white"/>${parts.join("")}</svg>`;
}

/** Writes `<dir>/bench.svg` and, when Chromium is there, `<dir>/bench.png`; returns what it wrote. */
export async function writePlot(rows: PlotRow[], dir: string, title: string): Promise<string[]> {
  await mkdir(dir, { recursive: true });
  const image = svg(rows, title);
  const svgFile = path.join(dir, "bench.svg");
  await writeFile(svgFile, image);
  const executablePath = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
  if (!existsSync(executablePath)) return [svgFile];
  const { chromium } = await import("playwright-core");
  const browser = await chromium.launch({
    executablePath,
    args: [
      "--no-sandbox",
      "--disable-gpu",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
      "--no-first-run",
    ],
  });
  try {
    const page = await browser.newPage({ viewport: { width: W, height: H } });
    await page.setContent(`<html><body style="margin:0">${image}</body></html>`);
    const pngFile = path.join(dir, "bench.png");
    await page.screenshot({ path: pngFile });
    return [svgFile, pngFile];
  } finally {
    await browser.close();
  }
}
