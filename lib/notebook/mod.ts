/**
 * Helpers for Jupyter notebooks with the Deno kernel: find the runs folder,
 * open a stored test and query its results as rows or Arrow, and display
 * Observable Plot charts, tables and Markdown inline.
 *
 * @module
 */
export * from "./runs_dir.ts";
export * from "./explore.ts";
export { queryArrow } from "./arrow.ts";
export * from "./display.ts";
