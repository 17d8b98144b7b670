import type { Campus } from "@campus/embedded";

/**
 * Waits until every subgraph's outbox is published and every consumer has
 * applied what it was sent, search has written the index and notification has sent its emails. Tests that compare database state (digests,
 * statement counts) call it first, so the effects of earlier requests cannot
 * land in the middle of a measurement.
 */
export async function settleEvents(campus: Campus, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    let unpublished = 0;
    let lag = 0;
    for (const events of Object.values(campus.events.subgraphs)) {
      const pending = await events.pending();
      unpublished += pending.unpublished;
      lag += pending.lag;
    }
    if (unpublished === 0 && lag === 0) {
      // search turns applied events into index writes of its own, a moment later (and may be rebuilding)
      await campus.services.search.reindex.settled();
      await campus.services.search.indexer.settled(Math.max(1, deadline - Date.now()));
      // notification turns applied events into digests, reminders and sent emails of its own, a moment later
      await campus.services.notification.scheduler.settled();
      await campus.services.notification.sender.settled(Math.max(1, deadline - Date.now()));
      return;
    }
    if (Date.now() > deadline)
      throw new Error(`events did not settle in ${timeoutMs} ms (${unpublished} unpublished, lag ${lag})`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
