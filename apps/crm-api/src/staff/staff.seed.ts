import { sql, type Kysely } from 'kysely';
import { hashPassword } from '@fabflow/auth';
import type { Logger } from '@fabflow/observability';
import type { CrmDatabase } from '../crm.database';

/** Development staff with fixed ids, so the README and tests can name them. */
export const DEV_STAFF = [
  {
    id: '00000000-0000-7000-8000-00000000a001',
    email: 'manager@fabflow.local',
    name: 'Maria Manager',
    role: 'manager',
  },
  {
    id: '00000000-0000-7000-8000-00000000a002',
    email: 'operator@fabflow.local',
    name: 'Otto Operator',
    role: 'operator',
  },
  {
    id: '00000000-0000-7000-8000-00000000a003',
    email: 'admin@fabflow.local',
    name: 'Ada Admin',
    role: 'admin',
  },
] as const;

export async function seedStaff(
  db: Kysely<CrmDatabase>,
  password: string,
  logger: Logger,
): Promise<void> {
  const passwordHash = await hashPassword(password);
  for (const s of DEV_STAFF) {
    await db
      .insertInto('staff_users')
      .values({ ...s, password_hash: passwordHash })
      .onConflict((oc) =>
        oc.column('id').doUpdateSet({ password_hash: sql`excluded.password_hash` }),
      )
      .execute();
  }
  logger.info({ users: DEV_STAFF.map((s) => s.email) }, 'development staff seeded');
}
