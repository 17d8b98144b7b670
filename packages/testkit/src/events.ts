import type { Campus } from "@campus/embedded";

/**
 * Waits until every subgraph's outbox is published and every consumer has
 * applied what it was sent. Tests that compare database state (digests,
 * statement counts) call it first, so the effects of earlier requests cannot
 * land in the middle of a measurement.
 */
export async function settleEvents(campus: Campus, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  const subgraphs = [campus.events.identity, campus.events.catalog, campus.events.enrollment];
  for (;;) {
    let pending = 0;
    for (const db of Object.values(campus.databases)) {
      const [row] = await db.query<{ n: string }>(
        `SELECT count(*) AS n FROM "${db.schema}"."OutboxEvent" WHERE "publishedAt" IS NULL`,
      );
      pending += Number(row!.n);
    }
    let lag = 0;
    for (const events of subgraphs) {
      for (const consumer of Object.values((await events.health()).consumers as Record<string, { lag: number }>)) {
        lag += consumer.lag;
      }
    }
    if (pending === 0 && lag === 0) return;
    if (Date.now() > deadline)
      throw new Error(`events did not settle in ${timeoutMs} ms (${pending} unpublished, lag ${lag})`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
