import { randomUUID } from "node:crypto";
import type { Viewer } from "@campus/auth";
import { loadConfig } from "@campus/config";
import { openDatabase, startEmbeddedPostgres, type Database, type PGlite } from "@campus/database";
import { MemoryStore } from "@campus/kv";
import { createLogger } from "@campus/logging";
import { enrollmentConfigSchema } from "../src/config";
import { createEnrollmentSubgraph } from "../src/subgraph";
import { courseUpdated, EmbeddedTransport } from "@campus/events";
import type { CatalogCourse } from "../src/data/catalog-client";
import { FakeCatalog } from "./fake-catalog";

export const SECRET = "x".repeat(32);

export const learner = (): Viewer => ({ userId: randomUUID(), roles: ["LEARNER"] });
export const admin = (): Viewer => ({ userId: randomUUID(), roles: ["LEARNER", "ADMIN"] });

/** A real enrollment subgraph on in-memory PGlite, talking HTTP to a fake catalog. */
export async function startHarness() {
  const pglite: PGlite = await startEmbeddedPostgres();
  const db: Database = openDatabase({ schema: "enrollment", pglite });
  const store = new MemoryStore();
  const logger = createLogger("enrollment", "silent");
  const events = await EmbeddedTransport.open({ db: openDatabase({ schema: "eventbus", pglite }), logger, pollMs: 50 });
  const catalog = await new FakeCatalog(SECRET).start();
  const config = loadConfig(enrollmentConfigSchema, { INTERNAL_AUTH_SECRET: SECRET, LOG_LEVEL: "silent" });
  const subgraph = await createEnrollmentSubgraph(
    { ...config, INTERNAL_AUTH_SECRET: SECRET },
    { db, store, events, logger, catalogUrl: catalog.url },
  );
  const server = await subgraph.start(0);
  let revision = 0;
  return {
    db,
    catalog,
    subgraph,
    service: subgraph.enrollments,
    /**
     * Changes a course the way catalog does: in the fake's answers and as a
     * course.updated event, then waits until enrollment's projection has it.
     */
    async changeCourse(course: CatalogCourse) {
      catalog.courses.set(course.id, course);
      revision += 1;
      await events.publish([
        {
          topic: courseUpdated.topic,
          event: courseUpdated.create("/campus/catalog", course.id, {
            courseId: course.id,
            revision,
            instructorId: randomUUID(),
            title: "Changed",
            slug: `changed-${revision}`,
            status: course.status,
            price: course.price,
            capacity: course.capacity,
            moduleIds: course.modules.map((m) => m.id),
          }),
        },
      ]);
      for (let i = 0; i < 200; i += 1) {
        const [row] = await db.query<{ revision: number }>(
          `SELECT revision FROM "enrollment"."CourseProjection" WHERE "courseId" = $1`,
          [course.id],
        );
        if (row?.revision === revision) return;
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      throw new Error(`projection never reached revision ${revision}`);
    },
    async stop() {
      await server.stop();
      await events.close();
      await catalog.stop();
      await store.close();
      await pglite.close();
    },
  };
}

/** Runs `work` and returns the error code it failed with (or "OK"). */
export async function codeOf(work: Promise<unknown>): Promise<string> {
  try {
    await work;
    return "OK";
  } catch (error) {
    return String((error as { extensions?: { code?: string } }).extensions?.code ?? (error as Error).name);
  }
}
