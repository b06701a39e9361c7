import { formatDue, isOverdue, label, shortId } from '../format';
import type { WorkOrder } from '../types';

export function QueueTable(props: {
  items: WorkOrder[];
  me: string;
  selected: string | null;
  flashing: ReadonlySet<string>;
  onSelect: (id: string) => void;
}) {
  if (props.items.length === 0) return <p className="empty">No work orders match these filters.</p>;
  return (
    <table className="queue">
      <thead>
        <tr>
          <th>Priority</th>
          <th>Work order</th>
          <th>Order / line</th>
          <th>Part</th>
          <th>Material</th>
          <th>Machine</th>
          <th>Qty</th>
          <th>Status</th>
          <th>Assignee</th>
          <th>Due</th>
        </tr>
      </thead>
      <tbody>
        {props.items.map((wo) => {
          const overdue = isOverdue(wo);
          const classes = [
            wo.priority === 'RUSH' ? 'rush' : '',
            overdue ? 'overdue' : '',
            wo.id === props.selected ? 'selected' : '',
            props.flashing.has(wo.id) ? 'flash' : '',
          ];
          return (
            <tr
              key={wo.id}
              data-testid={`wo-row-${wo.id}`}
              data-status={wo.status}
              className={classes.filter(Boolean).join(' ')}
              onClick={() => props.onSelect(wo.id)}
              tabIndex={0}
              onKeyDown={(e) => e.key === 'Enter' && props.onSelect(wo.id)}
            >
              <td>
                {wo.priority === 'RUSH' ? <span className="badge rush">RUSH</span> : 'normal'}
              </td>
              <td className="mono">
                {shortId(wo.id)}
                {wo.replacesWorkOrderId && (
                  <span
                    className="badge replacement"
                    title={`replaces scrapped ${wo.replacesWorkOrderId}`}
                  >
                    replacement
                  </span>
                )}
              </td>
              <td data-testid="order-line">
                <span className="mono" title={wo.orderId}>
                  {shortId(wo.orderId)}
                </span>{' '}
                · {wo.lineNo}/{wo.lineCount}
              </td>
              <td>{wo.sku}</td>
              <td>{wo.material}</td>
              <td>{wo.machineId ?? '—'}</td>
              <td>
                {wo.goodQuantity}/{wo.quantity}
              </td>
              <td className="status">
                <span data-testid="status">{label(wo.status)}</span>
                {wo.holdReason && (
                  <span className="hold-reason" data-testid="hold-reason">
                    {wo.holdReason}
                  </span>
                )}
              </td>
              <td data-testid="assignee">
                {wo.assigneeId === null ? '—' : wo.assigneeId === props.me ? 'me' : 'taken'}
              </td>
              <td>
                {formatDue(wo.dueAt)}
                {overdue && <span className="badge overdue">overdue</span>}
              </td>
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}
