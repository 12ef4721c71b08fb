/**
 * The part of `node:path` that lib/config imports, for the browser bundle of
 * the experiment file rules. POSIX separators only; the configurator passes
 * plain file names.
 *
 * @module
 */

/** Returns the last path segment, without `suffix` when it ends with it. */
export function basename(path: string, suffix?: string): string {
  const trimmed = path.replace(/\/+$/, "");
  const base = trimmed.slice(trimmed.lastIndexOf("/") + 1);
  return suffix && base !== suffix && base.endsWith(suffix) ? base.slice(0, -suffix.length) : base;
}

/** Returns the path without its last segment: "." for a bare name, "/" for a root entry. */
export function dirname(path: string): string {
  const trimmed = path.replace(/\/+$/, "");
  const index = trimmed.lastIndexOf("/");
  if (index < 0) return ".";
  return index === 0 ? "/" : trimmed.slice(0, index);
}

/** Returns the extension of the last segment with its dot, or "" when there is none. */
export function extname(path: string): string {
  const base = basename(path);
  const index = base.lastIndexOf(".");
  return index <= 0 ? "" : base.slice(index);
}

/** True when the path starts at the root. */
export function isAbsolute(path: string): boolean {
  return path.startsWith("/");
}

/** Joins segments with "/", dropping empty ones. */
export function join(...segments: string[]): string {
  const joined = segments.filter((segment) => segment !== "").join("/");
  return joined === "" ? "." : joined.replace(/\/{2,}/g, "/");
}
