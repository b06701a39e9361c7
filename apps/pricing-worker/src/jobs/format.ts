/** A count for a customer message: `1,234`. */
export function formatCount(n: number): string {
  return Math.round(n).toLocaleString('en-US');
}
