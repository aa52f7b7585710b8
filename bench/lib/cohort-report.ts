import fs from 'node:fs';
import os from 'node:os';

// Timing and reporting for the cohort benchmark: medians of a few runs, a console table, and
// the "## Cohorts" section of docs/PERFORMANCE.md (other sections are left as they are).

export interface Timing {
  step: string;
  runs: number;
  median: number;
  min: number;
  max: number;
  bytes: number;
}

export async function measure(step: string, runs: number, once: () => Promise<number>): Promise<Timing> {
  const times: number[] = [];
  let bytes = 0;
  for (let i = 0; i < runs; i++) {
    const start = performance.now();
    bytes = await once();
    times.push(performance.now() - start);
  }
  times.sort((a, b) => a - b);
  return { step, runs, median: times[Math.floor(times.length / 2)]!, min: times[0]!, max: times[times.length - 1]!, bytes };
}

const ms = (n: number) => (n < 10 ? n.toFixed(2) : n.toFixed(1));
const kb = (n: number) => (n < 1024 ? `${n} B` : `${(n / 1024).toFixed(n < 10240 ? 1 : 0)} KB`);

export function machine() {
  const cpus = os.cpus();
  return {
    cpu: cpus[0]?.model.trim() ?? 'unknown CPU',
    cores: cpus.length,
    node: process.version,
    platform: `${os.platform()} ${os.arch()}`,
    date: new Date().toISOString().slice(0, 10),
  };
}

export function markdownTable(timings: Timing[], baseline: Timing): string {
  const lines = ['| step | runs | median (ms) | min–max (ms) | × baseline | response |', '|---|---:|---:|---:|---:|---:|'];
  for (const t of [baseline, ...timings]) {
    const ratio = t === baseline ? '1' : (t.median / baseline.median).toFixed(0);
    lines.push(`| ${t.step} | ${t.runs} | ${ms(t.median)} | ${ms(t.min)}–${ms(t.max)} | ${ratio} | ${kb(t.bytes)} |`);
  }
  return lines.join('\n');
}

/** Replaces (or appends) the "## Cohorts" section, up to the next "## " heading. */
export function writeSection(file: string, body: string, heading = '## Cohorts'): void {
  const current = fs.existsSync(file) ? fs.readFileSync(file, 'utf8') : '# Performance\n\nMeasured figures, how they were measured, and on what machine.\n';
  const section = `${heading}\n\n${body.trim()}\n`;
  const start = current.search(new RegExp(`^${heading}\\s*$`, 'm'));
  let next: string;
  if (start < 0) {
    next = `${current.trimEnd()}\n\n${section}`;
  } else {
    const rest = current.slice(start + heading.length);
    const end = rest.search(/^## /m);
    next = `${current.slice(0, start)}${section}${end < 0 ? '' : `\n${rest.slice(end)}`}`;
  }
  fs.writeFileSync(file, next.endsWith('\n') ? next : `${next}\n`);
}
