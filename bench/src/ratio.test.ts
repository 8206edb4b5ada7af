import { expect, it } from 'vitest';
import { ratioToBaseline } from './ratio.js';

it('reports throughput relative to the bare framework', () => {
  expect(ratioToBaseline(900, 1000)).toBeCloseTo(0.9);
  expect(() => ratioToBaseline(1, 0)).toThrow(RangeError);
});
