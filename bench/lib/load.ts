import autocannon from 'autocannon';

// One load run: a fixed number of keep-alive connections for a fixed time, each request
// built on the fly from a pool (a different teacher, page or completion every time), with
// status codes checked per request rather than trusting "2xx or 3xx".
//
// Warm-up and measurement share one set of connections. A saturated Node server takes on new
// connections only a few per round of work on the established ones: 50 fresh connections to
// the PDF route took 8 s until the last got its first answer. Browsers and a reverse proxy keep
// connections alive, so the steady state is what is measured: the warm-up lasts until every
// connection has had an answer (and at least the warm-up time), then latency of requests sent
// and throughput of answers received during the measured seconds are recorded.

export interface NextRequest {
  method?: 'GET' | 'POST';
  path: string;
  headers?: Record<string, string>;
  body?: string;
  /** handed back to onAck when this request gets an expected answer */
  tag?: unknown;
}

export interface LoadOptions {
  url: string;
  connections: number;
  duration: number; // seconds measured
  warmup: number; // seconds before, on the same connections, not measured
  /** The next request, or null when the pool is used up (the run then stops early). */
  next: () => NextRequest | null;
  /** The answers that count as success: e.g. 200 for a page, 303 to the module for a completion. */
  expect: (status: number, headers: Record<string, string>) => boolean;
  /** Every expected answer, warm-up included (those completions are real too). */
  onAck?: (tag: unknown) => void;
  /** Ask for uncompressed answers (to see what compression costs); browsers always accept gzip and br. */
  identity?: boolean;
  /** CPU seconds used so far by the server under test, read around the measured part. */
  cpuSeconds?: () => number | null;
  /** Called when the measured part starts (the crash scenario kills the server from here). */
  onStart?: (stop: () => void) => void;
}

export interface LoadResult {
  seconds: number;
  ok: number; // expected answers received in the measured part
  rps: number; // ok / seconds
  p50: number; // ms, requests sent in the measured part
  p99: number;
  cpuMs: number | null; // server CPU milliseconds per answer in the measured part
  unexpected: number; // answered with another status (whole run)
  errors: number; // connection errors and timeouts (whole run)
  errorKinds: Record<string, number>; // what those errors were
  statuses: Record<string, number>;
  exhausted: boolean;
}

const BROWSER_HEADERS = {
  // What a browser sends; Accept-Encoding makes the platform compress as it would in real use.
  accept: 'text/html,application/xhtml+xml,*/*;q=0.8',
  'accept-encoding': 'gzip, deflate, br',
  'user-agent': 'pdp-bench',
};

const SKIPPED = Symbol('skipped'); // a filler request once the pool is empty

interface Context {
  tag?: unknown;
  sentAt?: number;
}

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((sorted.length * p) / 100))]!;
}

export async function runLoad(options: LoadOptions): Promise<LoadResult> {
  let exhausted = false;
  let measuring = options.warmup <= 0;
  let ok = 0;
  let answered = 0;
  let unexpected = 0;
  const latencies: number[] = [];
  const statuses: Record<string, number> = {};
  const errorKinds: Record<string, number> = {};
  let instance: autocannon.Instance | undefined;
  let measuredFrom = performance.now();
  let cpuBefore = options.cpuSeconds?.() ?? null;
  let warmupTimer: NodeJS.Timeout | undefined;
  let stopTimer: NodeJS.Timeout | undefined;
  let warmupOver = false;
  const answeredConnections = new Set<unknown>();
  const stop = () => instance?.stop();
  const startMeasuring = () => {
    measuring = true;
    measuredFrom = performance.now();
    cpuBefore = options.cpuSeconds?.() ?? null;
    stopTimer = setTimeout(stop, options.duration * 1000);
    options.onStart?.(stop);
  };

  const maybeStart = () => {
    if (!measuring && warmupOver && answeredConnections.size >= options.connections) startMeasuring();
  };
  const result = await new Promise<autocannon.Result>((resolve, reject) => {
    instance = autocannon(
      {
        url: options.url,
        connections: options.connections,
        duration: options.warmup + options.duration + 120, // a cap: the measured seconds end the run
        timeout: 30, // a browser waits far longer; only a server that stops answering should count
        sampleInt: 100, // autocannon reads its stop flag at each sample tick
        headers: options.identity ? { ...BROWSER_HEADERS, 'accept-encoding': 'identity' } : BROWSER_HEADERS,
        requests: [
          {
            setupRequest: (req, context) => {
              const ctx = context as Context;
              const next = exhausted ? null : options.next();
              ctx.sentAt = measuring ? performance.now() : undefined;
              if (!next) {
                if (!exhausted) setImmediate(stop);
                exhausted = true;
                ctx.tag = SKIPPED;
                return { ...req, method: 'GET', path: '/healthz' };
              }
              ctx.tag = next.tag;
              return { ...req, method: next.method ?? 'GET', path: next.path, headers: { ...req.headers, ...next.headers }, body: next.body ?? '' };
            },
            onResponse: (status, _body, context, headers) => {
              const ctx = context as Context;
              if (ctx.tag === SKIPPED) return;
              statuses[status] = (statuses[status] ?? 0) + 1;
              const expected = options.expect(status, (headers ?? {}) as Record<string, string>);
              if (expected) options.onAck?.(ctx.tag);
              else unexpected++;
              if (measuring) {
                answered++;
                if (expected) ok++;
              }
              if (ctx.sentAt !== undefined) latencies.push(performance.now() - ctx.sentAt);
            },
          },
        ],
      },
      (err, res) => (err ? reject(err) : resolve(res)),
    );
    instance.on('reqError', (error: NodeJS.ErrnoException) => {
      const kind = error.code ?? error.message;
      errorKinds[kind] = (errorKinds[kind] ?? 0) + 1;
    });
    if (measuring) setImmediate(startMeasuring);
    else {
      instance.on('response', (client: unknown) => {
        if (measuring) return;
        answeredConnections.add(client);
        maybeStart();
      });
      warmupTimer = setTimeout(() => {
        warmupOver = true;
        maybeStart();
      }, options.warmup * 1000);
    }
  });
  // A pool used up (or a server gone) during the warm-up ends the run before it.
  clearTimeout(warmupTimer);
  clearTimeout(stopTimer);
  const seconds = (performance.now() - measuredFrom) / 1000;
  const cpuAfter = options.cpuSeconds?.() ?? null;
  latencies.sort((a, b) => a - b);
  return {
    seconds,
    ok,
    rps: ok / seconds,
    p50: Math.round(percentile(latencies, 50) * 10) / 10,
    p99: Math.round(percentile(latencies, 99) * 10) / 10,
    cpuMs: cpuBefore !== null && cpuAfter !== null && answered > 0 ? ((cpuAfter - cpuBefore) * 1000) / answered : null,
    unexpected,
    errors: result.errors, // autocannon counts timeouts among its errors
    errorKinds,
    statuses,
    exhausted,
  };
}
