import {
  backends,
  operation,
  registerInstructor,
  registerUser,
  settleEvents,
  startTestCampus,
  type TestCampus,
} from "../support";

/**
 * Course content as clients use it, through the router, with the guaranteed
 * operations of schema/operations/learning.graphql as written: an instructor
 * adds an article and a PDF (real bytes PUT to the signed URL, never through
 * GraphQL), a learner enrols, lists the course's content and downloads the
 * PDF, completes both, and the module counts in Enrollment.progress; a
 * learner who is not enrolled gets NOT_FOUND.
 */

const ADD_CONTENT = operation("learning", "AddContent");
const COMPLETE_UPLOAD = operation("learning", "CompleteUpload");
const COURSE_CONTENTS = operation("learning", "CourseContents");
const CONTENT_ITEM = operation("learning", "ContentItem");
const CREATE_COURSE = operation("mvp", "CreateCourse");
const ADD_MODULE = operation("mvp", "AddModule");
const PUBLISH = operation("mvp", "PublishCourse");
const ENROLL = operation("mvp", "Enroll");
const COMPLETE_CONTENT = `mutation($contentId: ID!) { completeContent(contentId: $contentId) { moduleCompleted } }`;
const ENROLLMENT = `query($id: ID!) { enrollment(id: $id) { status progress completedModuleIds } }`;

const PDF = Buffer.from("%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\n%%EOF\n");
const MARKDOWN = "# Week one\n\n- read this\n- then the slides\n";

describe.each(backends({ kafka: true }).map((backend) => [backend.name, backend] as const))(
  "course content through the router (%s)",
  (_name, backend) => {
    let campus: TestCampus;
    beforeAll(async () => {
      campus = await startTestCampus(backend);
    }, 300_000);
    afterAll(() => campus?.stop());

    async function ok(query: string, variables: Record<string, unknown>, token?: string) {
      const result = await campus.gql(query, variables, token);
      expect(result.errors).toBeUndefined();
      return result.data;
    }

    it("instructor adds an article and a PDF; an enrolled learner reads and downloads them; others get NOT_FOUND", async () => {
      const instructor = await registerInstructor(campus, "Content Author");
      const input = {
        title: `Content course ${Date.now()}`,
        description: "Files",
        level: "BEGINNER",
        price: { amount: 0, currency: "USD" },
      };
      const courseId = (await ok(CREATE_COURSE, { input }, instructor.accessToken)).createCourse.id as string;
      const moduleId = (await ok(ADD_MODULE, { courseId, input: { title: "Week one" } }, instructor.accessToken))
        .addModule.id as string;
      await ok(PUBLISH, { id: courseId }, instructor.accessToken);

      const article = (
        await ok(
          ADD_CONTENT,
          { moduleId, input: { kind: "ARTICLE", title: "Read me", body: MARKDOWN } },
          instructor.accessToken,
        )
      ).addContent;
      expect(article).toMatchObject({ content: { kind: "ARTICLE", status: "READY", version: 1 }, upload: null });

      const file = { name: "week-one.pdf", contentType: "application/pdf", sizeBytes: PDF.length };
      const pdf = (
        await ok(ADD_CONTENT, { moduleId, input: { kind: "PDF", title: "Slides", file } }, instructor.accessToken)
      ).addContent;
      expect(pdf.content).toMatchObject({ kind: "PDF", status: "PENDING_UPLOAD", version: 1 });
      const headers = Object.fromEntries(
        pdf.upload.headers.map((h: { name: string; value: string }) => [h.name, h.value]),
      );
      const put = await fetch(pdf.upload.url, { method: pdf.upload.method, headers, body: PDF });
      expect(put.status).toBe(200);
      const ready = (await ok(COMPLETE_UPLOAD, { contentId: pdf.content.id }, instructor.accessToken)).completeUpload;
      expect(ready).toEqual({ id: pdf.content.id, status: "READY", version: 1, sizeBytes: PDF.length });

      const learner = await registerUser(campus, "Content Learner");
      const enrolled = (await ok(ENROLL, { courseId }, learner.accessToken)).enroll;
      expect(enrolled.status).toBe("ACTIVE");
      // content learns of the enrollment from enrollment's events
      await settleEvents(campus);

      const listed = (await ok(COURSE_CONTENTS, { courseId }, learner.accessToken)).course;
      expect(listed.modules).toEqual([
        {
          id: moduleId,
          title: "Week one",
          contents: [
            { id: article.content.id, kind: "ARTICLE", title: "Read me", version: 1, status: "READY" },
            { id: pdf.content.id, kind: "PDF", title: "Slides", version: 1, status: "READY" },
          ],
        },
      ]);

      const read = (await ok(CONTENT_ITEM, { id: article.content.id }, learner.accessToken)).content;
      expect(read).toMatchObject({ body: MARKDOWN, download: null });

      const item = (await ok(CONTENT_ITEM, { id: pdf.content.id }, learner.accessToken)).content;
      expect(item.versions).toEqual([{ version: 1, createdAt: expect.any(String), sizeBytes: PDF.length }]);
      const download = await fetch(item.download.url);
      expect(download.status).toBe(200);
      expect(Buffer.from(await download.arrayBuffer())).toEqual(PDF);

      // completing the module's content completes the module: enrollment records it from content's event
      for (const contentId of [article.content.id, pdf.content.id]) {
        await ok(COMPLETE_CONTENT, { contentId }, learner.accessToken);
      }
      await settleEvents(campus);
      const progress = await ok(ENROLLMENT, { id: enrolled.id }, learner.accessToken);
      expect(progress.enrollment).toEqual({ status: "COMPLETED", progress: 1, completedModuleIds: [moduleId] });

      const stranger = await registerUser(campus, "Not Enrolled");
      const refused = await campus.gql(CONTENT_ITEM, { id: pdf.content.id }, stranger.accessToken);
      expect(refused.errors?.[0]?.extensions?.code).toBe("NOT_FOUND");
      expect(refused.data?.content ?? null).toBeNull();
      // the course page still renders for them, without its content
      const page = (await ok(COURSE_CONTENTS, { courseId }, stranger.accessToken)).course;
      expect(page.modules[0].contents).toEqual([]);
    });
  },
);
