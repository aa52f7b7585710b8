import os from 'node:os';
import type { BenchData } from './report-data.ts';
import type { Measured, MeasureResult } from './report-measure.ts';

// Formats the compliance report benchmark as the Markdown section of docs/PERFORMANCE.md.

const ms = (n: number) => (n >= 100 ? n.toFixed(0) : n.toFixed(1));
const mb = (n: number) => n.toFixed(0);
const size = (bytes: number) => (bytes >= 1024 * 1024 ? `${(bytes / 1024 / 1024).toFixed(1)} MB` : `${(bytes / 1024).toFixed(0)} kB`);

function verdict(m: Measured): string {
  if (m.status !== 200) return `HTTP ${m.status}`;
  if (!m.target?.ms) return '';
  return m.median <= m.target.ms ? `${m.target.label}: met` : `${m.target.label}: **missed**`;
}

const load = (r: MeasureResult) =>
  `Load average (1/5/15 min) before: ${r.load.before.map((n) => n.toFixed(1)).join('/')}, after: ${r.load.after.map((n) => n.toFixed(1)).join('/')}.`;

function rows(result: MeasureResult): string[] {
  return result.results.map(
    (m) =>
      `| ${m.name} | ${ms(m.median)} | ${m.runs.map(ms).join(', ')} | ${mb(m.peakRssMb)} (${mb(m.heapAtPeakMb)}/${mb(m.externalAtPeakMb)}) | ${m.bytes ? size(m.bytes) : ''} | ${verdict(m)} |`,
  );
}

export function reportMarkdown(input: { data: BenchData; runs: number; asIs: MeasureResult; dbBytes: number }): string {
  const { data, runs, asIs } = input;
  const cpu = os.cpus()[0]?.model ?? 'unknown CPU';
  const header = ['| scenario | median ms | runs (ms) | peak RSS MB (V8 heap/external then) | body | target |', '|---|---:|---|---:|---:|---|'];
  return [
    '## Compliance report',
    '',
    `Measured by \`npm run bench:report\` on ${new Date().toISOString().slice(0, 10)}: ${cpu}, ${os.cpus().length} cores, ` +
      `${(os.totalmem() / 1024 ** 3).toFixed(0)} GB RAM, ${os.platform()} ${os.release()}, Node ${process.version}.`,
    '',
    `Data: a synthetic database of ${data.teachers.toLocaleString('en')} teachers in ${data.schools.toLocaleString('en')} schools, 50 regions and 3 countries, ` +
      `${data.evidence.toLocaleString('en')} competency_evidence rows (inserted in time order, so one teacher's rows are scattered; ` +
      `Knowledge Acquisition far commoner than Knowledge Creation), ${data.enrolments.toLocaleString('en')} enrolments, ` +
      `20 cohorts with ${data.cohortMembers.toLocaleString('en')} members; generated in ${data.seconds.toFixed(1)} s ` +
      `(${(input.dbBytes / 1024 / 1024).toFixed(0)} MB file).`,
    '',
    `How: the real app (production mode: cached templates, compression; run by tsx as deployed) serves the file from a ` +
      `child process on a local socket; the benchmark process, signed in as an administrator, reads each response to the end ` +
      `with \`fetch\` and discards it. Each scenario runs ${runs} times after one untimed warm-up request; the median is ` +
      `reported. Peak RSS is the server process's own \`process.memoryUsage().rss\`, sampled every 20 ms during the ` +
      `scenario (after a GC between scenarios; idle after start-up and warm-up: ${mb(asIs.idleRssMb)} MB). ` +
      `Baselines are measured in the same run; \`SELECT COUNT(*)\` runs on a separate read-only connection.`,
    '',
    '### Figures',
    '',
    ...header,
    ...rows(asIs),
    '',
    `Peak RSS over the whole run: ${mb(asIs.peakRssMb)} MB (target < 300 MB). ${load(asIs)}`,
    '',
    'Indexes used: `competency_evidence_user_idx (user_id, competency, created_at, module_id)` serves the per-teacher export from the index alone; `competency_evidence_competency_idx (competency, user_id, created_at)` the grouped counts.',
  ].join('\n');
}
