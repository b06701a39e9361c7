import { label, shortId } from '../format';
import type { Detail } from '../types';

/**
 * The order line a work order makes: which order (its reference), line x of N and its status,
 * why it waits, which scrapped work order this one replaces, and how the line's parts add up.
 */
export function LineFacts(props: { wo: Detail }) {
  const { wo } = props;
  const { line } = wo;
  return (
    <section aria-label="Order line" data-testid="line-facts">
      <h3>Order line</h3>
      <dl className="facts">
        <dt>Order</dt>
        <dd className="mono" title={wo.orderId} data-testid="detail-order">
          {wo.orderId}
        </dd>
        <dt>Line</dt>
        <dd data-testid="detail-line">
          line {wo.lineNo} of {wo.lineCount} · {label(line.status)}
          {line.cancelled && <span className="badge cancelled">line cancelled</span>}
        </dd>
        {line.holdReason && (
          <>
            <dt>Line waits</dt>
            <dd>{line.holdReason}</dd>
          </>
        )}
        {wo.replacesWorkOrderId && (
          <>
            <dt>Replaces</dt>
            <dd className="mono" data-testid="detail-replaces" title={wo.replacesWorkOrderId}>
              {shortId(wo.replacesWorkOrderId)} (scrapped)
            </dd>
          </>
        )}
        <dt>Line parts</dt>
        <dd data-testid="detail-line-parts">
          ordered {line.quantity} · live {line.liveQuantity} · scrapped {line.scrappedQuantity} ·
          replacements {line.replacements} of {line.maxReplacements}
        </dd>
      </dl>
      {line.workOrders.length > 1 && (
        <ol className="line-work-orders">
          {line.workOrders.map((w) => (
            <li key={w.id} className={w.id === wo.id ? 'current' : undefined}>
              <span className="mono">{shortId(w.id)}</span> {label(w.status)} × {w.quantity}
              {w.holdReason && <em> — {w.holdReason}</em>}
            </li>
          ))}
        </ol>
      )}
    </section>
  );
}
