/**
 * A Postgres WAL position (`16/B374D848`) as 16 hex digits (`00000016B374D848`): positions then
 * compare as strings, which is how Redis keeps the highest one (see WorkOrderChanges), and
 * Postgres still reads it as a pg_lsn.
 */
export function walPosition(lsn: string): string {
  const m = /^([0-9A-F]{1,8})\/([0-9A-F]{1,8})$/i.exec(lsn);
  if (!m) throw new Error(`not a WAL position: ${lsn}`);
  return `${m[1]!.toUpperCase().padStart(8, '0')}/${m[2]!.toUpperCase().padStart(8, '0')}`;
}
