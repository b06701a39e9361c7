import type { Affine } from './affine.util.js';
import { MeshError } from './errors.js';
import { formatCount } from './format.util.js';
import type { ComponentLimits } from './limits.js';
import type { ParseWork } from './parse-work.js';
import { invalid3mf, type MeshObject, type ModelPart, type ObjectRef } from './three-mf-model.js';

/** Object types whose meshes are not printed material (core spec 4.1). */
const SKIPPED_OBJECT_TYPES = new Set(['support', 'surface', 'other']);
/** Counts stop growing here, far above any limit and still exact integers. */
const SATURATED = Number.MAX_SAFE_INTEGER;

const add = (a: number, b: number): number => Math.min(SATURATED, a + b);

/** One placement of an object: which node, moved by which transform. */
export interface Placement {
  node: number;
  transform: Affine;
}

/** The objects of every part as numbered nodes, their components as edges, the build items. */
export interface BuildGraph {
  objects: MeshObject[];
  children: Placement[][];
  items: Placement[];
}

/** What the build expands to, computed once per object on the graph (no placement expanded). */
export interface BuildBounds {
  /** Printed triangles below each node (saturating). */
  trianglesBelow: Float64Array;
  /** Triangles of each node's own mesh that are printed (0 for support, surface, other). */
  ownTriangles: Uint32Array;
  triangles: number;
  placements: number;
  depth: number;
  /** Reachable objects whose meshes are not printed (support, surface, other). */
  skippedObjects: number;
}

/** Numbers every object of every part and resolves references, local or by production path. */
export function resolveBuild(parts: Map<string, ModelPart>, root: ModelPart): BuildGraph {
  const objects: MeshObject[] = [];
  const numbers = new Map<ModelPart, Map<number, number>>();
  for (const part of parts.values()) {
    const ids = new Map<number, number>();
    for (const [id, object] of part.objects) ids.set(id, objects.push(object) - 1);
    numbers.set(part, ids);
  }
  const resolve = (ref: ObjectRef, from: ModelPart, what: string): Placement => {
    const part = ref.path === undefined ? from : parts.get(partKey(ref.path))!;
    const node = numbers.get(part)!.get(ref.objectId);
    if (node === undefined) {
      const where = ref.path === undefined ? '' : ` in "${ref.path}"`;
      throw invalid3mf(`${what} refers to object ${ref.objectId}${where}, which does not exist`);
    }
    return { node, transform: ref.transform };
  };
  const children: Placement[][] = [];
  for (const part of parts.values())
    for (const object of part.objects.values())
      children.push(object.components.map((c) => resolve(c, part, `object ${object.id}`)));
  let items = root.items.map((item) => resolve(item, root, 'the build'));
  if (items.length === 0) {
    // No build: every root object that is no other's component is printed.
    const referenced = new Set(children.flat().map((c) => c.node));
    items = [...numbers.get(root)!.values()]
      .filter((node) => !referenced.has(node))
      .map((node) => ({ node, transform: [1, 0, 0, 0, 1, 0, 0, 0, 1, 0, 0, 0] }));
  }
  return { objects, children, items };
}

/** The key of a model part in the package: its path without the leading slash, lower-cased. */
export function partKey(path: string): string {
  return path.replace(/^\//, '').toLowerCase();
}

function cycleError(graph: BuildGraph, path: number[]): MeshError {
  const ids = path.map((node) => graph.objects[node]!.id);
  return new MeshError(
    'COMPONENT_CYCLE',
    `The 3MF model is invalid: object ${ids[0]!} contains itself (${ids.join(' → ')}), so it has no finite shape. Export the model again.`,
    { objects: ids.map(String) },
  );
}

/** Per-object sums of the bounds pass. */
interface Sums {
  ownTriangles: Uint32Array;
  trianglesBelow: Float64Array;
  placementsBelow: Float64Array;
  height: Int32Array;
}

/**
 * Sums an object whose components are all summed: its own printed triangles (the type of an
 * object with components is its parts', core spec 4) plus theirs. Returns 1 if its mesh is
 * skipped (support, surface, other), else 0.
 */
function settle(graph: BuildGraph, node: number, sums: Sums): number {
  const object = graph.objects[node]!;
  const children = graph.children[node]!;
  const printed = children.length > 0 || !SKIPPED_OBJECT_TYPES.has(object.type);
  const own = printed ? object.triangleCount : 0;
  sums.ownTriangles[node] = own;
  let triangles = own;
  let placements = own > 0 ? 1 : 0;
  let depth = 0;
  for (const c of children) {
    triangles = add(triangles, sums.trianglesBelow[c.node]!);
    placements = add(placements, sums.placementsBelow[c.node]!);
    depth = Math.max(depth, sums.height[c.node]! + 1);
  }
  sums.trianglesBelow[node] = triangles;
  sums.placementsBelow[node] = placements;
  sums.height[node] = depth;
  return !printed && object.triangleCount > 0 ? 1 : 0;
}

/**
 * Computes, once per object, the printed triangles, mesh placements and nesting depth below
 * it (sums over its components, saturating), with an iterative depth-first walk that finds
 * cycles. Each object and each component reference is visited once, so this costs what the
 * file's size is, however many times the components multiply each other.
 */
export function boundBuild(graph: BuildGraph, work: ParseWork): BuildBounds {
  const n = graph.objects.length;
  const sums: Sums = {
    ownTriangles: new Uint32Array(n),
    trianglesBelow: new Float64Array(n),
    placementsBelow: new Float64Array(n),
    height: new Int32Array(n),
  };
  const state = new Uint8Array(n); // 0 new, 1 on the walk's path, 2 done
  const path = new Int32Array(n);
  const nextChild = new Int32Array(n);
  let skippedObjects = 0;
  for (const item of graph.items) {
    if (state[item.node] === 2) continue;
    let top = 0;
    path[0] = item.node;
    state[item.node] = 1;
    while (top >= 0) {
      const node = path[top]!;
      const children = graph.children[node]!;
      const i = nextChild[node]!;
      if (i < children.length) {
        nextChild[node] = i + 1;
        work.componentsFollowed++;
        const child = children[i]!.node;
        if (state[child] === 1)
          throw cycleError(graph, [...path.subarray(path.indexOf(child), top + 1), child]);
        if (state[child] === 0) {
          state[child] = 1;
          path[++top] = child;
        }
        continue;
      }
      skippedObjects += settle(graph, node, sums);
      state[node] = 2;
      work.objectsBounded++;
      top--;
    }
  }
  let triangles = 0;
  let placements = 0;
  let depth = 0;
  for (const item of graph.items) {
    triangles = add(triangles, sums.trianglesBelow[item.node]!);
    placements = add(placements, sums.placementsBelow[item.node]!);
    depth = Math.max(depth, sums.height[item.node]!);
  }
  const { trianglesBelow, ownTriangles } = sums;
  return { trianglesBelow, ownTriangles, triangles, placements, depth, skippedObjects };
}

const count = (n: number): string =>
  n >= SATURATED ? `more than ${formatCount(SATURATED)}` : formatCount(n);

const ONE_COPY =
  'Upload one copy of the part and order the quantity you need instead, or upload an STL.';

/**
 * Refuses a build that nests too deeply, places meshes too often, or expands to more triangles
 * than the file's size justifies (literal triangles of the file always pass that last test),
 * before any of it is expanded.
 */
export function checkBounds(
  bounds: BuildBounds,
  limits: ComponentLimits,
  maxTriangles: number,
  fileBytes: number,
  literalTriangles: number,
): void {
  if (bounds.depth > limits.maxDepth) {
    throw new MeshError(
      'COMPONENT_LIMIT_EXCEEDED',
      `The 3MF file nests components ${formatCount(bounds.depth)} levels deep (at most ${limits.maxDepth}). Flatten the assembly when exporting, or upload an STL.`,
      { limit: 'depth', depth: bounds.depth, maxDepth: limits.maxDepth },
    );
  }
  if (bounds.placements > limits.maxPlacements) {
    throw new MeshError(
      'COMPONENT_LIMIT_EXCEEDED',
      `The 3MF file places its meshes ${count(bounds.placements)} times (at most ${formatCount(limits.maxPlacements)}). ${ONE_COPY}`,
      { limit: 'placements', placements: bounds.placements, maxPlacements: limits.maxPlacements },
    );
  }
  const budget = Math.min(
    maxTriangles,
    Math.max(limits.baseTriangles, limits.trianglesPerFileByte * fileBytes, literalTriangles),
  );
  if (bounds.triangles > budget) {
    throw new MeshError(
      'COMPONENT_LIMIT_EXCEEDED',
      `The 3MF file repeats its meshes so often that it would expand to ${count(bounds.triangles)} triangles, more than the ${formatCount(budget)} we price from a file of ${formatCount(fileBytes)} bytes. ${ONE_COPY}`,
      { limit: 'triangles', triangles: bounds.triangles, maxTriangles: budget },
    );
  }
}
