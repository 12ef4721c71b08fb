/**
 * Reports: the report JSON built from per-arm metrics, its Markdown
 * rendering, and `writeReport`, which aggregates, builds and stores both.
 *
 * @module
 */
export {
  buildReport,
  type BuildReportOptions,
  type Report,
  type ReportAdditions,
  type ReportSection,
  ReportSectionSchema,
} from "./build_report.ts";
export * from "./render_markdown.ts";
export * from "./write_report.ts";
export * from "./default_extensions.ts";
export * from "./stats_sections.ts";
