import type { Status, WorkOrder } from './types';

export const FINAL: readonly Status[] = ['SHIPPED', 'SCRAPPED', 'CANCELLED'];

export const shortId = (id: string) => id.slice(-8);

export const label = (s: string) => s.replaceAll('_', ' ').toLowerCase();

export function isOverdue(wo: Pick<WorkOrder, 'dueAt' | 'status'>, now = Date.now()): boolean {
  return !FINAL.includes(wo.status) && Date.parse(wo.dueAt) < now;
}

export function formatDue(iso: string, now = Date.now()): string {
  const due = new Date(iso);
  const days = Math.round((due.getTime() - now) / 86_400_000);
  const date = due.toLocaleString('en-GB', {
    day: '2-digit',
    month: 'short',
    hour: '2-digit',
    minute: '2-digit',
    timeZone: 'UTC',
  });
  const rel = days === 0 ? 'today' : days > 0 ? `in ${days} d` : `${-days} d ago`;
  return `${date} UTC (${rel})`;
}

export const formatTime = (iso: string) =>
  new Date(iso).toLocaleString('en-GB', {
    dateStyle: 'medium',
    timeStyle: 'short',
    timeZone: 'UTC',
  });

export function money(cents: number, currency: string): string {
  // `+ 0` turns -0 (a zero discount shown as a negative line) into 0: no "-€0.00".
  return new Intl.NumberFormat('en-GB', { style: 'currency', currency }).format(cents / 100 + 0);
}

/** mm³ → cm³ with one decimal. */
export const cm3 = (mm3: number) =>
  `${(mm3 / 1000).toLocaleString('en-GB', { maximumFractionDigits: 1 })} cm³`;

export const mm = (v: number) => v.toLocaleString('en-GB', { maximumFractionDigits: 1 });

/** The next day of a YYYY-MM-DD, for the exclusive `dueBefore`. */
export function nextDay(date: string): string {
  const d = new Date(`${date}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + 1);
  return d.toISOString().slice(0, 10);
}
