import type { Viewer } from "@campus/auth";
import { notFound, unauthenticated } from "@campus/errors";
import { contentCompleted, type UnitOfWork } from "@campus/events";
import type { LoaderRegistry } from "@campus/subgraph";
import type { ContentTx } from "../data/content.prisma";
import type { ContentRepository } from "../data/content.repository";
import { ContentWrites } from "../data/content.writes";
import type { CourseLearnerRepository } from "../data/course-learner.repository";

/**
 * A learner marks content complete. Content records it and tells, through
 * `campus.content.completed.v1`, whether the module is now complete (every
 * READY item of it done); enrollment, which owns progress, records that as it
 * records `updateProgress`.
 */
export class CompletionService {
  constructor(
    private readonly contents: ContentRepository,
    private readonly learners: CourseLearnerRepository,
    private readonly work: UnitOfWork<ContentTx>,
  ) {}

  /**
   * Only for learners of the course (ACTIVE or COMPLETED enrollment) and
   * items they can see; to anyone else the item is NOT_FOUND. Completing
   * again changes nothing and emits nothing.
   */
  async completeContent(viewer: Viewer, loaders: LoaderRegistry, contentId: string) {
    const userId = viewer.userId;
    if (!userId) throw unauthenticated();
    const item = await this.contents.item(loaders, contentId);
    if (!item || item.currentVersion === null) throw notFound("Content");
    if (!(await this.learners.holdsAccess(loaders, userId, item.courseId))) throw notFound("Content");

    const moduleCompleted = await this.work.run(async (tx, emit) => {
      const writes = new ContentWrites(tx);
      await writes.lockLearnerModule(userId, item.moduleId);
      const fact = { userId, contentId, moduleId: item.moduleId, courseId: item.courseId };
      const recorded = await writes.complete(fact);
      const completed = (await writes.readyLeftInModule(userId, item.moduleId)) === 0;
      if (recorded) emit(contentCompleted, contentId, { ...fact, moduleCompleted: completed });
      return completed;
    });
    return { item, moduleCompleted };
  }
}
