/**
 * The report extensions the server runs, and the CLI can pass: the
 * statistics sections (win rates, intervals, ranking, SRM), then the
 * comparison layer's position bias and rater agreement.
 *
 * @module
 */
import { ratingReportExtension } from "../compare/report_sections.ts";
import { statsReportExtension } from "./stats_sections.ts";
import type { ReportExtension } from "./write_report.ts";

/** Create the default report extensions, in the order they run; pass them to `writeReport`. */
export function defaultReportExtensions(): ReportExtension[] {
  return [statsReportExtension(), ratingReportExtension()];
}
