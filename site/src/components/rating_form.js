/**
 * The blind comparison view: the case input and two outputs side by side,
 * a verdict per rating dimension, an optional comment, keyboard shortcuts,
 * progress through the rater's queue, and the arms revealed after submitting.
 *
 * @module
 */
import { ApiError, requestJson } from "./api.js";
import { servedByAblab } from "./live.js";
import { outputBlock, textElement } from "./text.js";

/** Verdicts and the keys that choose them. */
export const CHOICES = [
  { value: "A", label: "A is better", key: "a" },
  { value: "B", label: "B is better", key: "b" },
  { value: "tie", label: "Tie", key: "t" },
  { value: "both_bad", label: "Both bad", key: "x" },
];

const RATER_STORAGE_KEY = "ablab.rater_id";

/**
 * Builds the comparison view for a test.
 *
 * @param {string} testId
 * @returns {HTMLElement}
 */
export function ratingForm(testId) {
  const root = document.createElement("div");
  root.className = "ablab-rating";

  if (!servedByAblab()) {
    root.append(textElement(
      "p",
      "Rating needs the ablab server: run deno task serve and open this page from the address it prints.",
      "ablab-warning",
    ));
    return root;
  }

  const raterLabel = document.createElement("label");
  raterLabel.className = "ablab-field";
  const rater = document.createElement("input");
  rater.name = "rater";
  rater.autocomplete = "username";
  rater.placeholder = "your name or email";
  rater.value = localStorage.getItem(RATER_STORAGE_KEY) ?? "";
  const start = textElement("button", "Start rating");
  start.type = "button";
  start.name = "start";
  raterLabel.append(textElement("span", "Rater id "), rater, start);

  const progress = textElement("p", "", "ablab-muted ablab-progress");
  progress.setAttribute("role", "status");
  const stage = document.createElement("div");
  stage.className = "ablab-stage";
  root.append(raterLabel, shortcutHelp(), progress, stage);

  let rated = 0;
  let keyHandler;

  async function loadNext() {
    const raterId = rater.value.trim();
    if (raterId === "") {
      progress.textContent = "Enter a rater id first.";
      rater.focus();
      return;
    }
    localStorage.setItem(RATER_STORAGE_KEY, raterId);
    stage.replaceChildren(textElement("p", "Loading the next pair…", "ablab-muted"));
    let next;
    try {
      next = await requestJson(
        "GET",
        `/ab-tests/${encodeURIComponent(testId)}/comparisons/next?rater=${
          encodeURIComponent(raterId)
        }`,
      );
    } catch (error) {
      stage.replaceChildren(
        textElement("p", `Cannot load a pair: ${error.message}`, "ablab-error"),
      );
      return;
    }
    if (next === null) {
      progress.textContent = `${rated} rated in this session.`;
      stage.replaceChildren(noPairsLeft(testId, loadNext));
      return;
    }
    showProgress(next.remaining);
    showPair(next.pair, raterId, next.remaining);
  }

  function showProgress(remaining) {
    progress.textContent = `${rated} rated in this session · ${remaining} left in your queue`;
  }

  function showPair(pair, raterId, remaining) {
    const choices = {};
    const dimensions = pair.dimensions.map((d) => d.id);
    let active = 0;
    const idempotencyKey = crypto.randomUUID();

    const input = document.createElement("section");
    input.className = "ablab-case";
    input.append(textElement("h3", `Case ${pair.case_id}`));
    for (const [name, value] of Object.entries(pair.vars)) {
      input.append(textElement("h4", name), outputBlock(value));
    }

    const sides = document.createElement("div");
    sides.className = "grid grid-cols-2 ablab-sides";
    for (const [side, text] of [["A", pair.a], ["B", pair.b]]) {
      const column = document.createElement("section");
      column.className = "card ablab-side";
      column.dataset.side = side;
      column.append(textElement("h3", `Output ${side}`), outputBlock(text));
      sides.append(column);
    }

    const form = document.createElement("form");
    form.className = "ablab-verdicts";
    const rows = pair.dimensions.map((dimension, index) => {
      const fieldset = document.createElement("fieldset");
      fieldset.dataset.dimension = dimension.id;
      const legend = textElement("legend", dimension.id);
      if (dimension.description) {
        legend.append(textElement("small", ` ${dimension.description}`, "ablab-muted"));
      }
      fieldset.append(legend);
      for (const choice of CHOICES) {
        const label = document.createElement("label");
        const radio = document.createElement("input");
        radio.type = "radio";
        radio.name = `choice-${dimension.id}`;
        radio.value = choice.value;
        radio.addEventListener("change", () => {
          choices[dimension.id] = choice.value;
          setActive(index + 1 < dimensions.length ? index + 1 : index);
          update();
        });
        label.append(radio, ` ${choice.label} `, textElement("kbd", choice.key));
        fieldset.append(label);
      }
      form.append(fieldset);
      return fieldset;
    });

    const comment = document.createElement("textarea");
    comment.name = "comment";
    comment.rows = 2;
    comment.maxLength = 10_000;
    comment.placeholder = "Optional comment";
    const submit = textElement("button", "Submit rating");
    submit.type = "submit";
    submit.name = "submit";
    const message = textElement("p", "", "ablab-muted");
    message.setAttribute("role", "status");
    form.append(comment, submit, message);

    function setActive(index) {
      active = index;
      rows.forEach((row, i) => row.classList.toggle("ablab-active", i === active));
    }
    function update() {
      const missing = dimensions.filter((id) => !(id in choices));
      submit.disabled = missing.length > 0;
      message.textContent = missing.length > 0
        ? `Choose a verdict for: ${missing.join(", ")}.`
        : "Ready: press Enter or the button to submit.";
    }
    function choose(value) {
      const row = rows[active];
      const radio = [...row.querySelectorAll("input")].find((r) => r.value === value);
      radio.checked = true;
      radio.dispatchEvent(new Event("change"));
    }

    form.addEventListener("submit", async (event) => {
      event.preventDefault();
      if (submit.disabled) return;
      submit.disabled = true;
      message.textContent = "Submitting…";
      const body = {
        test_id: testId,
        rater_id: raterId,
        choices,
        idempotency_key: idempotencyKey,
      };
      if (comment.value.trim() !== "") body.comment = comment.value.trim();
      try {
        const stored = await requestJson(
          "POST",
          `/ab-tests/rate/${encodeURIComponent(pair.comparison_id)}`,
          { body },
        );
        rated++;
        showProgress(Math.max(0, remaining - 1));
        message.textContent = "";
        reveal(stored.revealed);
      } catch (error) {
        message.textContent = error instanceof ApiError
          ? `Not stored: ${error.message}. Submit again to retry.`
          : `Not stored: ${error.message}`;
        submit.disabled = false;
      }
    });

    function reveal(revealed) {
      for (const column of sides.querySelectorAll(".ablab-side")) {
        const arm = column.dataset.side === "A" ? revealed.arm_a : revealed.arm_b;
        column.querySelector("h3").textContent = `Output ${column.dataset.side}: ${arm}`;
      }
      form.querySelectorAll("input, textarea, button").forEach((el) => (el.disabled = true));
      const next = textElement("button", "Next pair");
      next.type = "button";
      next.name = "next";
      next.addEventListener("click", loadNext);
      const done = textElement(
        "p",
        `Stored. A was ${revealed.arm_a}, B was ${revealed.arm_b}. Press n or Enter for the next pair.`,
        "ablab-ok ablab-revealed",
      );
      done.setAttribute("role", "status");
      form.after(done, next);
      next.focus();
      keyHandler = (event) => {
        if (event.key === "n" || event.key === "Enter") {
          event.preventDefault();
          loadNext();
        }
      };
    }

    keyHandler = (event) => {
      const key = event.key.toLowerCase();
      const choice = CHOICES.find((c) => c.key === key);
      if (choice) {
        event.preventDefault();
        choose(choice.value);
      } else if (event.key === "ArrowDown" || event.key === "j") {
        setActive(Math.min(dimensions.length - 1, active + 1));
      } else if (event.key === "ArrowUp" || event.key === "k") {
        setActive(Math.max(0, active - 1));
      } else if (event.key === "Enter" && !submit.disabled) {
        event.preventDefault();
        form.requestSubmit();
      }
    };

    stage.replaceChildren(input, sides, form);
    setActive(0);
    update();
  }

  start.addEventListener("click", loadNext);
  rater.addEventListener("keydown", (event) => {
    if (event.key === "Enter") loadNext();
  });
  document.addEventListener("keydown", (event) => {
    const target = event.target;
    const typing = target instanceof HTMLTextAreaElement ||
      (target instanceof HTMLInputElement && target.type !== "radio");
    if (typing || event.ctrlKey || event.metaKey || event.altKey || !keyHandler) return;
    // A focused button handles Enter itself.
    if (event.key === "Enter" && target instanceof HTMLButtonElement) return;
    if (!root.isConnected) return;
    keyHandler(event);
  });
  return root;
}

function shortcutHelp() {
  const help = document.createElement("details");
  help.append(
    textElement("summary", "Keyboard shortcuts"),
    textElement(
      "p",
      "a: A is better · b: B is better · t: tie · x: both bad (each moves to the next dimension) · ↑/↓ or k/j: change dimension · Enter: submit · n: next pair after submitting.",
    ),
  );
  return help;
}

function noPairsLeft(testId, reload) {
  const box = document.createElement("div");
  box.append(textElement(
    "p",
    "No unrated pair left for you. If the test has no pairs yet, create them from its stored outputs.",
  ));
  const create = textElement("button", "Create comparison pairs");
  create.type = "button";
  create.name = "create-pairs";
  const status = textElement("span", "", "ablab-muted");
  create.addEventListener("click", async () => {
    create.disabled = true;
    status.textContent = "Creating pairs…";
    try {
      const made = await requestJson("POST", `/ab-tests/${encodeURIComponent(testId)}/compare`, {
        body: { mode: "all", judge: false },
      });
      status.textContent = `${made.created} new pairs, ${made.comparisons} in all.`;
      if (made.created > 0) reload();
    } catch (error) {
      status.textContent = `Not created: ${error.message}`;
    } finally {
      create.disabled = false;
    }
  });
  box.append(create, " ", status);
  return box;
}
