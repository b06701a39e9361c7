const integerFormat = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 });
const decimalFormat = new Intl.NumberFormat('en-US', { maximumFractionDigits: 2 });

/** Formats a count the way customers read it in messages: `1,234`. */
export function formatCount(n: number): string {
  return integerFormat.format(n);
}

/** Formats a measurement with at most two decimals: `12.5`. */
export function formatDecimal(n: number): string {
  return decimalFormat.format(n);
}
