// Name conversions shared by the model builders.

export function snakeCase(text: string): string {
  return text
    .replace(/([a-z0-9])([A-Z])/g, "$1_$2")
    .replace(/[^A-Za-z0-9]+/g, "_")
    .replace(/^_+|_+$/g, "")
    .toLowerCase();
}

export function pascalCase(text: string): string {
  return snakeCase(text)
    .split("_")
    .filter(Boolean)
    .map((part) => part[0]!.toUpperCase() + part.slice(1))
    .join("");
}

export function constantCase(text: string): string {
  return snakeCase(text).toUpperCase();
}

/** Free text as given, or undefined when it is missing or blank (the default then applies). */
export function givenText(text: string | undefined): string | undefined {
  return text !== undefined && text.trim() !== "" ? text : undefined;
}
