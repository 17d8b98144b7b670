import { randomUUID } from "node:crypto";
import { MemoryStore } from "@campus/kv";
import { createLogger } from "@campus/logging";
import type { CourseRecord } from "./catalog.prisma";
import { CourseCache } from "./course.cache";

const logger = createLogger("test", "silent");

const course = (id: string, status: string, revision: number) =>
  ({
    id,
    status,
    revision,
    title: "Cached",
    publishedAt: null,
    createdAt: new Date(),
    updatedAt: new Date(),
    modules: [],
  }) as unknown as CourseRecord;

describe("CourseCache", () => {
  it("serves what a fill stored, until a write invalidates it", async () => {
    const cache = new CourseCache(new MemoryStore(), 60_000, logger);
    const id = randomUUID();
    await cache.setMany([course(id, "DRAFT", 1)]);
    expect((await cache.getMany([id])).get(id)?.status).toBe("DRAFT");
    await cache.invalidate(id, 2);
    expect((await cache.getMany([id])).has(id)).toBe(false);
    // the next read of the written revision fills it again at once
    await cache.setMany([course(id, "PUBLISHED", 2)]);
    expect((await cache.getMany([id])).get(id)?.status).toBe("PUBLISHED");
  });

  it("keeps a read that raced a write from storing its older copy", async () => {
    const cache = new CourseCache(new MemoryStore(), 60_000, logger);
    const id = randomUUID();
    // a reader misses and reads the DRAFT row; meanwhile the course is published and the writer invalidates
    expect((await cache.getMany([id])).has(id)).toBe(false);
    await cache.invalidate(id, 2);
    await cache.setMany([course(id, "DRAFT", 1)]);
    expect((await cache.getMany([id])).has(id)).toBe(false);
    await cache.setMany([course(id, "PUBLISHED", 2)]);
    expect((await cache.getMany([id])).get(id)?.status).toBe("PUBLISHED");
  });
});
