/** Returns `array` or a copy at least `needed` long, doubling to keep appends amortised O(1). */
export function ensureFloat32(array: Float32Array, needed: number): Float32Array {
  if (needed <= array.length) return array;
  const grown = new Float32Array(Math.max(needed, array.length * 2, 64));
  grown.set(array);
  return grown;
}

/** Same as {@link ensureFloat32} for unsigned 32-bit integers. */
export function ensureUint32(array: Uint32Array, needed: number): Uint32Array {
  if (needed <= array.length) return array;
  const grown = new Uint32Array(Math.max(needed, array.length * 2, 64));
  grown.set(array);
  return grown;
}

/** Same as {@link ensureFloat32} for 64-bit floats. */
export function ensureFloat64(array: Float64Array, needed: number): Float64Array {
  if (needed <= array.length) return array;
  const grown = new Float64Array(Math.max(needed, array.length * 2, 64));
  grown.set(array);
  return grown;
}

/** Smallest power of two that is >= n (n >= 1). */
export function nextPowerOfTwo(n: number): number {
  let p = 1;
  while (p < n) p *= 2;
  return p;
}
