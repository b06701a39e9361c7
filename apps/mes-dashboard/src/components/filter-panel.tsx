import { label } from '../format';
import type { Counts, FilterOptions, Filters, Status } from '../types';

export function FilterPanel(props: {
  options: FilterOptions | null;
  counts: Counts | null;
  filters: Filters;
  onChange: (f: Filters) => void;
}) {
  const { options, counts, filters: f, onChange } = props;
  const set = (patch: Partial<Filters>) => onChange({ ...f, ...patch });
  const toggle = (s: Status) =>
    set({
      statuses: f.statuses.includes(s) ? f.statuses.filter((x) => x !== s) : [...f.statuses, s],
    });
  return (
    <aside className="filters" aria-label="Filters">
      <fieldset>
        <legend>Status</legend>
        <div className="chips">
          <button
            type="button"
            className={f.statuses.length === 0 ? 'chip on' : 'chip'}
            aria-pressed={f.statuses.length === 0}
            onClick={() => set({ statuses: [] })}
          >
            open <span className="count">{counts?.open ?? '…'}</span>
          </button>
          {(options?.statuses ?? []).map((s) => (
            <button
              key={s}
              type="button"
              data-status={s}
              className={f.statuses.includes(s) ? 'chip on' : 'chip'}
              aria-pressed={f.statuses.includes(s)}
              onClick={() => toggle(s)}
            >
              {label(s)} <span className="count">{counts?.counts[s] ?? '…'}</span>
            </button>
          ))}
        </div>
      </fieldset>
      <label>
        Priority
        <select
          value={f.priority}
          onChange={(e) => set({ priority: e.target.value as Filters['priority'] })}
        >
          <option value="">any</option>
          <option value="RUSH">rush</option>
          <option value="NORMAL">normal</option>
        </select>
      </label>
      <label>
        Machine
        <select value={f.machine} onChange={(e) => set({ machine: e.target.value })}>
          <option value="">any</option>
          {(options?.machines ?? []).map((m) => (
            <option key={m.id} value={m.id}>
              {m.id} — {m.name}
            </option>
          ))}
        </select>
      </label>
      <label>
        Material
        <select value={f.material} onChange={(e) => set({ material: e.target.value })}>
          <option value="">any</option>
          {(options?.materials ?? []).map((m) => (
            <option key={m} value={m}>
              {m}
            </option>
          ))}
        </select>
      </label>
      <label>
        Due from
        <input type="date" value={f.dueFrom} onChange={(e) => set({ dueFrom: e.target.value })} />
      </label>
      <label>
        Due to
        <input type="date" value={f.dueTo} onChange={(e) => set({ dueTo: e.target.value })} />
      </label>
      <label className="inline">
        <input
          type="checkbox"
          checked={f.overdue}
          onChange={(e) => set({ overdue: e.target.checked })}
        />
        overdue only
      </label>
      <fieldset>
        <legend>Assignee</legend>
        {(['any', 'me', 'unassigned'] as const).map((a) => (
          <label key={a} className="inline">
            <input
              type="radio"
              name="assignee"
              value={a}
              checked={f.assignee === a}
              onChange={() => set({ assignee: a })}
            />
            {a === 'me' ? 'mine' : a}
          </label>
        ))}
      </fieldset>
    </aside>
  );
}
