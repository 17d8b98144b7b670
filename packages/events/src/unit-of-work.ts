import { TRANSACTION_OPTIONS, type Database, type SqlSession } from "@campus/database";
import type { Emit, Outbox } from "./outbox";
import { prismaSql, type PrismaRawExecutor, type SqlExecutor } from "./sql";

/** A Prisma client, as far as a unit of work needs one. */
export interface TransactionalPrisma<TX> {
  $transaction<T>(work: (tx: TX) => Promise<T>, options?: { maxWait?: number; timeout?: number }): Promise<T>;
}

/**
 * The one way Campus writes: the state change and the events it causes in one
 * database transaction (the events go to the subgraph's outbox), and the relay
 * woken once it committed. Services run their writes through it, and so do
 * consumers whose handlers emit events of their own, so both publish at once.
 */
export class UnitOfWork<TX> {
  constructor(
    readonly outbox: Outbox,
    private readonly begin: <T>(work: (tx: TX) => Promise<T>) => Promise<T>,
    private readonly sqlOf: (tx: TX) => SqlExecutor,
  ) {}

  /** Over a subgraph's Prisma client (the kit creates one per subgraph). */
  static forPrisma<TX extends PrismaRawExecutor>(prisma: TransactionalPrisma<TX>, outbox: Outbox): UnitOfWork<TX> {
    return new UnitOfWork<TX>(outbox, (work) => prisma.$transaction(work, TRANSACTION_OPTIONS), prismaSql);
  }

  /** Over plain SQL sessions of a `Database` (tools and tests without a Prisma schema). */
  static forDatabase(db: Database, outbox: Outbox): UnitOfWork<SqlSession> {
    return new UnitOfWork<SqlSession>(
      outbox,
      (work) => db.transaction(work),
      (tx) => tx,
    );
  }

  /** Runs `work` in one transaction; what it emits is written before commit, a throw rolls both back. */
  run<T>(work: (tx: TX, emit: Emit) => Promise<T>): Promise<T> {
    return this.outbox.transaction(this.begin, this.sqlOf, work);
  }

  /** Raw statements inside a transaction of this unit. */
  sql(tx: TX): SqlExecutor {
    return this.sqlOf(tx);
  }
}
