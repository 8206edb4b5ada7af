/**
 * Preloaded into the server under test (`NODE_OPTIONS=--import …/process-probe.mjs`) so the
 * suite can read the real process's memory and event-loop delay without adding a metrics surface
 * to the server itself. Every 250 ms it writes a JSON snapshot to `HARDENING_PROBE_FILE`:
 * current and peak RSS, heap used, and the event-loop delay (`monitorEventLoopDelay`, sampled
 * every 10 ms; reported as how late a sample fired) since the last reset. `SIGUSR2` resets the histogram and the peak, so a load
 * run measures only itself.
 *
 * @module
 */
import { writeFileSync } from 'node:fs';
import { monitorEventLoopDelay } from 'node:perf_hooks';

const file = process.env.HARDENING_PROBE_FILE;
if (file) {
  const RESOLUTION_MS = 10;
  const delay = monitorEventLoopDelay({ resolution: RESOLUTION_MS });
  delay.enable();
  let peakRss = process.memoryUsage.rss();

  const snapshot = () => {
    const rss = process.memoryUsage.rss();
    if (rss > peakRss) peakRss = rss;
    // The histogram records the interval between samples, the 10 ms resolution included; the
    // delay is what comes on top of it.
    const ms = (ns) => Math.max(0, Math.round((ns / 1e6 - RESOLUTION_MS) * 100) / 100);
    const data = {
      at: Date.now(),
      rssBytes: rss,
      peakRssBytes: peakRss,
      heapUsedBytes: process.memoryUsage().heapUsed,
      eventLoopDelayMs: {
        p50: ms(delay.percentile(50)),
        p99: ms(delay.percentile(99)),
        max: ms(delay.max),
        mean: ms(delay.mean),
        resolutionMs: RESOLUTION_MS,
        samples: delay.count,
      },
    };
    try {
      writeFileSync(file, JSON.stringify(data));
    } catch {
      // The suite may have removed its temporary folder already; nothing to report then.
    }
  };

  setInterval(snapshot, 250).unref();
  process.on('SIGUSR2', () => {
    delay.reset();
    peakRss = process.memoryUsage.rss();
    snapshot();
  });
}
