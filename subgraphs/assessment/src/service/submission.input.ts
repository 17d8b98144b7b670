import { badInput } from "@campus/errors";
import { readableText } from "@campus/subgraph";
import type { AssignmentKind } from "../data/assessment.prisma";
import type { QuizAnswer } from "./quiz.grading";

export interface FileDeclaration {
  name: string;
  contentType: string;
  sizeBytes: number;
}

export interface SubmitInput {
  text?: string | null;
  file?: FileDeclaration | null;
  answers?: QuizAnswer[] | null;
}

/** What FILE submissions may be, from the subgraph's settings. */
export interface FileRules {
  maxBytes: number;
  contentTypes: readonly string[];
}

/** What a submission to an assignment of `kind` carries: its own part, and nothing of another kind's. */
export type CheckedSubmission =
  { kind: "ESSAY"; text: string } | { kind: "FILE"; file: FileDeclaration } | { kind: "QUIZ"; answers: QuizAnswer[] };

const PARTS = { ESSAY: "text", FILE: "file", QUIZ: "answers" } as const;

/** Checks the shape of a submission; a QUIZ's answers are checked against its questions by quiz.grading. */
export function checkSubmission(kind: AssignmentKind, input: SubmitInput, files: FileRules): CheckedSubmission {
  for (const [other, part] of Object.entries(PARTS)) {
    if (other !== kind && input[part] !== undefined && input[part] !== null) {
      throw badInput(`a ${kind} submission has no ${part}`, { field: part });
    }
  }
  if (kind === "ESSAY") {
    if (input.text === undefined || input.text === null) throw badInput("an ESSAY needs text", { field: "text" });
    return { kind, text: readableText(input.text, { field: "text", min: 1, max: 100_000, multiline: true }) };
  }
  if (kind === "QUIZ") {
    if (!input.answers) throw badInput("a QUIZ needs answers", { field: "answers" });
    return { kind, answers: input.answers };
  }
  const file = input.file;
  if (!file) throw badInput("a FILE submission needs file", { field: "file" });
  const name = readableText(file.name, { field: "file.name", min: 1, max: 255 });
  const contentType = file.contentType.trim().toLowerCase();
  if (!files.contentTypes.includes(contentType)) {
    throw badInput(`file.contentType must be one of ${files.contentTypes.join(", ")}`, {
      field: "file.contentType",
      reason: "FILE_TYPE_NOT_ALLOWED",
    });
  }
  if (!Number.isSafeInteger(file.sizeBytes) || file.sizeBytes < 1) {
    throw badInput("file.sizeBytes must be a whole number of bytes, 1 or more", { field: "file.sizeBytes" });
  }
  if (file.sizeBytes > files.maxBytes) {
    throw badInput(`file.sizeBytes must be at most ${files.maxBytes}`, {
      field: "file.sizeBytes",
      reason: "FILE_TOO_LARGE",
    });
  }
  return { kind, file: { name, contentType, sizeBytes: file.sizeBytes } };
}
