import { randomUUID } from "node:crypto";
import type { Viewer } from "@campus/auth";
import type { CatalogClient } from "@campus/catalog-client";
import { badInput, conflict, forbidden, notFound } from "@campus/errors";
import { contentPublished, contentUpdated, type UnitOfWork } from "@campus/events";
import type { FileStore, SignedDownload, SignedUpload } from "@campus/files";
import type { LoaderRegistry } from "@campus/subgraph";
import type { ContentItemRow, ContentTx, ContentVersionRow } from "../data/content.prisma";
import type { ContentRepository } from "../data/content.repository";
import { ContentWrites, type NewVersion } from "../data/content.writes";
import type { CourseLearnerRepository } from "../data/course-learner.repository";
import { contentFacts } from "../events/content.publisher";
import { shownVersion, standingOf, visibleHistory, type Standing } from "./content.policy";
import { viewOf, type ContentView } from "./content.view";
import {
  checkArticleBody,
  checkDeclaredFile,
  storedFileProblem,
  type DeclaredFile,
  type UploadLimits,
} from "./upload.rules";

export interface ContentInput {
  kind: "VIDEO" | "PDF" | "ARTICLE";
  title: string;
  body?: string | null;
  file?: DeclaredFile | null;
}

export interface VersionInput {
  body?: string | null;
  file?: DeclaredFile | null;
}

export interface UrlLifetimes {
  uploadSeconds: number;
  downloadSeconds: number;
}

/** An item as its editor sees it after a write, with the URL to upload the new version's file to. */
export interface ContentPayload {
  content: ContentView;
  upload: SignedUpload | null;
}

/**
 * Content of modules: adding items and versions, completing uploads,
 * reordering, and what each viewer sees. Who may write is decided on
 * catalog's live answer (the module's course and its instructor); who may
 * read, on that and on CourseLearner (from enrollment's events).
 */
export class ContentService {
  constructor(
    private readonly contents: ContentRepository,
    private readonly learners: CourseLearnerRepository,
    private readonly work: UnitOfWork<ContentTx>,
    private readonly catalog: CatalogClient,
    private readonly files: FileStore,
    private readonly limits: UploadLimits,
    private readonly lifetimes: UrlLifetimes,
  ) {}

  async addContent(viewer: Viewer, loaders: LoaderRegistry, moduleId: string, input: ContentInput) {
    const title = checkedTitle(input.title);
    const version = this.firstVersion(input.kind, input);
    const module = await this.catalog.module(loaders, moduleId);
    if (!module) throw notFound("Module");
    if (standingOf(viewer, module.course.instructorId, false) !== "EDITOR") {
      throw forbidden("Only the course's instructor can add content");
    }
    const id = randomUUID();
    const [item, row] = await this.work.run(async (tx, emit) => {
      const writes = new ContentWrites(tx);
      await writes.lockModule(moduleId);
      const position = (await writes.itemsOfModule(moduleId)).length + 1;
      const ready = version.status === "READY";
      const item = await writes.createItem({
        id,
        moduleId,
        courseId: module.course.id,
        kind: input.kind,
        title,
        position,
        currentVersion: ready ? 1 : null,
      });
      const row = await writes.createVersion(id, 1, withKey(version, item, 1));
      if (ready) emit(contentPublished, id, contentFacts(item, row));
      return [item, row] as const;
    });
    return this.payload(item, row);
  }

  async addContentVersion(viewer: Viewer, loaders: LoaderRegistry, contentId: string, input: VersionInput) {
    const item = await this.editable(viewer, loaders, contentId);
    const version = this.firstVersion(item.kind, input);
    const [locked, row] = await this.work.run(async (tx, emit) => {
      const writes = new ContentWrites(tx);
      const current = await writes.lockItem(contentId);
      if (!current) throw notFound("Content");
      const number = current.lastVersion + 1;
      const row = await writes.createVersion(contentId, number, withKey(version, current, number));
      const ready = version.status === "READY";
      const updated = await writes.updateItem(contentId, {
        lastVersion: number,
        ...(ready ? { currentVersion: number } : {}),
      });
      if (ready) emit(contentPublished, contentId, contentFacts(updated, row));
      return [updated, row] as const;
    });
    return this.payload(locked, row);
  }

  /**
   * Makes the newest version current once its file is really there: the
   * stored object must exist, be no larger than declared and have exactly the
   * declared type. Otherwise BAD_USER_INPUT with the reason, and nothing
   * changes (the pending version stays pending until the sweep removes it).
   * Completing a version that is already READY answers it again.
   */
  async completeUpload(viewer: Viewer, loaders: LoaderRegistry, contentId: string): Promise<ContentView> {
    const item = await this.editable(viewer, loaders, contentId);
    const versions = await this.contents.versionsOf(loaders, contentId);
    const latest = versions.at(-1);
    if (!latest) throw notFound("Content");
    if (latest.status === "READY") return viewOf("EDITOR", item, latest);
    const declared = { sizeBytes: Number(latest.sizeBytes), contentType: latest.contentType! };
    const stored = await this.files.stat(latest.storageKey!);
    const problem = storedFileProblem(declared, stored);
    if (problem) throw badInput(problem.message, { reason: problem.reason });

    return this.work.run(async (tx, emit) => {
      const writes = new ContentWrites(tx);
      const locked = await writes.lockItem(contentId);
      const pending = locked && (await writes.version(contentId, latest.version));
      // the orphan sweep took it meanwhile
      if (!locked || !pending) throw conflict("The upload expired; add a new version", { reason: "UPLOAD_EXPIRED" });
      if (pending.status === "READY") return viewOf("EDITOR", locked, pending);
      // a newer version was added meanwhile: that one is the one to complete
      if (locked.lastVersion !== pending.version) {
        throw conflict("A newer version was added; complete that one", { reason: "NOT_LATEST" });
      }
      const ready = await writes.markReady(contentId, pending.version, stored!.sizeBytes);
      const updated = await writes.updateItem(contentId, { currentVersion: pending.version });
      emit(contentPublished, contentId, contentFacts(updated, ready));
      return viewOf("EDITOR", updated, ready);
    });
  }

  /** `contentIds` must list every item of the module once, in the new order. */
  async reorderContent(viewer: Viewer, loaders: LoaderRegistry, moduleId: string, contentIds: string[]) {
    const module = await this.catalog.module(loaders, moduleId);
    if (!module) throw notFound("Module");
    if (standingOf(viewer, module.course.instructorId, false) !== "EDITOR") {
      throw forbidden("Only the course's instructor can reorder content");
    }
    const items = await this.work.run(async (tx, emit) => {
      const writes = new ContentWrites(tx);
      await writes.lockModule(moduleId);
      const items = await writes.itemsOfModule(moduleId);
      const known = new Set(items.map((item) => item.id));
      if (contentIds.length !== items.length || new Set(contentIds).size !== items.length) {
        throw badInput("contentIds must list every item of the module once", {
          field: "contentIds",
          reason: "NOT_A_PERMUTATION",
        });
      }
      if (!contentIds.every((id) => known.has(id))) {
        throw badInput("contentIds names an item of another module", {
          field: "contentIds",
          reason: "NOT_A_PERMUTATION",
        });
      }
      const reordered: ContentItemRow[] = [];
      const moved: ContentItemRow[] = [];
      for (const [index, id] of contentIds.entries()) {
        const item = items.find((candidate) => candidate.id === id)!;
        if (item.position === index + 1) {
          reordered.push(item);
          continue;
        }
        const updated = await writes.updateItem(id, { position: index + 1 });
        moved.push(updated);
        reordered.push(updated);
      }
      for (const { item, version } of await writes.shownVersions(moved)) {
        emit(contentUpdated, item.id, contentFacts(item, version));
      }
      return reordered;
    });
    return Promise.all(items.map(async (item) => this.viewFor("EDITOR", loaders, item)));
  }

  /** The item as the viewer may see it; NOT_FOUND for those who may not, as for an unknown id. */
  async content(viewer: Viewer, loaders: LoaderRegistry, id: string): Promise<ContentView> {
    const view = await this.visible(viewer, loaders, id);
    if (!view) throw notFound("Content");
    return view;
  }

  /** For references: the item as the viewer may see it, or null. */
  async visible(viewer: Viewer, loaders: LoaderRegistry, id: string): Promise<ContentView | null> {
    const item = await this.contents.item(loaders, id);
    if (!item) return null;
    return this.viewFor(await this.standing(viewer, loaders, item.courseId), loaders, item);
  }

  /** A module's items the viewer may see, in order: none for those who may not see the course's content. */
  async moduleContents(viewer: Viewer, loaders: LoaderRegistry, moduleId: string): Promise<ContentView[]> {
    const items = await this.contents.itemsOfModule(loaders, moduleId);
    if (items.length === 0) return [];
    const standing = await this.standing(viewer, loaders, items[0]!.courseId);
    if (standing === "NONE") return [];
    const views = await Promise.all(items.map((item) => this.viewFor(standing, loaders, item)));
    return views.filter((view): view is ContentView => view !== null);
  }

  async versions(loaders: LoaderRegistry, view: ContentView): Promise<ContentVersionRow[]> {
    return visibleHistory(view.standing, await this.contents.versionsOf(loaders, view.id));
  }

  /** A fresh signed URL for the shown version's file; none for articles and versions not READY. */
  download(view: ContentView): Promise<SignedDownload> | null {
    if (view.standing === "NONE" || view.status !== "READY" || !view.storageKey) return null;
    return this.files.downloadUrl({
      key: view.storageKey,
      expiresInSeconds: this.lifetimes.downloadSeconds,
      fileName: view.fileName ?? undefined,
    });
  }

  viewerCompleted(viewer: Viewer, loaders: LoaderRegistry, view: ContentView): Promise<boolean> {
    if (!viewer.userId) return Promise.resolve(false);
    return this.contents.completedBy(loaders, viewer.userId, view.id);
  }

  /** What the viewer is to the course: catalog's live answer for its instructor, CourseLearner for learners. */
  async standing(viewer: Viewer, loaders: LoaderRegistry, courseId: string): Promise<Standing> {
    if (!viewer.userId) return "NONE";
    const [course, enrolled] = await Promise.all([
      this.catalog.course(loaders, courseId),
      this.learners.holdsAccess(loaders, viewer.userId, courseId),
    ]);
    return standingOf(viewer, course?.instructorId ?? null, enrolled);
  }

  private async viewFor(standing: Standing, loaders: LoaderRegistry, item: ContentItemRow) {
    const shown = shownVersion(standing, item, await this.contents.versionsOf(loaders, item.id));
    return shown ? viewOf(standing, item, shown) : null;
  }

  /** The item, when the viewer is its course's instructor or an admin. */
  private async editable(viewer: Viewer, loaders: LoaderRegistry, contentId: string): Promise<ContentItemRow> {
    const item = await this.contents.item(loaders, contentId);
    if (!item) throw notFound("Content");
    const course = await this.catalog.course(loaders, item.courseId);
    if (standingOf(viewer, course?.instructorId ?? null, false) !== "EDITOR") {
      throw forbidden("Only the course's instructor can change its content");
    }
    return item;
  }

  /** What the input makes of a new version of a `kind` item, refusing what does not fit the kind. */
  private firstVersion(kind: ContentInput["kind"], input: VersionInput): NewVersion {
    if (kind === "ARTICLE") {
      if (input.file) throw badInput("An ARTICLE has a body, not a file", { field: "file" });
      if (typeof input.body !== "string" || input.body.trim() === "") {
        throw badInput("An ARTICLE needs a body (markdown)", { field: "body" });
      }
      checkArticleBody(input.body, this.limits);
      return { status: "READY", body: input.body };
    }
    if (input.body !== undefined && input.body !== null) {
      throw badInput(`A ${kind} has a file, not a body`, { field: "body" });
    }
    if (!input.file) throw badInput(`A ${kind} needs a file: { name, contentType, sizeBytes }`, { field: "file" });
    checkDeclaredFile(kind, input.file, this.limits);
    return {
      status: "PENDING_UPLOAD",
      fileName: input.file.name,
      contentType: input.file.contentType,
      sizeBytes: input.file.sizeBytes,
    };
  }

  private async payload(item: ContentItemRow, row: ContentVersionRow): Promise<ContentPayload> {
    const upload =
      row.status === "PENDING_UPLOAD"
        ? await this.files.uploadUrl({
            key: row.storageKey!,
            contentType: row.contentType!,
            sizeBytes: Number(row.sizeBytes),
            expiresInSeconds: this.lifetimes.uploadSeconds,
          })
        : null;
    return { content: viewOf("EDITOR", item, row), upload };
  }
}

function checkedTitle(title: string): string {
  const trimmed = title.trim();
  if (trimmed.length === 0 || trimmed.length > 200) {
    throw badInput("title must be 1 to 200 characters", { field: "title" });
  }
  return trimmed;
}

/**
 * A fresh key per version, under its course and item: a new version never
 * overwrites a file learners are reading, and nothing half-uploaded is ever
 * under a key a READY version names.
 */
function withKey(version: NewVersion, item: { id: string; courseId: string }, number: number): NewVersion {
  if (version.status === "READY") return version;
  return { ...version, storageKey: `courses/${item.courseId}/${item.id}/v${number}-${randomUUID()}` };
}
