"use strict";
// The page calls brief's own API and shows its JSON: brief, English with each quotation marked, the quote ledger,
// the checks. No framework, no network beyond this server.
const $ = (id) => document.getElementById(id);
let english = "";

function el(tag, text, attrs = {}) {
  const node = document.createElement(tag);
  if (text !== undefined) node.textContent = text;
  for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, v);
  return node;
}

function copyButton(text, label) {
  const button = el("button", "Copy", { type: "button", class: "copy", "aria-label": label });
  button.addEventListener("click", () => copy(text));
  return button;
}

async function copy(text) {
  try { await navigator.clipboard.writeText(text); $("status").textContent = "Copied."; }
  catch { $("status").textContent = "Copying is not allowed here: select the text instead."; }
}

function markQuotes(paragraph, quotes, state) {
  // Quotation targets appear in the English in order: mark each where it is next found.
  const p = el("p");
  let at = 0;
  while (state.next < quotes.length) {
    const target = quotes[state.next].target;
    if (!target) { state.next += 1; continue; }  // a quotation with no English has nothing to mark
    const found = paragraph.indexOf(target, at);
    if (found < 0) break;
    p.append(paragraph.slice(at, found));
    p.append(el("mark", target, { class: "quote", "data-quote": String(state.next + 1) }));
    at = found + target.length;
    state.next += 1;
  }
  p.append(paragraph.slice(at));
  return p;
}

function show(result) {
  english = result.translation;
  const brief = result.brief;
  $("brief-section").hidden = !brief;
  if (brief) { $("headline").textContent = brief.headline || ""; $("summary").textContent = brief.summary || ""; }
  const box = $("english");
  box.replaceChildren();
  const state = { next: 0 };
  for (const paragraph of english.split("\n\n")) box.append(markQuotes(paragraph, result.quotes, state));
  const body = $("ledger").tBodies[0];
  body.replaceChildren();
  result.quotes.forEach((quote, i) => {
    const row = el("tr");
    row.append(el("td", String(i + 1)), el("td", quote.source, { lang: "fr" }), el("td", quote.target),
               el("td", quote.speaker || "—"));
    const cell = el("td");
    cell.append(copyButton(quote.target, `Copy quotation ${i + 1}`));
    row.append(cell);
    body.append(row);
  });
  // Checks of the whole document in a list; a sentence's checks beside that sentence.
  const checks = $("checks");
  checks.replaceChildren();
  const flagged = (result.checks || []).filter((c) => c.severity !== "info");
  const bySentence = new Map();
  for (const check of flagged) {
    if (check.sentence === undefined || check.sentence === null) {
      checks.append(el("li", `${check.check}: ${check.detail}`, { class: check.severity }));
    } else {
      if (!bySentence.has(check.sentence)) bySentence.set(check.sentence, []);
      bySentence.get(check.sentence).push(check);
    }
  }
  checks.append(el("li", flagged.length ? `${flagged.length} flagged; by sentence below.` : "Nothing flagged."));
  const sentences = $("sentences").tBodies[0];
  sentences.replaceChildren();
  for (const sentence of result.sentences) {
    const row = el("tr");
    const found = el("td");
    const list = el("ul", undefined, { class: "sentence-checks" });
    for (const check of bySentence.get(sentence.index) || []) {
      list.append(el("li", `${check.check}: ${check.detail}`, { class: check.severity }));
    }
    if (list.children.length) found.append(list); else found.textContent = "—";
    row.append(el("td", String(sentence.index + 1)), el("td", sentence.source, { lang: "fr" }),
               el("td", sentence.target), found);
    sentences.append(row);
  }
  $("results").hidden = false;
}

async function submit(event) {
  event.preventDefault();
  const text = $("text").value;
  if (!text.trim()) { $("status").textContent = "Paste an article first."; $("text").focus(); return; }
  const looksHtml = /^\s*(<!doctype html|<html)/i.test(text);
  $("submit").disabled = true;
  $("status").textContent = "Translating…";
  try {
    const headers = { "Content-Type": "application/json" };
    const key = $("api-key").value.trim();
    if (key) headers.Authorization = `Bearer ${key}`;
    const response = await fetch("/v1/translate", {
      method: "POST", headers,
      body: JSON.stringify(looksHtml ? { html: text } : { text }),
    });
    const answer = await response.json();
    if (!response.ok) throw new Error(answer.error ? answer.error.message : response.statusText);
    show(answer);
    $("status").textContent = `Done: ${answer.quotes.length} quotations, ${answer.sentences.length} sentences.`;
    $("results-title").focus();
  } catch (error) {
    $("status").textContent = `Error: ${error.message}`;
  } finally {
    $("submit").disabled = false;
  }
}

function readFile(file) {
  if (!file) return;
  const reader = new FileReader();
  reader.onload = () => { $("text").value = reader.result; $("status").textContent = `Loaded ${file.name}.`; };
  reader.readAsText(file);
}

document.addEventListener("DOMContentLoaded", () => {
  $("form").addEventListener("submit", submit);
  $("file").addEventListener("change", (e) => readFile(e.target.files[0]));
  const area = $("text");
  area.addEventListener("dragover", (e) => { e.preventDefault(); area.classList.add("drop"); });
  area.addEventListener("dragleave", () => area.classList.remove("drop"));
  area.addEventListener("drop", (e) => { e.preventDefault(); area.classList.remove("drop"); readFile(e.dataTransfer.files[0]); });
  document.querySelector("[data-copy=english]").addEventListener("click", () => copy(english));
  $("results-title").setAttribute("tabindex", "-1");
  // a server with API keys: ask for one (kept in this page only, never stored)
  fetch("/health").then((r) => r.json()).then((health) => {
    $("key-row").hidden = !health.api_key_required;
    $("key-row").dataset.checked = "true";  // the server was asked (what a test waits for)
  }).catch(() => {});
});
