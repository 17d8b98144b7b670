import { assertPasswordPolicy, hashPassword, verifyPassword } from "./passwords";

describe("password policy", () => {
  it("refuses passwords shorter than 10 characters", () => {
    expect(() => assertPasswordPolicy("short1234", "a@example.com")).toThrow(/at least 10/);
  });

  it("refuses the email (or its local part) as password", () => {
    expect(() => assertPasswordPolicy("Ada.Lovelace@example.com", "ada.lovelace@example.com")).toThrow(/email/);
    expect(() => assertPasswordPolicy("ada.lovelace", "ada.lovelace@example.com")).toThrow(/email/);
  });

  it("accepts a long passphrase", () => {
    expect(() => assertPasswordPolicy("correct horse battery", "a@example.com")).not.toThrow();
  });

  it("hashes with argon2id and verifies only the right password", async () => {
    const hash = await hashPassword("correct horse battery");
    expect(hash.startsWith("$argon2id$")).toBe(true);
    await expect(verifyPassword(hash, "correct horse battery")).resolves.toBe(true);
    await expect(verifyPassword(hash, "wrong horse battery")).resolves.toBe(false);
  });
});
