import type { AssessmentTx, Prisma, SubmissionRow } from "./assessment.prisma";
import { COUNTED } from "./submission.repository";

/** The statements a submission write runs inside its unit of work (SubmissionService). */
export class SubmissionWrites {
  constructor(private readonly tx: AssessmentTx) {}

  /** The learner's counted attempts at the assignment; run after CourseLearnerRepository.lockTakingPart. */
  countedAttempts(assignmentId: string, learnerId: string): Promise<number> {
    return this.tx.submission.count({ where: { assignmentId, learnerId, status: { in: COUNTED } } });
  }

  /** A FILE submission still waiting for its upload, if the learner started one. */
  pendingUpload(assignmentId: string, learnerId: string): Promise<SubmissionRow | null> {
    return this.tx.submission.findFirst({ where: { assignmentId, learnerId, status: "PENDING_UPLOAD" } });
  }

  create(data: Prisma.SubmissionUncheckedCreateInput): Promise<SubmissionRow> {
    return this.tx.submission.create({ data });
  }

  update(id: string, data: Prisma.SubmissionUncheckedUpdateInput): Promise<SubmissionRow> {
    return this.tx.submission.update({ where: { id }, data });
  }

  /** The sweep's: only a PENDING_UPLOAD row, never an attempt, so no attempt number changes. */
  async delete(id: string): Promise<void> {
    await this.tx.submission.delete({ where: { id } });
  }

  /** Locks the submission until commit (grading twice at once applies one grade after the other). */
  async lock(id: string): Promise<SubmissionRow | null> {
    await this.tx.$queryRaw`SELECT 1 FROM "assessment"."Submission" WHERE "id" = ${id}::uuid FOR UPDATE`;
    return this.tx.submission.findUnique({ where: { id } });
  }
}
