import {
  LEARNER_ONLY,
  OWNER_OR_ADMIN,
  expectThat,
  operation,
  unique,
  type MatrixHelpers,
  type Role,
  type SubgraphAuthorization,
} from "@campus/testkit";

/**
 * What every role must get from content's root fields and Module.contents,
 * called through the router by tests/e2e/authorization-matrix.test.ts.
 * Operations of schema/operations/learning.graphql are used as written there.
 * The fixtures' learner is enrolled in `published` (content learns it from
 * enrollment's events); the instructor owns every fixture course.
 */

/** The course's learner, its instructor and admins: the rest get NOT_FOUND (no probing ids). */
const COURSE_PEOPLE: readonly Role[] = ["learner", "instructor", "admin"];

const PDF = Buffer.from("%PDF-1.4\n% matrix\n%%EOF\n");

/** A new READY article in the first module of `published`, added by its instructor. */
async function article(h: MatrixHelpers): Promise<string> {
  const input = { kind: "ARTICLE", title: unique("Article"), body: "# Who may read this" };
  const data = await h.call("instructor", operation("learning", "AddContent"), {
    moduleId: h.f.published.moduleIds[0],
    input,
  });
  return data.addContent.content.id;
}

/** A new PDF of `published` with its bytes uploaded, not yet completed. */
async function uploadedPdf(h: MatrixHelpers): Promise<string> {
  const input = {
    kind: "PDF",
    title: unique("Slides"),
    file: { name: "s.pdf", contentType: "application/pdf", sizeBytes: PDF.length },
  };
  const { addContent } = await h.call("instructor", operation("learning", "AddContent"), {
    moduleId: h.f.published.moduleIds[0],
    input,
  });
  const headers = Object.fromEntries(
    (addContent.upload.headers as { name: string; value: string }[]).map((header) => [header.name, header.value]),
  );
  const response = await fetch(addContent.upload.url, { method: "PUT", headers, body: PDF });
  if (!response.ok) throw new Error(`upload failed: HTTP ${response.status}`);
  return addContent.content.id;
}

export const authorization: SubgraphAuthorization = {
  roots: {
    "Query.content": {
      allowed: COURSE_PEOPLE,
      refusedAs: "NOT_FOUND",
      query: operation("learning", "ContentItem"),
      prepare: async (_role, h) => ({ variables: { id: await article(h) } }),
      check: (data, _role, call) =>
        expectThat(data.content.id === call.variables!.id && data.content.body !== null, "content not returned"),
    },
    "Mutation.addContent": {
      allowed: OWNER_OR_ADMIN,
      query: operation("learning", "AddContent"),
      prepare: async (_role, h) => ({
        variables: {
          moduleId: h.f.published.moduleIds[0],
          input: { kind: "ARTICLE", title: unique("Added"), body: "Added by whoever may" },
        },
      }),
      check: (data) => expectThat(data.addContent.content.status === "READY", "article not added"),
    },
    "Mutation.addContentVersion": {
      allowed: OWNER_OR_ADMIN,
      query: operation("learning", "AddContentVersion"),
      prepare: async (_role, h) => ({ variables: { contentId: await article(h), input: { body: "Version two" } } }),
      check: (data) => expectThat(data.addContentVersion.content.version === 2, "no new version"),
    },
    "Mutation.completeUpload": {
      allowed: OWNER_OR_ADMIN,
      query: operation("learning", "CompleteUpload"),
      prepare: async (_role, h) => ({ variables: { contentId: await uploadedPdf(h) } }),
      check: (data) =>
        expectThat(
          data.completeUpload.status === "READY" && data.completeUpload.sizeBytes === PDF.length,
          "upload not completed",
        ),
    },
    "Mutation.reorderContent": {
      allowed: OWNER_OR_ADMIN,
      query: `mutation($moduleId: ID!, $contentIds: [ID!]!) { reorderContent(moduleId: $moduleId, contentIds: $contentIds) { id position } }`,
      prepare: async (_role, h) => {
        const { moduleIds } = await h.course({ modules: 1, publish: false });
        const ids: string[] = [];
        for (const title of ["First", "Second"]) {
          const input = { kind: "ARTICLE", title, body: title };
          const data = await h.call("instructor", operation("learning", "AddContent"), {
            moduleId: moduleIds[0],
            input,
          });
          ids.push(data.addContent.content.id);
        }
        return { variables: { moduleId: moduleIds[0], contentIds: ids.reverse() } };
      },
      check: (data, _role, call) =>
        expectThat(data.reorderContent[0].id === (call.variables!.contentIds as string[])[0], "not reordered"),
    },
    // the course's learners only: to anyone else there is nothing to complete
    "Mutation.completeContent": {
      allowed: LEARNER_ONLY,
      refusedAs: "NOT_FOUND",
      query: `mutation($contentId: ID!) { completeContent(contentId: $contentId) { content { id viewerCompleted } moduleCompleted } }`,
      prepare: async (_role, h) => ({ variables: { contentId: await article(h) } }),
      check: (data) => expectThat(data.completeContent.content.viewerCompleted === true, "not completed"),
    },
  },
  resources: {
    // a course's syllabus with its content is for its people; others see the modules without it
    "Module.contents": {
      allowed: COURSE_PEOPLE,
      query: operation("learning", "CourseContents"),
      prepare: async (_role, h) => {
        await article(h);
        return { variables: { courseId: h.f.published.id } };
      },
      visible: (data) => data.course.modules.some((module: { contents: unknown[] }) => module.contents.length > 0),
    },
    "ContentItem.download": {
      allowed: COURSE_PEOPLE,
      refusedAs: "NOT_FOUND",
      query: operation("learning", "ContentItem"),
      prepare: async (_role, h) => {
        const id = await uploadedPdf(h);
        await h.call("instructor", operation("learning", "CompleteUpload"), { contentId: id });
        return { variables: { id } };
      },
      check: (data) => expectThat(typeof data.content.download?.url === "string", "no download URL"),
    },
  },
};
