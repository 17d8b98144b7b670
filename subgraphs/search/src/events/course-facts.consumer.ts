import {
  contentPublished,
  contentUpdated,
  courseArchived,
  courseCreated,
  coursePublished,
  courseUpdated,
  moduleAdded,
  moduleRemoved,
  moduleRenamed,
  modulesReordered,
  on,
  userProfileUpdated,
  userRegistered,
  type CourseSnapshot,
  type HandlerEntry,
} from "@campus/events";
import type { SearchFactsRepository } from "../data/search-facts.repository";
import type { SearchTx } from "../data/search.prisma";

/**
 * One group for everything a course is found by, so the facts of a course
 * arrive in one place: catalog's course events (the course after the change,
 * with its modules), content's ARTICLE text, and people's names from
 * identity. Each handler only updates the facts and marks the course changed;
 * the indexer writes the document (course-indexer.ts).
 */
export const COURSE_FACTS_GROUP = "search.course-facts";

export function courseFactsHandlers(facts: SearchFactsRepository): HandlerEntry<SearchTx>[] {
  const course = async (tx: SearchTx, data: CourseSnapshot) => void (await facts.applyCourse(tx, data));
  const name = async (tx: SearchTx, data: { userId: string; name: string }, time: string) =>
    void (await facts.applyName(tx, data.userId, data.name, new Date(time)));
  return [
    ...[courseCreated, courseUpdated, coursePublished, courseArchived, modulesReordered].map((definition) =>
      on<SearchTx, typeof definition.data>(definition, (event, tx) => course(tx, event.data)),
    ),
    ...[moduleAdded, moduleRenamed, moduleRemoved].map((definition) =>
      on<SearchTx, typeof definition.data>(definition, (event, tx) => course(tx, event.data)),
    ),
    ...[contentPublished, contentUpdated].map((definition) =>
      on<SearchTx, typeof definition.data>(definition, async (event, tx) => {
        const item = event.data;
        if (item.kind !== "ARTICLE" || item.body === undefined) return;
        await facts.applyArticle(tx, {
          contentId: item.contentId,
          courseId: item.courseId,
          moduleId: item.moduleId,
          title: item.title,
          body: item.body,
          version: item.version,
        });
      }),
    ),
    on<SearchTx, typeof userRegistered.data>(userRegistered, (event, tx) => name(tx, event.data, event.time)),
    on<SearchTx, typeof userProfileUpdated.data>(userProfileUpdated, (event, tx) => name(tx, event.data, event.time)),
  ];
}
