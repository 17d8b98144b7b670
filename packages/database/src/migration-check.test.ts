import { SUBGRAPHS as LIST } from "../../../supergraph";
import { compareMigrationsWithSchema } from "./migration-check";

const SUBGRAPHS = LIST.map((entry) => entry.name);

describe("migrations match schema.prisma", () => {
  // The Prisma CLI mostly waits at start, so the three comparisons overlap well.
  let results: Record<string, { migrations: string; schema: string }>;
  // Three Prisma CLI runs plus six PGlites: slow on a loaded 2-core machine.
  beforeAll(async () => {
    const compared = await Promise.all(SUBGRAPHS.map((name) => compareMigrationsWithSchema(name)));
    results = Object.fromEntries(SUBGRAPHS.map((name, i) => [name, compared[i]!]));
  }, 300_000);

  it.each(SUBGRAPHS)("subgraphs/%s/prisma: migrations build exactly what schema.prisma describes", (subgraph) => {
    const { migrations, schema } = results[subgraph]!;
    expect(migrations).toBe(schema);
    expect(migrations.length).toBeGreaterThan(100);
  });
});
