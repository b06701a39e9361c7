import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { renderToStaticMarkup } from 'react-dom/server';
import type { Detail } from '../types';
import { LineFacts } from './line-facts';
import { QueueTable } from './queue-table';

const text = (html: string) => html.replace(/<[^>]+>/g, ' ').replace(/\s+/g, ' ');

const ORDER = '01900000-0000-7000-8000-0000000000aa';
const FIRST = '01900000-0000-7000-8000-0000000000b1';
const SECOND = '01900000-0000-7000-8000-0000000000b2';

const wo: Detail = {
  id: SECOND,
  orderId: ORDER,
  lineId: '01900000-0000-7000-8000-0000000000c1',
  lineNo: 2,
  lineCount: 3,
  lineCancelled: true,
  status: 'ON_HOLD',
  holdReason: 'order cancelled',
  replacesWorkOrderId: FIRST,
  sku: 'bracket.stl',
  material: 'pla-black',
  quantity: 4,
  priority: 'NORMAL',
  assigneeId: null,
  machineId: null,
  quoteId: null,
  goodQuantity: 0,
  scrapQuantity: 0,
  reworkQuantity: 0,
  version: 5,
  dueAt: '2027-01-10T12:00:00Z',
  createdAt: '2027-01-01T12:00:00Z',
  updatedAt: '2027-01-02T12:00:00Z',
  allowedTransitions: ['SCRAPPED', 'CANCELLED'],
  line: {
    lineId: '01900000-0000-7000-8000-0000000000c1',
    lineNo: 2,
    quoteId: null,
    quantity: 4,
    status: 'CANCELLED',
    version: 6,
    cancelled: true,
    cancelledAt: '2027-01-02T12:00:00Z',
    holdReason: null,
    replacements: 1,
    maxReplacements: 2,
    liveQuantity: 4,
    scrappedQuantity: 4,
    workOrders: [
      { id: FIRST, status: 'SCRAPPED', quantity: 4, replacesWorkOrderId: null, holdReason: null },
      {
        id: SECOND,
        status: 'ON_HOLD',
        quantity: 4,
        replacesWorkOrderId: FIRST,
        holdReason: 'order cancelled',
      },
    ],
  },
  history: [],
  notes: [],
  quantityReports: [],
  machine: null,
  model: null,
  quote: null,
};

describe('work order of an order line', () => {
  it('shows its order, line x of N, what it replaces and how the line’s parts add up', () => {
    const t = text(renderToStaticMarkup(<LineFacts wo={wo} />));
    assert.match(t, new RegExp(ORDER));
    assert.match(t, /line 2 of 3 · cancelled line cancelled/);
    assert.match(t, /Replaces 000000b1 \(scrapped\)/);
    assert.match(t, /ordered 4 · live 4 · scrapped 4 · replacements 1 of 2/);
    assert.match(t, /000000b1 scrapped × 4 000000b2 on hold × 4 — order cancelled/);
  });

  it('shows the hold reason and the line in the queue row', () => {
    const t = text(
      renderToStaticMarkup(
        <QueueTable items={[wo]} me="x" selected={null} flashing={new Set()} onSelect={() => {}} />,
      ),
    );
    assert.match(t, /000000b2 replacement 000000aa · 2\/3 bracket.stl/);
    assert.match(t, /on hold order cancelled/);
  });
});
