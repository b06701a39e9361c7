import { sql, type Kysely } from 'kysely';
import { EVENT_CATALOGUE, OrderReceived } from '@fabflow/contracts';
import { createDatabase, migrate, readMigrations, uuidv7, type Database } from '@fabflow/db';
import { createLogger } from '@fabflow/observability';
import { AmqpConnection } from './amqp-connection';
import { ConfirmPublisher } from './confirm-publisher';
import { EventConsumer } from './event-consumer';
import { HandlerRegistry, type EventHandler } from './event-handler';
import { OutboxRelay, type OutboxRelayOptions } from './outbox-relay';
import { MESSAGING_MIGRATIONS_DIR, type MessagingTables } from './tables';
import { UnitOfWork } from './unit-of-work';

export interface EffectsDb extends MessagingTables {
  effects: { order_id: string };
}

/**
 * For this library's integration and fault tests: a migrated database with an `effects` table,
 * a broker connection, and a consumer of `OrderReceived` that inserts one effect row per order
 * in its inbox transaction. Relays are made on demand, so a test decides who publishes.
 */
export class EffectsTestBed {
  readonly logger = createLogger({ service: 'test', level: 'silent' });
  readonly connection: AmqpConnection;
  readonly consumer: EventConsumer<EffectsDb>;
  private readonly uow: UnitOfWork<EffectsDb>;

  private constructor(
    readonly database: Database<EffectsDb>,
    amqpUrl: string,
    queue: string,
  ) {
    this.connection = new AmqpConnection({
      urls: [amqpUrl],
      connectionName: 'test',
      logger: this.logger,
    });
    // Rows are published by the relays a test starts, never woken by this unit of work.
    this.uow = new UnitOfWork(database.db, { wake: () => undefined }, 'fabflow/crm');
    const handler: EventHandler<EffectsDb, typeof OrderReceived> = {
      event: OrderReceived,
      async handle({ tx }, e) {
        await tx.insertInto('effects').values({ order_id: e.data.orderId }).execute();
      },
    };
    this.consumer = new EventConsumer<EffectsDb>({
      queue,
      connection: this.connection,
      db: database.db,
      unitOfWork: this.uow,
      registry: new HandlerRegistry([handler], EVENT_CATALOGUE),
      retryDelaysMs: [100],
      prefetch: 32,
      logger: this.logger,
    });
  }

  static async start(databaseUrl: string, amqpUrl: string, queue: string): Promise<EffectsTestBed> {
    const database = createDatabase<EffectsDb>(databaseUrl, { max: 20 });
    await migrate(database.pool, await readMigrations(MESSAGING_MIGRATIONS_DIR));
    await sql`CREATE TABLE effects (order_id uuid NOT NULL)`.execute(database.db);
    const bed = new EffectsTestBed(database, amqpUrl, queue);
    await bed.consumer.start();
    bed.connection.start();
    return bed;
  }

  /** A relay over this database and connection (not started). */
  relay(opts: Partial<OutboxRelayOptions> = {}): OutboxRelay {
    return new OutboxRelay(
      this.database.db as unknown as Kysely<MessagingTables>,
      new ConfirmPublisher(this.connection, this.logger),
      this.logger,
      { pollIntervalMs: 20, ...opts },
    );
  }

  /** Commits `count` OrderReceived events to the outbox (50 transactions at a time); their order ids. */
  async emitOrders(count: number): Promise<string[]> {
    const ids = Array.from({ length: count }, () => uuidv7());
    for (let i = 0; i < count; i += 50)
      await Promise.all(
        ids
          .slice(i, i + 50)
          .map((orderId) =>
            this.uow.run((_tx, events) =>
              events.emit(
                OrderReceived,
                { orderId, status: 'AWAITING_CONFIRMATION' },
                { subject: orderId, version: 1 },
              ),
            ),
          ),
      );
    return ids;
  }

  /** `SELECT count(*)::int AS n …` */
  async count(query: string): Promise<number> {
    return (await sql<{ n: number }>`${sql.raw(query)}`.execute(this.database.db)).rows[0]!.n;
  }

  async stop(): Promise<void> {
    await this.consumer.stop(2000);
    await this.connection.close();
    await this.database.close();
  }
}
