import { randomUUID } from "node:crypto";
import type { AssignmentRow } from "../data/assessment.prisma";
import { buildGradebook } from "./gradebook";

const assignment = (maxPoints: number, status: "DRAFT" | "PUBLISHED" = "PUBLISHED") =>
  ({ id: randomUUID(), maxPoints, status }) as AssignmentRow;

describe("gradebook", () => {
  it("counts each published assignment with the learner's best graded attempt", () => {
    const [quiz, essay, draft] = [assignment(10), assignment(20), assignment(50, "DRAFT")];
    const [ada, bo] = [randomUUID(), randomUUID()];
    const rows = buildGradebook(
      [quiz!, essay!, draft!],
      [ada, bo],
      [
        { learnerId: ada, assignmentId: quiz!.id, points: 4 },
        { learnerId: ada, assignmentId: quiz!.id, points: 9 },
        { learnerId: ada, assignmentId: quiz!.id, points: 6 },
        { learnerId: ada, assignmentId: essay!.id, points: 15 },
        { learnerId: bo, assignmentId: quiz!.id, points: 0 },
      ],
    );
    expect(rows.map((row) => [row.learnerId, row.points, row.maxPoints])).toEqual([
      [ada, 24, 30],
      [bo, 0, 30],
    ]);
    expect(rows[1]!.grades.map((grade) => [grade.assignment.id, grade.points])).toEqual([
      [quiz!.id, 0],
      [essay!.id, null],
    ]);
  });
});
