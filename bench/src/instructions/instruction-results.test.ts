import { describe, expect, it } from 'vitest';
import {
  renderInstructionSection,
  replaceInstructionSection,
  SECTION_END,
  SECTION_START,
} from './instruction-results.js';
import type { ServerInstructionFigure } from './server-instructions.js';

const meta = { date: '2026-12-02', node: 'v22.23.3' };

function windowed(
  window: string,
  subject: ServerInstructionFigure['subject'],
  main: number,
  total: number,
  compile = 0,
): ServerInstructionFigure {
  return {
    framework: 'fastify',
    subject,
    perRequest: total + compile,
    counts: { small: 0, large: total * 1000 },
    mainThreadPerRequest: main,
    runningPerRequest: total,
    window: `${window} fastify`,
  };
}

const targetRow = (markdown: string, label: string) =>
  markdown.split('\n').find((line) => line.startsWith(`| ${label}`));

describe('the instruction-count section of RESULTS.md', () => {
  it('judges side-by-side windows by the median of their main-thread ratios, all threads shown beside', () => {
    const servers = [
      // main thread: 1.010, 1.020, 1.040 → median 1.020 (met); all threads swing far more
      windowed('2026-12-02T15:00:00.000Z', 'apps-no-auth', 1_000_000, 3_000_000),
      windowed('2026-12-02T15:00:00.000Z', 'apps-jwt-repeated', 1_010_000, 3_300_000),
      windowed('2026-12-02T15:10:00.000Z', 'apps-no-auth', 1_000_000, 3_000_000),
      windowed('2026-12-02T15:10:00.000Z', 'apps-jwt-repeated', 1_040_000, 2_850_000),
      windowed('2026-12-02T15:20:00.000Z', 'apps-no-auth', 1_000_000, 3_000_000),
      windowed('2026-12-02T15:20:00.000Z', 'apps-jwt-repeated', 1_020_000, 3_030_000),
    ];
    const markdown = renderInstructionSection([], servers, meta);
    const row = targetRow(markdown, 'Reference server, tools/list, repeated JWT vs auth disabled | fastify');
    expect(row).toContain('1.020× main thread, median of 3 windows (1.010×, 1.040×, 1.020×)');
    expect(row).toContain('all threads without compilation 1.010× (1.100×, 0.950×, 1.010×)');
    expect(row).toContain('**met**');
    expect(markdown).toContain('| fastify | 15:10:00 | – | – | 1,000,000 / 3,000,000 | 1,040,000 / 2,850,000 |');
  });

  it('misses a target when the median main-thread ratio is over it', () => {
    const servers = [
      windowed('2026-12-02T15:00:00.000Z', 'apps-no-auth', 1_000_000, 3_000_000),
      windowed('2026-12-02T15:00:00.000Z', 'apps-jwt-repeated', 1_031_000, 3_000_000),
    ];
    const row = targetRow(
      renderInstructionSection([], servers, meta),
      'Reference server, tools/list, repeated JWT vs auth disabled | fastify',
    );
    expect(row).toContain('1.031× main thread (1,031,000 vs 1,000,000); all threads without compilation 1.000×');
    expect(row).toContain('**missed** | over by 0.1%');
  });

  it("leaves V8's compilers out of the all-threads ratio it labels so", () => {
    const servers = [
      // without compilation 3,000,000 vs 3,030,000; with it 4,000,000 vs 3,530,000
      windowed('2026-12-02T15:00:00.000Z', 'apps-no-auth', 1_000_000, 3_000_000, 1_000_000),
      windowed('2026-12-02T15:00:00.000Z', 'apps-jwt-repeated', 1_010_000, 3_030_000, 500_000),
    ];
    const row = targetRow(
      renderInstructionSection([], servers, meta),
      'Reference server, tools/list, repeated JWT vs auth disabled | fastify',
    );
    expect(row).toContain('1.010× main thread (1,010,000 vs 1,000,000); all threads without compilation 1.010×');
  });

  it('says "all threads" when a window did not tell the compilers apart', () => {
    const servers = [
      windowed('2026-12-02T15:00:00.000Z', 'apps-no-auth', 1_000_000, 3_000_000),
      {
        ...windowed('2026-12-02T15:00:00.000Z', 'apps-jwt-repeated', 1_010_000, 3_300_000),
        runningPerRequest: undefined,
      },
    ];
    const row = targetRow(
      renderInstructionSection([], servers, meta),
      'Reference server, tools/list, repeated JWT vs auth disabled | fastify',
    );
    expect(row).toContain('1.010× main thread (1,010,000 vs 1,000,000); all threads 1.100×');
  });

  it('falls back to the differenced figures of all threads when no window was counted', () => {
    const servers: ServerInstructionFigure[] = [
      { framework: 'hono', subject: 'reference', perRequest: 472_027, counts: { small: 1, large: 2 } },
      { framework: 'hono', subject: 'warden-repeated', perRequest: 485_413, counts: { small: 1, large: 2 } },
    ];
    const markdown = renderInstructionSection([], servers, meta);
    expect(targetRow(markdown, 'Repeated token vs the reference middleware | hono')).toContain(
      '1.028× (485,413 vs 472,027) | **met**',
    );
    expect(markdown).toContain('| hono | two processes, differenced | 472,027 | 485,413 | – | – |');
  });

  it('judges mcp-warden against each peer by all threads without compilation, per token mode', () => {
    const window = '2026-12-02T18:00:00.000Z express';
    const figure = (
      subject: ServerInstructionFigure['subject'],
      main: number,
      running: number,
      peer?: string,
    ): ServerInstructionFigure => ({
      framework: 'express',
      subject,
      ...(peer === undefined ? {} : { peer }),
      perRequest: running + 100_000,
      counts: { small: 0, large: 1 },
      mainThreadPerRequest: main,
      runningPerRequest: running,
      window,
    });
    const servers = [
      // distinct: the jose peer's main thread is lighter (its RSA check runs on the thread pool), all threads heavier
      figure('warden-distinct-no-cors', 1_400_000, 1_450_000),
      figure('peers-distinct', 1_200_000, 1_600_000, 'express-oauth2-jwt-bearer'),
      // repeated: behind the peer by 1%
      figure('warden-repeated-no-cors', 820_000, 1_010_000),
      figure('peers-repeated', 810_000, 1_000_000, 'express-oauth2-jwt-bearer'),
    ];
    const markdown = renderInstructionSection([], servers, meta);
    const distinct = targetRow(markdown, 'Ahead of peers, per request | express: express-oauth2-jwt-bearer, distinct');
    expect(distinct).toContain('0.906× (1,450,000 vs 1,600,000); main thread 1.167×');
    expect(distinct).toContain('**met** | ahead by 9.4%');
    const repeated = targetRow(markdown, 'Ahead of peers, per request | express: express-oauth2-jwt-bearer, repeated');
    expect(repeated).toContain('1.010× (1,010,000 vs 1,000,000)');
    expect(repeated).toContain('**missed** | behind by 1.0%');
    // the peer windows get a table of their own, not empty columns in the repeated-token table
    expect(markdown).not.toContain('### Per request\n');
    expect(markdown).toContain('| express | 18:00:00 | express-oauth2-jwt-bearer, distinct | 1,200,000 | 1,600,000 |');
    expect(markdown).toContain('| express | 18:00:00 | mcp-warden, repeated | 820,000 | 1,010,000 |');
  });

  it('replaces the section between its markers and leaves the rest of the file alone', () => {
    const before = `# Results\n\n${SECTION_START}\nold\n${SECTION_END}\n\n## Reproduce\n`;
    const after = replaceInstructionSection(before, `${SECTION_START}\nnew\n${SECTION_END}`);
    expect(after).toBe(`# Results\n\n${SECTION_START}\nnew\n${SECTION_END}\n\n## Reproduce\n`);
  });
});
