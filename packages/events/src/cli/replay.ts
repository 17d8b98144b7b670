import path from "node:path";
import { commandLine } from "@campus/config";
import { openDatabase, REPO_ROOT, startEmbeddedPostgres, type PGlite } from "@campus/database";
import { requestReplay } from "../consumer";

/**
 * `pnpm events:replay [--subgraph enrollment] [--group <consumer group>] [--event <event id>] [--list]`
 *
 * Marks dead-lettered events for replay; the subgraph's running consumer
 * applies them within seconds (or at its next start). With --list it only
 * shows what is dead-lettered. The database is <SUBGRAPH>_DATABASE_URL, or
 * the embedded PGlite under DATA_DIR — stop `pnpm dev` first for that one,
 * since PGlite cannot be opened by two processes.
 */
const args = commandLine({
  usage: "pnpm events:replay [--subgraph <name>] [--group <consumer group>] [--event <event id>] [--list]",
  description:
    "Marks dead-lettered events for replay; the subgraph's running consumer applies them within seconds\n" +
    "(or at its next start). The database is <SUBGRAPH>_DATABASE_URL, or the embedded PGlite under DATA_DIR\n" +
    "(stop `pnpm dev` first: PGlite cannot be opened by two processes).",
  options: {
    subgraph: { type: "string", default: "enrollment" },
    group: { type: "string" },
    event: { type: "string" },
    list: { type: "boolean" },
  },
  help: {
    subgraph: "the subgraph whose consumers' dead letters to replay (default enrollment)",
    group: "only this consumer group's",
    event: "only this event",
    list: "only show what is dead-lettered; mark nothing",
  },
});

async function main() {
  const subgraph = args.values.subgraph as string;
  if (!/^[a-z][a-z_]*$/.test(subgraph)) throw new Error(`not a subgraph name: ${subgraph}`);
  const group = args.values.group as string | undefined;
  const eventId = args.values.event as string | undefined;
  const url = process.env[`${subgraph.toUpperCase()}_DATABASE_URL`]?.trim() || undefined;
  let pglite: PGlite | undefined;
  if (!url) pglite = await startEmbeddedPostgres(path.resolve(REPO_ROOT, process.env.DATA_DIR || ".data", "pglite"));
  const db = openDatabase({ schema: subgraph, url, pglite, poolSize: 1 });
  try {
    const letters = await db.query<{
      consumerGroup: string;
      eventId: string;
      type: string;
      attempts: number;
      error: string;
    }>(
      `SELECT "consumerGroup", "eventId", type, attempts, error FROM "${subgraph}"."DeadLetterEvent"
       WHERE "replayedAt" IS NULL AND ($1::text IS NULL OR "consumerGroup" = $1) AND ($2::text IS NULL OR "eventId" = $2)
       ORDER BY "failedAt"`,
      [group ?? null, eventId ?? null],
    );
    for (const letter of letters) {
      process.stdout.write(
        `${letter.consumerGroup}  ${letter.eventId}  ${letter.type}  attempts=${letter.attempts}  ${letter.error}\n`,
      );
    }
    if (args.values.list) {
      process.stdout.write(`${letters.length} dead-lettered event(s) in ${subgraph}\n`);
      return;
    }
    const marked = await requestReplay(db, { group, eventId });
    process.stdout.write(`${marked} event(s) marked for replay in ${subgraph}; the running consumer applies them\n`);
  } finally {
    await db.close();
    await pglite?.close();
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`events:replay failed: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
