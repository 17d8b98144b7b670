import { CatalogClient } from "@campus/catalog-client";
import { positiveInt, z } from "@campus/config";
import { filesEnv, filesSettingNames, openFileStore, type FileStore } from "@campus/files";
import { defineSubgraph } from "@campus/subgraph";
import { assessmentCacheHints } from "./assessment.cache-hints";
import { assessmentPermissions } from "./assessment.permissions";
import { PrismaClient } from "./data/assessment.prisma";
import { AssignmentRepository } from "./data/assignment.repository";
import { CourseLearnerRepository } from "./data/course-learner.repository";
import { SubmissionRepository } from "./data/submission.repository";
import { COURSE_LEARNERS_GROUP, courseLearnersHandlers } from "./events/course-learners.consumer";
import { AssignmentResolver } from "./graphql/assignment.resolver";
import { CourseEntity } from "./graphql/assessment.types";
import { CourseAssessmentResolver, GradebookEntryResolver } from "./graphql/course.resolver";
import { SubmissionResolver } from "./graphql/submission.resolver";
import { AssignmentService } from "./service/assignment.service";
import { CourseAccess } from "./service/course.access";
import { GradebookService } from "./service/gradebook.service";
import { SubmissionService } from "./service/submission.service";
import { SubmissionSweeper } from "./service/submission.sweeper";

/** Media types: what the file store will sign as a Content-Type (lower case, no parameters). */
const MEDIA_TYPE = /^[a-z0-9!#$&^_.+-]+\/[a-z0-9!#$&^_.+-]+$/;

/** Assignments (essay, file, quiz), submissions, grades and gradebooks of courses (docs/learning.md). */
export const subgraph = defineSubgraph({
  name: "assessment",
  settings: {
    ...filesEnv,
    /** How long a FILE submission's upload URL (and a grader's download URL) works. */
    SUBMISSION_UPLOAD_MINUTES: positiveInt(15),
    /** The largest file a FILE submission may declare. */
    SUBMISSION_MAX_FILE_BYTES: positiveInt(26_214_400),
    /** Comma-separated media types a FILE submission may have. */
    SUBMISSION_FILE_TYPES: z
      .string()
      .default("application/pdf,text/plain,application/zip")
      .transform((value) => value.split(",").map((type) => type.trim().toLowerCase()))
      .refine((types) => types.length > 0 && types.every((type) => MEDIA_TYPE.test(type)), {
        message: "must be comma-separated media types, e.g. application/pdf,text/plain",
      }),
    /** A FILE submission still PENDING_UPLOAD this long after its upload was asked for is deleted, its file with it. */
    SUBMISSION_ORPHAN_RETENTION_HOURS: positiveInt(24),
    /** How often the sweep of such submissions runs. */
    SUBMISSION_SWEEP_INTERVAL_SECONDS: positiveInt(600),
    CATALOG_TIMEOUT_MS: positiveInt(3000),
  },
  optionalInProduction: filesSettingNames,
  neighbours: ["catalog"],
  prisma: (adapter) => new PrismaClient({ adapter }),
  graphql: {
    resolvers: [AssignmentResolver, SubmissionResolver, CourseAssessmentResolver, GradebookEntryResolver],
    // nothing of assessment's returns a Course: it is extended only, reached through _entities
    orphanedTypes: [CourseEntity],
    federation: ["@key", "@shareable"],
  },
  permissions: assessmentPermissions,
  cacheHints: assessmentCacheHints,

  async wire({ config, prisma, logger, work, consume, neighbourUrl, secret, ownUrl, filesDir }) {
    const catalog = new CatalogClient({
      url: () => neighbourUrl("catalog"),
      secret,
      timeoutMs: config.CATALOG_TIMEOUT_MS,
      logger,
    });
    const files = await openFileStore(config, {
      root: filesDir,
      baseUrl: ownUrl,
      createBucket: config.NODE_ENV !== "production",
    });

    const assignmentRows = new AssignmentRepository(prisma);
    const submissionRows = new SubmissionRepository(prisma);
    const learners = new CourseLearnerRepository(prisma);
    const access = new CourseAccess(catalog, learners);
    const assignments = new AssignmentService(assignmentRows, work, catalog, access);
    const submissions = new SubmissionService(assignmentRows, submissionRows, learners, access, work, files.store, {
      uploadSeconds: config.SUBMISSION_UPLOAD_MINUTES * 60,
      maxBytes: config.SUBMISSION_MAX_FILE_BYTES,
      contentTypes: config.SUBMISSION_FILE_TYPES,
    });
    const gradebooks = new GradebookService(assignmentRows, submissionRows, learners, access);
    const sweeper = new SubmissionSweeper(
      work,
      submissionRows,
      learners,
      files.store,
      {
        retentionMs: config.SUBMISSION_ORPHAN_RETENTION_HOURS * 3_600_000,
        intervalMs: config.SUBMISSION_SWEEP_INTERVAL_SECONDS * 1000,
      },
      logger,
    );
    consume(COURSE_LEARNERS_GROUP, courseLearnersHandlers(learners));

    return {
      resolvers: [
        new AssignmentResolver(assignments, submissions),
        new SubmissionResolver(submissions),
        new CourseAssessmentResolver(assignments, gradebooks),
        new GradebookEntryResolver(),
      ],
      references: {
        // Course and User are owned elsewhere; assessment only needs their id.
        Course: (ref: { id: string }) => ({ id: ref.id }),
        User: (ref: { id: string }) => ({ id: ref.id }),
      },
      services: { assignments, submissions, gradebooks, sweeper, files: files.store },
      streams: files.streams,
      // the store's S3 sockets close after the sweep stopped using them
      background: [sweeper, { start() {}, stop: () => files.store.close() }],
    };
  },
});

export type AssessmentServices = {
  assignments: AssignmentService;
  submissions: SubmissionService;
  gradebooks: GradebookService;
  sweeper: SubmissionSweeper;
  files: FileStore;
};
