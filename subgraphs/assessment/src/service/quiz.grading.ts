import { badInput } from "@campus/errors";

/** A quiz question as grading sees it: how many choices, which are correct, what it is worth. */
export interface GradedQuestion {
  choices: readonly string[];
  correct: readonly number[];
  points: number;
}

/** A learner's answer: the question (0-based) and the choices they picked (0-based). */
export interface QuizAnswer {
  question: number;
  choices: number[];
}

/**
 * Checks a learner's answers against the quiz's shape, never its key: each
 * question at most once and in range, each choice in range and picked once.
 * Leaving a question out is allowed (it scores nothing). The messages name
 * only what the learner sent and what every learner sees (how many questions
 * and choices), so no refusal hints at a correct answer.
 */
export function checkAnswers(questions: readonly GradedQuestion[], answers: readonly QuizAnswer[]): QuizAnswer[] {
  const seen = new Set<number>();
  return answers.map((answer, i) => {
    const field = `answers[${i}]`;
    const question = questions[answer.question];
    if (!Number.isInteger(answer.question) || !question) {
      throw badInput(`${field}: question ${answer.question} is not one of the quiz's ${questions.length}`, {
        field,
        reason: "QUESTION_OUT_OF_RANGE",
      });
    }
    if (seen.has(answer.question)) {
      throw badInput(`${field}: question ${answer.question} is answered twice`, { field, reason: "DUPLICATE_ANSWER" });
    }
    seen.add(answer.question);
    for (const choice of answer.choices) {
      if (!Number.isInteger(choice) || choice < 0 || choice >= question.choices.length) {
        throw badInput(
          `${field}: choice ${choice} is not one of question ${answer.question}'s ${question.choices.length}`,
          { field, reason: "CHOICE_OUT_OF_RANGE" },
        );
      }
    }
    if (new Set(answer.choices).size !== answer.choices.length) {
      throw badInput(`${field}: a choice is picked twice`, { field, reason: "DUPLICATE_CHOICE" });
    }
    return { question: answer.question, choices: [...answer.choices].sort((a, b) => a - b) };
  });
}

/**
 * The points of checked answers: a question scores all its points when the
 * set of choices picked is exactly its set of correct choices, and nothing
 * otherwise (no part credit within a question, so ticking every box never
 * pays). The quiz's score is the sum over its questions.
 */
export function scoreQuiz(questions: readonly GradedQuestion[], answers: readonly QuizAnswer[]): number {
  let points = 0;
  for (const answer of answers) {
    const question = questions[answer.question]!;
    const picked = new Set(answer.choices);
    const exact = picked.size === question.correct.length && question.correct.every((choice) => picked.has(choice));
    if (exact) points += question.points;
  }
  return points;
}
