/** Row-vector affine transform as written by 3MF: m00 m01 m02 m10 ... m22 m30 m31 m32. */
export type Affine = readonly number[];

export const IDENTITY: Affine = [1, 0, 0, 0, 1, 0, 0, 0, 1, 0, 0, 0];

/** Applies `inner` then `outer` (row-vector convention: p' = p·L + t). */
export function compose(inner: Affine, outer: Affine): Affine {
  const r: number[] = new Array<number>(12).fill(0);
  for (let row = 0; row < 4; row++) {
    for (let col = 0; col < 3; col++) {
      let sum = row === 3 ? outer[9 + col]! : 0;
      for (let k = 0; k < 3; k++) sum += inner[row * 3 + k]! * outer[k * 3 + col]!;
      r[row * 3 + col] = sum;
    }
  }
  return r;
}

/** Determinant of the linear part: negative for a mirroring transform. */
export function determinant(m: Affine): number {
  return (
    m[0]! * (m[4]! * m[8]! - m[5]! * m[7]!) -
    m[1]! * (m[3]! * m[8]! - m[5]! * m[6]!) +
    m[2]! * (m[3]! * m[7]! - m[4]! * m[6]!)
  );
}

/** The same transform with its translation multiplied by `scale` (a change of length unit). */
export function scaleTranslation(m: Affine, scale: number): Affine {
  return scale === 1 ? m : [...m.slice(0, 9), m[9]! * scale, m[10]! * scale, m[11]! * scale];
}
