import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { ApiError, filterQuery, MesApi } from './api';
import type { AuthSession } from './auth-session';
import { DetailPanel } from './components/detail-panel';
import { FilterPanel } from './components/filter-panel';
import { QueueTable } from './components/queue-table';
import { followLive, type LiveState } from './live';
import type { Counts, Detail, FilterOptions, Filters, Page, Status } from './types';
import { NO_FILTERS } from './types';

const PAGE_SIZE = 50;

/** The work queue page: filters and counts, the list, the selected work order, live updates. */
export function WorkQueue(props: { auth: AuthSession; onLogout: () => void }) {
  const { auth, onLogout } = props;
  // Who is logged in does not change while this page lives; the tokens do, inside `auth`.
  const session = auth.session;
  const api = useMemo(() => new MesApi(auth), [auth]);
  const [filters, setFilters] = useState<Filters>(NO_FILTERS);
  // Keyset paging: the cursor of each page seen so far (null = first page).
  const [cursors, setCursors] = useState<Array<string | null>>([null]);
  const [options, setOptions] = useState<FilterOptions | null>(null);
  const [counts, setCounts] = useState<Counts | null>(null);
  const [page, setPage] = useState<Page | null>(null);
  const [selected, setSelected] = useState<string | null>(null);
  const [detail, setDetail] = useState<Detail | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [live, setLive] = useState<LiveState>('connecting');
  const [flashing, setFlashing] = useState<ReadonlySet<string>>(new Set());

  // The live handlers run long after render: they read the current state through refs.
  const state = useRef({ filters, cursor: null as string | null, selected });
  state.current = { filters, cursor: cursors.at(-1) ?? null, selected };
  const listSeq = useRef(0);

  const report = useCallback((err: unknown) => {
    setError(err instanceof ApiError ? err.detail : (err as Error).message);
  }, []);

  const loadList = useCallback(async () => {
    const { filters: f, cursor } = state.current;
    const seq = ++listSeq.current;
    const q = filterQuery(f, { statuses: true });
    q.set('limit', String(PAGE_SIZE));
    if (cursor) q.set('cursor', cursor);
    try {
      const [p, c] = await Promise.all([
        api.get<Page>(`/work-orders?${q.toString()}`),
        api.get<Counts>(`/work-orders/counts?${filterQuery(f, { statuses: false }).toString()}`),
      ]);
      if (seq !== listSeq.current) return; // a newer load has started: keep its answer
      setPage(p);
      setCounts(c);
    } catch (err) {
      if (seq === listSeq.current) report(err);
    }
  }, [api, report]);

  const loadDetail = useCallback(async () => {
    const id = state.current.selected;
    if (!id) return;
    try {
      const d = await api.get<Detail>(`/work-orders/${id}`);
      if (state.current.selected === id) setDetail(d);
    } catch (err) {
      report(err);
    }
  }, [api, report]);

  const loadOptions = useCallback(() => {
    api.get<FilterOptions>('/work-orders/filters').then(setOptions, report);
  }, [api, report]);
  useEffect(loadOptions, [loadOptions]);

  useEffect(() => {
    void loadList();
  }, [filters, cursors, loadList]);

  useEffect(() => {
    setDetail(null);
    void loadDetail();
  }, [selected, loadDetail]);

  // Live: every change anywhere reloads the list (coalesced), and the detail if it is open.
  useEffect(() => {
    let timer: ReturnType<typeof setTimeout> | undefined;
    let connectedBefore = false;
    const reloadSoon = () => {
      clearTimeout(timer);
      timer = setTimeout(() => void loadList(), 50);
    };
    const stop = followLive(
      auth,
      (e) => {
        setFlashing((s) => new Set(s).add(e.id));
        setTimeout(
          () =>
            setFlashing((s) => {
              const next = new Set(s);
              next.delete(e.id);
              return next;
            }),
          1500,
        );
        if (e.kind !== 'note') reloadSoon();
        if (e.kind === 'created') loadOptions(); // perhaps a material nobody had before
        if (e.id === state.current.selected) void loadDetail();
      },
      (s) => {
        setLive(s);
        // Back after a drop: changes may have been missed while disconnected.
        if (s === 'live' && connectedBefore) {
          reloadSoon();
          void loadDetail();
        }
        if (s === 'live') connectedBefore = true;
      },
    );
    return () => {
      clearTimeout(timer);
      stop();
    };
  }, [auth, loadList, loadDetail, loadOptions]);

  const act = (path: string, body?: unknown) => async () => {
    setError(null);
    try {
      await api.post(path, body);
    } catch (err) {
      report(err);
      if (err instanceof ApiError && err.status === 409) void loadDetail();
      return;
    }
    await Promise.all([loadDetail(), loadList()]);
  };
  const commands = detail && {
    claim: act(`/work-orders/${detail.id}/claim`),
    release: act(`/work-orders/${detail.id}/release`),
    move: (to: Status, reason?: string) =>
      act(`/work-orders/${detail.id}/transitions`, {
        to,
        expectedVersion: detail.version,
        ...(reason ? { reason } : {}),
      })(),
    report: (q: { good: number; scrap: number; rework: number }) =>
      act(`/work-orders/${detail.id}/quantities`, { ...q, expectedVersion: detail.version })(),
    note: (body: string) => act(`/work-orders/${detail.id}/notes`, { body })(),
  };

  const changeFilters = (f: Filters) => {
    setFilters(f);
    setCursors([null]);
  };

  return (
    <div className="app">
      <header className="top">
        <h1>Work queue</h1>
        <span className={`live ${live}`} data-testid="live-state" title="Live updates">
          {live === 'live' ? '● live' : live === 'connecting' ? '○ connecting' : '○ reconnecting'}
        </span>
        <span className="muted">
          {session.email} ({session.role})
        </span>
        <button type="button" className="secondary" onClick={() => changeFilters(NO_FILTERS)}>
          Reset filters
        </button>
        <button type="button" className="secondary" onClick={onLogout}>
          Log out
        </button>
      </header>
      {error && (
        <div className="error banner" role="alert">
          {error}
          <button
            type="button"
            className="secondary"
            onClick={() => setError(null)}
            aria-label="Dismiss"
          >
            ×
          </button>
        </div>
      )}
      <div className="layout">
        <FilterPanel options={options} counts={counts} filters={filters} onChange={changeFilters} />
        <main>
          {page ? (
            <QueueTable
              items={page.items}
              me={session.userId}
              selected={selected}
              flashing={flashing}
              onSelect={setSelected}
            />
          ) : (
            <p className="muted">Loading…</p>
          )}
          <nav className="pager" aria-label="Pages">
            <button
              type="button"
              className="secondary"
              disabled={cursors.length <= 1}
              onClick={() => setCursors(cursors.slice(0, -1))}
            >
              ← Previous
            </button>
            <span className="muted">page {cursors.length}</span>
            <button
              type="button"
              className="secondary"
              disabled={!page?.nextCursor}
              onClick={() => page?.nextCursor && setCursors([...cursors, page.nextCursor])}
            >
              Next →
            </button>
          </nav>
        </main>
        {detail && commands && (
          <DetailPanel
            wo={detail}
            me={session.userId}
            role={session.role}
            commands={commands}
            onClose={() => setSelected(null)}
          />
        )}
      </div>
    </div>
  );
}
