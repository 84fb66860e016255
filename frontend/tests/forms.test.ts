import { describe, expect, it } from "vitest";
import { parseImportText } from "../src/components/ImportPanel";
import { checkFile } from "../src/pages/Upload";
import { validateDraft } from "../src/pages/DraftEditor";

describe("import text", () => {
  it("reads a JSON array", () => {
    expect(parseImportText(' [{"login":"a"}] ')).toEqual({ kind: "json", rows: [{ login: "a" }] });
  });
  it("treats anything else as CSV", () => {
    expect(parseImportText("platform,login\nsandbox,a")).toEqual({ kind: "csv", text: "platform,login\nsandbox,a\n" });
  });
  it("refuses broken JSON", () => {
    expect(() => parseImportText("[{")).toThrow();
  });
});

describe("photo checks", () => {
  const file = (type: string, size: number) => new File([new Uint8Array(size)], "x", { type });
  it("accepts JPEG, PNG and WebP", () => {
    for (const type of ["image/jpeg", "image/png", "image/webp"]) expect(checkFile(file(type, 10))).toBeNull();
  });
  it("refuses other types, empty and huge files", () => {
    expect(checkFile(file("image/gif", 10))).toMatch(/Not a JPEG/);
    expect(checkFile(file("image/jpeg", 0))).toMatch(/Empty/);
    expect(checkFile(file("image/jpeg", 16 * 1024 * 1024))).toMatch(/15 MB/);
  });
});

describe("draft validation", () => {
  const good = { title: "Jacket", description: "", price: "12.5", currency: "EUR", category: "Tops", brand: "", size: "", condition: "good" as const, colours: "red, blue", keywords: "" };
  it("passes a good draft", () => {
    expect(validateDraft(good)).toEqual({});
  });
  it("names each bad field", () => {
    const errors = validateDraft({ ...good, title: " ", price: "-1", currency: "eur", colours: Array.from({ length: 11 }, (_, i) => `c${i}`).join(",") });
    expect(Object.keys(errors).sort()).toEqual(["colours", "currency", "price", "title"]);
  });
  it("needs a numeric price", () => {
    expect(validateDraft({ ...good, price: "abc" }).price).toMatch(/Enter a price/);
  });
});
