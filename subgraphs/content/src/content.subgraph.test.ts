import { randomUUID } from "node:crypto";
import type { Viewer } from "@campus/auth";
import { FakeCatalog, admin, learner } from "@campus/catalog-client/src/fake-catalog";
import { enrollmentCancelled, enrollmentCreated, parseEvent, type ContentSnapshot } from "@campus/events";
import { startSubgraph, type SubgraphHarness } from "@campus/testkit";
import { subgraph, type ContentServices } from "./index";

/**
 * Content on its own, over HTTP as the router calls it, with a fake catalog
 * and enrollment played by publishing its events: articles and files with
 * real bytes through the signed URLs, what completeUpload refuses, who sees
 * and downloads what, new versions, reordering, completions and the sweep.
 */

const ADD = `mutation($m: ID!, $input: AddContentInput!) { addContent(moduleId: $m, input: $input) {
  content { id kind title status version position } upload { url method headers { name value } expiresAt } } }`;
const ADD_VERSION = `mutation($c: ID!, $input: ContentVersionInput!) { addContentVersion(contentId: $c, input: $input) {
  content { id status version } upload { url method headers { name value } expiresAt } } }`;
const COMPLETE_UPLOAD = `mutation($c: ID!) { completeUpload(contentId: $c) { id status version sizeBytes } }`;
const ITEM = `query($id: ID!) { content(id: $id) { id kind title version status body
  download { url expiresAt } versions { version status sizeBytes } } }`;
const CONTENTS = `query($r: [_Any!]!) { _entities(representations: $r) { ... on Module { id contents { id kind title version status position } } } }`;
const REORDER = `mutation($m: ID!, $ids: [ID!]!) { reorderContent(moduleId: $m, contentIds: $ids) { id position } }`;
const COMPLETE = `mutation($c: ID!) { completeContent(contentId: $c) { content { id viewerCompleted } moduleCompleted } }`;

const PDF_BYTES = Buffer.from("%PDF-1.4\n% a tiny test document\n%%EOF\n");
const MAX_PDF_BYTES = 4096;

describe("content subgraph over HTTP", () => {
  let harness: SubgraphHarness<ContentServices>;
  let catalog: FakeCatalog;
  beforeAll(async () => {
    catalog = await FakeCatalog.start();
    harness = await startSubgraph(subgraph, {
      neighbours: { catalog },
      env: { CONTENT_MAX_PDF_BYTES: String(MAX_PDF_BYTES), LOG_LEVEL: "error" },
    });
  });
  afterAll(async () => {
    await harness?.stop();
    await catalog?.stop();
  });

  /** A published course of a new instructor (three modules). */
  function course() {
    const added = catalog.add();
    const teacher: Viewer = { userId: added.instructorId!, roles: ["LEARNER", "INSTRUCTOR"] };
    return { ...added, teacher, moduleId: added.modules[0]!.id };
  }

  async function enrol(viewer: Viewer, courseId: string, status: "ACTIVE" | "CANCELLED" = "ACTIVE") {
    const definition = status === "ACTIVE" ? enrollmentCreated : enrollmentCancelled;
    const enrollmentId = randomUUID();
    await harness.publish([
      {
        topic: definition.topic,
        event: definition.create("/campus/enrollment", enrollmentId, {
          enrollmentId,
          userId: viewer.userId!,
          courseId,
          status,
          progress: 0,
        }),
      },
    ]);
  }

  async function ok(viewer: Viewer, query: string, variables: Record<string, unknown> = {}) {
    const result = await harness.gql(viewer, query, variables);
    expect(result.errors).toBeUndefined();
    return result.data;
  }

  const errorOf = async (viewer: Viewer, query: string, variables: Record<string, unknown>) =>
    (await harness.gql(viewer, query, variables)).errors?.[0]?.extensions;

  const pdf = (sizeBytes = PDF_BYTES.length, contentType = "application/pdf") => ({
    kind: "PDF",
    title: "Slides",
    file: { name: "slides.pdf", contentType, sizeBytes },
  });

  const put = (upload: { url: string; headers: { name: string; value: string }[] }, body: Buffer, type?: string) =>
    fetch(upload.url, {
      method: "PUT",
      headers: {
        ...Object.fromEntries(upload.headers.map((h) => [h.name, h.value])),
        ...(type ? { "content-type": type } : {}),
      },
      body,
    });

  const contentsOf = async (viewer: Viewer, moduleId: string) =>
    (await ok(viewer, CONTENTS, { r: [{ __typename: "Module", id: moduleId }] }))._entities[0].contents;

  /** The items' content.published and content.updated events in the outbox, in commit order, read through their contract. */
  async function itemEvents(...contentIds: string[]) {
    const rows = await harness.db.query<{ event: unknown }>(
      `SELECT "event" FROM "content"."OutboxEvent"
        WHERE "subject" = ANY($1::text[]) AND "type" <> 'campus.content.completed.v1' ORDER BY "seq"`,
      [contentIds],
    );
    return rows.map((row) => {
      const event = parseEvent(typeof row.event === "string" ? JSON.parse(row.event) : row.event);
      return { type: event.type, data: event.data as ContentSnapshot };
    });
  }

  it("serves an article to its course's learners as sent, and to no one else", async () => {
    const c = course();
    const markdown = "# Welcome\n\nSome *markdown*, kept as sent.  \n";
    const added = (
      await ok(c.teacher, ADD, { m: c.moduleId, input: { kind: "ARTICLE", title: "Intro", body: markdown } })
    ).addContent;
    expect(added).toMatchObject({
      content: { kind: "ARTICLE", status: "READY", version: 1, position: 1 },
      upload: null,
    });

    const student = learner();
    expect(await errorOf(student, ITEM, { id: added.content.id })).toMatchObject({ code: "NOT_FOUND" });
    expect(await contentsOf(student, c.moduleId)).toEqual([]);

    await enrol(student, c.id);
    const item = (await ok(student, ITEM, { id: added.content.id })).content;
    expect(item).toMatchObject({ body: markdown, download: null, versions: [{ version: 1, status: "READY" }] });
    expect((await contentsOf(student, c.moduleId)).map((i: { id: string }) => i.id)).toEqual([added.content.id]);

    await enrol(student, c.id, "CANCELLED");
    expect(await errorOf(student, ITEM, { id: added.content.id })).toMatchObject({ code: "NOT_FOUND" });
    expect(await errorOf(learner(), ITEM, { id: randomUUID() })).toMatchObject({ code: "NOT_FOUND" });
  });

  it("takes a PDF's bytes at the signed URL, makes it current in completeUpload, and serves the same bytes", async () => {
    const c = course();
    const added = (await ok(c.teacher, ADD, { m: c.moduleId, input: pdf() })).addContent;
    expect(added.content).toMatchObject({ status: "PENDING_UPLOAD", version: 1 });
    expect(added.upload).toMatchObject({
      method: "PUT",
      headers: [{ name: "content-type", value: "application/pdf" }],
    });

    const student = learner();
    await enrol(student, c.id);
    // nothing half-uploaded is visible: the instructor sees it pending, the learner not at all
    expect(await contentsOf(student, c.moduleId)).toEqual([]);
    expect((await contentsOf(c.teacher, c.moduleId))[0]).toMatchObject({ status: "PENDING_UPLOAD" });

    expect((await put(added.upload, PDF_BYTES)).status).toBe(200);
    const ready = (await ok(c.teacher, COMPLETE_UPLOAD, { c: added.content.id })).completeUpload;
    expect(ready).toEqual({ id: added.content.id, status: "READY", version: 1, sizeBytes: PDF_BYTES.length });
    // again: the same answer, nothing changes
    expect((await ok(c.teacher, COMPLETE_UPLOAD, { c: added.content.id })).completeUpload).toEqual(ready);

    const item = (await ok(student, ITEM, { id: added.content.id })).content;
    const download = await fetch(item.download.url);
    expect(download.status).toBe(200);
    expect(download.headers.get("content-type")).toBe("application/pdf");
    expect(download.headers.get("content-disposition")).toContain("slides.pdf");
    expect(Buffer.from(await download.arrayBuffer())).toEqual(PDF_BYTES);
    expect(new Date(item.download.expiresAt).getTime()).toBeGreaterThan(Date.now());

    expect((await ok(admin(), ITEM, { id: added.content.id })).content.download.url).toBeTruthy();
    const stranger: Viewer = { userId: randomUUID(), roles: ["LEARNER", "INSTRUCTOR"] };
    expect(await errorOf(stranger, ITEM, { id: added.content.id })).toMatchObject({ code: "NOT_FOUND" });
  });

  it("refuses a type off the allow-list and a size over the limit before signing anything", async () => {
    const c = course();
    expect(await errorOf(c.teacher, ADD, { m: c.moduleId, input: pdf(10, "text/html") })).toMatchObject({
      code: "BAD_USER_INPUT",
      reason: "CONTENT_TYPE_NOT_ALLOWED",
    });
    expect(await errorOf(c.teacher, ADD, { m: c.moduleId, input: pdf(MAX_PDF_BYTES + 1) })).toMatchObject({
      code: "BAD_USER_INPUT",
      reason: "TOO_LARGE",
    });
    const video = { kind: "VIDEO", title: "Clip", body: "no" };
    expect(await errorOf(c.teacher, ADD, { m: c.moduleId, input: video })).toMatchObject({ code: "BAD_USER_INPUT" });
    expect(await contentsOf(c.teacher, c.moduleId)).toEqual([]);
  });

  it("refuses more bytes than declared, another type and a tampered URL; completeUpload then makes nothing current", async () => {
    const c = course();
    const student = learner();
    await enrol(student, c.id);
    const added = (await ok(c.teacher, ADD, { m: c.moduleId, input: pdf(8) })).addContent;

    expect((await put(added.upload, PDF_BYTES)).status).toBe(413);
    expect((await put(added.upload, Buffer.from("12345678"), "application/octet-stream")).status).toBe(415);
    const tampered = { ...added.upload, url: added.upload.url.replace(/max=\d+/, "max=999999") };
    expect(tampered.url).not.toBe(added.upload.url);
    expect((await put(tampered, PDF_BYTES)).status).toBe(403);
    const expired = { ...added.upload, url: added.upload.url.replace(/expires=\d+/, "expires=1") };
    expect((await put(expired, Buffer.from("12345678"))).status).toBe(403);

    expect(await errorOf(c.teacher, COMPLETE_UPLOAD, { c: added.content.id })).toMatchObject({
      code: "BAD_USER_INPUT",
      reason: "NOT_UPLOADED",
    });
    expect(await contentsOf(student, c.moduleId)).toEqual([]);
    expect((await contentsOf(c.teacher, c.moduleId))[0]).toMatchObject({ status: "PENDING_UPLOAD" });
    expect(await errorOf(learner(), COMPLETE_UPLOAD, { c: added.content.id })).toMatchObject({ code: "FORBIDDEN" });
  });

  it("keeps learners on the current version until the new one is READY, and keeps the history", async () => {
    const c = course();
    const student = learner();
    await enrol(student, c.id);
    const first = (await ok(c.teacher, ADD, { m: c.moduleId, input: pdf() })).addContent;
    await put(first.upload, PDF_BYTES);
    await ok(c.teacher, COMPLETE_UPLOAD, { c: first.content.id });

    const second = Buffer.from("%PDF-1.4\n% version two\n%%EOF\n");
    const next = (
      await ok(c.teacher, ADD_VERSION, {
        c: first.content.id,
        input: { file: { name: "slides-v2.pdf", contentType: "application/pdf", sizeBytes: second.length } },
      })
    ).addContentVersion;
    expect(next.content).toEqual({ id: first.content.id, status: "PENDING_UPLOAD", version: 2 });
    await put(next.upload, second);

    const before = (await ok(student, ITEM, { id: first.content.id })).content;
    expect(before).toMatchObject({ version: 1, versions: [{ version: 1 }] });
    expect(Buffer.from(await (await fetch(before.download.url)).arrayBuffer())).toEqual(PDF_BYTES);

    await ok(c.teacher, COMPLETE_UPLOAD, { c: first.content.id });
    const after = (await ok(student, ITEM, { id: first.content.id })).content;
    expect(after.versions.map((v: { version: number }) => v.version)).toEqual([1, 2]);
    expect(after.version).toBe(2);
    expect(Buffer.from(await (await fetch(after.download.url)).arrayBuffer())).toEqual(second);
  });

  it("reorders a module's items, refusing a list that is not every item once", async () => {
    const c = course();
    const ids: string[] = [];
    for (const title of ["A", "B", "C"]) {
      ids.push(
        (await ok(c.teacher, ADD, { m: c.moduleId, input: { kind: "ARTICLE", title, body: title } })).addContent.content
          .id,
      );
    }
    const order = [ids[2], ids[0], ids[1]];
    const reordered = (await ok(c.teacher, REORDER, { m: c.moduleId, ids: order })).reorderContent;
    expect(reordered).toEqual(order.map((id, i) => ({ id, position: i + 1 })));
    expect(await errorOf(c.teacher, REORDER, { m: c.moduleId, ids: [ids[0], ids[1]] })).toMatchObject({
      code: "BAD_USER_INPUT",
      reason: "NOT_A_PERMUTATION",
    });
    const other: Viewer = { userId: randomUUID(), roles: ["INSTRUCTOR"] };
    expect(await errorOf(other, REORDER, { m: c.moduleId, ids: order })).toMatchObject({ code: "FORBIDDEN" });
    expect((await contentsOf(c.teacher, c.moduleId)).map((i: { id: string }) => i.id)).toEqual(order);
  });

  it("puts the markdown of an article's visible version in its events, and no body in a file's", async () => {
    const c = course();
    const article = (
      await ok(c.teacher, ADD, { m: c.moduleId, input: { kind: "ARTICLE", title: "Notes", body: "# First\n" } })
    ).addContent.content.id as string;
    await ok(c.teacher, ADD_VERSION, { c: article, input: { body: "# Second\n\nRevised." } });
    const file = (await ok(c.teacher, ADD, { m: c.moduleId, input: pdf() })).addContent;
    expect((await put(file.upload, PDF_BYTES)).status).toBe(200);
    await ok(c.teacher, COMPLETE_UPLOAD, { c: file.content.id });
    await ok(c.teacher, REORDER, { m: c.moduleId, ids: [file.content.id, article] });

    const events = await itemEvents(article, file.content.id);
    expect(events.map((e) => [e.type, e.data.contentId, e.data.version, e.data.position])).toEqual([
      ["campus.content.published.v1", article, 1, 1],
      ["campus.content.published.v1", article, 2, 1],
      ["campus.content.published.v1", file.content.id, 1, 2],
      ["campus.content.updated.v1", file.content.id, 1, 1],
      ["campus.content.updated.v1", article, 2, 2],
    ]);
    expect(events.map((e) => e.data.body)).toEqual([
      "# First\n",
      "# Second\n\nRevised.",
      undefined,
      undefined,
      "# Second\n\nRevised.",
    ]);
    for (const event of events.filter((e) => e.data.kind === "PDF")) expect("body" in event.data).toBe(false);
  });

  it("completes a module once every READY item is complete, and says so in its event", async () => {
    const c = course();
    const student = learner();
    await enrol(student, c.id);
    const [a, b] = [
      (await ok(c.teacher, ADD, { m: c.moduleId, input: { kind: "ARTICLE", title: "A", body: "a" } })).addContent,
      (await ok(c.teacher, ADD, { m: c.moduleId, input: { kind: "ARTICLE", title: "B", body: "b" } })).addContent,
    ];
    // pending: does not count
    await ok(c.teacher, ADD, { m: c.moduleId, input: pdf() });

    expect((await ok(student, COMPLETE, { c: a.content.id })).completeContent).toEqual({
      content: { id: a.content.id, viewerCompleted: true },
      moduleCompleted: false,
    });
    expect((await ok(student, COMPLETE, { c: b.content.id })).completeContent.moduleCompleted).toBe(true);
    expect((await ok(student, COMPLETE, { c: b.content.id })).completeContent.moduleCompleted).toBe(true);
    expect(await errorOf(learner(), COMPLETE, { c: a.content.id })).toMatchObject({ code: "NOT_FOUND" });
    expect(await errorOf(c.teacher, COMPLETE, { c: a.content.id })).toMatchObject({ code: "NOT_FOUND" });

    await harness.settle();
    const events = await harness.db.query<{ data: { moduleCompleted: boolean } }>(
      `SELECT "event"->'data' AS data FROM "content"."OutboxEvent" WHERE "type" = 'campus.content.completed.v1' AND "subject" IN ($1, $2) ORDER BY "seq"`,
      [a.content.id, b.content.id],
    );
    expect(events.map((e) => e.data.moduleCompleted)).toEqual([false, true]);
  });

  it("sweeps uploads that never completed after the retention, files and never-ready items with them", async () => {
    const c = course();
    const added = (await ok(c.teacher, ADD, { m: c.moduleId, input: pdf() })).addContent;
    await put(added.upload, PDF_BYTES);
    const kept = (await ok(c.teacher, ADD, { m: c.moduleId, input: { kind: "ARTICLE", title: "Kept", body: "k" } }))
      .addContent;
    const { sweeper, files } = harness.services;
    const [pending] = await harness.db.query<{ key: string }>(
      `SELECT "storageKey" AS key FROM "content"."ContentVersion" WHERE "contentId" = $1::uuid`,
      [added.content.id],
    );
    expect(await files.stat(pending!.key)).not.toBeNull();

    expect(await sweeper.sweep(new Date())).toBe(0);
    expect(await sweeper.sweep(new Date(Date.now() + 25 * 3_600_000))).toBeGreaterThanOrEqual(1);
    expect(await files.stat(pending!.key)).toBeNull();
    expect(await contentsOf(c.teacher, c.moduleId)).toEqual([
      expect.objectContaining({ id: kept.content.id, position: 1 }),
    ]);
    // the article that moved up is news, with its markdown
    expect((await itemEvents(kept.content.id)).map((e) => [e.type, e.data.position, e.data.body])).toEqual([
      ["campus.content.published.v1", 2, "k"],
      ["campus.content.updated.v1", 1, "k"],
    ]);
    expect(await errorOf(c.teacher, COMPLETE_UPLOAD, { c: added.content.id })).toMatchObject({ code: "NOT_FOUND" });
  });
});
