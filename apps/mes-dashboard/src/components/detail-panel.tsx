import { useState } from 'react';
import { formatDue, formatTime, isOverdue, label, shortId } from '../format';
import type { Detail } from '../types';
import { LineFacts } from './line-facts';
import { PricingSections } from './pricing-sections';
import { WorkOrderActions, type Commands } from './work-order-actions';

export function DetailPanel(props: {
  wo: Detail;
  me: string;
  role: string;
  commands: Commands & { note: (body: string) => Promise<void> };
  onClose: () => void;
}) {
  const { wo } = props;
  const [note, setNote] = useState('');
  const who = (id: string | null) =>
    id === null ? 'system' : id === props.me ? 'me' : shortId(id);
  return (
    <article className="detail" aria-label="Work order detail" data-testid="detail">
      <header>
        <h2>
          Work order <span className="mono">{shortId(wo.id)}</span>
          {wo.priority === 'RUSH' && <span className="badge rush">RUSH</span>}
          {isOverdue(wo) && <span className="badge overdue">overdue</span>}
        </h2>
        <button
          type="button"
          className="secondary"
          onClick={props.onClose}
          aria-label="Close detail"
        >
          ×
        </button>
      </header>
      <dl className="facts">
        <dt>Status</dt>
        <dd data-testid="detail-status">{label(wo.status)}</dd>
        {wo.holdReason && (
          <>
            <dt>Held because</dt>
            <dd className="hold-reason" data-testid="detail-hold-reason">
              {wo.holdReason}
            </dd>
          </>
        )}
        <dt>Order / line</dt>
        <dd>
          <span className="mono" title={wo.orderId}>
            {shortId(wo.orderId)}
          </span>{' '}
          · line {wo.lineNo} of {wo.lineCount}
        </dd>
        <dt>Assignee</dt>
        <dd data-testid="detail-assignee">{wo.assigneeId ? who(wo.assigneeId) : 'nobody'}</dd>
        <dt>Part</dt>
        <dd>
          {wo.sku} × {wo.quantity}
        </dd>
        <dt>Material / machine</dt>
        <dd>
          {wo.material} /{' '}
          {wo.machine
            ? `${wo.machine.id} (${wo.machine.name}, ${wo.machine.technology})`
            : 'not planned'}
        </dd>
        <dt>Due</dt>
        <dd>{formatDue(wo.dueAt)}</dd>
        <dt>Parts</dt>
        <dd data-testid="detail-quantities">
          good {wo.goodQuantity} · scrap {wo.scrapQuantity} · rework {wo.reworkQuantity}
        </dd>
        <dt>Version</dt>
        <dd>{wo.version}</dd>
      </dl>
      <WorkOrderActions wo={wo} me={props.me} role={props.role} commands={props.commands} />
      <LineFacts wo={wo} />
      <PricingSections model={wo.model} quote={wo.quote} />
      <section aria-label="Notes">
        <h3>Notes</h3>
        <ul className="notes" data-testid="notes">
          {wo.notes.map((n) => (
            <li key={n.id}>
              <span className="muted">
                {formatTime(n.createdAt)} · {who(n.authorId)}
              </span>
              <p>{n.body}</p>
            </li>
          ))}
        </ul>
        <form
          className="row"
          onSubmit={(e) => {
            e.preventDefault();
            if (!note.trim()) return;
            void props.commands.note(note.trim()).then(() => setNote(''));
          }}
        >
          <input
            aria-label="Note"
            placeholder="Add a note"
            value={note}
            maxLength={2000}
            onChange={(e) => setNote(e.target.value)}
          />
          <button type="submit" disabled={!note.trim()}>
            Add note
          </button>
        </form>
      </section>
      <section aria-label="Status history">
        <h3>History</h3>
        <ol className="history" data-testid="history">
          {wo.history.map((h, i) => (
            <li key={i}>
              <span className="muted">{formatTime(h.at)}</span>{' '}
              {h.from ? `${label(h.from)} → ` : ''}
              <strong>{label(h.to)}</strong> by {who(h.changedBy)}
              {h.reason && <em> — {h.reason}</em>}
            </li>
          ))}
        </ol>
      </section>
      {wo.quantityReports.length > 0 && (
        <section aria-label="Reported parts">
          <h3>Reported parts</h3>
          <ul className="reports" data-testid="reports">
            {wo.quantityReports.map((r, i) => (
              <li key={i}>
                <span className="muted">{formatTime(r.at)}</span> {who(r.reportedBy)}: good {r.good}
                , scrap {r.scrap}, rework {r.rework}
              </li>
            ))}
          </ul>
        </section>
      )}
    </article>
  );
}
