import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DEFAULT_REVIEW_THRESHOLDS, reviewQuote, type ReviewInput } from './review.js';

const clean: ReviewInput = {
  topology: {
    edges: 18,
    boundaryEdges: 0,
    nonManifoldEdges: 0,
    inconsistentEdges: 0,
    watertight: true,
    shells: 1,
    cavities: 0,
  },
  triangleCount: 12,
  degenerateFaces: 0,
  volumeMm3: 1000,
  surfaceAreaMm2: 600,
  sizeMm: { x: 10, y: 10, z: 10 },
  fitsAnyMachine: true,
  largestMachineAxisMm: 250,
  openSliceLoops: 0,
  totalCents: 5000,
  quantity: 1,
};

const codes = (input: ReviewInput, thresholds = DEFAULT_REVIEW_THRESHOLDS): string[] =>
  reviewQuote(input, thresholds).reasons.map((r) => r.code);

describe('reviewQuote', () => {
  it('approves a clean part automatically', () => {
    assert.deepEqual(reviewQuote(clean), { status: 'AUTO_APPROVED', reasons: [] });
  });

  it('collects every reason for a human', () => {
    const result = reviewQuote({
      ...clean,
      topology: {
        edges: 20,
        boundaryEdges: 4,
        nonManifoldEdges: 1,
        inconsistentEdges: 2,
        watertight: false,
        shells: 3,
        cavities: 0,
      },
      degenerateFaces: 1,
      fitsAnyMachine: false,
      openSliceLoops: 5,
    });
    assert.equal(result.status, 'NEEDS_REVIEW');
    assert.deepEqual(
      result.reasons.map((r) => r.code),
      [
        'NOT_WATERTIGHT',
        'INCONSISTENT_WINDING',
        'MULTIPLE_SHELLS',
        'NO_FITTING_MACHINE',
        'DEGENERATE_FACES',
        'OPEN_SLICE_CONTOURS',
      ],
    );
    assert.match(result.reasons[0]!.message, /4 open edges, 1 non-manifold/);
  });

  it('flags thin plates and huge parts', () => {
    const plate = {
      ...clean,
      sizeMm: { x: 100, y: 100, z: 0.5 },
      volumeMm3: 5000,
      surfaceAreaMm2: 20200,
    };
    assert.deepEqual(codes(plate), ['THIN_PART']);
    // A thin-walled hollow part is thin although its bounding box is not.
    assert.deepEqual(codes({ ...clean, volumeMm3: 100, surfaceAreaMm2: 600 }), ['THIN_PART']);
    assert.deepEqual(codes({ ...clean, sizeMm: { x: 240, y: 20, z: 20 } }), ['LARGE_PART']);
  });

  it('flags prices and quantities above the thresholds', () => {
    const thresholds = { ...DEFAULT_REVIEW_THRESHOLDS, maxPriceCents: 4999, maxQuantity: 0 };
    assert.deepEqual(codes(clean, thresholds), [
      'PRICE_ABOVE_THRESHOLD',
      'QUANTITY_ABOVE_THRESHOLD',
    ]);
    assert.deepEqual(codes(clean, { ...thresholds, maxPriceCents: 5000, maxQuantity: 1 }), []);
  });

  it('counts a hollow part as one body: its closed inner void is no second shell to review', () => {
    const hollow = { ...clean.topology, shells: 2, cavities: 1 };
    assert.deepEqual(codes({ ...clean, topology: hollow }), []);
    const hollowPlusLoose = { ...clean.topology, shells: 3, cavities: 1 };
    assert.deepEqual(codes({ ...clean, topology: hollowPlusLoose }), ['MULTIPLE_SHELLS']);
    assert.match(
      reviewQuote({ ...clean, topology: hollowPlusLoose }).reasons[0]!.message,
      /2 separate bodies/,
    );
  });
});
