-- CreateIndex
CREATE INDEX "Submission_status_createdAt_idx" ON "assessment"."Submission"("status", "createdAt");

