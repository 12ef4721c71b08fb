/**
 * The dashboard's live view. When the page is served by `deno task serve`,
 * which writes a CSRF meta tag into every page, the dashboard follows the
 * test's progress events and refreshes the per-arm metrics without a
 * rebuild. On a static host it shows the built data only.
 *
 * @module
 */
import { ApiError, requestJson } from "./api.js";
import { textElement } from "./text.js";

/** Minimum time between two refreshes of the per-arm metrics while calls arrive. */
const METRICS_REFRESH_MS = 2_000;

/** True when an ablab server served this page, so its API is there. */
export function servedByAblab() {
  return document.querySelector('meta[name="ablab-csrf"]') !== null;
}

/**
 * Yields the dashboard data: first as built, then, when served by the ablab
 * server, again on every progress event with fresh status and per-arm
 * metrics. Stops when the test completes or fails.
 *
 * @param {any} built the dashboard data the site was built with
 * @returns {AsyncGenerator<{data: any, message: string | undefined}>}
 */
export async function* liveDashboard(built) {
  yield { data: built, message: undefined };
  if (!servedByAblab() || typeof EventSource === "undefined") return;

  const id = built.test.id;
  const queue = [];
  let wake;
  const source = new EventSource(`/ab-tests/${encodeURIComponent(id)}/events`);
  const push = (item) => {
    queue.push(item);
    wake?.();
  };
  source.addEventListener("progress", (event) => push({ progress: JSON.parse(event.data) }));
  source.addEventListener("error", () => push({ error: true }));

  let data = built;
  let lastCalls = -1;
  let lastRefresh = 0;
  try {
    while (true) {
      if (queue.length === 0) await new Promise((resolve) => (wake = resolve));
      const item = queue.shift();
      if (item.error) {
        // EventSource reconnects by itself, so show that unless the test is over.
        if (isFinal(data.state.status)) return;
        yield { data, message: "Live updates interrupted; reconnecting to the server…" };
        continue;
      }

      const progress = item.progress;
      const changed = progress.stored_calls !== lastCalls;
      const due = Date.now() - lastRefresh >= METRICS_REFRESH_MS || isFinal(progress.status);
      let arms = data.arms;
      if (changed && due) {
        arms = await fetchArms(id) ?? arms;
        lastCalls = progress.stored_calls;
        lastRefresh = Date.now();
      }
      data = {
        ...data,
        live: true,
        arms,
        planned_calls: progress.planned_calls ?? data.planned_calls,
        state: { ...data.state, status: progress.status },
      };
      yield { data, message: liveMessage(progress) };
      if (isFinal(progress.status)) return;
    }
  } finally {
    source.close();
  }
}

function isFinal(status) {
  return status === "completed" || status === "failed";
}

function liveMessage(progress) {
  const time = new Date().toISOString().slice(11, 19);
  const run = progress.run?.progress;
  const rate = run && run.elapsedMs > 0
    ? ` · ${(run.done / (run.elapsedMs / 1000)).toFixed(1)} calls/s`
    : "";
  return `Live from the server at ${time} UTC: ${progress.status}, ${progress.stored_calls} of ${progress.planned_calls} calls stored, ${progress.error_calls} errors${rate}. Pooled latency percentiles, the histogram and the traffic split check are as built.`;
}

/** Fetches fresh per-arm metrics; undefined when the server cannot compute them now. */
async function fetchArms(id) {
  try {
    const body = await requestJson("POST", `/ab-tests/${encodeURIComponent(id)}/aggregate`);
    const arms = Array.isArray(body) ? body : body?.metrics ?? body?.arms;
    return Array.isArray(arms) ? arms : undefined;
  } catch (error) {
    if (error instanceof ApiError) return undefined;
    throw error;
  }
}

/**
 * Builds the rating dimension picker for `view()`: a select whose value is
 * the chosen dimension id.
 *
 * @param {{dimensions: {dimension: string}[]} | null} ratings
 * @returns {HTMLElement & {value: string | null}}
 */
export function dimensionPicker(ratings) {
  const label = document.createElement("label");
  label.className = "ablab-field";
  const names = (ratings?.dimensions ?? []).map((d) => d.dimension);
  if (names.length === 0) {
    label.append(
      textElement("span", "No ratings yet: rate pairs on the comparison page.", "ablab-muted"),
    );
    label.value = null;
    return label;
  }

  const select = document.createElement("select");
  for (const name of names) {
    const option = textElement("option", name);
    option.value = name;
    select.append(option);
  }
  select.value = names.includes("overall") ? "overall" : names[0];
  label.append(textElement("span", "Rating dimension "), select);
  label.value = select.value;
  // The select's input event bubbles to the label, where view() reads the new value.
  select.addEventListener("input", () => {
    label.value = select.value;
  });
  return label;
}
