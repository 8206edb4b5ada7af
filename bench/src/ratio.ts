/** A variant's throughput as a share of the bare framework measured in the same run. */
export function ratioToBaseline(variantRps: number, baselineRps: number): number {
  if (!(baselineRps > 0)) throw new RangeError('baseline throughput must be positive');
  return variantRps / baselineRps;
}
