/**
 * The loops of one layer as segment numbers: segments `order[loopStart[i] .. loopStart[i + 1])`
 * in walking order form loop i. `next[s]` is the segment that starts on the edge where s ends
 * (-1 when none), which is also where s's end point comes from; `previous[s]` is the segment
 * whose `next` is s (-1 when none).
 */
export interface ChainedLoops {
  loopCount: number;
  order: Uint32Array;
  loopStart: Uint32Array;
  closed: Uint8Array;
  next: Int32Array;
  previous: Int32Array;
}

/**
 * Chains a layer's segments into loops by the integer id of the mesh edge each starts and ends
 * on: `startOf` and `endsHere` are edge-indexed scratch arrays (all -1 and 0 on entry, restored
 * on return), so a layer costs O(segments) with no hashing. Open chains are walked first from
 * their heads, then the closed loops from their lowest segment, as the float-keyed version did
 * (the same loops in the same order, hence the same timings).
 */
export function chainSegments(
  from: Uint32Array,
  to: Uint32Array,
  count: number,
  startOf: Int32Array,
  endsHere: Uint8Array,
): ChainedLoops {
  for (let s = 0; s < count; s++) {
    startOf[from[s]!] = s; // the last of two segments starting on one edge wins
    endsHere[to[s]!] = 1;
  }
  const next = new Int32Array(count);
  const previous = new Int32Array(count).fill(-1);
  for (let s = 0; s < count; s++) {
    next[s] = startOf[to[s]!]!;
    if (next[s]! >= 0) previous[next[s]!] = s;
  }
  const visited = new Uint8Array(count);
  const order = new Uint32Array(count);
  const starts: number[] = [0];
  const closedFlags: number[] = [];
  let written = 0;
  const walk = (start: number): void => {
    let current = start;
    let closed = 0;
    for (;;) {
      visited[current] = 1;
      order[written++] = current;
      const following = next[current]!;
      if (following === start) {
        closed = 1;
        break;
      }
      if (following < 0 || visited[following] === 1) break;
      current = following;
    }
    starts.push(written);
    closedFlags.push(closed);
  };
  for (let s = 0; s < count; s++) if (visited[s] === 0 && endsHere[from[s]!] === 0) walk(s);
  for (let s = 0; s < count; s++) if (visited[s] === 0) walk(s);
  for (let s = 0; s < count; s++) {
    startOf[from[s]!] = -1;
    endsHere[to[s]!] = 0;
  }
  return {
    loopCount: closedFlags.length,
    order,
    loopStart: Uint32Array.from(starts),
    closed: Uint8Array.from(closedFlags),
    next,
    previous,
  };
}
