import { useState } from 'react';
import { FINAL, label } from '../format';
import type { Detail, Status } from '../types';

const NEEDS_REASON: readonly Status[] = ['ON_HOLD', 'REWORK', 'SCRAPPED'];
/** Moving a held part of a cancelled line to CANCELLED keeps it: it is finished to stock. */
export const FINISHED_TO_STOCK = 'finished to stock';
const VERB: Partial<Record<Status, string>> = {
  ON_HOLD: 'Hold',
  REWORK: 'Send to rework',
  SCRAPPED: 'Scrap',
  CANCELLED: 'Cancel',
};
const REPORTING: readonly Status[] = [
  'IN_PRODUCTION',
  'POST_PROCESSING',
  'QUALITY_CHECK',
  'REWORK',
];

export interface Commands {
  claim: () => Promise<void>;
  release: () => Promise<void>;
  move: (to: Status, reason?: string) => Promise<void>;
  report: (q: { good: number; scrap: number; rework: number }) => Promise<void>;
}

/** Take, release, move, hold with a reason, report parts: what the operator holding it may do. */
export function WorkOrderActions(props: {
  wo: Detail;
  me: string;
  role: string;
  commands: Commands;
}) {
  const { wo, me, commands } = props;
  const [reason, setReason] = useState('');
  const [qty, setQty] = useState({ good: 0, scrap: 0, rework: 0 });
  const [busy, setBusy] = useState(false);
  const run = (fn: () => Promise<void>) => {
    setBusy(true);
    void fn().finally(() => setBusy(false));
  };
  const held = wo.assigneeId === me;
  const canAct = held || props.role === 'admin';
  if (FINAL.includes(wo.status)) return <p className="muted">Finished: {label(wo.status)}.</p>;
  return (
    <section aria-label="Actions" className="actions">
      <div className="row">
        {wo.assigneeId === null && (
          <button type="button" disabled={busy} onClick={() => run(commands.claim)}>
            Take
          </button>
        )}
        {held && (
          <button
            type="button"
            className="secondary"
            disabled={busy}
            onClick={() => run(commands.release)}
          >
            Release
          </button>
        )}
        {wo.assigneeId !== null && !held && (
          <span className="muted">Held by another operator.</span>
        )}
      </div>
      {wo.lineCancelled && (
        <p className="notice" data-testid="line-cancelled">
          The order line was cancelled: scrap the part or finish it to stock.
        </p>
      )}
      {canAct && (
        <>
          <div className="row">
            {wo.allowedTransitions
              .filter((t) => !NEEDS_REASON.includes(t) && t !== 'CANCELLED')
              .map((t) => (
                <button
                  key={t}
                  type="button"
                  disabled={busy}
                  onClick={() => run(() => commands.move(t))}
                >
                  Move to {label(t)}
                </button>
              ))}
          </div>
          <div className="row">
            <input
              aria-label="Reason"
              placeholder="Reason (for hold, rework, scrap)"
              value={reason}
              maxLength={2000}
              onChange={(e) => setReason(e.target.value)}
            />
            {wo.allowedTransitions
              .filter((t) => NEEDS_REASON.includes(t) || t === 'CANCELLED')
              .map((t) => (
                <button
                  key={t}
                  type="button"
                  className="warn"
                  disabled={busy || (NEEDS_REASON.includes(t) && reason.trim() === '')}
                  onClick={() =>
                    run(async () => {
                      const stock = wo.lineCancelled && t === 'CANCELLED';
                      await commands.move(
                        t,
                        stock ? FINISHED_TO_STOCK : reason.trim() || undefined,
                      );
                      setReason('');
                    })
                  }
                >
                  {wo.lineCancelled && t === 'CANCELLED'
                    ? 'Finish to stock'
                    : (VERB[t] ?? label(t))}
                </button>
              ))}
          </div>
          {REPORTING.includes(wo.status) && (
            <form
              className="row"
              aria-label="Report quantities"
              onSubmit={(e) => {
                e.preventDefault();
                run(async () => {
                  await commands.report(qty);
                  setQty({ good: 0, scrap: 0, rework: 0 });
                });
              }}
            >
              {(['good', 'scrap', 'rework'] as const).map((k) => (
                <label key={k} className="qty">
                  {k}
                  <input
                    type="number"
                    min={0}
                    max={100000}
                    value={qty[k]}
                    onChange={(e) =>
                      setQty({ ...qty, [k]: Math.max(0, Number(e.target.value) || 0) })
                    }
                  />
                </label>
              ))}
              <button type="submit" disabled={busy || qty.good + qty.scrap + qty.rework === 0}>
                Report parts
              </button>
            </form>
          )}
        </>
      )}
    </section>
  );
}
