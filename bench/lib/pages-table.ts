import fs from 'node:fs';
import path from 'node:path';
import type { PagesReport, ScenarioResult } from './pages.ts';

// The page benchmark's table, for the terminal and for docs/PERFORMANCE.md. Other
// benchmarks own other sections of that file: only the blocks between this benchmark's
// markers, inside its own section, are ever rewritten.

export const SECTION = '## Pages and completions (npm run bench)';
const INTRO = '# Performance\n\nMeasured figures for the platform; each benchmark writes its own section.\n';

const num = (n: number, digits = 0) => n.toLocaleString('en-GB', { maximumFractionDigits: digits, minimumFractionDigits: digits });

function rows(report: PagesReport): string[][] {
  const all: [string, ScenarioResult][] = [
    [`${report.baseline.label} (baseline, before)`, report.baseline],
    ...report.scenarios.map((s): [string, ScenarioResult] => [s.label, s]),
    [`${report.baselineAgain.label} (baseline, after)`, report.baselineAgain],
  ];
  return all.map(([label, s]) => [
    label,
    num(s.rps),
    num(s.baselineRps),
    num(s.ratio, 2),
    num(s.p50, 1),
    num(s.p99, 1),
    s.cpuMs === null ? '–' : num(s.cpuMs, 2),
    num(s.unexpected),
    num(s.errors),
    s.verdict,
  ]);
}

const HEAD = ['scenario', 'req/s', 'baseline req/s around it', '× baseline', 'p50 ms', 'p99 ms', 'server CPU ms/req', 'bad status', 'errors', 'target'];

export function consoleTable(report: PagesReport): string {
  const table = [HEAD, ...rows(report)];
  const widths = HEAD.map((_, i) => Math.max(...table.map((r) => r[i]!.length)));
  const line = (r: string[]) => r.map((cell, i) => (i === 0 || i === r.length - 1 ? cell.padEnd(widths[i]!) : cell.padStart(widths[i]!))).join('  ');
  return [line(table[0]!), widths.map((w) => '-'.repeat(w)).join('  '), ...table.slice(1).map(line)].join('\n');
}

export function describeRun(report: PagesReport): string {
  const m = report.machine;
  const o = report.options;
  return (
    `${report.date.slice(0, 10)}: ${m.cpu}, ${m.cores} cores, ${m.memoryGb} GB, ${m.platform}, Node ${m.node}; ` +
    `${o.connections} connections, ${o.duration} s per scenario after ${o.warmup} s warm-up on the same connections; ` +
    `load average ${report.loadAverage.map((l) => l.toFixed(1)).join(' → ')} (other work on the machine); ` +
    `${num(report.seed.counts.teachers ?? 0)} teachers, ${num(report.seed.counts.certificates ?? 0)} certificates, ${num(report.seed.counts.evidence ?? 0)} evidence rows.`
  );
}

export function evidenceLine(report: PagesReport): string {
  const e = report.evidence;
  if (!e) return 'No completion scenario in this run.';
  return (
    `Completion check: ${num(e.acknowledged)} acknowledged (303), ${num(e.found)} found complete with every evidence row and learning record, ` +
    `${num(e.acknowledged - e.found)} missing, ${num(e.duplicates)} duplicates, ${num(e.missingCertificates)} finished courses without a certificate, ` +
    `${num(e.completedDuringRun)} first completions written in the window, integrity_check ${e.integrity}.`
  );
}

export function markdownTable(report: PagesReport): string {
  const esc = (s: string) => s.replace(/\|/g, '\\|');
  const table = [HEAD, HEAD.map((_, i) => (i === 0 || i === HEAD.length - 1 ? '---' : '---:')), ...rows(report)];
  return table.map((r) => `| ${r.map(esc).join(' | ')} |`).join('\n');
}

export function pagesBlock(report: PagesReport): string {
  return [
    `Last full run: ${describeRun(report)}`,
    '',
    markdownTable(report),
    '',
    evidenceLine(report),
    '',
    `Zero errors everywhere and evidence intact: ${report.ok ? 'yes' : 'NO'}.`,
  ].join('\n');
}

/** Replaces the block between `<!-- bench:<name> -->` markers inside this benchmark's section. */
export function writeBlock(file: string, name: 'pages' | 'crash' | 'engines' | 'crash-postgres', content: string): void {
  const open = `<!-- bench:${name} -->`;
  const close = `<!-- /bench:${name} -->`;
  let text = fs.existsSync(file) ? fs.readFileSync(file, 'utf8') : INTRO;
  let start = text.indexOf(`\n${SECTION}\n`);
  if (start < 0) {
    const skeleton = `${SECTION}\n\nRun with \`npm run bench\` (\`-- --quick\`, \`-- crash\`).\n\n<!-- bench:pages -->\n<!-- /bench:pages -->\n\n<!-- bench:crash -->\n<!-- /bench:crash -->\n`;
    text = `${text.trimEnd()}\n\n${skeleton}`;
    start = text.indexOf(`\n${SECTION}\n`);
  }
  const next = text.indexOf('\n## ', start + SECTION.length + 1);
  const end = next < 0 ? text.length : next;
  let section = text.slice(start, end);
  const block = `${open}\n${content.trim()}\n${close}`;
  const from = section.indexOf(open);
  const to = section.indexOf(close);
  section = from >= 0 && to > from ? section.slice(0, from) + block + section.slice(to + close.length) : `${section.trimEnd()}\n\n${block}\n`;
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, text.slice(0, start) + section + text.slice(end));
}
