import { checkAnswers, scoreQuiz, type GradedQuestion } from "./quiz.grading";

const QUIZ: GradedQuestion[] = [
  { choices: ["2", "3", "4"], correct: [2], points: 2 },
  { choices: ["red", "green", "blue", "sour"], correct: [0, 2], points: 3 },
  { choices: ["yes", "no"], correct: [1], points: 5 },
];

const reasonOf = (work: () => unknown) => {
  try {
    work();
    return "OK";
  } catch (error) {
    return (error as { extensions?: { code?: string; reason?: string } }).extensions;
  }
};

describe("quiz grading", () => {
  it("scores a question only when the chosen set is exactly the correct set", () => {
    const score = (choices: number[][]) =>
      scoreQuiz(
        QUIZ,
        checkAnswers(
          QUIZ,
          choices.map((picked, question) => ({ question, choices: picked })),
        ),
      );
    expect(score([[2], [0, 2], [1]])).toBe(10);
    expect(score([[2], [2, 0], [0]])).toBe(5); // order does not matter
    expect(score([[2], [0], [1]])).toBe(7); // a subset of the correct choices scores nothing
    expect(score([[2], [0, 1, 2], [1]])).toBe(7); // nor does a superset
    expect(score([[2], [0, 1, 2, 3], [1]])).toBe(7); // ticking every box never pays
    expect(score([[], [], []])).toBe(0);
  });

  it("gives nothing for questions left out", () => {
    expect(scoreQuiz(QUIZ, checkAnswers(QUIZ, [{ question: 2, choices: [1] }]))).toBe(5);
    expect(scoreQuiz(QUIZ, checkAnswers(QUIZ, []))).toBe(0);
  });

  it("refuses answers outside the quiz with BAD_USER_INPUT and a reason", () => {
    expect(reasonOf(() => checkAnswers(QUIZ, [{ question: 3, choices: [0] }]))).toMatchObject({
      code: "BAD_USER_INPUT",
      reason: "QUESTION_OUT_OF_RANGE",
    });
    expect(reasonOf(() => checkAnswers(QUIZ, [{ question: -1, choices: [0] }]))).toMatchObject({
      reason: "QUESTION_OUT_OF_RANGE",
    });
    expect(reasonOf(() => checkAnswers(QUIZ, [{ question: 0, choices: [3] }]))).toMatchObject({
      reason: "CHOICE_OUT_OF_RANGE",
    });
    expect(reasonOf(() => checkAnswers(QUIZ, [{ question: 0, choices: [-1] }]))).toMatchObject({
      reason: "CHOICE_OUT_OF_RANGE",
    });
    expect(reasonOf(() => checkAnswers(QUIZ, [{ question: 1, choices: [0, 0] }]))).toMatchObject({
      reason: "DUPLICATE_CHOICE",
    });
    expect(
      reasonOf(() =>
        checkAnswers(QUIZ, [
          { question: 1, choices: [0] },
          { question: 1, choices: [2] },
        ]),
      ),
    ).toMatchObject({ reason: "DUPLICATE_ANSWER" });
  });

  it("never names a correct choice in a refusal", () => {
    const errors = [
      () => checkAnswers(QUIZ, [{ question: 1, choices: [7] }]),
      () => checkAnswers(QUIZ, [{ question: 9, choices: [0] }]),
      () => checkAnswers(QUIZ, [{ question: 2, choices: [1, 1] }]),
    ].map((work) => {
      try {
        work();
        return "";
      } catch (error) {
        return JSON.stringify({ message: (error as Error).message, ...(error as { extensions?: object }).extensions });
      }
    });
    expect(errors.every(Boolean)).toBe(true);
    for (const text of errors) expect(text).not.toMatch(/correct|sour|blue/);
  });
});
