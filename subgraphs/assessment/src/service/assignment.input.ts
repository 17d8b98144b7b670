import { badInput } from "@campus/errors";
import { readableText } from "@campus/subgraph";
import type { AssignmentKind } from "../data/assessment.prisma";

export interface QuestionInput {
  prompt: string;
  choices: string[];
  correct: number[];
  points: number;
}

export interface AssignmentInput {
  title: string;
  instructions: string;
  kind: AssignmentKind;
  moduleId?: string | null;
  dueAt?: Date | null;
  maxAttempts?: number | null;
  maxPoints?: number | null;
  questions?: QuestionInput[] | null;
}

/** What a valid input becomes: QUIZ points summed, correct choices sorted. */
export interface CheckedAssignment {
  title: string;
  instructions: string;
  kind: AssignmentKind;
  moduleId: string | null;
  dueAt: Date | null;
  maxAttempts: number;
  maxPoints: number;
  questions: QuestionInput[];
}

const MAX_ATTEMPTS = 100;
const MAX_POINTS = 10_000;
const MAX_QUESTIONS = 200;
const MAX_CHOICES = 26;

const wholeNumber = (value: number, field: string, min: number, max: number) => {
  if (!Number.isInteger(value) || value < min || value > max) {
    throw badInput(`${field} must be a whole number from ${min} to ${max}`, { field });
  }
  return value;
};

function checkQuestion(question: QuestionInput, i: number): QuestionInput {
  const field = `questions[${i}]`;
  const prompt = readableText(question.prompt, { field: `${field}.prompt`, min: 1, max: 2000, multiline: true });
  if (question.choices.length < 2 || question.choices.length > MAX_CHOICES) {
    throw badInput(`${field} needs 2 to ${MAX_CHOICES} choices`, { field: `${field}.choices` });
  }
  const choices = question.choices.map((choice, c) =>
    readableText(choice, { field: `${field}.choices[${c}]`, min: 1, max: 500 }),
  );
  if (question.correct.length === 0) {
    throw badInput(`${field} needs at least one correct choice`, { field: `${field}.correct` });
  }
  for (const choice of question.correct) wholeNumber(choice, `${field}.correct`, 0, choices.length - 1);
  if (new Set(question.correct).size !== question.correct.length) {
    throw badInput(`${field} names a correct choice twice`, { field: `${field}.correct` });
  }
  const points = wholeNumber(question.points, `${field}.points`, 0, MAX_POINTS);
  return { prompt, choices, correct: [...question.correct].sort((a, b) => a - b), points };
}

/**
 * The rules of a new assignment that need nothing but its input. ESSAY and
 * FILE give maxPoints and no questions; a QUIZ gives questions and its
 * maxPoints is their sum (a maxPoints sent with a quiz must say the same).
 */
export function checkAssignmentInput(input: AssignmentInput): CheckedAssignment {
  const title = readableText(input.title, { field: "title", min: 1, max: 200 });
  const instructions = readableText(input.instructions, {
    field: "instructions",
    min: 0,
    max: 20_000,
    multiline: true,
  });
  const maxAttempts = wholeNumber(input.maxAttempts ?? 1, "maxAttempts", 1, MAX_ATTEMPTS);
  const base = { title, instructions, kind: input.kind, moduleId: input.moduleId ?? null, dueAt: input.dueAt ?? null };

  if (input.kind !== "QUIZ") {
    if (input.questions?.length) {
      throw badInput(`${input.kind} assignments have no questions`, { field: "questions" });
    }
    if (input.maxPoints === undefined || input.maxPoints === null) {
      throw badInput(`${input.kind} assignments need maxPoints`, { field: "maxPoints" });
    }
    const maxPoints = wholeNumber(input.maxPoints, "maxPoints", 1, MAX_POINTS);
    return { ...base, maxAttempts, maxPoints, questions: [] };
  }

  const given = input.questions ?? [];
  if (given.length === 0 || given.length > MAX_QUESTIONS) {
    throw badInput(`a QUIZ needs 1 to ${MAX_QUESTIONS} questions`, { field: "questions" });
  }
  const questions = given.map(checkQuestion);
  const maxPoints = questions.reduce((sum, question) => sum + question.points, 0);
  if (maxPoints < 1 || maxPoints > MAX_POINTS) {
    throw badInput(`a QUIZ's questions must be worth 1 to ${MAX_POINTS} points together`, { field: "questions" });
  }
  if (input.maxPoints !== undefined && input.maxPoints !== null && input.maxPoints !== maxPoints) {
    throw badInput(`a QUIZ's maxPoints is the sum of its questions' points (${maxPoints})`, { field: "maxPoints" });
  }
  return { ...base, maxAttempts, maxPoints, questions };
}
